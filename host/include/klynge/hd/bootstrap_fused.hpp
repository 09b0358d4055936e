// The fused replicate for mean-type statistics (mean_diff, welch_t) in the window design, and
// for mean_diff alone without replicate SEs in the cohort design: draw a unit, gather its
// records, accumulate — no count array, no second pass. Each unit's records (one per metric
// and cell where it is valid) lie together, so three metrics cost little more than one.
// The cohort aggregate's mean difference needs only each cell's member units and mean
// difference; its welch_t and SE need every firm's influence across cells (the count path's
// influence pass), which per-segment sums cannot give, so those stay on the count path. The draws
// are exactly those of draw_counts (same positions, same words), so the fused and the count path
// resample the same firms; their sums differ only in rounding (checked to 1e-12 in
// tests/cpu/bootstrap_engine_test.cpp).
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
  double d;  // y - center[segment]
  double w;
};

struct FusedView {
  const std::uint32_t* unit_record_begin;  // records of unit u: [begin[u], begin[u + 1])
  const FusedRecord* records;
  const double* center;  // per segment
  std::uint32_t segments;
};

// Whether the fused path computes every requested statistic (stat_mask over kStat*): mean_diff
// and welch_t in the window design; in the cohort design mean_diff alone and no replicate SEs.
KLYNGE_HD bool fused_serves(bool cohort_design, std::uint32_t stat_mask, bool replicate_se) {
  const std::uint32_t mean = 1u << kStatMean, welch = 1u << kStatWelch;
  if (cohort_design) return stat_mask == mean && !replicate_se;
  return (stat_mask & ~(mean | welch)) == 0;
}

inline constexpr int kFusedAccumulators = 7;  // units, W, Σcwd, Σcwd², Σcw²d², Σcw²d, Σcw²

KLYNGE_HD void fused_add(const FusedView& f, std::uint32_t unit, double c, double* acc) {
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

// Moments of every segment from the accumulators, then the statistics of every cell (and, in
// the cohort design, the aggregate mean difference: cohort_average's sum over the cells with a
// value, in cell order, with the same member units).
KLYNGE_HD void fused_finish(const BootView& v, const FusedView& f, const double* acc,
                            double* values, double* se) {
  std::uint32_t key = 0;
  const double nan = nan_value();
  for (std::uint32_t m = 0; m < v.metrics; ++m) {
    CohortAverage mean_avg{0.0, 0.0};
    for (std::uint32_t c = 0; c < v.cells; ++c) {
      const std::uint32_t seg = (m * v.cells + c) * 2;
      GroupValues gm{fused_moments(acc + seg * kFusedAccumulators, f.center[seg]), nan, nan, nan};
      GroupValues gc{fused_moments(acc + (seg + 1) * kFusedAccumulators, f.center[seg + 1]), nan,
                     nan, nan};
      double cv[kBootStatistics];
      double cell_se;
      cell_values(gm, gc, v.level, cv, &cell_se);
      if (finite_value(cv[kStatMean])) {
        mean_avg.total += gm.moments.units;
        mean_avg.sum += gm.moments.units * cv[kStatMean];
      }
      for (int s = 0; s < kBootStatistics; ++s) {
        if (!(v.stat_mask & (1u << s))) continue;
        values[key] = cv[s];
        se[key] = s == kStatMean ? cell_se : nan;
        ++key;
      }
    }
    if (!v.cohort_design) continue;
    // The host takes this path in the cohort design only for mean_diff without SEs
    // (fused_serves); anything else would read NaN here.
    for (int s = 0; s < kBootStatistics; ++s) {
      if (!(v.stat_mask & (1u << s))) continue;
      values[key] = s == kStatMean && mean_avg.total > 0.0 ? mean_avg.sum / mean_avg.total : nan;
      se[key] = nan;
      ++key;
    }
  }
}

// acc: segments * kFusedAccumulators doubles of scratch. values/se: boot_keys(v) entries.
KLYNGE_HD void fused_replicate(const BootView& v, const FusedView& f, std::uint32_t replicate,
                               double* acc, double* values, double* se) {
  for (std::uint32_t i = 0; i < f.segments * kFusedAccumulators; ++i) acc[i] = 0.0;
  for_each_draw(v, replicate, [&](std::uint32_t unit, double c) { fused_add(f, unit, c, acc); });
  fused_finish(v, f, acc, values, se);
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
