// The true mean difference of a pool's datasets (docs/power.md "Members selected on strata"),
// computed exactly from the pool. Within a stratum cell members and controls are draws of the
// same firms (members + the premium), so each cell's difference is the premium; what remains,
// when members follow the file's members and the controls are not balanced, is the composition
// gap: members' valid growth is spread over the cells by the profile, controls' by the
// population.
#include <cmath>
#include <limits>
#include <vector>

#include "klynge/error.hpp"
#include "klynge/power_pool.hpp"

namespace klynge::power {

std::vector<double> pool_true_value(const Pool& pool, const PremiumPoint& premium, bool balance) {
  if (premium.premium.size() != pool.metrics().size())
    throw Error(ExitCode::internal, "pool_true_value: a premium per metric of the pool is needed");
  std::vector<double> truth = premium.premium;
  // The cohort design has no profile: in every cohort's cell members and controls are draws of
  // the same firms (those with a row in its window), so each cell's difference is the premium,
  // and so is any weighted average of them.
  if (pool.profile.empty() || balance) return truth;
  const PoolWindow& window = pool.windows.at(0);  // a profile implies the window design

  const std::size_t cells = pool.stratum_labels.size();
  // p_s: share of the profile in cell s; n_s: population firms in s (the pool's cell index).
  std::vector<double> profile_share(cells, 0.0);
  for (const std::int32_t s : pool.profile) profile_share[static_cast<std::size_t>(s)] += 1.0;
  for (double& p : profile_share) p /= static_cast<double>(pool.profile.size());

  for (std::size_t m = 0; m < pool.metrics().size(); ++m) {
    // v_s: firms of s valid for metric m; sum_s: the sum of their growth.
    std::vector<double> valid(cells, 0.0), sum(cells, 0.0);
    for (std::uint32_t k = 0; k < pool.firms(); ++k) {
      const double g = window.growth[m][k];
      if (!std::isfinite(g)) continue;
      const auto s = static_cast<std::size_t>(window.stratum[k]);
      valid[s] += 1.0;
      sum[s] += g;
    }
    // A member draw lands on a valid firm of s with probability p_s v_s / n_s, whose mean growth
    // is sum_s / v_s; a control draw on one with probability v_s / N.
    double member_mass = 0.0, member_sum = 0.0, control_mass = 0.0, control_sum = 0.0;
    for (std::size_t s = 0; s < cells; ++s) {
      control_mass += valid[s];
      control_sum += sum[s];
      const double firms = pool.cell_begin[s + 1] - pool.cell_begin[s];
      if (firms == 0.0) continue;
      member_mass += profile_share[s] * valid[s] / firms;
      member_sum += profile_share[s] * sum[s] / firms;
    }
    truth[m] = member_mass > 0.0 && control_mass > 0.0
                   ? premium.premium[m] + member_sum / member_mass - control_sum / control_mass
                   : std::numeric_limits<double>::quiet_NaN();
  }
  return truth;
}

}  // namespace klynge::power
