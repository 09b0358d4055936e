// One permutation replicate, written once for every backend (DESIGN.md §2): relabel every
// block (hd/permutation_draws.hpp), then compute the test statistic of every metric, cell and
// the cohort aggregate from the labels. Plain structs and pointers only; the host builds the
// view (host/src/cpu/permutation.cpp) and the scratch.
//
// Labels are per contribution (label[i] = 1: member in this replicate). Every metric reads the
// same labels, so a firm's metrics move together and one replicate is one draw from the joint
// permutation distribution of all keys (what maxT needs). Blocks never straddle cells; in the
// cohort design a control firm appears in several cells and is relabeled in each cell's block
// independently (docs/permutation.md, "Blocks").
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
#include "klynge/hd/permutation_draws.hpp"

namespace klynge::hd {

// Statistic order as klynge::Statistic.
inline constexpr int kPermMean = 0, kPermMedian = 1, kPermTrimmed = 2, kPermAgg = 3,
                     kPermWelch = 4;

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

  int statistic;       // kPerm*
  bool cohort_design;  // adds the aggregate over cells
  bool weighted;       // fractional trimming by mass
  bool level;          // agg_diff not applicable
  double trim;

  std::uint64_t seed;
  std::uint32_t analysis;
};

// Per-thread scratch, sized by the host.
struct PermScratch {
  std::uint8_t* label;     // [contributions]
  double* member_count;    // [longest cell]
  double* control_count;   // [longest cell]
  double* sorted_member;   // [longest sorted segment]
  double* sorted_control;  // [longest sorted segment]
  double* cell_value;      // [cells]
  double* cell_units;      // [cells] member units
  double* cell_se2;        // [cells] squared SE of the mean difference
  double* cell_diff;       // [cells] mean difference
};

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

// Monte Carlo relabeling `replicate`: a pure function of (seed, analysis, replicate).
KLYNGE_HD void draw_labels(const PermView& v, std::uint32_t replicate, std::uint8_t* label) {
  WordStream s = word_stream(v.seed, v.analysis, kPurposePermutation, replicate);
  for (std::uint32_t b = 0; b < v.blocks; ++b) {
    const std::uint32_t* pos = v.block_pos + v.block_begin[b];
    const BlockShape sh = block_shape(v, b);
    const std::uint8_t other = sh.drawn ? 0 : 1;
    for (std::uint32_t i = 0; i < sh.n; ++i) label[pos[i]] = other;
    floyd_subset(s, v.block_draw_offset[b], pos, sh.n, sh.k, label, sh.drawn);
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

// The statistic of one (metric, cell) under `label`; *diff gets the mean difference, *se2 its
// squared SE (NaN unless both groups have >= 2 firms) and *units the member units.
KLYNGE_HD double cell_statistic(const PermView& v, std::uint32_t metric, std::uint32_t cell,
                                const PermScratch& sc, double* diff_out, double* se2,
                                double* units) {
  const double nan = nan_value();
  const std::uint32_t begin = v.cell_begin[cell], n = v.cell_end[cell] - begin;
  const std::size_t base = static_cast<std::size_t>(metric) * v.contributions + begin;
  for (std::uint32_t i = 0; i < n; ++i) {
    const double l = sc.label[begin + i] ? 1.0 : 0.0;
    sc.member_count[i] = l;
    sc.control_count[i] = 1.0 - l;
  }
  const double* y = v.y + base;
  const double* w = v.w + base;
  const Moments m = moments(y, w, sc.member_count, n);
  const Moments c = moments(y, w, sc.control_count, n);
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
      const double am = aggregate_growth(v.x0 + base, v.x1 + base, w, sc.member_count, n);
      const double ac = aggregate_growth(v.x0 + base, v.x1 + base, w, sc.control_count, n);
      return perm_finite(am) && perm_finite(ac) ? am - ac : nan;
    }
    default: {  // median, trimmed mean: scans over the sorted valid entries
      const std::uint32_t seg = metric * v.cells + cell;
      const std::uint32_t sb = v.sorted_begin[seg], sn = v.sorted_begin[seg + 1] - sb;
      for (std::uint32_t i = 0; i < sn; ++i) {
        const double l = sc.label[v.sorted_index[sb + i]] ? 1.0 : 0.0;
        sc.sorted_member[i] = l;
        sc.sorted_control[i] = 1.0 - l;
      }
      const double* ys = v.sorted_y + sb;
      const double* ws = v.sorted_w + sb;
      if (v.statistic == kPermMedian)
        return weighted_median_sorted(ys, ws, sc.sorted_member, sn) -
               weighted_median_sorted(ys, ws, sc.sorted_control, sn);
      const double cut_m = v.weighted ? trim_cut_mass(v.trim, m.sum_w) : trim_cut_units(v.trim, m.units);
      const double cut_c = v.weighted ? trim_cut_mass(v.trim, c.sum_w) : trim_cut_units(v.trim, c.units);
      return trimmed_mean_sorted(ys, ws, sc.sorted_member, sn, cut_m) -
             trimmed_mean_sorted(ys, ws, sc.sorted_control, sn, cut_c);
    }
  }
}

// The statistic of every key of every metric under the labels in scratch: per metric the
// cells, then (cohort design) the aggregate. The aggregate weights each cell with a value by
// its member units; welch_t studentizes the weighted mean difference by
// sqrt(sum omega_g^2 se2_g) (cells treated as independent; docs/permutation.md).
KLYNGE_HD void label_statistics(const PermView& v, const PermScratch& sc, double* values) {
  const double nan = nan_value();
  const std::uint32_t per_metric = perm_keys_per_metric(v);
  for (std::uint32_t m = 0; m < v.metrics; ++m) {
    double* out = values + m * per_metric;
    for (std::uint32_t c = 0; c < v.cells; ++c) {
      out[c] = cell_statistic(v, m, c, sc, &sc.cell_diff[c], &sc.cell_se2[c], &sc.cell_units[c]);
      sc.cell_value[c] = out[c];
    }
    if (!v.cohort_design) continue;
    double total = 0.0, sum = 0.0, se2 = 0.0;
    bool se_ok = true;
    for (std::uint32_t c = 0; c < v.cells; ++c) {
      // welch_t aggregates the mean differences (as describe does).
      const double value = v.statistic == kPermWelch ? sc.cell_diff[c] : sc.cell_value[c];
      if (!perm_finite(value)) continue;
      total += sc.cell_units[c];
      sum += sc.cell_units[c] * value;
      se2 += sc.cell_units[c] * sc.cell_units[c] * sc.cell_se2[c];
      if (!perm_finite(sc.cell_se2[c])) se_ok = false;
    }
    double agg = nan;
    if (total > 0.0) {
      agg = sum / total;
      if (v.statistic == kPermWelch) agg = (se_ok && se2 > 0.0) ? sum / std::sqrt(se2) : nan;
    }
    out[v.cells] = agg;
  }
}

// One Monte Carlo replicate (exact == false) or relabeling number `index` (exact == true).
KLYNGE_HD void permutation_replicate(const PermView& v, std::uint64_t index, bool exact,
                                     const PermScratch& sc, double* values) {
  if (exact)
    rank_labels(v, index, sc.label);
  else
    draw_labels(v, static_cast<std::uint32_t>(index), sc.label);
  label_statistics(v, sc, values);
}

}  // namespace klynge::hd
