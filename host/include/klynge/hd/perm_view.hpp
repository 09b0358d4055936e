// What one permutation replicate reads (PermView: the blocks, cells and records the host
// builds once, host/src/cpu/permutation.cpp) and where it works (PermScratch: one worker's
// share, hd/perm_scratch.hpp). Plain structs and pointers, so the same layout serves the
// OpenMP loop and the CUDA kernels.
#pragma once

#include <cstdint>

#include "klynge/hd/perm_sums.hpp"

namespace klynge::hd {

// Statistic order as klynge::Statistic.
inline constexpr int kPermMean = 0, kPermMedian = 1, kPermTrimmed = 2, kPermAgg = 3, kPermWelch = 4;

struct PermView {
  // Blocks: positions block_pos[block_begin[b] .. block_begin[b + 1]) (contribution indices,
  // members of the observed labeling first); block_members[b] of them are observed members.
  const std::uint32_t* block_begin;
  const std::uint32_t* block_pos;
  const std::uint32_t* block_members;
  const std::uint64_t* block_draw_offset;  // first draw position of each block
  const std::uint64_t* block_radix;        // C(n_b, k_b), exact mode
  std::uint32_t blocks;

  // Cells: contributions [cell_begin[c], cell_end[c]).
  const std::uint32_t* cell_begin;
  const std::uint32_t* cell_end;
  std::uint32_t cells;

  // Per metric m, per contribution i: entry m * contributions + i.
  const double* y;
  const double* w;
  const double* x0;
  const double* x1;
  std::uint32_t metrics;
  std::uint32_t contributions;

  // Sorted valid entries of each (metric, cell) segment s = m * cells + c, for the median and
  // trimmed mean: [sorted_begin[s], sorted_begin[s + 1]) of sorted_y, sorted_w, sorted_index
  // (contribution index), ordered by (y, w, contribution).
  const std::uint32_t* sorted_begin;
  const double* sorted_y;
  const double* sorted_w;
  const std::uint32_t* sorted_index;

  // --balance (docs/permutation.md "Weights"): the statistic is the balanced comparison, its
  // balance factors recomputed from every relabeling. A balance group is a cell x stratum; the
  // groups of cell c are [cell_group_begin[c], cell_group_begin[c + 1]) (ascending stratum, as
  // balance_cell orders them) and group_of[i] is contribution i's. The weights w are then the
  // sampling weights alone (Sample::unbalanced_weight). With --perm-scheme strata the groups
  // are the blocks (group g is block g), so the fast path keeps block sums as group sums.
  bool balanced;
  const std::uint32_t* cell_group_begin;  // [cells + 1]
  const std::uint32_t* group_of;          // [contributions], general path
  std::uint32_t groups;
  // Balanced fast path: each group's totals ([metric * groups]; with strata blocks these are
  // block_totals) and whether the blocks are wider than the groups (--perm-scheme all: the
  // drawn records are then added to their groups' sums one by one, add_group_members, which
  // reads the group of each block position; null otherwise).
  const std::uint32_t* position_group;
  const PermSums* group_totals;
  bool group_sums;

  int statistic;       // kPerm*
  bool cohort_design;  // adds the aggregate over cells
  bool weighted;       // fractional trimming by mass
  bool level;          // agg_diff not applicable
  double trim;

  std::uint64_t seed;
  std::uint32_t analysis;

  // Fast path (mean_diff, welch_t): sums over the drawn (smaller) group only, O(k) per block.
  bool fast;
  // Records in block-position order (position j is contribution block_pos[j]), position-major
  // so a drawn firm is one gather for all its metrics and a block-local draw t is position
  // block_begin[b] + t without a lookup: rec[(j * metrics + m) * 2] = y - center of its
  // (metric, cell) and rec[... + 1] = w, both 0 where the contribution is not valid for m.
  const double* rec;
  const double* center;             // [metric * cells]
  const PermSums* cell_totals;      // [metric * cells]
  const PermSums* block_totals;     // [metric * blocks]
  const std::uint32_t* block_cell;  // [blocks]
  std::uint64_t total_draws;        // sum of k_b

  // welch_t in the cohort design: the aggregate is studentized by the firms' influence, the
  // standard error describe reports, which counts a control firm once over every cohort it is
  // in (hd/perm_firm_influence.hpp, docs/permutation.md "Cohort design").
  bool firm_se;
  std::uint32_t firms;                     // firms with a contribution, dense indices
  const std::uint32_t* contribution_firm;  // [contributions] general path
  // Fast path (every block draws its members): the slots of firm f are a contiguous range
  // (its block positions in cell order). Slot x is firm_slots[x * stride ...]: its cell (as a
  // double), then per metric its record (a, b) = (w (y - center), w), or with
  // unit_weight_slots (every w 0 or 1) a alone, NaN for w = 0 (hd::slot_record). Block
  // position j's firm has the slots [first, first + count) with first = position_slots[2 j]
  // and position_slots[2 j + 1] = (own slot - first) | count << 16. Per metric,
  // pair_sums[((metric * 3 + kind) * cells + c) * cells + c'] sums over firms the products of
  // two of a firm's slots, in cells c and c': kind 0 = a a', 1 = a b', 2 = b b'.
  const double* firm_slots;
  bool unit_weight_slots;
  const std::uint32_t* position_slots;
  const double* pair_sums;
};

// Per-thread scratch, sized by the host.
struct PermScratch {
  std::uint8_t* label;      // [contributions]
  std::uint64_t* taken;     // [(longest block + 63) / 64], all clear between uses
  double* member_count;     // [longest cell]
  double* control_count;    // [longest cell]
  double* sorted_member;    // [longest sorted segment]
  double* sorted_control;   // [longest sorted segment]
  double* cell_value;       // [cells]
  double* cell_units;       // [cells] member units
  double* cell_se2;         // [cells] squared SE of the mean difference
  double* cell_diff;        // [cells] mean difference
  double* group_member_w;   // [groups] balanced general path: the groups' member weight,
  double* group_control_w;  // control weight
  double* group_factor;     // and balance factor (0: the group is not matched)
  double* firm_influence;   // [firms] firm_se, general path
  double* cell_terms;       // [metrics * (4 * cells + 3)] firm_se, fast path
                            // (perm_firm_influence.hpp)
  std::uint64_t* marks;     // [positions / 64 + 2] firm_se, fast path: the drawn firm
                            // slots, all clear between uses
  std::uint32_t* chosen;    // [total draws] the drawn contributions (fast path: block
                            // positions), block by block
  PermSums* member_sums;    // [metrics * cells] fast path ([metrics * groups] when balanced)
  PermSums* drawn_sums;     // [kPermLanes * metrics] fast path (lane partial sums)
};

}  // namespace klynge::hd
