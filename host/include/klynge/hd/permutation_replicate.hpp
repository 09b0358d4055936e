// One permutation replicate, written once for every backend (DESIGN.md §2): relabel every
// block (hd/permutation_draws.hpp), then compute the test statistic of every metric, cell and
// the cohort aggregate from the labels. Plain structs and pointers only; the host builds the
// view (host/src/cpu/permutation.cpp) and the scratch.
//
// Labels are per contribution (label[i] = 1: member in this replicate). Every metric reads the
// same labels, so a firm's metrics move together and one replicate is one draw from the joint
// permutation distribution of all keys (what maxT needs). Blocks never straddle cells; in the
// cohort design a control firm appears in several cells and is relabeled in each cell's block
// independently (docs/permutation.md, "Blocks"); welch_t's aggregate is therefore studentized
// by the firms' influence, which counts a shared control once (label_firm_aggregate,
// hd/perm_firm_influence.hpp).
//
// Statistics use the shared reductions of hd/group_stats.hpp with 0/1 counts over the whole
// cell: counts = label for the members, 1 - label for the controls. With the observed labels
// this is describe's arithmetic in describe's order, so the observed statistic of a cell is
// describe's value.
#pragma once

#include <cmath>
#include <cstdint>

#include "klynge/hd/group_stats.hpp"
#include "klynge/hd/macros.hpp"
#include "klynge/hd/metric_count.hpp"
#include "klynge/hd/perm_firm_influence.hpp"
#include "klynge/hd/perm_sums.hpp"
#include "klynge/hd/perm_view.hpp"
#include "klynge/hd/permutation_draws.hpp"

namespace klynge::hd {

KLYNGE_HD std::uint32_t perm_keys_per_metric(const PermView& v) {
  return v.cells + (v.cohort_design ? 1u : 0u);
}

KLYNGE_HD std::uint32_t perm_keys(const PermView& v) {
  return v.metrics * perm_keys_per_metric(v);
}

// Block b: size n, observed members m, drawn count k = min(m, n - m) and the drawn label (the
// smaller group's: members when m <= n - m).
struct BlockShape {
  std::uint32_t n, m, k;
  std::uint8_t drawn;
};

KLYNGE_HD BlockShape block_shape(const PermView& v, std::uint32_t b) {
  BlockShape s;
  s.n = v.block_begin[b + 1] - v.block_begin[b];
  s.m = v.block_members[b];
  const bool members_smaller = s.m <= s.n - s.m;
  s.k = members_smaller ? s.m : s.n - s.m;
  s.drawn = members_smaller ? 1 : 0;
  return s;
}

// The observed labels.
KLYNGE_HD void observed_labels(const PermView& v, std::uint8_t* label) {
  for (std::uint32_t b = 0; b < v.blocks; ++b) {
    const std::uint32_t* pos = v.block_pos + v.block_begin[b];
    const BlockShape s = block_shape(v, b);
    for (std::uint32_t i = 0; i < s.n; ++i) label[pos[i]] = i < s.m ? 1 : 0;
  }
}

// Monte Carlo relabeling `replicate`: a pure function of (seed, analysis, replicate). The
// drawn contributions of block b go to chosen[block_draw_offset[b] ..], in position order.
KLYNGE_HD void draw_chosen(const PermView& v, std::uint32_t replicate, std::uint64_t* taken,
                           std::uint32_t* chosen) {
  WordStream s = word_stream(v.seed, v.analysis, kPurposePermutation, replicate);
  for (std::uint32_t b = 0; b < v.blocks; ++b) {
    const std::uint32_t* pos = v.block_pos + v.block_begin[b];
    const BlockShape sh = block_shape(v, b);
    floyd_bits(s, v.block_draw_offset[b], sh.n, sh.k, taken);
    collect_bits(taken, sh.n, pos, chosen + v.block_draw_offset[b]);
  }
}

// The same relabeling as labels over whole blocks (general path).
KLYNGE_HD void draw_labels(const PermView& v, std::uint32_t replicate, std::uint64_t* taken,
                           std::uint32_t* chosen, std::uint8_t* label) {
  draw_chosen(v, replicate, taken, chosen);
  for (std::uint32_t b = 0; b < v.blocks; ++b) {
    const std::uint32_t* pos = v.block_pos + v.block_begin[b];
    const BlockShape sh = block_shape(v, b);
    const std::uint8_t other = sh.drawn ? 0 : 1;
    for (std::uint32_t i = 0; i < sh.n; ++i) label[pos[i]] = other;
    const std::uint32_t* c = chosen + v.block_draw_offset[b];
    for (std::uint32_t i = 0; i < sh.k; ++i) label[c[i]] = sh.drawn;
  }
}

// Exact mode: relabeling number `rank` of the product of the blocks' subset orders.
KLYNGE_HD void rank_labels(const PermView& v, std::uint64_t rank, std::uint8_t* label) {
  for (std::uint32_t bb = v.blocks; bb-- > 0;) {  // last block = least significant digit
    const std::uint32_t* pos = v.block_pos + v.block_begin[bb];
    const BlockShape sh = block_shape(v, bb);
    const std::uint8_t other = sh.drawn ? 0 : 1;
    for (std::uint32_t i = 0; i < sh.n; ++i) label[pos[i]] = other;
    const std::uint64_t radix = v.block_radix[bb];
    unrank_subset(rank % radix, pos, sh.n, sh.k, label, sh.drawn);
    rank /= radix;
  }
}

KLYNGE_HD bool perm_finite(double x) {
  return x - x == 0.0;
}

// Balanced weights of one (metric, cell) under `label`, the factors recomputed as balance_cell
// computes them (host/src/design/balance.cpp) for these labels: a group (stratum) is matched
// when it has member and control weight; a matched group's controls get the factor
// (W_m,g / W_m) / (W_c,g / W_c), sums over the matched groups. Members of unmatched groups and
// controls of groups without members get 0. Fills sc.member_count / sc.control_count with the
// members' and controls' weights (not counts), and sc.group_factor for the cell's groups; with
// the observed labels these are the balanced Sample's weights bit for bit (the same sums in the
// same order).
KLYNGE_HD void balanced_weights(const PermView& v, std::uint32_t cell, const double* w,
                                const PermScratch& sc) {
  const std::uint32_t begin = v.cell_begin[cell], n = v.cell_end[cell] - begin;
  const std::uint32_t g0 = v.cell_group_begin[cell], g1 = v.cell_group_begin[cell + 1];
  for (std::uint32_t g = g0; g < g1; ++g) sc.group_member_w[g] = sc.group_control_w[g] = 0.0;
  for (std::uint32_t i = 0; i < n; ++i) {
    if (!(w[i] > 0.0)) continue;
    const std::uint32_t g = v.group_of[begin + i];
    if (sc.label[begin + i])
      sc.group_member_w[g] += w[i];
    else
      sc.group_control_w[g] += w[i];
  }
  double members_total = 0.0, controls_total = 0.0;
  for (std::uint32_t g = g0; g < g1; ++g)
    if (sc.group_member_w[g] > 0.0 && sc.group_control_w[g] > 0.0) {
      members_total += sc.group_member_w[g];
      controls_total += sc.group_control_w[g];
    }
  for (std::uint32_t g = g0; g < g1; ++g)
    sc.group_factor[g] =
        sc.group_member_w[g] > 0.0 && sc.group_control_w[g] > 0.0
            ? (sc.group_member_w[g] / members_total) / (sc.group_control_w[g] / controls_total)
            : 0.0;
  for (std::uint32_t i = 0; i < n; ++i) {
    const double f = sc.group_factor[v.group_of[begin + i]];
    const bool in = w[i] > 0.0 && f > 0.0;
    const bool member = sc.label[begin + i] != 0;
    sc.member_count[i] = in && member ? w[i] : 0.0;
    sc.control_count[i] = in && !member ? w[i] * f : 0.0;
  }
}

// Each group's weights and counts in one (metric, cell) under `label`: (w, label) or, balanced,
// (the balanced weight, none), in sc.member_count / sc.control_count.
struct CellWeights {
  const double *member_w, *member_c, *control_w, *control_c;
};

KLYNGE_HD CellWeights cell_weights(const PermView& v, std::uint32_t cell, const double* w,
                                   const PermScratch& sc) {
  if (v.balanced) {
    balanced_weights(v, cell, w, sc);
    return CellWeights{sc.member_count, nullptr, sc.control_count, nullptr};
  }
  const std::uint32_t begin = v.cell_begin[cell], n = v.cell_end[cell] - begin;
  for (std::uint32_t i = 0; i < n; ++i) {
    const double l = sc.label[begin + i] ? 1.0 : 0.0;
    sc.member_count[i] = l;
    sc.control_count[i] = 1.0 - l;
  }
  return CellWeights{w, sc.member_count, w, sc.control_count};
}

// The statistic of one (metric, cell) under `label`; *diff gets the mean difference, *se2 its
// squared SE (NaN unless both groups have >= 2 firms) and *units the member units.
KLYNGE_HD double cell_statistic(const PermView& v, std::uint32_t metric, std::uint32_t cell,
                                const PermScratch& sc, double* diff_out, double* se2,
                                double* units) {
  const double nan = nan_value();
  const std::uint32_t begin = v.cell_begin[cell], n = v.cell_end[cell] - begin;
  const std::size_t base = static_cast<std::size_t>(metric) * v.contributions + begin;
  const double* y = v.y + base;
  const CellWeights cw = cell_weights(v, cell, v.w + base, sc);
  const double* member_w = cw.member_w;
  const double* member_c = cw.member_c;
  const double* control_w = cw.control_w;
  const double* control_c = cw.control_c;
  const Moments m = moments(y, member_w, member_c, n);
  const Moments c = moments(y, control_w, control_c, n);
  *se2 = nan;
  *diff_out = nan;
  *units = m.units;
  if (!(m.sum_w > 0.0) || !(c.sum_w > 0.0)) return nan;
  const double diff = m.mean - c.mean;
  *diff_out = diff;
  if (m.units >= 2.0 && c.units >= 2.0) *se2 = mean_se2(m) + mean_se2(c);
  switch (v.statistic) {
    case kPermMean:
      return diff;
    case kPermWelch:
      return (m.units >= 2.0 && c.units >= 2.0) ? welch_t(diff, mean_se2(m), mean_se2(c)) : nan;
    case kPermAgg: {
      if (v.level) return nan;
      const double am = aggregate_growth(v.x0 + base, v.x1 + base, member_w, member_c, n);
      const double ac = aggregate_growth(v.x0 + base, v.x1 + base, control_w, control_c, n);
      return perm_finite(am) && perm_finite(ac) ? am - ac : nan;
    }
    default: {  // median, trimmed mean: scans over the sorted valid entries
      const std::uint32_t seg = metric * v.cells + cell;
      const std::uint32_t sb = v.sorted_begin[seg], sn = v.sorted_begin[seg + 1] - sb;
      // Counts on the sampling weights: 0/1, or (balanced) the member's 0/1 for a matched
      // group and the control's balance factor.
      for (std::uint32_t i = 0; i < sn; ++i) {
        const std::uint32_t at = v.sorted_index[sb + i];
        const double l = sc.label[at] ? 1.0 : 0.0;
        const double f = v.balanced ? sc.group_factor[v.group_of[at]] : 1.0;
        sc.sorted_member[i] = f > 0.0 ? l : 0.0;
        sc.sorted_control[i] = (1.0 - l) * f;
      }
      const double* ys = v.sorted_y + sb;
      const double* ws = v.sorted_w + sb;
      if (v.statistic == kPermMedian)
        return weighted_median_sorted(ys, ws, sc.sorted_member, sn) -
               weighted_median_sorted(ys, ws, sc.sorted_control, sn);
      const double cut_m =
          v.weighted ? trim_cut_mass(v.trim, m.sum_w) : trim_cut_units(v.trim, m.units);
      const double cut_c =
          v.weighted ? trim_cut_mass(v.trim, c.sum_w) : trim_cut_units(v.trim, c.units);
      return trimmed_mean_sorted(ys, ws, sc.sorted_member, sn, cut_m) -
             trimmed_mean_sorted(ys, ws, sc.sorted_control, sn, cut_c);
    }
  }
}

// The cohort aggregate of one metric from the cell values in scratch: each cell with a value
// weighted by its member units (every statistic but welch_t, whose aggregate is studentized by
// the firms' influence: label_firm_aggregate, hd/perm_firm_influence.hpp). A relabeling that
// leaves a cell without a value drops that cell, as the observed labels would, instead of
// voiding the replicate (which would count as extreme: a conservative test).
KLYNGE_HD double aggregate_statistic(const PermView& v, const PermScratch& sc) {
  double total = 0.0, sum = 0.0;
  for (std::uint32_t c = 0; c < v.cells; ++c) {
    const double value = sc.cell_value[c];
    if (!perm_finite(value)) continue;
    total += sc.cell_units[c];
    sum += sc.cell_units[c] * value;
  }
  return total > 0.0 ? sum / total : nan_value();
}

// welch_t's cohort aggregate under `label` (PermView::firm_se, general path): the weighted mean
// difference over the cells in the aggregate, divided by the firms' influence standard error.
// describe's arithmetic in describe's order (host/src/stats/describe.cpp), so with the observed
// labels it is describe's value bit for bit. Cell values from label_statistics in scratch.
KLYNGE_HD double label_firm_aggregate(const PermView& v, std::uint32_t metric,
                                      const PermScratch& sc) {
  double total = 0.0, sum = 0.0;
  for (std::uint32_t c = 0; c < v.cells; ++c) {
    if (!perm_finite(sc.cell_diff[c]) || !perm_finite(sc.cell_se2[c])) continue;
    total += sc.cell_units[c];
    sum += sc.cell_units[c] * sc.cell_diff[c];
  }
  if (!(total > 0.0)) return nan_value();
  for (std::uint32_t f = 0; f < v.firms; ++f) sc.firm_influence[f] = 0.0;
  for (std::uint32_t c = 0; c < v.cells; ++c) {
    if (!perm_finite(sc.cell_diff[c]) || !perm_finite(sc.cell_se2[c])) continue;
    const std::uint32_t begin = v.cell_begin[c], n = v.cell_end[c] - begin;
    const std::size_t base = static_cast<std::size_t>(metric) * v.contributions + begin;
    const double* y = v.y + base;
    const CellWeights cw = cell_weights(v, c, v.w + base, sc);
    const double omega = sc.cell_units[c] / total;
    for (int g = 0; g < 2; ++g) {
      const double* w = g == 0 ? cw.member_w : cw.control_w;
      const double* counts = g == 0 ? cw.member_c : cw.control_c;
      const Moments mom = moments(y, w, counts, n);
      const double units = mom.units;
      const double scale = (g == 0 ? omega : -omega) * std::sqrt(units / (units - 1.0)) / mom.sum_w;
      for (std::uint32_t i = 0; i < n; ++i) {
        const double e = effective_weight(w, counts, i);
        if (!(e > 0.0)) continue;
        sc.firm_influence[v.contribution_firm[begin + i]] += scale * e * (y[i] - mom.mean);
      }
    }
  }
  double se2 = 0.0;
  for (std::uint32_t f = 0; f < v.firms; ++f) se2 += sc.firm_influence[f] * sc.firm_influence[f];
  return se2 > 0.0 ? (sum / total) / std::sqrt(se2) : nan_value();
}

// The statistic of every key of every metric under the labels in scratch: per metric the
// cells, then (cohort design) the aggregate.
KLYNGE_HD void label_statistics(const PermView& v, const PermScratch& sc, double* values) {
  const std::uint32_t per_metric = perm_keys_per_metric(v);
  for (std::uint32_t m = 0; m < v.metrics; ++m) {
    double* out = values + m * per_metric;
    for (std::uint32_t c = 0; c < v.cells; ++c) {
      out[c] = cell_statistic(v, m, c, sc, &sc.cell_diff[c], &sc.cell_se2[c], &sc.cell_units[c]);
      sc.cell_value[c] = out[c];
    }
    if (v.cohort_design)
      out[v.cells] = v.firm_se ? label_firm_aggregate(v, m, sc) : aggregate_statistic(v, sc);
  }
}

// ---- Fast path: mean_diff and welch_t from the drawn group's sums ------------------------------

// Sums of the records at the block positions chosen[0..k) (in that order), kM metrics per
// record (kM = 0: v.metrics, any number, accumulated in out directly).
template <std::uint32_t kM>
KLYNGE_HD void listed_sums(const PermView& v, const std::uint32_t* chosen, std::uint32_t k,
                           PermSums* out) {
  const std::uint32_t M = kM > 0 ? kM : v.metrics;
  PermSums acc[kM > 0 ? kM : 1] = {};
  PermSums* a = kM > 0 ? acc : out;
  if (kM == 0)
    for (std::uint32_t m = 0; m < M; ++m) a[m] = PermSums{0, 0, 0, 0, 0, 0, 0};
  for (std::uint32_t i = 0; i < k; ++i) {
    const double* r = v.rec + static_cast<std::size_t>(chosen[i]) * M * 2;
    for (std::uint32_t m = 0; m < M; ++m) sums_add(a[m], r[2 * m + 1], r[2 * m]);
  }
  if (kM > 0)
    for (std::uint32_t m = 0; m < M; ++m) out[m] = acc[m];
}

KLYNGE_HD void prefetch_record(const double* p) {
#if !defined(__CUDA_ARCH__)
  __builtin_prefetch(p);
#else
  (void)p;
#endif
}

// Floyd's sampler (floyd_bits) fused with the sums of the drawn group: a record is added the
// moment its position is taken, so no second pass over the bitmap or a list of positions is
// needed. The steps are summed in kPermLanes contiguous segments, added by lane_tree_sum: the
// order of the CUDA warp kernel (hd/perm_sums.hpp). `taken` (n bits) must be clear on entry
// and is cleared on return. `out` has room for kPermLanes * metrics sums (the lanes' sums);
// the block's sums are left in out[0 .. metrics).
template <std::uint32_t kM>
KLYNGE_HD void floyd_sums(const PermView& v, WordStream& s, std::uint32_t b, const BlockShape& sh,
                          std::uint64_t* taken, PermSums* out) {
  static_assert(kPermLanes == kFloydBatch, "a warp's lanes take a Floyd batch's steps");
  const std::uint32_t M = kM > 0 ? kM : v.metrics;
  PermSums acc[kM > 0 ? kM : 1];
  const double* rec = v.rec + static_cast<std::size_t>(v.block_begin[b]) * M * 2;
  const std::uint64_t offset = v.block_draw_offset[b];
  const std::uint32_t n = sh.n, k = sh.k;
  // The draws do not depend on the bitmap, so they run kAhead ahead of the takes and the
  // record a draw will most likely take (t) is prefetched: the gathers are cache misses on
  // large blocks, and this overlaps them.
  constexpr std::uint32_t kAhead = 16;
  std::uint32_t ahead[kAhead];
  const std::uint32_t first = k < kAhead ? k : kAhead;
  for (std::uint32_t i = 0; i < first; ++i) {
    ahead[i] = permutation_bounded(s, offset + i, n - k + i + 1);
    prefetch_record(rec + static_cast<std::size_t>(ahead[i]) * M * 2);
  }
  std::uint32_t i = 0;
  for (std::uint32_t lane = 0; lane < kPermLanes; ++lane) {
    // Records of up to four metrics accumulate in registers; more in place.
    PermSums* a = kM > 0 ? acc : out + lane * M;
    for (std::uint32_t m = 0; m < M; ++m) a[m] = PermSums{0, 0, 0, 0, 0, 0, 0};
    for (const std::uint32_t end = lane_segment_begin(lane + 1, k); i < end; ++i) {
      const std::uint32_t j = n - k + i;
      const std::uint32_t t = ahead[i % kAhead];
      if (i + kAhead < k) {
        const std::uint32_t u = permutation_bounded(s, offset + i + kAhead, j + kAhead + 1);
        ahead[i % kAhead] = u;
        prefetch_record(rec + static_cast<std::size_t>(u) * M * 2);
      }
      const std::uint32_t take = (taken[t >> 6] >> (t & 63u)) & 1u ? j : t;
      taken[take >> 6] |= std::uint64_t{1} << (take & 63u);
      const double* r = rec + static_cast<std::size_t>(take) * M * 2;
      for (std::uint32_t m = 0; m < M; ++m) sums_add(a[m], r[2 * m + 1], r[2 * m]);
    }
    if (kM > 0)
      for (std::uint32_t m = 0; m < M; ++m) out[lane * M + m] = acc[m];
  }
  const std::uint32_t words = (n + 63u) >> 6;
  for (std::uint32_t w = 0; w < words; ++w) taken[w] = 0;
  lane_tree_sum(out, M);
}

// The drawn group's sums of block b into sc.drawn_sums[0..metrics): Monte Carlo (mode 0,
// fused Floyd), exact relabeling (mode 1, block-local rank) or observed (mode 2).
template <std::uint32_t kM>
KLYNGE_HD void drawn_block_sums(const PermView& v, std::uint32_t b, const BlockShape& sh, int mode,
                                std::uint64_t rank, WordStream& s, const PermScratch& sc) {
  if (mode == 0) {
    floyd_sums<kM>(v, s, b, sh, sc.taken, sc.drawn_sums);
    return;
  }
  std::uint32_t* chosen = sc.chosen + v.block_draw_offset[b];
  const std::uint32_t begin = v.block_begin[b];
  if (mode == 1) {
    unrank_subset(rank, nullptr, sh.n, sh.k, nullptr, 1, chosen);
    for (std::uint32_t i = 0; i < sh.k; ++i) chosen[i] += begin;
  } else {
    const std::uint32_t first = sh.drawn ? 0 : sh.m;  // the observed smaller group
    for (std::uint32_t i = 0; i < sh.k; ++i) chosen[i] = begin + first + i;
  }
  listed_sums<kM>(v, chosen, sh.k, sc.drawn_sums);
}

// Adds block b's members to their cell's member sums, given the drawn group's sums of the block
// (the members themselves, or the block's complement of them).
// Balanced with strata blocks: the block's own member sums (members[metric * groups + b]: the
// blocks are the groups), which the statistics combine with the block's factor.
KLYNGE_HD void add_block_members(const PermView& v, std::uint32_t b, const BlockShape& sh,
                                 const PermSums* drawn, PermSums* members) {
  const std::uint32_t cell = v.block_cell[b];
  for (std::uint32_t m = 0; m < v.metrics; ++m) {
    const PermSums& d = drawn[m];
    const PermSums block = sh.drawn ? d : sums_sub(v.block_totals[m * v.blocks + b], d);
    if (v.balanced) {
      members[m * v.groups + b] = block;
    } else {
      PermSums& ms = members[m * v.cells + cell];
      ms = sums_plus(ms, block);
    }
  }
}

// Balanced, blocks wider than the groups (--perm-scheme all): the member sums of every group of
// block b's cell (members[metric * groups + g]) from the block-local positions chosen[0..k) of
// the drawn group, added one by one in the order listed (Floyd's step order for Monte Carlo:
// the order the GPU's warp kernel lists them in, so the sums are the same bits).
KLYNGE_HD void add_group_members(const PermView& v, std::uint32_t b, const BlockShape& sh,
                                 const std::uint32_t* chosen, PermSums* members) {
  const std::uint32_t M = v.metrics, cell = v.block_cell[b];
  const std::uint32_t g0 = v.cell_group_begin[cell], g1 = v.cell_group_begin[cell + 1];
  for (std::uint32_t m = 0; m < M; ++m)
    for (std::uint32_t g = g0; g < g1; ++g)
      members[m * v.groups + g] = PermSums{0, 0, 0, 0, 0, 0, 0};
  const std::uint32_t begin = v.block_begin[b];
  for (std::uint32_t i = 0; i < sh.k; ++i) {
    const std::uint32_t position = begin + chosen[i];
    const std::uint32_t g = v.position_group[position];
    const double* r = v.rec + static_cast<std::size_t>(position) * M * 2;
    for (std::uint32_t m = 0; m < M; ++m)
      sums_add(members[m * v.groups + g], r[2 * m + 1], r[2 * m]);
  }
  if (sh.drawn) return;
  for (std::uint32_t m = 0; m < M; ++m)
    for (std::uint32_t g = g0; g < g1; ++g)
      members[m * v.groups + g] =
          sums_sub(v.group_totals[m * v.groups + g], members[m * v.groups + g]);
}

// Floyd's sampler for block b listing its takes (block-local positions) in step order, as the
// GPU's warp kernel lists them; `taken` must be clear and is cleared on return.
KLYNGE_HD void floyd_takes(const PermView& v, WordStream& s, std::uint32_t b, const BlockShape& sh,
                           std::uint64_t* taken, std::uint32_t* chosen) {
  const std::uint64_t offset = v.block_draw_offset[b];
  const std::uint32_t n = sh.n, k = sh.k;
  for (std::uint32_t i = 0; i < k; ++i) {
    const std::uint32_t j = n - k + i;
    const std::uint32_t t = permutation_bounded(s, offset + i, j + 1);
    const std::uint32_t take = (taken[t >> 6] >> (t & 63u)) & 1u ? j : t;
    taken[take >> 6] |= std::uint64_t{1} << (take & 63u);
    chosen[i] = take;
  }
  const std::uint32_t words = (n + 63u) >> 6;
  for (std::uint32_t w = 0; w < words; ++w) taken[w] = 0;
}

// The group sums of block b under relabeling mode (as drawn_block_sums), balanced with blocks
// wider than the groups.
KLYNGE_HD void drawn_group_sums(const PermView& v, std::uint32_t b, const BlockShape& sh, int mode,
                                std::uint64_t rank, WordStream& s, const PermScratch& sc) {
  std::uint32_t* chosen = sc.chosen + v.block_draw_offset[b];
  if (mode == 0) {
    floyd_takes(v, s, b, sh, sc.taken, chosen);
  } else if (mode == 1) {
    unrank_subset(rank, nullptr, sh.n, sh.k, nullptr, 1, chosen);
  } else {
    const std::uint32_t first = sh.drawn ? 0 : sh.m;  // the observed smaller group
    for (std::uint32_t i = 0; i < sh.k; ++i) chosen[i] = first + i;
  }
  add_group_members(v, b, sh, chosen, sc.member_sums);
}

// Balanced fast path: the member sums and the balanced control sums of (metric, cell) from its
// groups' member sums. A group is matched when both sides have units left (integer counts:
// exact, unlike a weight total less the members' weight); a matched group's control sums are
// scaled by its factor, as balanced_weights weighs them.
KLYNGE_HD void balanced_cell_sums(const PermView& v, const PermScratch& sc, std::uint32_t m,
                                  std::uint32_t cell, PermSums& member, PermSums& control) {
  const std::uint32_t g0 = v.cell_group_begin[cell], g1 = v.cell_group_begin[cell + 1];
  double members_total = 0.0, controls_total = 0.0;
  for (std::uint32_t g = g0; g < g1; ++g) {
    const PermSums& mg = sc.member_sums[m * v.groups + g];
    const PermSums cg = sums_sub(v.group_totals[m * v.groups + g], mg);
    if (mg.u > 0.5 && cg.u > 0.5) {
      members_total += mg.w;
      controls_total += cg.w;
    }
  }
  member = control = PermSums{0, 0, 0, 0, 0, 0, 0};
  for (std::uint32_t g = g0; g < g1; ++g) {
    const PermSums& mg = sc.member_sums[m * v.groups + g];
    const PermSums cg = sums_sub(v.group_totals[m * v.groups + g], mg);
    if (!(mg.u > 0.5 && cg.u > 0.5)) continue;
    member = sums_plus(member, mg);
    control = sums_plus(control, sums_scale(cg, (mg.w / members_total) / (cg.w / controls_total)));
  }
}

// Member sums of every (metric, cell) under relabeling `index` of `mode` (as drawn_block_sums),
// into sc.member_sums. Exact ranks: the last block is the least significant digit.
template <std::uint32_t kM>
KLYNGE_HD void member_sums(const PermView& v, std::uint64_t index, int mode,
                           const PermScratch& sc) {
  const std::uint32_t M = v.metrics;
  for (std::uint32_t x = 0; x < M * v.cells; ++x) sc.member_sums[x] = PermSums{0, 0, 0, 0, 0, 0, 0};
  WordStream s =
      word_stream(v.seed, v.analysis, kPurposePermutation, static_cast<std::uint32_t>(index));
  std::uint64_t rank = index;
  for (std::uint32_t bb = 0; bb < v.blocks; ++bb) {
    const std::uint32_t b = mode == 1 ? v.blocks - 1 - bb : bb;
    const BlockShape sh = block_shape(v, b);
    std::uint64_t block_rank = 0;
    if (mode == 1) {
      block_rank = rank % v.block_radix[b];
      rank /= v.block_radix[b];
    }
    if (v.group_sums) {
      drawn_group_sums(v, b, sh, mode, block_rank, s, sc);
      continue;
    }
    drawn_block_sums<kM>(v, b, sh, mode, block_rank, s, sc);
    add_block_members(v, b, sh, sc.drawn_sums, sc.member_sums);
  }
}

// Fast path: the statistics of every key from the member sums in sc.member_sums (controls =
// cell totals - members). With firm_se the drawn positions must be marked (mark_drawn): the
// welch_t aggregate reads them (hd/perm_firm_influence.hpp).
KLYNGE_HD void statistics_from_member_sums(const PermView& v, const PermScratch& sc,
                                           double* values) {
  const double nan = nan_value();
  const std::uint32_t per_metric = perm_keys_per_metric(v);
  const std::uint32_t M = v.metrics;
  for (std::uint32_t m = 0; m < M; ++m) {
    double* out = values + m * per_metric;
    for (std::uint32_t c = 0; c < v.cells; ++c) {
      const double center = v.center[m * v.cells + c];
      PermSums member, control;
      if (v.balanced) {
        balanced_cell_sums(v, sc, m, c, member, control);
      } else {
        member = sc.member_sums[m * v.cells + c];
        control = sums_sub(v.cell_totals[m * v.cells + c], member);
      }
      const Moments mm = sums_moments(member, center);
      const Moments cm = sums_moments(control, center);
      double value = nan, diff = nan, se2 = nan;
      if (mm.sum_w > 0.0 && cm.sum_w > 0.0) {
        diff = mm.mean - cm.mean;
        const bool two = mm.units >= 2.0 && cm.units >= 2.0;
        if (two) se2 = mean_se2(mm) + mean_se2(cm);
        value = v.statistic == kPermMean ? diff
                : two                    ? welch_t(diff, mean_se2(mm), mean_se2(cm))
                                         : nan;
      }
      out[c] = value;
      sc.cell_value[c] = value;
      sc.cell_diff[c] = diff;
      sc.cell_se2[c] = se2;
      sc.cell_units[c] = mm.units;
      if (v.firm_se) set_cell_terms(v, sc, m, c, member, control);
    }
    if (v.firm_se)
      firm_aggregate_base(v, sc, m);
    else if (v.cohort_design)
      out[v.cells] = aggregate_statistic(v, sc);
  }
  if (!v.firm_se) return;
  firm_aggregate_corrections(v, sc);
  for (std::uint32_t m = 0; m < M; ++m)
    values[m * per_metric + v.cells] = firm_aggregate_value(v, sc, m);
}

// Fast path with firm_se: the drawn positions of relabeling `index` of `mode` (as
// drawn_block_sums, which left them in sc.chosen for modes 1 and 2; Monte Carlo replays
// Floyd's takes, the same draws the fused sums took) as global block positions in sc.chosen,
// and their firm slots as bits in sc.marks (clear on entry; unmark_drawn clears them).
KLYNGE_HD void mark_drawn(const PermView& v, std::uint64_t index, int mode, const PermScratch& sc) {
  WordStream s =
      word_stream(v.seed, v.analysis, kPurposePermutation, static_cast<std::uint32_t>(index));
  for (std::uint32_t b = 0; b < v.blocks; ++b) {
    const BlockShape sh = block_shape(v, b);
    std::uint32_t* chosen = sc.chosen + v.block_draw_offset[b];
    if (mode == 0) {
      floyd_takes(v, s, b, sh, sc.taken, chosen);
      for (std::uint32_t i = 0; i < sh.k; ++i) chosen[i] += v.block_begin[b];
    }
    for (std::uint32_t i = 0; i < sh.k; ++i) {
      const std::uint32_t x = firm_slot_range(v, chosen[i]).own;
      sc.marks[x >> 6] |= std::uint64_t{1} << (x & 63u);
    }
  }
}

KLYNGE_HD void unmark_drawn(const PermView& v, const PermScratch& sc) {
  for (std::uint64_t t = 0; t < v.total_draws; ++t)
    sc.marks[firm_slot_range(v, sc.chosen[t]).own >> 6] = 0;
}

// Fast path: the statistics of every key under relabeling `index` of `mode` (as
// drawn_block_sums).
KLYNGE_HD void fast_statistics(const PermView& v, std::uint64_t index, int mode,
                               const PermScratch& sc, double* values) {
  // Records of up to four metrics accumulate in registers; more in scratch memory.
  with_metric_count(v.metrics,
                    [&](auto k) { member_sums<decltype(k)::value>(v, index, mode, sc); });
  if (v.firm_se) mark_drawn(v, index, mode, sc);
  statistics_from_member_sums(v, sc, values);
  if (v.firm_se) unmark_drawn(v, sc);
}

// The observed statistics (labels as observed), by the path the replicates use.
KLYNGE_HD void observed_statistics(const PermView& v, const PermScratch& sc, double* values) {
  if (v.fast) {
    fast_statistics(v, 0, 2, sc, values);
  } else {
    observed_labels(v, sc.label);
    label_statistics(v, sc, values);
  }
}

// One Monte Carlo replicate (exact == false) or relabeling number `index` (exact == true).
KLYNGE_HD void permutation_replicate(const PermView& v, std::uint64_t index, bool exact,
                                     const PermScratch& sc, double* values) {
  if (v.fast) {
    fast_statistics(v, index, exact ? 1 : 0, sc, values);
    return;
  }
  if (exact)
    rank_labels(v, index, sc.label);
  else
    draw_labels(v, static_cast<std::uint32_t>(index), sc.taken, sc.chosen, sc.label);
  label_statistics(v, sc, values);
}

}  // namespace klynge::hd
