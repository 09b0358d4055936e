// Per-group reductions shared by the point estimates (stats/describe), the CPU (OpenMP) and the
// CUDA bootstrap/permutation kernels (DESIGN.md §2). Definitions: docs/estimands.md.
//
// Every function reads a group as plain arrays of length n:
//   values   the growth values y_i
//   weights  sampling weights w_i (nullptr = all 1): --weight times the --balance factor
//   counts   replication counts c_i (nullptr = all 1): bootstrap resample counts, or any
//            frequency weights
// An entry takes part with effective weight e_i = w_i * c_i when e_i > 0; entries with
// e_i <= 0 (or NaN) are skipped without reading their value, so a dropped contribution (NaN
// growth, weight 0) never poisons a sum.
//
// Weights and counts are kept apart because they mean different things for a spread: a
// count replicates a firm (the expanded sample has sum(c) units), a sampling weight does not.
// With weights == nullptr every result equals the unit-weight result on the expanded sample
// (each entry repeated c_i times); with counts == nullptr and w_i > 0 the spreads are the
// survey (probability-weight) ones; with both nullptr everything is the textbook unweighted
// statistic.
//
// Summation is sequential in index order with no data-dependent reordering, so a result is a
// pure function of its inputs on any thread, block or device. No allocation, no exceptions,
// no std containers: KLYNGE_HD makes these __host__ __device__ under nvcc.
#pragma once

#include <cmath>
#include <cstddef>

#include "klynge/hd/macros.hpp"

namespace klynge::hd {

KLYNGE_HD double nan_value() {
  return static_cast<double>(NAN);
}

// Effective weight of entry i (see above); <= 0 or NaN means "not in the group".
KLYNGE_HD double effective_weight(const double* weights, const double* counts, std::size_t i) {
  const double w = weights ? weights[i] : 1.0;
  return counts ? w * counts[i] : w;
}

struct Moments {
  double units;  // sum of c_i over taking part entries: the (expanded) number of firms
  double sum_w;  // W = sum of e_i
  double mean;   // sum(e_i y_i) / W
  double m2;     // sum of e_i (y_i - mean)^2
  double m2_ww;  // sum of c_i w_i^2 (y_i - mean)^2  (= m2 when weights == nullptr)
};

// Two passes in index order: the first gives W and a provisional mean m0 = sum(e y)/W, the
// second sums deviations from m0 and corrects for m0's rounding error (the corrected
// two-pass algorithm; Chan, Golub & LeVeque 1983), so the spread stays accurate when the
// mean is large compared with the spread.
KLYNGE_HD Moments moments(const double* values, const double* weights, const double* counts,
                          std::size_t n) {
  double units = 0.0, sum_w = 0.0, sum_wy = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double e = effective_weight(weights, counts, i);
    if (!(e > 0.0)) continue;
    units += counts ? counts[i] : 1.0;
    sum_w += e;
    sum_wy += e * values[i];
  }
  Moments m{units, sum_w, nan_value(), nan_value(), nan_value()};
  if (!(sum_w > 0.0)) return m;
  const double m0 = sum_wy / sum_w;
  double d = 0.0, q = 0.0;           // sum e (y - m0), sum e (y - m0)^2
  double a = 0.0, b = 0.0, f = 0.0;  // sum c w^2 (y - m0)^2, sum c w^2 (y - m0), sum c w^2
  for (std::size_t i = 0; i < n; ++i) {
    const double e = effective_weight(weights, counts, i);
    if (!(e > 0.0)) continue;
    const double dev = values[i] - m0;
    const double ew = weights ? e * weights[i] : e;  // c w^2
    d += e * dev;
    q += e * dev * dev;
    a += ew * dev * dev;
    b += ew * dev;
    f += ew;
  }
  const double delta = d / sum_w;
  m.mean = m0 + delta;
  const double m2 = q - d * delta;
  const double m2_ww = a - 2.0 * delta * b + delta * delta * f;
  m.m2 = m2 > 0.0 ? m2 : 0.0;
  m.m2_ww = m2_ww > 0.0 ? m2_ww : 0.0;
  return m;
}

KLYNGE_HD Moments moments(const double* values, const double* weights, std::size_t n) {
  return moments(values, weights, nullptr, n);
}

// Variance of the values: N/(N-1) * m2 / W with N = units. Unit weights: the usual n-1
// sample variance; counts: the sample variance of the expanded sample; sampling weights: the
// frequency-weight variance after normalising the weights to sum to n. NaN when N < 2.
KLYNGE_HD double variance(const Moments& m) {
  if (!(m.units >= 2.0) || !(m.sum_w > 0.0)) return nan_value();
  return m.units / (m.units - 1.0) * m.m2 / m.sum_w;
}

// Squared standard error of the (weighted) mean: N/(N-1) * m2_ww / W^2, the linearisation
// (survey, with-replacement) variance. Unit weights: s^2/n, as in Welch's test; counts only:
// s^2/N of the expanded sample. NaN when N < 2.
KLYNGE_HD double mean_se2(const Moments& m) {
  if (!(m.units >= 2.0) || !(m.sum_w > 0.0)) return nan_value();
  return m.units / (m.units - 1.0) * m.m2_ww / (m.sum_w * m.sum_w);
}

// Total effective weight in index order (the same order the sorted-value scans use, so a
// cumulative sum reaches exactly this value at the last entry).
KLYNGE_HD double total_weight(const double* weights, const double* counts, std::size_t n) {
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double e = effective_weight(weights, counts, i);
    if (e > 0.0) total += e;
  }
  return total;
}

// Weighted median over values sorted ascending (weights/counts aligned with them). With C_k
// the cumulative effective weight and W the total: if some C_k equals W/2 exactly, the mean
// of y_k and the next value with positive weight; otherwise the first y_k with C_k > W/2.
// Unit weights: the usual median (mean of the two middle values for even n); counts: the
// median of the expanded sample. NaN for an empty group.
KLYNGE_HD double weighted_median_sorted(const double* values, const double* weights,
                                        const double* counts, std::size_t n) {
  const double total = total_weight(weights, counts, n);
  if (!(total > 0.0)) return nan_value();
  const double half = 0.5 * total;
  double cum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double e = effective_weight(weights, counts, i);
    if (!(e > 0.0)) continue;
    cum += e;
    if (cum == half) {
      for (std::size_t j = i + 1; j < n; ++j) {
        if (effective_weight(weights, counts, j) > 0.0) return 0.5 * (values[i] + values[j]);
      }
      return values[i];  // only reachable through rounding of tiny trailing weights
    }
    if (cum > half) return values[i];
  }
  return values[n - 1];  // not reached: cum ends at total > half
}

KLYNGE_HD double weighted_median_sorted(const double* values, const double* weights,
                                        std::size_t n) {
  return weighted_median_sorted(values, weights, nullptr, n);
}

// Weight to cut from each tail for a trimmed mean.
// Integer cutting (unit weights or counts): floor(trim * units), as scipy.stats.trim_mean
// cuts floor(trim * n) observations from each end of the (expanded) sample.
KLYNGE_HD double trim_cut_units(double trim, double units) {
  return std::floor(trim * units);
}
// Fractional cutting (real sampling weights): trim * W of mass from each tail.
KLYNGE_HD double trim_cut_mass(double trim, double total_weight) {
  return trim * total_weight;
}

// Trimmed mean over values sorted ascending: removes `cut` of effective weight from the
// bottom and `cut` from the top (an entry straddling a boundary keeps the part inside) and
// returns the weighted mean of what is left. NaN when nothing is left (2 cut >= W).
KLYNGE_HD double trimmed_mean_sorted(const double* values, const double* weights,
                                     const double* counts, std::size_t n, double cut) {
  const double total = total_weight(weights, counts, n);
  const double lo = cut > 0.0 ? cut : 0.0;
  const double hi = total - lo;
  if (!(hi > lo)) return nan_value();
  double before = 0.0, sum = 0.0, kept_total = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double e = effective_weight(weights, counts, i);
    if (!(e > 0.0)) continue;
    const double after = before + e;
    double kept;
    if (before >= lo && after <= hi) {
      kept = e;  // wholly inside: use the weight itself, not a difference of sums
    } else {
      const double top = after < hi ? after : hi;
      const double bottom = before > lo ? before : lo;
      kept = top - bottom;
    }
    if (kept > 0.0) {
      sum += kept * values[i];
      kept_total += kept;
    }
    before = after;
  }
  return kept_total > 0.0 ? sum / kept_total : nan_value();
}

KLYNGE_HD double trimmed_mean_sorted(const double* values, const double* weights, std::size_t n,
                                     double cut) {
  return trimmed_mean_sorted(values, weights, nullptr, n, cut);
}

// Aggregate growth sum(e x1) / sum(e x0) - 1 over taking-part entries: the growth of the
// group's total ("total employment grew by"). NaN when the base total is not positive.
KLYNGE_HD double aggregate_growth(const double* start, const double* end, const double* weights,
                                  const double* counts, std::size_t n) {
  double s0 = 0.0, s1 = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double e = effective_weight(weights, counts, i);
    if (!(e > 0.0)) continue;
    s0 += e * start[i];
    s1 += e * end[i];
  }
  if (!(s0 > 0.0)) return nan_value();
  return s1 / s0 - 1.0;
}

KLYNGE_HD double aggregate_growth(const double* start, const double* end, const double* weights,
                                  std::size_t n) {
  return aggregate_growth(start, end, weights, nullptr, n);
}

// Welch's t of a mean difference from the two groups' squared standard errors. NaN when the
// standard error is zero or undefined (the caller reports the reason).
KLYNGE_HD double welch_t(double mean_diff, double se2_member, double se2_control) {
  const double se2 = se2_member + se2_control;
  if (!(se2 > 0.0)) return nan_value();
  return mean_diff / std::sqrt(se2);
}

}  // namespace klynge::hd
