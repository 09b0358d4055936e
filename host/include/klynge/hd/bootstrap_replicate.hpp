// One bootstrap replicate, written once for every backend (DESIGN.md §2): draw the resample
// counts of every firm from the replicate's counter, then compute every requested statistic
// of every metric, cell and the cohort aggregate from those counts. Plain structs and pointers
// only; the host builds the view (host/src/cpu/bootstrap.cpp) and the scratch.
//
// The sample is seen as segments, one per (metric, cell, group) in describe's order: segment
// s = (metric * cells + cell) * 2 + group holds that group's valid contributions (finite
// growth, weight > 0) in contribution order, and a copy sorted by (value, weight) for the
// median and trimmed mean. A replicate is a count per firm (firm_count); a segment reads the
// count of each contribution's firm, so a firm brings all its metrics and cohorts together.
#pragma once

#include <cmath>
#include <cstdint>

#include "klynge/hd/bootstrap_chunked.hpp"
#include "klynge/hd/bootstrap_draws.hpp"
#include "klynge/hd/group_stats.hpp"
#include "klynge/hd/macros.hpp"

namespace klynge::hd {

enum class BootScheme : std::uint32_t { groups = 0, strata = 1, poisson = 2, bayesian = 3 };

// Statistic order as klynge::Statistic.
inline constexpr int kBootStatistics = 5;
inline constexpr int kStatMean = 0, kStatMedian = 1, kStatTrimmed = 2, kStatAgg = 3, kStatWelch = 4;

struct BootView {
  // Segments (see above): entries [seg_begin[s], seg_begin[s + 1]) of every per-entry array.
  const std::uint32_t* seg_begin;
  const double* y;   // growth, contribution order
  const double* w;   // weight
  const double* x0;  // start value
  const double* x1;  // end value
  const std::int32_t* firm;
  const double* ys;  // sorted by (y, w)
  const double* ws;
  const std::int32_t* sorted_firm;
  std::uint32_t metrics;
  std::uint32_t cells;
  bool cohort_design;  // adds the aggregate over cells
  bool weighted;       // fractional trimming by mass
  bool level;          // agg_diff not applicable
  double trim;

  // Resampling units: a unit is a firm (or a cluster of member firms) and lists its firms in
  // unit_firms[unit_firm_begin[u] .. unit_firm_begin[u + 1]). Resample groups are runs of
  // units [group_unit_begin[g], group_unit_begin[g + 1]) drawn from each other: members of a
  // cohort, the control pool, or a group x stratum cell.
  const std::uint32_t* group_unit_begin;
  std::uint32_t resample_groups;
  const std::uint32_t* unit_firm_begin;
  const std::int32_t* unit_firms;
  std::uint32_t firms;  // size of firm_count and influence

  BootScheme scheme;
  std::uint64_t seed;
  std::uint32_t analysis;

  // Requested statistics (mask bit s = Statistic s) and their number.
  std::uint32_t stat_mask;
  std::uint32_t stat_count;
};

// Per-thread scratch, sized by the host: firms, the longest segment, cells.
struct BootScratch {
  double* firm_count;     // [firms]
  double* influence;      // [firms], all zero between uses
  double* seg_counts;     // [max segment]
  double* sorted_counts;  // [max segment]
  double* cell_values;    // [cells * 5]
  double* cell_se;        // [cells]
  double* member_units;   // [cells]
  Moments* cell_moments;  // [cells * 2]
};

KLYNGE_HD std::uint32_t boot_keys_per_metric(const BootView& v) {
  return (v.cells + (v.cohort_design ? 1u : 0u)) * v.stat_count;
}

KLYNGE_HD std::uint32_t boot_keys(const BootView& v) {
  return v.metrics * boot_keys_per_metric(v);
}

// ---- Drawing the counts ------------------------------------------------------------------------

KLYNGE_HD void add_unit(const BootView& v, std::uint32_t unit, double count, double* firm_count) {
  for (std::uint32_t k = v.unit_firm_begin[unit]; k < v.unit_firm_begin[unit + 1]; ++k)
    firm_count[v.unit_firms[k]] += count;
}

// Every resampled unit of replicate `replicate` with its weight, in a fixed order: the one
// definition of each scheme's draws, shared by the count path (draw_counts) and the fused
// paths, so they draw the same units whatever they accumulate. A pure function of (seed,
// analysis, replicate) and the view. groups/strata: each resample group of m units gets m
// unbiased uniform index draws (multinomial counts); poisson: an independent Poisson(1) count
// per unit; bayesian: Exp(1) per unit, normalised within each resample group to sum to its
// number of units (Dirichlet(1) weights scaled to m, so Σ counts matches the other schemes).
// A group of at least kChunkedMinUnits units draws its m indices by chunks instead
// (hd/bootstrap_chunked.hpp): the same multinomial law, other draws.
template <typename Sink>
KLYNGE_HD void for_each_draw(const BootView& v, std::uint32_t replicate, Sink&& sink) {
  if (v.scheme == BootScheme::groups || v.scheme == BootScheme::strata) {
    WordStream s = word_stream(v.seed, v.analysis, kPurposeBootstrapIndex, replicate);
    for (std::uint32_t g = 0; g < v.resample_groups; ++g) {
      const std::uint32_t begin = v.group_unit_begin[g], end = v.group_unit_begin[g + 1];
      const std::uint32_t m = end - begin;
      if (chunked_group(m)) {
        for_each_chunked_index(v.seed, v.analysis, replicate, begin, m,
                               [&](std::uint32_t i) { sink(begin + i, 1.0); });
        continue;
      }
      for (std::uint32_t j = 0; j < m; ++j) sink(begin + bounded_index(s, begin + j, m), 1.0);
    }
  } else if (v.scheme == BootScheme::poisson) {
    WordStream s = word_stream(v.seed, v.analysis, kPurposeBootstrapPoisson, replicate);
    const std::uint32_t units = v.group_unit_begin[v.resample_groups];
    for (std::uint32_t u = 0; u < units; ++u) {
      const std::uint32_t c = poisson1_u32(s.at(u));
      if (c > 0) sink(u, static_cast<double>(c));
    }
  } else {
    WordStream s = word_stream(v.seed, v.analysis, kPurposeBootstrapExp, replicate);
    for (std::uint32_t g = 0; g < v.resample_groups; ++g) {
      const std::uint32_t begin = v.group_unit_begin[g], end = v.group_unit_begin[g + 1];
      double total = 0.0;
      for (std::uint32_t u = begin; u < end; ++u)
        total += exp1_from_words(s.at(2ull * u), s.at(2ull * u + 1));
      const double scale = static_cast<double>(end - begin) / total;
      for (std::uint32_t u = begin; u < end; ++u)
        sink(u, exp1_from_words(s.at(2ull * u), s.at(2ull * u + 1)) * scale);
    }
  }
}

// Fills firm_count (one entry per firm) for replicate `replicate`.
KLYNGE_HD void draw_counts(const BootView& v, std::uint32_t replicate, double* firm_count) {
  for (std::uint32_t f = 0; f < v.firms; ++f) firm_count[f] = 0.0;
  for_each_draw(v, replicate,
                [&](std::uint32_t unit, double count) { add_unit(v, unit, count, firm_count); });
}

// ---- Statistics from counts --------------------------------------------------------------------

// x is neither NaN nor infinite (x - x is 0 only for finite x), with no <cmath> overload that
// differs between host and device compilers.
KLYNGE_HD bool finite_value(double x) {
  return x - x == 0.0;
}

struct GroupValues {
  Moments moments;
  double median, trimmed, agg;
};

KLYNGE_HD GroupValues group_values(const BootView& v, std::uint32_t segment,
                                   const double* firm_count, BootScratch& scratch) {
  const std::uint32_t b = v.seg_begin[segment], n = v.seg_begin[segment + 1] - b;
  for (std::uint32_t i = 0; i < n; ++i) scratch.seg_counts[i] = firm_count[v.firm[b + i]];
  GroupValues g;
  g.moments = moments(v.y + b, v.w + b, scratch.seg_counts, n);
  g.median = g.trimmed = g.agg = nan_value();
  const bool sorted_needed = (v.stat_mask & ((1u << kStatMedian) | (1u << kStatTrimmed))) != 0;
  if (sorted_needed && g.moments.sum_w > 0.0) {
    for (std::uint32_t i = 0; i < n; ++i)
      scratch.sorted_counts[i] = firm_count[v.sorted_firm[b + i]];
    if (v.stat_mask & (1u << kStatMedian))
      g.median = weighted_median_sorted(v.ys + b, v.ws + b, scratch.sorted_counts, n);
    if (v.stat_mask & (1u << kStatTrimmed)) {
      const double cut = v.weighted ? trim_cut_mass(v.trim, g.moments.sum_w)
                                    : trim_cut_units(v.trim, g.moments.units);
      g.trimmed = trimmed_mean_sorted(v.ys + b, v.ws + b, scratch.sorted_counts, n, cut);
    }
  }
  if ((v.stat_mask & (1u << kStatAgg)) && !v.level && g.moments.sum_w > 0.0)
    g.agg = aggregate_growth(v.x0 + b, v.x1 + b, v.w + b, scratch.seg_counts, n);
  return g;
}

// The five statistics of one cell (NaN where describe's status is not "ok") and the Welch SE
// of the mean difference.
KLYNGE_HD void cell_values(const GroupValues& m, const GroupValues& c, bool level, double* out,
                           double* se) {
  const double nan = nan_value();
  for (int s = 0; s < kBootStatistics; ++s) out[s] = nan;
  *se = nan;
  if (!(m.moments.sum_w > 0.0) || !(c.moments.sum_w > 0.0)) return;  // empty group
  out[kStatMean] = m.moments.mean - c.moments.mean;
  out[kStatMedian] = m.median - c.median;
  out[kStatTrimmed] = m.trimmed - c.trimmed;
  if (!level && finite_value(m.agg) && finite_value(c.agg)) out[kStatAgg] = m.agg - c.agg;
  if (m.moments.units >= 2.0 && c.moments.units >= 2.0) {
    const double se2m = mean_se2(m.moments), se2c = mean_se2(c.moments);
    const double t = welch_t(out[kStatMean], se2m, se2c);
    if (finite_value(t)) {
      out[kStatWelch] = t;
      *se = std::sqrt(se2m + se2c);
    }
  }
}

// A statistic's cells averaged with member-size weights, over the cells where it has a value
// (docs/estimands.md §7): returns the weight total and the weighted sum.
struct CohortAverage {
  double total;
  double sum;
};
KLYNGE_HD CohortAverage cohort_average(const BootView& v, const BootScratch& scratch,
                                       int statistic) {
  CohortAverage a{0.0, 0.0};
  for (std::uint32_t c = 0; c < v.cells; ++c) {
    const double value = scratch.cell_values[c * kBootStatistics + statistic];
    if (!finite_value(value)) continue;
    a.total += scratch.member_units[c];
    a.sum += scratch.member_units[c] * value;
  }
  return a;
}

// Every requested statistic of one metric for the counts in scratch.firm_count, written to
// values[key] (and the Welch SE of mean_diff keys to se[key], NaN elsewhere) for the keys of
// this metric in describe's order: cells, then the aggregate, each with the requested
// statistics in Statistic order.
KLYNGE_HD void metric_statistics(const BootView& v, std::uint32_t metric, BootScratch& scratch,
                                 double* values, double* se) {
  const double nan = nan_value();
  const double* fc = scratch.firm_count;
  std::uint32_t key = 0;
  for (std::uint32_t c = 0; c < v.cells; ++c) {
    const std::uint32_t seg = (metric * v.cells + c) * 2;
    const GroupValues m = group_values(v, seg, fc, scratch);
    const GroupValues k = group_values(v, seg + 1, fc, scratch);
    double* cv = scratch.cell_values + c * kBootStatistics;
    cell_values(m, k, v.level, cv, &scratch.cell_se[c]);
    scratch.member_units[c] = m.moments.units;
    scratch.cell_moments[2 * c] = m.moments;
    scratch.cell_moments[2 * c + 1] = k.moments;
    for (int s = 0; s < kBootStatistics; ++s) {
      if (!(v.stat_mask & (1u << s))) continue;
      values[key] = cv[s];
      se[key] = s == kStatMean ? scratch.cell_se[c] : nan;
      ++key;
    }
  }
  if (!v.cohort_design) return;

  // Aggregate (docs/estimands.md §7): member-size weights over the cells with a value.
  double agg_se = nan;
  const bool need_se = (v.stat_mask & ((1u << kStatMean) | (1u << kStatWelch))) != 0;
  const CohortAverage mean_avg = cohort_average(v, scratch, kStatMean);
  const double mean_total = mean_avg.total;
  if (need_se && mean_total > 0.0) {
    bool too_few = false;
    for (std::uint32_t c = 0; c < v.cells; ++c) {
      if (!finite_value(scratch.cell_values[c * kBootStatistics + kStatMean])) continue;
      const double omega = scratch.member_units[c] / mean_total;
      for (std::uint32_t g = 0; g < 2; ++g) {
        const Moments& mom = scratch.cell_moments[2 * c + g];
        if (mom.units < 2.0) {
          too_few = true;
          continue;
        }
        const double scale =
            (g == 0 ? omega : -omega) * std::sqrt(mom.units / (mom.units - 1.0)) / mom.sum_w;
        const std::uint32_t seg = (metric * v.cells + c) * 2 + g;
        for (std::uint32_t i = v.seg_begin[seg]; i < v.seg_begin[seg + 1]; ++i) {
          if (!(fc[v.firm[i]] > 0.0)) continue;
          scratch.influence[v.firm[i]] += scale * v.w[i] * (v.y[i] - mom.mean);
        }
      }
    }
    // Σ over firms in index order (as describe_sample), each copy of a firm counted.
    double se2 = 0.0;
    for (std::uint32_t f = 0; f < v.firms; ++f) {
      const double infl = scratch.influence[f];
      if (infl != 0.0) {
        se2 += fc[f] * (infl * infl);
        scratch.influence[f] = 0.0;
      }
    }
    if (!too_few && se2 > 0.0) agg_se = std::sqrt(se2);
  }
  for (int s = 0; s < kBootStatistics; ++s) {
    if (!(v.stat_mask & (1u << s))) continue;
    double value = nan;
    if (s == kStatMean || s == kStatWelch) {
      if (mean_total > 0.0) {
        const double mean_value = mean_avg.sum / mean_total;
        value = s == kStatMean ? mean_value : mean_value / agg_se;
      }
    } else {
      const CohortAverage avg = cohort_average(v, scratch, s);
      if (avg.total > 0.0) value = avg.sum / avg.total;
    }
    values[key] = value;
    se[key] = s == kStatMean ? agg_se : nan;
    ++key;
  }
}

// One whole replicate: counts, then every metric. values/se have boot_keys(v) entries.
KLYNGE_HD void bootstrap_replicate(const BootView& v, std::uint32_t replicate, BootScratch& scratch,
                                   double* values, double* se) {
  draw_counts(v, replicate, scratch.firm_count);
  const std::uint32_t per_metric = boot_keys_per_metric(v);
  for (std::uint32_t m = 0; m < v.metrics; ++m)
    metric_statistics(v, m, scratch, values + m * per_metric, se + m * per_metric);
}

}  // namespace klynge::hd
