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
//
// The team_ versions run the same definitions on a team of lanes (hd/team.hpp: a GPU warp in
// the bootstrap's count path): each lane sums its share and the team adds the shares in a fixed
// order, so a team's result differs from the sequential one only by the rounding of that order
// (and not at all where the sums are of integers: the cumulative weights that place a median or
// a trimming cut). The plain versions are the team versions run by SerialTeam.
#pragma once

#include <cmath>
#include <cstddef>

#include "klynge/hd/macros.hpp"
#include "klynge/hd/team.hpp"

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
// mean is large compared with the spread. A team's lanes take entries lane, lane + lanes, ...
template <typename Team>
KLYNGE_HD Moments team_moments(const double* values, const double* weights, const double* counts,
                               std::size_t n, const Team& team) {
  double units = 0.0, sum_w = 0.0, sum_wy = 0.0;
  for (std::size_t i = team.lane(); i < n; i += team.lanes()) {
    const double e = effective_weight(weights, counts, i);
    if (!(e > 0.0)) continue;
    units += counts ? counts[i] : 1.0;
    sum_w += e;
    sum_wy += e * values[i];
  }
  units = team.sum(units);
  sum_w = team.sum(sum_w);
  sum_wy = team.sum(sum_wy);
  Moments m{units, sum_w, nan_value(), nan_value(), nan_value()};
  if (!(sum_w > 0.0)) return m;
  const double m0 = sum_wy / sum_w;
  double d = 0.0, q = 0.0;           // sum e (y - m0), sum e (y - m0)^2
  double a = 0.0, b = 0.0, f = 0.0;  // sum c w^2 (y - m0)^2, sum c w^2 (y - m0), sum c w^2
  for (std::size_t i = team.lane(); i < n; i += team.lanes()) {
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
  d = team.sum(d);
  q = team.sum(q);
  a = team.sum(a);
  b = team.sum(b);
  f = team.sum(f);
  const double delta = d / sum_w;
  m.mean = m0 + delta;
  const double m2 = q - d * delta;
  const double m2_ww = a - 2.0 * delta * b + delta * delta * f;
  m.m2 = m2 > 0.0 ? m2 : 0.0;
  m.m2_ww = m2_ww > 0.0 ? m2_ww : 0.0;
  return m;
}

KLYNGE_HD Moments moments(const double* values, const double* weights, const double* counts,
                          std::size_t n) {
  return team_moments(values, weights, counts, n, SerialTeam{});
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

// Total effective weight of entries [begin, end) in index order (the same order the
// sorted-value scans use, so a cumulative sum reaches exactly this value at the last entry).
KLYNGE_HD double block_weight(const double* weights, const double* counts, std::size_t begin,
                              std::size_t end) {
  double total = 0.0;
  for (std::size_t i = begin; i < end; ++i) {
    const double e = effective_weight(weights, counts, i);
    if (e > 0.0) total += e;
  }
  return total;
}

KLYNGE_HD double total_weight(const double* weights, const double* counts, std::size_t n) {
  return block_weight(weights, counts, 0, n);
}

// Where a sorted-value scan splits over a team: with `exact` (every effective weight an integer,
// so cumulative sums do not depend on their order) lane l scans block l and starts from the
// exact sum of the blocks below it; otherwise lane 0 scans everything, in index order, as one
// thread does. Every lane gets the same total.
struct ScanBlock {
  std::size_t begin, end;
  double before;  // cumulative effective weight of the entries before begin
  double total;
};

template <typename Team>
KLYNGE_HD ScanBlock team_scan_block(const double* weights, const double* counts, std::size_t n,
                                    bool exact, const Team& team) {
  if (!exact || team.lanes() == 1) {
    const double total =
        team.broadcast(team.lane() == 0 ? total_weight(weights, counts, n) : 0.0, 0);
    return ScanBlock{0, team.lane() == 0 ? n : 0, 0.0, total};
  }
  const std::size_t begin = team_block_begin(team.lane(), team.lanes(), n);
  const std::size_t end = team_block_begin(team.lane() + 1, team.lanes(), n);
  const double mine = block_weight(weights, counts, begin, end);
  return ScanBlock{begin, end, team.scan(mine), team.sum(mine)};
}

// Weighted median over values sorted ascending (weights/counts aligned with them). With C_k
// the cumulative effective weight and W the total: if some C_k equals W/2 (to within
// kMedianHalfTolerance W, the rounding of a sum: eight weights of 0.1 do not add to 0.8
// exactly, and equal weights must give the unweighted median), the mean of y_k and the next
// value with positive weight; otherwise the first y_k with C_k > W/2.
// Unit weights: the usual median (mean of the two middle values for even n); counts: the
// median of the expanded sample. NaN for an empty group. On a team the lane whose block holds
// the first C_k >= W/2 finds the value (exact: the block sums are exact) and broadcasts it.
inline constexpr double kMedianHalfTolerance = 1e-12;

template <typename Team>
KLYNGE_HD double team_weighted_median_sorted(const double* values, const double* weights,
                                             const double* counts, std::size_t n, bool exact,
                                             const Team& team) {
  const ScanBlock blk = team_scan_block(weights, counts, n, exact, team);
  if (!(blk.total > 0.0)) return nan_value();
  const double half = 0.5 * blk.total, tolerance = kMedianHalfTolerance * blk.total;
  double found = nan_value();
  bool mine = false;
  double cum = blk.before;
  for (std::size_t i = blk.begin; i < blk.end && !mine; ++i) {
    const double e = effective_weight(weights, counts, i);
    if (!(e > 0.0)) continue;
    cum += e;
    if (cum >= half - tolerance && cum <= half + tolerance) {
      mine = true;
      found = values[i];  // only kept through rounding of tiny trailing weights
      for (std::size_t j = i + 1; j < n; ++j) {
        if (effective_weight(weights, counts, j) > 0.0) {
          found = 0.5 * (values[i] + values[j]);
          break;
        }
      }
    } else if (cum > half) {
      mine = true;
      found = values[i];
    }
  }
  const std::uint32_t owner = team.first_lane(mine);
  if (owner == team.lanes()) return values[n - 1];  // not reached: cum ends at total > half
  return team.broadcast(found, owner);
}

KLYNGE_HD double weighted_median_sorted(const double* values, const double* weights,
                                        const double* counts, std::size_t n) {
  return team_weighted_median_sorted(values, weights, counts, n, false, SerialTeam{});
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
// The expanded sample size to cut by. Bayesian bootstrap counts are scaled to sum to the
// group's number of units, but only up to rounding (8999.999999999998 for 9 000), and floor()
// would turn that into a cut one unit short that depends on the order of the sum: a total within
// 1e-9 (relative) of a whole number is that number.
KLYNGE_HD double whole_units(double units) {
  const double nearest = std::round(units);
  return std::fabs(units - nearest) <= 1e-9 * nearest ? nearest : units;
}
// Fractional cutting (real sampling weights): trim * W of mass from each tail.
KLYNGE_HD double trim_cut_mass(double trim, double total_weight) {
  return trim * total_weight;
}

// Trimmed mean over values sorted ascending: removes `cut` of effective weight from the
// bottom and `cut` from the top (an entry straddling a boundary keeps the part inside) and
// returns the weighted mean of what is left. NaN when nothing is left (2 cut >= W). On a team
// each lane keeps the part of its block (placed exactly, see team_scan_block) and the team adds
// the lanes' sums.
template <typename Team>
KLYNGE_HD double team_trimmed_mean_sorted(const double* values, const double* weights,
                                          const double* counts, std::size_t n, double cut,
                                          bool exact, const Team& team) {
  const ScanBlock blk = team_scan_block(weights, counts, n, exact, team);
  const double lo = cut > 0.0 ? cut : 0.0;
  const double hi = blk.total - lo;
  if (!(hi > lo)) return nan_value();
  double before = blk.before, sum = 0.0, kept_total = 0.0;
  for (std::size_t i = blk.begin; i < blk.end; ++i) {
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
  sum = team.sum(sum);
  kept_total = team.sum(kept_total);
  return kept_total > 0.0 ? sum / kept_total : nan_value();
}

KLYNGE_HD double trimmed_mean_sorted(const double* values, const double* weights,
                                     const double* counts, std::size_t n, double cut) {
  return team_trimmed_mean_sorted(values, weights, counts, n, cut, false, SerialTeam{});
}

KLYNGE_HD double trimmed_mean_sorted(const double* values, const double* weights, std::size_t n,
                                     double cut) {
  return trimmed_mean_sorted(values, weights, nullptr, n, cut);
}

// Aggregate growth sum(e x1) / sum(e x0) - 1 over taking-part entries: the growth of the
// group's total ("total employment grew by"). NaN when the base total is not positive.
template <typename Team>
KLYNGE_HD double team_aggregate_growth(const double* start, const double* end,
                                       const double* weights, const double* counts, std::size_t n,
                                       const Team& team) {
  double s0 = 0.0, s1 = 0.0;
  for (std::size_t i = team.lane(); i < n; i += team.lanes()) {
    const double e = effective_weight(weights, counts, i);
    if (!(e > 0.0)) continue;
    s0 += e * start[i];
    s1 += e * end[i];
  }
  s0 = team.sum(s0);
  s1 = team.sum(s1);
  if (!(s0 > 0.0)) return nan_value();
  return s1 / s0 - 1.0;
}

KLYNGE_HD double aggregate_growth(const double* start, const double* end, const double* weights,
                                  const double* counts, std::size_t n) {
  return team_aggregate_growth(start, end, weights, counts, n, SerialTeam{});
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
