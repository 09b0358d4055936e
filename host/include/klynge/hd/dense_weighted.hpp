// The dense path for weighted samples (sampling weights, balance factors): each unit's row holds,
// per metric, d = y - center (NaN = not valid) and its weight w, so a draw is one contiguous
// gather of 2M values instead of the record path's indirection (hd/bootstrap_fused.hpp,
// fused_add). The accumulators are the record path's seven per metric, computed with the same
// operations per draw (c = the draw's weight: 1 per multinomial draw, the Poisson count, or the
// Bayesian Exp(1) draw before the group's scaling), so the two paths differ in summation order
// only (checked to 1e-12 in tests/cpu/bootstrap_lanes_test.cpp).
#pragma once

#include <cstdint>

#include "klynge/hd/bootstrap_fused.hpp"
#include "klynge/hd/macros.hpp"
#include "klynge/hd/metric_count.hpp"

namespace klynge::hd {

template <std::uint32_t kM>
struct DenseWeightedSums {
  const double* rows;  // the group's first row (or a staged copy's)
  std::uint32_t metrics;
  double total;  // Σ e of the Bayesian draws fed through add_exp
  double a[kFusedAccumulators * kDenseMaxMetrics];

  KLYNGE_HD DenseWeightedSums(const double* group_rows, std::uint32_t metric_count)
      : rows(group_rows), metrics(kM > 0 ? kM : metric_count), total(0.0) {
    for (std::uint32_t x = 0; x < kFusedAccumulators * metrics; ++x) a[x] = 0.0;
  }

  // fused_add's operations for one valid (d, w) of every metric of row `pick`, weight c.
  KLYNGE_HD KLYNGE_ALWAYS_INLINE void add(std::uint32_t pick, double c) {
    const std::uint32_t M = kM > 0 ? kM : metrics;
    const double* row = rows + static_cast<std::uint64_t>(pick) * 2 * M;
    for (std::uint32_t k = 0; k < M; ++k) {
      const double d = row[2 * k];
      if (!(d == d)) continue;
      const double w = row[2 * k + 1];
      double* acc = a + k * kFusedAccumulators;
      const double cw = c * w;
      const double cwd = cw * d;
      const double cww = cw * w;
      acc[0] += c;
      acc[1] += cw;
      acc[2] += cwd;
      acc[3] += cwd * d;
      acc[4] += cww * d * d;
      acc[5] += cww * d;
      acc[6] += cww;
    }
  }
  KLYNGE_HD KLYNGE_ALWAYS_INLINE void operator()(std::uint32_t pick) { add(pick, 1.0); }
  KLYNGE_HD KLYNGE_ALWAYS_INLINE void add_weighted(std::uint32_t pick, std::uint32_t c) {
    add(pick, static_cast<double>(c));
  }
  KLYNGE_HD KLYNGE_ALWAYS_INLINE void add_exp(std::uint32_t pick, double e) {
    total += e;
    add(pick, e);
  }
};

// Adds one resample group's accumulators (kFusedAccumulators per metric, times `scale`) to the
// fused accumulators of its segments.
KLYNGE_HD void dense_weighted_group_acc(const DenseView& dv, std::uint32_t group,
                                        const double* sums, double scale, double* acc) {
  for (std::uint32_t k = 0; k < dv.metrics; ++k) {
    double* a = acc + (dv.group_segment[group] + k * dv.metric_segment_stride) * kFusedAccumulators;
    for (int j = 0; j < kFusedAccumulators; ++j) a[j] += scale * sums[k * kFusedAccumulators + j];
  }
}

// One resample group of a weighted sample on the dense path, added to acc.
template <std::uint32_t kM>
KLYNGE_HD void dense_weighted_group(const BootView& v, const DenseView& dv, std::uint32_t replicate,
                                    std::uint32_t group, double* acc) {
  const std::uint32_t M = kM > 0 ? kM : dv.metrics;
  const std::uint32_t begin = v.group_unit_begin[group];
  const std::uint32_t m = v.group_unit_begin[group + 1] - begin;
  const double* rows = dv.d + static_cast<std::uint64_t>(begin) * 2 * M;
  DenseWeightedSums<kM> sums(rows, M);
  if (v.scheme == BootScheme::bayesian) {  // weights e * m / Σe, the scale applied once
    exp_units(v.seed, v.analysis, replicate, begin, 0, m,
              [&](std::uint32_t unit, double e) { sums.add_exp(unit, e); });
    dense_weighted_group_acc(dv, group, sums.a, static_cast<double>(m) / sums.total, acc);
    return;
  }
  feed_group_draws(v, replicate, begin, m, rows, 2 * M, sums);
  dense_weighted_group_acc(dv, group, sums.a, 1.0, acc);
}

KLYNGE_HD void dense_weighted_replicate(const BootView& v, const FusedView& f, const DenseView& dv,
                                        std::uint32_t replicate, double* acc, double* values,
                                        double* se) {
  for (std::uint32_t i = 0; i < f.segments * kFusedAccumulators; ++i) acc[i] = 0.0;
  for (std::uint32_t g = 0; g < v.resample_groups; ++g) {
    with_metric_count(dv.metrics, [&](auto k) {
      dense_weighted_group<decltype(k)::value>(v, dv, replicate, g, acc);
    });
  }
  fused_finish(v, f, acc, values, se);
}

}  // namespace klynge::hd
