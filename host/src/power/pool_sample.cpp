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
DropReason drop_reason(hd::GrowthKind kind, double x0, double x1, double h) {
  const hd::GrowthResult g = hd::growth(kind, x0, x1, h);
  return static_cast<DropReason>(static_cast<int>(g.status) - 1);
}

// Member draw j under MemberProfile::members: the profile cell of a random profile member, then
// a random population firm of that cell (every profile cell has one, pool_from_panel). Returns
// the firm and the cell's window.
struct ProfiledDraw {
  std::uint32_t firm, window;
};
ProfiledDraw profiled_member(const Pool& pool, std::uint64_t seed, std::uint32_t dataset,
                             std::uint32_t j) {
  const auto profile_size = static_cast<std::uint32_t>(pool.profile.size());
  const auto cell = static_cast<std::uint32_t>(
      pool.profile[hd::pool_index(seed, dataset, hd::kPurposePoolFirm, j, profile_size)]);
  const std::uint32_t begin = pool.cell_begin[cell];
  const std::uint32_t size = pool.cell_begin[cell + 1] - begin;
  return {pool.cell_firms[begin + hd::pool_index(seed, dataset, hd::kPurposePoolCellFirm, j, size)],
          cell / pool.cells_per_window()};
}

}  // namespace

std::uint32_t pool_members(std::uint32_t firms, double member_share) {
  return static_cast<std::uint32_t>(std::llround(static_cast<double>(firms) * member_share));
}

Sample pool_sample(const Pool& pool, const PremiumPoint& premium, std::uint32_t firms,
                   double member_share, std::uint64_t seed, std::uint32_t dataset, bool balance,
                   const std::vector<double>& cohort_factor) {
  if (pool.firms() < 1 || pool.windows.empty())
    throw Error(ExitCode::internal, "pool_sample: the pool has no firms");
  const bool stratified = !pool.stratum_labels.empty();
  if (balance && !stratified)
    throw Error(ExitCode::internal, "pool_sample: balancing needs the pool's strata");
  if (premium.premium.size() != pool.metrics().size())
    throw Error(ExitCode::internal, "pool_sample: a premium per metric of the pool is needed");
  if (!cohort_factor.empty() && cohort_factor.size() != pool.windows.size())
    throw Error(ExitCode::internal, "pool_sample: a premium factor per window is needed");
  const std::uint32_t members = pool_members(firms, member_share);
  const bool cohorts = pool.cohort_design();
  const auto windows = static_cast<std::uint32_t>(pool.windows.size());
  const auto kind = static_cast<hd::GrowthKind>(pool.design.growth);

  // Draw j is firm j of the dataset: members are draws [0, members), controls the rest. The
  // draws are independent of each other, so taking the first ones as members is a random
  // marking. A pool firm drawn twice is two firms of the dataset (two independent draws from
  // the population), so every draw gets its own firm index. A member's window is its cohort's
  // (the one window in the window design).
  std::vector<std::uint32_t> drawn(firms), member_window(members, 0);
  Sample s;
  s.firm_ids.resize(firms);
  for (std::uint32_t j = 0; j < firms; ++j) {
    if (j < members && !pool.profile.empty()) {
      const ProfiledDraw draw = profiled_member(pool, seed, dataset, j);
      drawn[j] = draw.firm;
      member_window[j] = draw.window;
    } else if (j < members && cohorts) {
      const std::uint32_t w = hd::pool_index(seed, dataset, hd::kPurposePoolCohort, j, windows);
      const std::vector<std::uint32_t>& in_window = pool.windows[w].firms;
      member_window[j] = w;
      drawn[j] = in_window[hd::pool_index(seed, dataset, hd::kPurposePoolWindowFirm, j,
                                          static_cast<std::uint32_t>(in_window.size()))];
    } else {
      drawn[j] = hd::pool_firm(seed, dataset, j, pool.firms());
    }
    s.firm_ids[j] = pool.firm_ids[drawn[j]] + "#" + std::to_string(j);
  }

  // Cells in window order, each with its members (draw order) then the controls with a row in
  // its window (draw order); a cohort without members has no cell, as in build_sample. `slot`
  // is each contribution's index into its window's arrays.
  std::vector<std::uint32_t> window_of_cell, slot;
  for (std::uint32_t w = 0; w < windows; ++w) {
    const PoolWindow& window = pool.windows[w];
    Cell cell{
        window.cohort, window.from, window.to, static_cast<std::uint32_t>(s.firm.size()), 0, 0};
    for (std::uint32_t j = 0; j < members; ++j) {
      if (member_window[j] != w) continue;
      s.firm.push_back(static_cast<std::int32_t>(j));
      slot.push_back(static_cast<std::uint32_t>(window.slot[drawn[j]]));
    }
    cell.member_end = static_cast<std::uint32_t>(s.firm.size());
    if (cohorts && cell.member_end == cell.member_begin) continue;
    for (std::uint32_t j = members; j < firms; ++j) {
      const std::int32_t i = window.slot[drawn[j]];
      if (i < 0) continue;
      s.firm.push_back(static_cast<std::int32_t>(j));
      slot.push_back(static_cast<std::uint32_t>(i));
    }
    cell.control_end = static_cast<std::uint32_t>(s.firm.size());
    s.cells.push_back(cell);
    window_of_cell.push_back(w);
  }
  const std::size_t n = s.firm.size();
  s.stratum.assign(n, -1);
  if (stratified) s.stratum_labels = pool.stratum_labels;
  s.firm_cluster.assign(firms, -1);
  s.weighted = balance;

  // The draws above pick firms, never metrics: which firms a dataset holds does not depend on
  // which metric columns the pool has, only on the population (pool.firms()).
  for (std::size_t m = 0; m < pool.metrics().size(); ++m) {
    s.metric_names.push_back(pool.metrics()[m]);
    std::vector<double>& growth = s.growth.emplace_back(n);
    std::vector<double>& start = s.start.emplace_back(n);
    std::vector<double>& end = s.end.emplace_back(n);
    std::vector<double>& weight = s.weight.emplace_back(n);
    for (std::size_t c = 0; c < s.cells.size(); ++c) {
      const Cell& cell = s.cells[c];
      const PoolWindow& window = pool.windows[window_of_cell[c]];
      const double pi =
          premium.premium[m] * (cohort_factor.empty() ? 1.0 : cohort_factor[window_of_cell[c]]);
      const double h = static_cast<double>(cell.to) - static_cast<double>(cell.from);
      // The premium multiplies a member's level at the window's end (read by agg_diff and by
      // every growth type but log); a log growth gets + pi exactly, not through exp and log.
      const double end_factor = std::exp(pi * h);
      std::uint64_t dropped[2][kDropReasonCount] = {};
      for (std::uint32_t i = cell.member_begin; i < cell.control_end; ++i) {
        const std::uint32_t k = slot[i];
        const bool member = i < cell.member_end;
        if (m == 0 && stratified) s.stratum[i] = window.stratum[k];
        start[i] = window.start[m][k];
        end[i] = member ? window.end[m][k] * end_factor : window.end[m][k];
        growth[i] = !member                       ? window.growth[m][k]
                    : kind == hd::GrowthKind::log ? window.growth[m][k] + pi
                                                  : hd::growth(kind, start[i], end[i], h).value;
        weight[i] = 1.0;
        if (std::isfinite(growth[i])) continue;
        weight[i] = 0.0;
        ++dropped[member ? 0 : 1]
                 [static_cast<int>(drop_reason(kind, window.start[m][k], window.end[m][k], h))];
      }
      if (balance)
        dropped[0][static_cast<int>(DropReason::unmatched_stratum)] += balance_cell(s, m, c);
      for (int g = 0; g < 2; ++g)
        for (int r = 0; r < kDropReasonCount; ++r)
          if (dropped[g][r] > 0)
            s.drops.push_back(DropCount{s.metric_names[m], cell.cohort,
                                        g == 0 ? Group::member : Group::control,
                                        static_cast<DropReason>(r), dropped[g][r]});
    }
  }
  return s;
}

}  // namespace klynge::power
