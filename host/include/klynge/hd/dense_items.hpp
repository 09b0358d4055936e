// The dense replicate (hd/bootstrap_fused.hpp) cut into work items so that a GPU can spread one
// replicate over many warps: an item is one chunk of a chunked resample group or a whole
// small group (under Poisson or Bayesian weights: one chunk of kChunkUnits units of any group,
// no tree). Three
// steps, each a pure function of (seed, analysis, replicate):
//   1. dense_leaf_counts: the chunk tree's splits of each chunked group (a team shares each
//      plane's words) give the draws of each chunk;
//   2. dense_item_lane_sums: each lane of a team sums the rows of its share of an item's draws
//      (count, Σx, Σx² per metric); the team adds its lanes;
//   3. dense_items_finish: a replicate's item sums, added in item order per group, feed the
//      fused accumulators and the statistics, as in dense_replicate.
// The draws are exactly dense_replicate's; only the order of the sums differs (the GPU tests
// compare with the CPU at 1e-12; tests/cpu/bootstrap_lanes_test.cpp runs the steps on the CPU).
#pragma once

#include <cstdint>

#include "klynge/hd/bootstrap_chunked.hpp"
#include "klynge/hd/bootstrap_fused.hpp"
#include "klynge/hd/bootstrap_lanes.hpp"
#include "klynge/hd/dense_weighted.hpp"
#include "klynge/hd/macros.hpp"
#include "klynge/hd/metric_count.hpp"

namespace klynge::hd {

inline constexpr std::uint32_t kWholeGroup = 0xFFFFFFFFu;  // DenseItem::chunk of a small group

struct DenseItem {
  std::uint32_t group;
  std::uint32_t chunk;  // chunk of a chunked group, or kWholeGroup
};

struct DenseItemsView {
  const DenseItem* items;  // groups in order; a chunked group's chunks in order
  std::uint32_t count;
  const std::uint32_t* group_first;  // [resample_groups + 1]: items of group g
  const std::uint32_t* chunked;      // the chunked groups, in order
  std::uint32_t chunked_count;
};

// Step 1 for chunked group `group`: counts[group_first[group] + chunk] = draws in the chunk,
// written by `writer` for every chunk with draws (the caller zeroes counts first).
template <typename PlaneCounter>
KLYNGE_HD void dense_leaf_counts(const BootView& v, const DenseItemsView& iv, std::uint32_t group,
                                 std::uint32_t replicate, PlaneCounter count, bool writer,
                                 std::uint32_t* counts) {
  const std::uint32_t begin = v.group_unit_begin[group];
  const std::uint32_t m = v.group_unit_begin[group + 1] - begin;
  std::uint32_t* group_counts = counts + iv.group_first[group];
  for_each_leaf(v.seed, v.analysis, replicate, begin, m, count,
                [&](std::uint32_t, std::uint32_t chunk, std::uint32_t, std::uint32_t draws) {
                  if (writer) group_counts[chunk] = draws;
                });
}

// How many draws item `item` has: its chunk's count, or its whole group's size (0 under
// Poisson weights, which visit every unit; counts is not read then).
KLYNGE_HD std::uint32_t dense_item_draws(const BootView& v, const DenseItemsView& iv,
                                         std::uint32_t item, const std::uint32_t* counts) {
  // Poisson and Bayesian weights have no draw counts (the GPU leaves the counts unwritten).
  if (v.scheme == BootScheme::poisson || v.scheme == BootScheme::bayesian) return 0;
  const DenseItem it = iv.items[item];
  if (it.chunk != kWholeGroup) return counts[item];
  return v.group_unit_begin[it.group + 1] - v.group_unit_begin[it.group];
}

// An item's sums, dense_item_width doubles: unweighted rows, per metric the (weighted) count,
// Σx and Σx²; weighted rows, per metric the kFusedAccumulators sums of fused_add; then the
// item's total of Bayesian raw weights (0 under the other schemes).
KLYNGE_HD std::uint32_t dense_item_width(const DenseView& dv) {
  return (dv.weighted ? kFusedAccumulators : 3) * dv.metrics + 1;
}

// The units of item `it` that Poisson and Bayesian weights visit: [first, end) of its group.
struct ItemUnits {
  std::uint32_t begin, m, first, end;  // the group's first unit and size; the item's range
};

KLYNGE_HD ItemUnits item_units(const BootView& v, const DenseItem& it) {
  const std::uint32_t begin = v.group_unit_begin[it.group];
  const std::uint32_t m = v.group_unit_begin[it.group + 1] - begin;
  const std::uint32_t first = it.chunk << kChunkBits;
  return ItemUnits{begin, m, first, m - first < kChunkUnits ? m : first + kChunkUnits};
}

// This lane's share of item `it`'s draws under groups/strata (sums(unit) per draw) or Poisson
// weights (sums.add_weighted(unit, c) per unit), units counted from rows_first: the lanes'
// shares of feed_group_draws. Bayesian weights are the caller's (their sums need the total).
template <typename Sums>
KLYNGE_HD void feed_item_draws_of_lane(const BootView& v, const DenseItem& it, std::uint32_t draws,
                                       std::uint32_t replicate, std::uint32_t lane,
                                       std::uint32_t lanes, std::uint32_t rows_first, Sums& sums) {
  const ItemUnits u = item_units(v, it);
  auto add = [&](std::uint32_t unit) { sums(unit - rows_first); };
  auto add_count = [&](std::uint32_t unit, std::uint32_t c) {
    sums.add_weighted(unit - rows_first, c);
  };
  if (v.scheme == BootScheme::poisson) {
    poisson_units_of_lane(v.seed, v.analysis, replicate, u.begin, u.first, u.end, lane, lanes,
                          add_count);
  } else if (it.chunk == kWholeGroup) {
    group_draws_of_lane(v.seed, v.analysis, replicate, u.begin, u.m, lane, lanes, add);
  } else {
    const ChunkTree tree = chunk_tree(u.m);
    const std::uint32_t leaf = (1u << tree.depth) + it.chunk;
    chunk_draws_of_lane(v.seed, v.analysis, replicate, u.begin, leaf, it.chunk,
                        node_units(tree, tree.depth, leaf), draws, lane, lanes, add);
  }
}

// This lane's share of item `it`'s Exp(1) draws fed to sums.add_exp(unit, e).
template <typename Sums>
KLYNGE_HD void feed_item_exp_of_lane(const BootView& v, const DenseItem& it,
                                     std::uint32_t replicate, std::uint32_t lane,
                                     std::uint32_t lanes, std::uint32_t rows_first, Sums& sums) {
  const ItemUnits u = item_units(v, it);
  auto add_exp = [&](std::uint32_t unit, double e) { sums.add_exp(unit - rows_first, e); };
  exp_units_of_lane(v.seed, v.analysis, replicate, u.begin, u.first, u.end, lane, lanes, add_exp);
}

// Step 2 on weighted rows (hd/dense_weighted.hpp): this lane's share, as dense_item_lane_sums_from.
template <std::uint32_t kM>
KLYNGE_HD void dense_weighted_item_lane_sums(const BootView& v, const DenseView& dv,
                                             const DenseItem& it, std::uint32_t draws,
                                             std::uint32_t replicate, std::uint32_t lane,
                                             std::uint32_t lanes, const double* rows,
                                             std::uint32_t rows_first, double* out) {
  const std::uint32_t M = kM > 0 ? kM : dv.metrics;
  DenseWeightedSums<kM> sums(rows, M);
  if (v.scheme == BootScheme::bayesian)
    feed_item_exp_of_lane(v, it, replicate, lane, lanes, rows_first, sums);
  else
    feed_item_draws_of_lane(v, it, draws, replicate, lane, lanes, rows_first, sums);
  for (std::uint32_t x = 0; x < kFusedAccumulators * M; ++x) out[x] = sums.a[x];
  out[kFusedAccumulators * M] = sums.total;
}

// Step 2: this lane's sums over its share of the item's draws, written to
// out[0 .. dense_item_width(dv)). kM > 0 fixes the metric count at compile time.
// The rows are read from `rows`, which holds the group's units [rows_first, ...) (the group's
// rows in dv.d with rows_first = 0, or a copy of one chunk's rows staged in shared memory with
// rows_first = its first unit): the values, and so the sums, are the same either way.
template <std::uint32_t kM>
KLYNGE_HD void dense_item_lane_sums_from(const BootView& v, const DenseView& dv,
                                         const DenseItemsView& iv, std::uint32_t item,
                                         std::uint32_t draws, std::uint32_t replicate,
                                         std::uint32_t lane, std::uint32_t lanes,
                                         const double* rows, std::uint32_t rows_first,
                                         double* out) {
  const std::uint32_t M = kM > 0 ? kM : dv.metrics;
  const DenseItem it = iv.items[item];
  if (dv.weighted)
    return dense_weighted_item_lane_sums<kM>(v, dv, it, draws, replicate, lane, lanes, rows,
                                             rows_first, out);
  if (v.scheme == BootScheme::bayesian) {
    DenseExpSums<kM> raw(rows, M);
    feed_item_exp_of_lane(v, it, replicate, lane, lanes, rows_first, raw);
    for (std::uint32_t k = 0; k < M; ++k) {
      out[k] = raw.n[k];
      out[M + k] = raw.sum[k];
      out[2 * M + k] = raw.sq[k];
    }
    out[3 * M] = raw.total;
    return;
  }
  DenseRowSums<kM> add_row(rows, M);
  feed_item_draws_of_lane(v, it, draws, replicate, lane, lanes, rows_first, add_row);
  for (std::uint32_t k = 0; k < M; ++k) {
    out[k] = add_row.count(k);
    out[M + k] = add_row.sum[k];
    out[2 * M + k] = add_row.sq[k];
  }
  out[3 * M] = 0.0;
}

// Step 2 reading the group's rows where they are (dv.d).
template <std::uint32_t kM>
KLYNGE_HD void dense_item_lane_sums(const BootView& v, const DenseView& dv,
                                    const DenseItemsView& iv, std::uint32_t item,
                                    std::uint32_t draws, std::uint32_t replicate,
                                    std::uint32_t lane, std::uint32_t lanes, double* out) {
  const std::uint32_t begin = v.group_unit_begin[iv.items[item].group];
  dense_item_lane_sums_from<kM>(v, dv, iv, item, draws, replicate, lane, lanes,
                                dv.d + static_cast<std::uint64_t>(begin) * dense_row_doubles(dv), 0,
                                out);
}

// The units item `item` reads: [first, first + size) of its group — a chunk (first = chunk *
// kChunkUnits, at most kChunkUnits units) or a whole small group (first = 0, size = its m).
// The GPU stages them in shared memory when size <= kChunkUnits.
struct ChunkRows {
  std::uint32_t first, size;
  std::uint64_t group_begin;  // the group's first unit in dv.d
};

KLYNGE_HD ChunkRows chunk_rows(const BootView& v, const DenseItemsView& iv, std::uint32_t item) {
  const DenseItem it = iv.items[item];
  const std::uint32_t begin = v.group_unit_begin[it.group];
  const std::uint32_t m = v.group_unit_begin[it.group + 1] - begin;
  if (it.chunk == kWholeGroup) return ChunkRows{0, m, begin};
  const std::uint32_t first = it.chunk << kChunkBits;
  const std::uint32_t left = m - first;
  return ChunkRows{first, left < kChunkUnits ? left : kChunkUnits, begin};
}

// Step 2 for any metric count (the compile-time variants for 1 to 4 metrics).
KLYNGE_HD void dense_item_lane_sums_any(const BootView& v, const DenseView& dv,
                                        const DenseItemsView& iv, std::uint32_t item,
                                        std::uint32_t draws, std::uint32_t replicate,
                                        std::uint32_t lane, std::uint32_t lanes, double* out) {
  with_metric_count(dv.metrics, [&](auto k) {
    dense_item_lane_sums<decltype(k)::value>(v, dv, iv, item, draws, replicate, lane, lanes, out);
  });
}

// Step 3: one replicate's statistics from its items' sums (partial: dense_item_width(dv)
// doubles per item, item order), added in item order per group; Bayesian raw sums scaled by
// m / total once per group, as the dense replicate does. acc: the fused accumulators' scratch.
KLYNGE_HD void dense_items_finish(const BootView& v, const FusedView& f, const DenseView& dv,
                                  const DenseItemsView& iv, const double* partial, double* acc,
                                  double* values, double* se) {
  for (std::uint32_t i = 0; i < f.segments * kFusedAccumulators; ++i) acc[i] = 0.0;
  const std::uint32_t M = dv.metrics, width = dense_item_width(dv), sums = width - 1;
  for (std::uint32_t g = 0; g < v.resample_groups; ++g) {
    double s[kFusedAccumulators * kDenseMaxMetrics];
    for (std::uint32_t x = 0; x < sums; ++x) s[x] = 0.0;
    double total = 0.0;
    for (std::uint32_t item = iv.group_first[g]; item < iv.group_first[g + 1]; ++item) {
      const double* p = partial + static_cast<std::uint64_t>(item) * width;
      for (std::uint32_t x = 0; x < sums; ++x) s[x] += p[x];
      total += p[sums];
    }
    const std::uint32_t m = v.group_unit_begin[g + 1] - v.group_unit_begin[g];
    const bool bayesian = v.scheme == BootScheme::bayesian;
    if (dv.weighted) {
      dense_weighted_group_acc(dv, g, s, bayesian ? static_cast<double>(m) / total : 1.0, acc);
    } else if (bayesian) {
      double wn[kDenseMaxMetrics], wsum[kDenseMaxMetrics], wsq[kDenseMaxMetrics];
      for (std::uint32_t k = 0; k < M; ++k) wn[k] = wsum[k] = wsq[k] = 0.0;
      exp_sums_scaled(M, m, total, s, s + M, s + 2 * M, wn, wsum, wsq);
      dense_group_acc(dv, g, wn, wsum, wsq, acc);
    } else {
      dense_group_acc(dv, g, s, s + M, s + 2 * M, acc);
    }
  }
  fused_finish(v, f, acc, values, se);
}

}  // namespace klynge::hd
