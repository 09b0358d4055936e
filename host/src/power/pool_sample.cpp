// One plasmode dataset of `klynge power --pool`, built in memory from the pool's growth values
// (no file, no panel): the Sample the engines take, laid out as build_sample lays out the
// window design, so the same library calls as for simulated datasets (and `analyze`) run on it.
#include <cmath>
#include <string>

#include "klynge/balance.hpp"
#include "klynge/error.hpp"
#include "klynge/hd/growth.hpp"
#include "klynge/hd/pool_draws.hpp"
#include "klynge/power_pool.hpp"

namespace klynge::power {

namespace {

// The drop reason of a pool growth that is missing (its endpoints say why), as build_sample
// would give it.
DropReason drop_reason(double x0, double x1, double h) {
  const hd::GrowthResult g = hd::growth(hd::GrowthKind::log, x0, x1, h);
  return static_cast<DropReason>(static_cast<int>(g.status) - 1);
}

// Member draw j under MemberProfile::members: the stratum cell of a random profile member, then
// a random population firm of that cell (every profile cell has one, pool_from_panel).
std::uint32_t profiled_member(const Pool& pool, std::uint64_t seed, std::uint32_t dataset,
                              std::uint32_t j) {
  const auto profile_size = static_cast<std::uint32_t>(pool.profile.size());
  const auto cell = static_cast<std::size_t>(
      pool.profile[hd::pool_index(seed, dataset, hd::kPurposePoolFirm, j, profile_size)]);
  const std::uint32_t begin = pool.cell_begin[cell];
  const std::uint32_t size = pool.cell_begin[cell + 1] - begin;
  return pool.cell_firms[begin + hd::pool_index(seed, dataset, hd::kPurposePoolCellFirm, j, size)];
}

}  // namespace

std::uint32_t pool_members(std::uint32_t firms, double member_share) {
  return static_cast<std::uint32_t>(std::llround(static_cast<double>(firms) * member_share));
}

Sample pool_sample(const Pool& pool, const PremiumPoint& premium, std::uint32_t firms,
                   double member_share, std::uint64_t seed, std::uint32_t dataset, bool balance) {
  if (pool.firms() < 1) throw Error(ExitCode::internal, "pool_sample: the pool has no firms");
  const bool stratified = !pool.stratum_labels.empty();
  if (balance && !stratified)
    throw Error(ExitCode::internal, "pool_sample: balancing needs the pool's strata");
  if (premium.premium.size() != pool.metrics().size())
    throw Error(ExitCode::internal, "pool_sample: a premium per metric of the pool is needed");
  const std::uint32_t members = pool_members(firms, member_share);
  const double h = static_cast<double>(pool.to) - static_cast<double>(pool.from);

  Sample s;
  s.cells.push_back(Cell{kWindowCohort, pool.from, pool.to, 0, members, firms});
  // Draw j is firm j of the dataset: members are draws [0, members), controls the rest. The
  // draws are independent of each other, so taking the first ones as members is a random
  // marking. A pool firm drawn twice is two firms of the dataset (two independent draws from
  // the population), so every draw gets its own firm index.
  std::vector<std::uint32_t> drawn(firms);
  s.firm.resize(firms);
  s.firm_ids.resize(firms);
  for (std::uint32_t j = 0; j < firms; ++j) {
    drawn[j] = j < members && !pool.profile.empty() ? profiled_member(pool, seed, dataset, j)
                                                    : hd::pool_firm(seed, dataset, j, pool.firms());
    s.firm[j] = static_cast<std::int32_t>(j);
    s.firm_ids[j] = pool.firm_ids[drawn[j]] + "#" + std::to_string(j);
  }
  s.stratum.assign(firms, -1);
  if (stratified) {
    s.stratum_labels = pool.stratum_labels;
    for (std::uint32_t j = 0; j < firms; ++j) s.stratum[j] = pool.stratum[drawn[j]];
  }
  s.firm_cluster.assign(firms, -1);
  s.weighted = balance;

  // The draws above pick firms, never metrics: which firms a dataset holds does not depend on
  // which metric columns the pool has, only on the population (pool.firms()).
  for (std::size_t m = 0; m < pool.metrics().size(); ++m) {
    s.metric_names.push_back(pool.metrics()[m]);
    const double pi = premium.premium[m];
    // The level at the window's end that carries the premium, for the statistics that read
    // levels (agg_diff); the growth itself gets + pi exactly, not through exp and log.
    const double end_factor = std::exp(pi * h);
    std::vector<double>& growth = s.growth.emplace_back(firms);
    std::vector<double>& start = s.start.emplace_back(firms);
    std::vector<double>& end = s.end.emplace_back(firms);
    std::vector<double>& weight = s.weight.emplace_back(firms);
    std::uint64_t dropped[2][kDropReasonCount] = {};
    for (std::uint32_t j = 0; j < firms; ++j) {
      const std::uint32_t k = drawn[j];
      const bool member = j < members;
      start[j] = pool.start[m][k];
      end[j] = member ? pool.end[m][k] * end_factor : pool.end[m][k];
      growth[j] = member ? pool.growth[m][k] + pi : pool.growth[m][k];
      weight[j] = 1.0;
      if (std::isfinite(growth[j])) continue;
      weight[j] = 0.0;
      ++dropped[member ? 0 : 1][static_cast<int>(drop_reason(pool.start[m][k], pool.end[m][k], h))];
    }
    if (balance)
      dropped[0][static_cast<int>(DropReason::unmatched_stratum)] += balance_cell(s, m, 0);
    for (int g = 0; g < 2; ++g)
      for (int r = 0; r < kDropReasonCount; ++r)
        if (dropped[g][r] > 0)
          s.drops.push_back(DropCount{s.metric_names[m], kWindowCohort,
                                      g == 0 ? Group::member : Group::control,
                                      static_cast<DropReason>(r), dropped[g][r]});
  }
  return s;
}

}  // namespace klynge::power
