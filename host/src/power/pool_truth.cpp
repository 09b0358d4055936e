// The true mean difference of a pool's datasets (docs/power.md "Members selected on strata"),
// computed exactly from the pool. Within a stratum cell members and controls are draws of the
// same firms (members + the premium), so each cell's difference is the premium (in a growth
// type other than log: the premium's mean move of the cell's valid firms' growth); what remains,
// when members follow the file's members and the controls are not balanced, is the composition
// gap: members' valid growth is spread over the cells by the profile, controls' by the
// population; in the cohort design per window, averaged over the windows as the aggregate
// averages its cohorts. So is a premium that differs between the cohorts (--premium-by-entry).
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <vector>

#include "klynge/error.hpp"
#include "klynge/hd/growth.hpp"
#include "klynge/power_pool.hpp"

namespace klynge::power {

namespace {

// A member's growth of metric m in a window with per-year premium pi: the level at the window's
// end times exp(pi x years), as pool_sample makes it (any growth type but log, whose growth
// gets + pi exactly).
double member_growth(hd::GrowthKind kind, const PoolWindow& window, std::size_t m, std::size_t i,
                     double pi) {
  const double h = static_cast<double>(window.to) - static_cast<double>(window.from);
  return hd::growth(kind, window.start[m][i], window.end[m][i] * std::exp(pi * h), h).value;
}

}  // namespace

std::vector<double> pool_true_value(const Pool& pool, const PremiumPoint& premium, bool balance,
                                    const std::vector<double>& cohort_factor) {
  if (premium.premium.size() != pool.metrics().size())
    throw Error(ExitCode::internal, "pool_true_value: a premium per metric of the pool is needed");
  if (!cohort_factor.empty() && cohort_factor.size() != pool.windows.size())
    throw Error(ExitCode::internal, "pool_true_value: a premium factor per window is needed");
  // Log growth: a member's growth is its firm's + pi, so without a profile members are drawn as
  // controls are (in the window's cell, or in every cohort's cell among the firms with a row in
  // its window) and each cell's difference is its premium; with one premium for all cohorts, so
  // is any weighted average of them. In the other growth types the premium moves a member's
  // growth by an amount that depends on its firm's levels: the cell's difference is the mean of
  // that move over the cell's valid firms (levels below).
  const bool levels = pool.design.growth != GrowthType::log;
  const auto kind = static_cast<hd::GrowthKind>(pool.design.growth);
  const bool gaps = !pool.profile.empty() && !balance;
  const bool one_factor = std::adjacent_find(cohort_factor.begin(), cohort_factor.end(),
                                             std::not_equal_to<double>()) == cohort_factor.end();
  const double factor = cohort_factor.empty() ? 1.0 : cohort_factor.front();
  if (!levels && !gaps && one_factor) {
    std::vector<double> scaled = premium.premium;
    for (double& p : scaled) p *= factor;
    return scaled;
  }

  const std::uint32_t per_window = pool.cells_per_window();
  const std::size_t cells = pool.windows.size() * per_window;
  // p_c: share of the profile in profile cell c; n_c: population firms in c (Pool::cell_begin).
  std::vector<double> profile_share(cells, 0.0);
  for (const std::int32_t c : pool.profile) profile_share[static_cast<std::size_t>(c)] += 1.0;
  for (double& p : profile_share) p /= static_cast<double>(pool.profile.size());

  std::vector<double> truth(pool.metrics().size());
  for (std::size_t m = 0; m < pool.metrics().size(); ++m) {
    // Per window: a member draw lands on a valid firm of cell c with probability
    // p_c v_c / n_c (v_c: firms of c valid for metric m), whose mean growth is sum_c / v_c; a
    // control with a row in the window is a uniform draw of the window's firms. Without a
    // profile a member draw takes the window with probability 1 / windows and then a uniform
    // firm of it.
    double weight_total = 0.0, weighted_gap = 0.0, only_gap = 0.0;
    double weighted_premium = 0.0, only_premium = 0.0;
    std::size_t windows_with_members = 0;
    for (std::size_t w = 0; w < pool.windows.size(); ++w) {
      const PoolWindow& window = pool.windows[w];
      const double pi = premium.premium[m] * (cohort_factor.empty() ? 1.0 : cohort_factor[w]);
      // sum: growth without the premium; moved: a member's growth with it minus without.
      std::vector<double> valid(per_window, 0.0), sum(per_window, 0.0), moved(per_window, 0.0);
      for (std::size_t i = 0; i < window.firms.size(); ++i) {
        const double g = window.growth[m][i];
        if (!std::isfinite(g)) continue;
        const std::size_t s =
            window.stratum.empty() ? 0 : static_cast<std::size_t>(window.stratum[i]);
        valid[s] += 1.0;
        sum[s] += g;
        if (levels) moved[s] += member_growth(kind, window, m, i, pi) - g;
      }
      // Expected valid member draws of the window (mass) and their sums of growth and of its
      // move, per member draw; balanced, the controls' growth weighed by the members' strata.
      double member_mass = 0.0, member_sum = 0.0, member_moved = 0.0, control_mass = 0.0,
             control_sum = 0.0;
      for (std::size_t s = 0; s < per_window; ++s) {
        control_mass += valid[s];
        control_sum += sum[s];
        if (pool.profile.empty()) continue;
        const std::size_t c = w * per_window + s;
        const double firms = pool.cell_begin[c + 1] - pool.cell_begin[c];
        if (firms == 0.0) continue;
        member_mass += profile_share[c] * valid[s] / firms;
        member_sum += profile_share[c] * sum[s] / firms;
        member_moved += profile_share[c] * moved[s] / firms;
      }
      if (pool.profile.empty()) {
        const auto per_draw = [&](double x) {
          return x / static_cast<double>(window.firms.size()) /
                 static_cast<double>(pool.windows.size());
        };
        member_mass = per_draw(control_mass);
        member_sum = per_draw(control_sum);
        for (const double x : moved) member_moved += per_draw(x);
      }
      if (!(member_mass > 0.0)) continue;  // no valid member expected in this window's cell
      if (!(control_mass > 0.0)) {
        weighted_gap = std::numeric_limits<double>::quiet_NaN();
        continue;
      }
      // The composition gap of the growth without the premium (0 balanced: within a stratum
      // members and controls are draws of the same firms), plus the premium's move: pi itself
      // in logs, else the members' mean move.
      only_gap = gaps ? member_sum / member_mass - control_sum / control_mass : 0.0;
      only_premium = levels ? member_moved / member_mass : pi;
      // The cohort aggregate weighs each cohort by its valid members (estimands.md section 7):
      // in expectation, member_mass per member draw.
      weight_total += member_mass;
      weighted_gap += member_mass * only_gap;
      weighted_premium += member_mass * only_premium;
      ++windows_with_members;
    }
    // One window (always so in the window design): its values as they are, not re-weighted;
    // one factor for all cohorts in logs: that multiple of the premium, whatever the weights.
    const bool one = windows_with_members == 1;
    const double gap = one ? only_gap : weighted_gap / weight_total;
    const double cohort_premium = !levels && one_factor ? premium.premium[m] * factor
                                  : one                 ? only_premium
                                                        : weighted_premium / weight_total;
    truth[m] = windows_with_members > 0 && std::isfinite(weighted_gap)
                   ? cohort_premium + gap
                   : std::numeric_limits<double>::quiet_NaN();
  }
  return truth;
}

}  // namespace klynge::power
