// The fused replicate for mean-type statistics (mean_diff, welch_t), in the window and the
// cohort design: draw a unit, gather its records, accumulate — no count array, no second pass.
// Each unit's records (one per metric and cell where it is valid) lie together, so three
// metrics cost little more than one. The draws are exactly those of draw_counts (same
// positions, same words), so the fused and the count path resample the same firms; their sums
// differ only in rounding (checked to 1e-12 in tests/cpu/bootstrap_engine_test.cpp and
// tests/cpu/bootstrap_fused_cohort_test.cpp).
//
// The cohort aggregate's SE (for welch_t, or mean_diff's SE) is sqrt(Σ_f c_f IF_f²) with IF_f
// a sum over the firm's entries in several cells (docs/estimands.md §7), whose factors (each
// segment's influence scale and replicate mean) are known only once every draw is in. The
// fused path then makes a second pass over the same draws (for_each_draw again: the same
// words): IF_f does not depend on the count, so Σ_f c_f IF_f² is the sum over draws of
// c · IF², each drawn firm's IF from its records of one metric. O(records) per draw, like the
// first pass. (Keeping, per pair of segments, sums that give Σ_f c_f IF_f² as a quadratic form
// was tried first: O(k²) per firm observed in k cohorts, and slower than the count path from
// about nine cohorts on.)
//
// Sums are shifted by each segment's original mean (the "center"), so the one-pass spread
// keeps the accuracy of the two-pass one for any realistic data.
#pragma once

#include <cstdint>

#include "klynge/hd/bootstrap_replicate.hpp"
#include "klynge/hd/metric_count.hpp"

namespace klynge::hd {

struct FusedRecord {
  std::uint32_t segment;
  std::uint32_t firm;  // a unit's records are firm by firm, each firm's in segment order
  double d;            // y - center[segment]
  double w;
};

struct FusedView {
  const std::uint32_t* unit_record_begin;  // records of unit u: [begin[u], begin[u + 1])
  const FusedRecord* records;
  const double* center;  // per segment
  std::uint32_t segments;
  // Cohort design with the aggregate's SE wanted: the second pass over the draws (above).
  bool influence;
  // Every record's w is 1 (no sampling weights, no balancing): then Σcw = Σc, Σcw²d² = Σcwd²,
  // Σcw²d = Σcwd and Σcw² = Σc, so the first pass keeps three sums per record and the other
  // four are copied after it (fused_unit_weight_sums): the same bits, as w = 1 multiplies
  // exactly.
  bool unit_weights;
  std::uint32_t metrics;
  std::uint32_t metric_segments;  // segments per metric (2 x cells)
};

// Whether the fused path computes every requested statistic (stat_mask over kStat*).
KLYNGE_HD bool fused_serves(std::uint32_t stat_mask) {
  return (stat_mask & ~((1u << kStatMean) | (1u << kStatWelch))) == 0;
}

// Whether it needs the influence pass: the cohort aggregate's welch_t, or mean_diff's SE.
KLYNGE_HD bool fused_needs_influence(bool cohort_design, std::uint32_t stat_mask,
                                     bool replicate_se) {
  return cohort_design && ((stat_mask & (1u << kStatWelch)) != 0 || replicate_se);
}

inline constexpr int kFusedAccumulators = 7;  // units, W, Σcwd, Σcw d², Σcw²d², Σcw²d, Σcw²

// Scratch layout, in doubles: the segments' accumulators; with the influence pass, each
// segment's influence scale and mean shift, then each metric's Σ c IF².
KLYNGE_HD std::size_t fused_term_offset(const FusedView& f) {
  return static_cast<std::size_t>(f.segments) * kFusedAccumulators;
}

KLYNGE_HD std::size_t fused_se2_offset(const FusedView& f) {
  return fused_term_offset(f) + 2 * static_cast<std::size_t>(f.segments);
}

KLYNGE_HD std::size_t fused_scratch_doubles(const FusedView& f) {
  return f.influence ? fused_se2_offset(f) + f.metrics : fused_term_offset(f);
}

KLYNGE_HD void fused_add(const FusedView& f, std::uint32_t unit, double c, double* acc) {
  if (f.unit_weights) {
    for (std::uint32_t r = f.unit_record_begin[unit]; r < f.unit_record_begin[unit + 1]; ++r) {
      const FusedRecord rec = f.records[r];
      double* a = acc + rec.segment * kFusedAccumulators;
      const double cd = c * rec.d;
      a[0] += c;
      a[2] += cd;
      a[3] += cd * rec.d;
    }
    return;
  }
  for (std::uint32_t r = f.unit_record_begin[unit]; r < f.unit_record_begin[unit + 1]; ++r) {
    const FusedRecord rec = f.records[r];
    double* a = acc + rec.segment * kFusedAccumulators;
    const double cw = c * rec.w;
    const double cwd = cw * rec.d;
    const double cww = cw * rec.w;
    a[0] += c;
    a[1] += cw;
    a[2] += cwd;
    a[3] += cwd * rec.d;
    a[4] += cww * rec.d * rec.d;
    a[5] += cww * rec.d;
    a[6] += cww;
  }
}

// After a first pass with unit weights: the four sums that equal others when w = 1.
KLYNGE_HD void fused_unit_weight_sums(const FusedView& f, double* acc) {
  for (std::uint32_t s = 0; s < f.segments; ++s) {
    double* a = acc + s * kFusedAccumulators;
    a[1] = a[0];
    a[4] = a[3];
    a[5] = a[2];
    a[6] = a[0];
  }
}

// The second pass's sums for one drawn unit: each firm's IF per metric from its records (firm
// by firm, metric by metric), c · IF² added to the metric's sum. Terms: fused_influence_terms.
KLYNGE_HD void fused_add_influence(const FusedView& f, std::uint32_t unit, double c, double* acc) {
  const double* term = acc + fused_term_offset(f);
  double* se2 = acc + fused_se2_offset(f);
  const std::uint32_t end = f.unit_record_begin[unit + 1];
  std::uint32_t r = f.unit_record_begin[unit];
  while (r < end) {
    const std::uint32_t firm = f.records[r].firm;
    const std::uint32_t metric = f.records[r].segment / f.metric_segments;
    double influence = 0.0;
    for (; r < end; ++r) {
      const FusedRecord rec = f.records[r];
      if (rec.firm != firm || rec.segment / f.metric_segments != metric) break;
      influence += term[2 * rec.segment] * rec.w * (rec.d - term[2 * rec.segment + 1]);
    }
    se2[metric] += c * (influence * influence);
  }
}

KLYNGE_HD Moments fused_moments(const double* a, double center) {
  Moments m{a[0], a[1], nan_value(), nan_value(), nan_value()};
  if (!(a[1] > 0.0)) return m;
  const double delta = a[2] / a[1];
  m.mean = center + delta;
  const double m2 = a[3] - a[2] * delta;
  const double m2_ww = a[4] - 2.0 * delta * a[5] + delta * delta * a[6];
  m.m2 = m2 > 0.0 ? m2 : 0.0;
  m.m2_ww = m2_ww > 0.0 ? m2_ww : 0.0;
  return m;
}

// The cells of metric m after the first pass: the moments of its groups and its statistics.
struct FusedCell {
  GroupValues members, controls;
  double values[kBootStatistics];
  double se;
};

KLYNGE_HD FusedCell fused_cell(const BootView& v, const FusedView& f, const double* acc,
                               std::uint32_t m, std::uint32_t c) {
  const double nan = nan_value();
  const std::uint32_t seg = (m * v.cells + c) * 2;
  FusedCell cell{
      {fused_moments(acc + seg * kFusedAccumulators, f.center[seg]), nan, nan, nan},
      {fused_moments(acc + (seg + 1) * kFusedAccumulators, f.center[seg + 1]), nan, nan, nan},
      {},
      nan};
  cell_values(cell.members, cell.controls, v.level, cell.values, &cell.se);
  return cell;
}

KLYNGE_HD AggregateWeights fused_aggregate_weights(const BootView& v, const FusedView& f,
                                                   const double* acc, std::uint32_t m) {
  AggregateWeights weights;
  for (std::uint32_t c = 0; c < v.cells; ++c) {
    const FusedCell cell = fused_cell(v, f, acc, m, c);
    add_cell(weights, cell.values[kStatMean], cell.members.moments, cell.controls.moments);
  }
  return weights;
}

// Each segment's influence scale (0 where its cell is not in the aggregate's SE) and mean shift
// δ = replicate mean - center, for the second pass.
KLYNGE_HD void fused_influence_terms(const BootView& v, const FusedView& f, double* acc) {
  double* term = acc + fused_term_offset(f);
  for (std::uint32_t m = 0; m < v.metrics; ++m) {
    const AggregateWeights weights = fused_aggregate_weights(v, f, acc, m);
    for (std::uint32_t c = 0; c < v.cells; ++c) {
      const FusedCell cell = fused_cell(v, f, acc, m, c);
      const bool in_se =
          weights.se_total > 0.0 &&
          se_cell(cell.values[kStatMean], cell.members.moments, cell.controls.moments);
      for (std::uint32_t g = 0; g < 2; ++g) {
        const std::uint32_t seg = (m * v.cells + c) * 2 + g;
        const Moments& mom = g == 0 ? cell.members.moments : cell.controls.moments;
        term[2 * seg] = in_se ? influence_scale(weights, cell.members.moments, mom, g == 0) : 0.0;
        term[2 * seg + 1] = in_se ? mom.mean - f.center[seg] : 0.0;
      }
    }
  }
}

// The statistics of every cell from the accumulators and, in the cohort design, of the
// aggregate (its SE only after the influence pass, fused_needs_influence).
KLYNGE_HD void fused_finish(const BootView& v, const FusedView& f, const double* acc,
                            double* values, double* se) {
  std::uint32_t key = 0;
  const double nan = nan_value();
  for (std::uint32_t m = 0; m < v.metrics; ++m) {
    AggregateWeights weights;
    for (std::uint32_t c = 0; c < v.cells; ++c) {
      const FusedCell cell = fused_cell(v, f, acc, m, c);
      add_cell(weights, cell.values[kStatMean], cell.members.moments, cell.controls.moments);
      for (int s = 0; s < kBootStatistics; ++s) {
        if (!(v.stat_mask & (1u << s))) continue;
        values[key] = cell.values[s];
        se[key] = s == kStatMean ? cell.se : nan;
        ++key;
      }
    }
    if (!v.cohort_design) continue;
    double welch_se = nan;
    if (f.influence && weights.se_total > 0.0) {
      const double se2 = acc[fused_se2_offset(f) + m];
      if (se2 > 0.0) welch_se = std::sqrt(se2);
    }
    for (int s = 0; s < kBootStatistics; ++s) {
      if (!(v.stat_mask & (1u << s))) continue;
      values[key] = aggregate_value(weights, s, welch_se);
      se[key] = s == kStatMean ? aggregate_se(weights, welch_se) : nan;
      ++key;
    }
  }
}

// for_each_draw with add(unit, c) called in the same order. On the CPU a drawn unit's records
// are a cache miss (the unit is random and a cohort design's records outgrow the caches), so
// each unit's records are prefetched when it is drawn and added kFusedPrefetchDistance draws
// later; the order of the additions, and so every sum, is unchanged. A GPU thread adds at once.
inline constexpr std::uint32_t kFusedPrefetchDistance = 8;

template <typename Add>
KLYNGE_HD void for_each_fused_draw(const BootView& v, const FusedView& f, std::uint32_t replicate,
                                   Add&& add) {
#if defined(__CUDA_ARCH__)
  for_each_draw(v, replicate, add);
#else
  std::uint32_t unit_at[kFusedPrefetchDistance];
  double count_at[kFusedPrefetchDistance];
  std::uint32_t drawn = 0;
  for_each_draw(v, replicate, [&](std::uint32_t unit, double c) {
    const char* p = reinterpret_cast<const char*>(f.records + f.unit_record_begin[unit]);
    const char* end = reinterpret_cast<const char*>(f.records + f.unit_record_begin[unit + 1]);
    for (; p < end; p += 64) __builtin_prefetch(p);
    const std::uint32_t slot = drawn % kFusedPrefetchDistance;
    if (drawn >= kFusedPrefetchDistance) add(unit_at[slot], count_at[slot]);
    unit_at[slot] = unit;
    count_at[slot] = c;
    ++drawn;
  });
  const std::uint32_t first = drawn > kFusedPrefetchDistance ? drawn - kFusedPrefetchDistance : 0;
  for (std::uint32_t k = first; k < drawn; ++k)
    add(unit_at[k % kFusedPrefetchDistance], count_at[k % kFusedPrefetchDistance]);
#endif
}

// The replicate from its drawn units: visit(add) calls add(unit, c) for each drawn unit (once or
// twice: the cohort aggregate's SE replays them). acc: fused_scratch_doubles(f) doubles.
template <typename Visit>
KLYNGE_HD void fused_replicate_of(const BootView& v, const FusedView& f, double* acc,
                                  double* values, double* se, Visit&& visit) {
  const std::size_t doubles = fused_scratch_doubles(f);
  for (std::size_t i = 0; i < doubles; ++i) acc[i] = 0.0;
  visit([&](std::uint32_t unit, double c) { fused_add(f, unit, c, acc); });
  if (f.unit_weights) fused_unit_weight_sums(f, acc);
  if (f.influence) {
    fused_influence_terms(v, f, acc);
    visit([&](std::uint32_t unit, double c) { fused_add_influence(f, unit, c, acc); });
  }
  fused_finish(v, f, acc, values, se);
}

// acc: fused_scratch_doubles(f) doubles of scratch. values/se: boot_keys(v) entries. The units
// are added in draw order: the device's order (one thread per replicate, no O(units) scratch).
KLYNGE_HD void fused_replicate(const BootView& v, const FusedView& f, std::uint32_t replicate,
                               double* acc, double* values, double* se) {
  fused_replicate_of(v, f, acc, values, se,
                     [&](auto&& add) { for_each_fused_draw(v, f, replicate, add); });
}

// Whether fused_replicate_by_unit adds in another order than fused_replicate: only the
// multinomial schemes draw units out of index order (Poisson and Bayesian weights come unit by
// unit already, so there the two are the same bits and the count pass would be wasted).
KLYNGE_HD bool fused_draws_out_of_order(const BootView& v) {
  return v.scheme == BootScheme::groups || v.scheme == BootScheme::strata;
}

// The CPU's order of the same replicate: the drawn units' counts are gathered first (unit_count:
// one double per unit, the v.group_unit_begin[v.resample_groups] units), then each drawn unit
// is added once, in index order, with its count. Same draws and counts as fused_replicate; the
// sums are added in another order, so the two agree to rounding (the backends' 1e-12 contract,
// docs/bootstrap.md), not to the bit. Why: a unit drawn several times is added once, and the
// accumulators and records are walked in order instead of at random, which takes half the time
// on samples whose groups are drawn index by index (below kChunkedMinUnits units).
KLYNGE_HD void fused_replicate_by_unit(const BootView& v, const FusedView& f,
                                       std::uint32_t replicate, double* acc, double* unit_count,
                                       double* values, double* se) {
  const std::uint32_t units = v.group_unit_begin[v.resample_groups];
  for (std::uint32_t u = 0; u < units; ++u) unit_count[u] = 0.0;
  for_each_draw(v, replicate, [&](std::uint32_t unit, double c) { unit_count[unit] += c; });
  fused_replicate_of(v, f, acc, values, se, [&](auto&& add) {
    for (std::uint32_t u = 0; u < units; ++u)
      if (unit_count[u] != 0.0) add(u, unit_count[u]);
  });
}

// Unweighted window design under groups/strata: each unit's growth values (one per metric,
// NaN where not valid, shifted by the center) are one dense row, and each resample group
// feeds one (cell, group) per metric, so a draw is one contiguous gather into local sums.
inline constexpr std::uint32_t kDenseMaxMetrics = 8;

struct DenseView {
  // Per unit, per metric: y - center (NaN = not valid), then its weight w when `weighted`
  // (sampling weights or balance factors; 0 where not valid): dense_row_doubles per unit.
  const double* d;
  const std::uint32_t* group_segment;   // per resample group: its segment for metric 0
  std::uint32_t metrics;                // <= kDenseMaxMetrics
  std::uint32_t metric_segment_stride;  // segments between metric m and m + 1 (cells * 2)
  std::uint32_t weighted;               // 1: rows of (d, w) pairs (hd/dense_weighted.hpp)
};

KLYNGE_HD std::uint32_t dense_row_doubles(const DenseView& dv) {
  return dv.weighted ? 2 * dv.metrics : dv.metrics;
}

// The sums of the rows that draws pick, one sink call per draw: count, Σx, Σx² per metric
// (NaN = not valid for that metric). kM > 0 fixes the number of metrics at compile time
// (unrolled inner loop); kM == 0 reads it from the constructor. Kept by value in the caller,
// so the sums stay in registers (the caller's arrays could alias the rows).
template <std::uint32_t kM>
struct DenseRowSums {
  const double* rows;  // the group's first row
  std::uint32_t metrics;
  // Draws, and per metric the draws whose value is missing: counts stay integers, so the
  // common case (a valid value) costs one add to Σx and one to Σx² per metric.
  std::uint32_t draws;
  std::uint32_t missing[kDenseMaxMetrics];
  double sum[kDenseMaxMetrics], sq[kDenseMaxMetrics];

  KLYNGE_HD DenseRowSums(const double* group_rows, std::uint32_t metric_count)
      : rows(group_rows), metrics(kM > 0 ? kM : metric_count), draws(0) {
    for (std::uint32_t k = 0; k < metrics; ++k) {
      missing[k] = 0;
      sum[k] = sq[k] = 0.0;
    }
  }

  KLYNGE_HD KLYNGE_ALWAYS_INLINE void operator()(std::uint32_t pick) {
    const std::uint32_t M = kM > 0 ? kM : metrics;
    const double* row = rows + static_cast<std::uint64_t>(pick) * M;
    ++draws;
    for (std::uint32_t k = 0; k < M; ++k) {
      const double x = row[k];
      if (x == x) {
        sum[k] += x;
        sq[k] += x * x;
      } else {
        ++missing[k];
      }
    }
  }

  // A unit drawn c times at once (Poisson weights): the same sums as c calls of operator()
  // up to rounding (c * x once instead of x added c times); c = 1 gives operator()'s bits.
  KLYNGE_HD KLYNGE_ALWAYS_INLINE void add_weighted(std::uint32_t pick, std::uint32_t c) {
    const std::uint32_t M = kM > 0 ? kM : metrics;
    const double* row = rows + static_cast<std::uint64_t>(pick) * M;
    const double weight = static_cast<double>(c);
    draws += c;
    for (std::uint32_t k = 0; k < M; ++k) {
      const double x = row[k];
      if (x == x) {
        const double cx = weight * x;
        sum[k] += cx;
        sq[k] += cx * x;
      } else {
        missing[k] += c;
      }
    }
  }

  // Draws with a valid value of metric k.
  KLYNGE_HD double count(std::uint32_t k) const { return static_cast<double>(draws - missing[k]); }
};

// Bayesian (Dirichlet) weights over the dense rows: every unit with its Exp(1) draw e adds e to
// the total and, per metric with a valid value x, e, e·x and e·x² to the raw sums. A group's
// weights are e·m/Σe (for_each_draw), so the weighted sums are these times m / total, applied
// once per group (exp_sums_scaled).
template <std::uint32_t kM>
struct DenseExpSums {
  const double* rows;  // the group's first row
  std::uint32_t metrics;
  double total;
  double n[kDenseMaxMetrics], sum[kDenseMaxMetrics], sq[kDenseMaxMetrics];

  KLYNGE_HD DenseExpSums(const double* group_rows, std::uint32_t metric_count)
      : rows(group_rows), metrics(kM > 0 ? kM : metric_count), total(0.0) {
    for (std::uint32_t k = 0; k < metrics; ++k) n[k] = sum[k] = sq[k] = 0.0;
  }

  KLYNGE_HD KLYNGE_ALWAYS_INLINE void add_exp(std::uint32_t pick, double e) {
    const std::uint32_t M = kM > 0 ? kM : metrics;
    const double* row = rows + static_cast<std::uint64_t>(pick) * M;
    total += e;
    for (std::uint32_t k = 0; k < M; ++k) {
      const double x = row[k];
      if (x == x) {
        const double ex = e * x;
        n[k] += e;
        sum[k] += ex;
        sq[k] += ex * x;
      }
    }
  }
};

// A group of m units' weighted sums from its raw Bayesian sums (weights e·m/total).
KLYNGE_HD void exp_sums_scaled(std::uint32_t metrics, std::uint32_t m, double total,
                               const double* raw_n, const double* raw_sum, const double* raw_sq,
                               double* n, double* sum, double* sq) {
  const double scale = static_cast<double>(m) / total;
  for (std::uint32_t k = 0; k < metrics; ++k) {
    n[k] += scale * raw_n[k];
    sum[k] += scale * raw_sum[k];
    sq[k] += scale * raw_sq[k];
  }
}

// The draws of one resample group fed to `sums`, in for_each_draw's order: under groups/strata
// sums(pick) per draw (large groups by chunks), under Poisson weights sums.add_weighted(pick, c)
// per unit with c > 0. Bayesian weights are the caller's (they need the group's total first).
// `rows` (row_doubles per unit) is only read to prefetch a chunk's rows on the CPU.
template <typename Sums>
KLYNGE_HD void feed_group_draws(const BootView& v, std::uint32_t replicate, std::uint32_t begin,
                                std::uint32_t m, const double* rows, std::uint32_t row_doubles,
                                Sums& sums) {
  if (v.scheme == BootScheme::poisson) {
    poisson_units(v.seed, v.analysis, replicate, begin, 0, m,
                  [&](std::uint32_t unit, std::uint32_t c) { sums.add_weighted(unit, c); });
  } else if (chunked_group(m)) {  // as for_each_draw: large groups draw by chunks
    auto fetch_chunk = [&](std::uint32_t first, std::uint32_t units) {
#if !defined(__CUDA_ARCH__)
      // Bring the chunk's rows in with sequential prefetches: the draws then hit L1 instead
      // of waiting on a random gather each.
      const char* p =
          reinterpret_cast<const char*>(rows + static_cast<std::uint64_t>(first) * row_doubles);
      const char* end = p + static_cast<std::uint64_t>(units) * row_doubles * sizeof(double);
      for (; p < end; p += 64) __builtin_prefetch(p);
#else
      (void)first;
      (void)units;
      (void)rows;
      (void)row_doubles;
#endif
    };
    for_each_chunked_index(v.seed, v.analysis, replicate, begin, m, sums, fetch_chunk);
  } else {
    // Words in runs of kRun positions: the same words WordStream would read, from philox_blocks.
    constexpr std::uint32_t kRun = 256;
    std::uint32_t words[kRun + 8];
    for (std::uint32_t j0 = 0; j0 < m; j0 += kRun) {
      const std::uint32_t len = m - j0 < kRun ? m - j0 : kRun;
      const std::uint64_t p0 = static_cast<std::uint64_t>(begin) + j0;
      const std::uint64_t first_block = p0 >> 2, last_block = (p0 + len - 1) >> 2;
      philox_blocks(v.seed, v.analysis, kPurposeBootstrapIndex, replicate,
                    static_cast<std::uint32_t>(first_block),
                    static_cast<std::uint32_t>(last_block - first_block + 1), words);
      const std::uint32_t* w = words + (p0 & 3u);
      for (std::uint32_t j = 0; j < len; ++j) {
        const BoundedTry t = bounded_try(w[j], m);
        sums(t.accepted ? t.value : bounded_retry(v.seed, v.analysis, replicate, p0 + j, m));
      }
    }
  }
}

// One resample group of the dense path: its draws, each a gather of one row of M values.
template <std::uint32_t kM>
KLYNGE_HD void dense_group(const BootView& v, const DenseView& dv, std::uint32_t replicate,
                           std::uint32_t begin, std::uint32_t m, double* n, double* sum,
                           double* sq) {
  const std::uint32_t M = kM > 0 ? kM : dv.metrics;
  const double* rows = dv.d + static_cast<std::uint64_t>(begin) * M;
  if (v.scheme == BootScheme::bayesian) {  // every unit with its Exp(1) draw, as for_each_draw
    DenseExpSums<kM> raw(rows, M);
    exp_units(v.seed, v.analysis, replicate, begin, 0, m,
              [&](std::uint32_t unit, double e) { raw.add_exp(unit, e); });
    exp_sums_scaled(M, m, raw.total, raw.n, raw.sum, raw.sq, n, sum, sq);
    return;
  }
  DenseRowSums<kM> add_row(rows, M);
  feed_group_draws(v, replicate, begin, m, rows, M, add_row);
  for (std::uint32_t k = 0; k < M; ++k) {
    n[k] += add_row.count(k);
    sum[k] += add_row.sum[k];
    sq[k] += add_row.sq[k];
  }
}

// Adds one resample group's sums (count, Σx, Σx² per metric; unit weights) to the fused
// accumulators of its segments.
KLYNGE_HD void dense_group_acc(const DenseView& dv, std::uint32_t group, const double* n,
                               const double* sum, const double* sq, double* acc) {
  for (std::uint32_t k = 0; k < dv.metrics; ++k) {
    double* a = acc + (dv.group_segment[group] + k * dv.metric_segment_stride) * kFusedAccumulators;
    a[0] += n[k];
    a[1] += n[k];
    a[2] += sum[k];
    a[3] += sq[k];
    a[4] += sq[k];
    a[5] += sum[k];
    a[6] += n[k];
  }
}

KLYNGE_HD void dense_replicate(const BootView& v, const FusedView& f, const DenseView& dv,
                               std::uint32_t replicate, double* acc, double* values, double* se) {
  for (std::uint32_t i = 0; i < f.segments * kFusedAccumulators; ++i) acc[i] = 0.0;
  const std::uint32_t M = dv.metrics;
  for (std::uint32_t g = 0; g < v.resample_groups; ++g) {
    const std::uint32_t begin = v.group_unit_begin[g], end = v.group_unit_begin[g + 1];
    const std::uint32_t m = end - begin;
    double n[kDenseMaxMetrics], sum[kDenseMaxMetrics], sq[kDenseMaxMetrics];
    for (std::uint32_t k = 0; k < M; ++k) n[k] = sum[k] = sq[k] = 0.0;
    with_metric_count(M, [&](auto k) {
      dense_group<decltype(k)::value>(v, dv, replicate, begin, m, n, sum, sq);
    });
    dense_group_acc(dv, g, n, sum, sq, acc);
  }
  fused_finish(v, f, acc, values, se);
}

}  // namespace klynge::hd
