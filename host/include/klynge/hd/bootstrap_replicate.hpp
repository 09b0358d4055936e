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
//
// The team_ functions run a replicate on a team of lanes (hd/team.hpp): the GPU's count path
// gives each replicate a warp; the CPU runs them with SerialTeam (the plain functions below),
// which is the sequential computation.
#pragma once

#include <cmath>
#include <cstdint>
#include <type_traits>

#include "klynge/hd/bootstrap_chunked.hpp"
#include "klynge/hd/bootstrap_draws.hpp"
#include "klynge/hd/bootstrap_lanes.hpp"
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

KLYNGE_HD SerialPlaneCounter plane_counter_of(const SerialTeam&) {
  return SerialPlaneCounter{};
}

// Fills firm_count (one entry per firm) for replicate `replicate`: the draws of for_each_draw,
// dealt out to the team's lanes (hd/bootstrap_lanes.hpp), each added to its unit's firms.
// Counts of the multinomial schemes and Poisson are integers, so the lanes' adds meet in any
// order. Bayesian groups are normalised by the team's sum of their Exp(1) draws (the lanes'
// partial sums added by team.sum: one lane on the CPU, the warp's butterfly on the GPU, so the
// weights agree to rounding, not bits); a firm is in at most two units (its member group and
// the control pool), and two weights added in either order give the same bits.
template <typename Team>
KLYNGE_HD void team_draw_counts(const BootView& v, std::uint32_t replicate, const Team& team,
                                double* firm_count) {
  const std::uint32_t lane = team.lane(), lanes = team.lanes();
  for (std::uint32_t f = lane; f < v.firms; f += lanes) firm_count[f] = 0.0;
  team.sync();
  const auto add = [&](std::uint32_t unit, double count) {
    for (std::uint32_t k = v.unit_firm_begin[unit]; k < v.unit_firm_begin[unit + 1]; ++k)
      team.add(&firm_count[v.unit_firms[k]], count);
  };
  if constexpr (std::is_same_v<Team, SerialTeam>) {
    // One thread: the same draws in one pass, with Philox words generated in runs
    // (for_each_draw), which the lane-by-lane dealing below cannot batch.
    for_each_draw(v, replicate, add);
  } else if (v.scheme == BootScheme::groups || v.scheme == BootScheme::strata) {
    for (std::uint32_t g = 0; g < v.resample_groups; ++g) {
      const std::uint32_t begin = v.group_unit_begin[g], m = v.group_unit_begin[g + 1] - begin;
      auto index = [&](std::uint32_t i) { add(begin + i, 1.0); };
      if (chunked_group(m)) {
        for_each_leaf(
            v.seed, v.analysis, replicate, begin, m, plane_counter_of(team),
            [&](std::uint32_t leaf, std::uint32_t chunk, std::uint32_t size, std::uint32_t draws) {
              chunk_draws_of_lane(v.seed, v.analysis, replicate, begin, leaf, chunk, size, draws,
                                  lane, lanes, index);
            });
      } else if (m > 0) {
        group_draws_of_lane(v.seed, v.analysis, replicate, begin, m, lane, lanes, index);
      }
    }
  } else if (v.scheme == BootScheme::poisson) {
    auto unit = [&](std::uint32_t u, std::uint32_t c) { add(u, static_cast<double>(c)); };
    poisson_units_of_lane(v.seed, v.analysis, replicate, 0, 0,
                          v.group_unit_begin[v.resample_groups], lane, lanes, unit);
  } else {
    for (std::uint32_t g = 0; g < v.resample_groups; ++g) {
      const std::uint32_t begin = v.group_unit_begin[g], m = v.group_unit_begin[g + 1] - begin;
      double part = 0.0;
      auto sum = [&](std::uint32_t, double e) { part += e; };
      exp_units_of_lane(v.seed, v.analysis, replicate, begin, 0, m, lane, lanes, sum);
      const double scale = static_cast<double>(m) / team.sum(part);
      auto unit = [&](std::uint32_t u, double e) { add(begin + u, e * scale); };
      exp_units_of_lane(v.seed, v.analysis, replicate, begin, 0, m, lane, lanes, unit);
    }
  }
  team.sync();
}

KLYNGE_HD void draw_counts(const BootView& v, std::uint32_t replicate, double* firm_count) {
  team_draw_counts(v, replicate, SerialTeam{}, firm_count);
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

// Cumulative weights are sums of integers (exact in any order) unless the sample is weighted
// or the counts are Bayesian weights.
KLYNGE_HD bool exact_cumulative_weights(const BootView& v) {
  return !v.weighted && v.scheme != BootScheme::bayesian;
}

template <typename Team>
KLYNGE_HD GroupValues team_group_values(const BootView& v, std::uint32_t segment,
                                        const double* firm_count, BootScratch& scratch,
                                        const Team& team) {
  const std::uint32_t b = v.seg_begin[segment], n = v.seg_begin[segment + 1] - b;
  // Each lane gathers the entries it then sums (the same strides): no sync needed.
  for (std::uint32_t i = team.lane(); i < n; i += team.lanes())
    scratch.seg_counts[i] = firm_count[v.firm[b + i]];
  GroupValues g;
  g.moments = team_moments(v.y + b, v.w + b, scratch.seg_counts, n, team);
  g.median = g.trimmed = g.agg = nan_value();
  const bool sorted_needed = (v.stat_mask & ((1u << kStatMedian) | (1u << kStatTrimmed))) != 0;
  if (sorted_needed && g.moments.sum_w > 0.0) {
    for (std::uint32_t i = team.lane(); i < n; i += team.lanes())
      scratch.sorted_counts[i] = firm_count[v.sorted_firm[b + i]];
    team.sync();  // the scans read contiguous blocks
    const bool exact = exact_cumulative_weights(v);
    if (v.stat_mask & (1u << kStatMedian))
      g.median =
          team_weighted_median_sorted(v.ys + b, v.ws + b, scratch.sorted_counts, n, exact, team);
    if (v.stat_mask & (1u << kStatTrimmed)) {
      const double cut = v.weighted ? trim_cut_mass(v.trim, g.moments.sum_w)
                                    : trim_cut_units(v.trim, whole_units(g.moments.units));
      g.trimmed =
          team_trimmed_mean_sorted(v.ys + b, v.ws + b, scratch.sorted_counts, n, cut, exact, team);
    }
    team.sync();  // the next segment overwrites sorted_counts
  }
  if ((v.stat_mask & (1u << kStatAgg)) && !v.level && g.moments.sum_w > 0.0)
    g.agg = team_aggregate_growth(v.x0 + b, v.x1 + b, v.w + b, scratch.seg_counts, n, team);
  team.sync();  // the next segment overwrites seg_counts
  return g;
}

KLYNGE_HD GroupValues group_values(const BootView& v, std::uint32_t segment,
                                   const double* firm_count, BootScratch& scratch) {
  return team_group_values(v, segment, firm_count, scratch, SerialTeam{});
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

// The cohort aggregate's weights (docs/estimands.md §7), added cell by cell in cell order:
// member units times mean difference over the cells that have one (the mean_diff aggregate),
// and over those whose mean difference also has an SE (>= 2 units in each group) the weights
// that welch_t studentizes. mean_diff's SE exists only when every cell with a mean difference
// has one (too_few false). Shared by the count and the fused path.
struct AggregateWeights {
  CohortAverage mean{0.0, 0.0};
  double se_total = 0.0, se_sum = 0.0;
  bool too_few = false;
};

KLYNGE_HD bool se_cell(double mean_value, const Moments& members, const Moments& controls) {
  return finite_value(mean_value) && members.units >= 2.0 && controls.units >= 2.0;
}

KLYNGE_HD void add_cell(AggregateWeights& a, double mean_value, const Moments& members,
                        const Moments& controls) {
  if (!finite_value(mean_value)) return;
  a.mean.total += members.units;
  a.mean.sum += members.units * mean_value;
  if (!se_cell(mean_value, members, controls)) {
    a.too_few = true;
    return;
  }
  a.se_total += members.units;
  a.se_sum += members.units * mean_value;
}

// The factor of a group's entries in a firm's influence (IF_f of docs/estimands.md §7): an entry
// adds scale * w * (y - mean of its group). members: its cell's member moments (the cell's
// weight); group: the entry's own group.
KLYNGE_HD double influence_scale(const AggregateWeights& a, const Moments& members,
                                 const Moments& group, bool member_group) {
  const double omega = members.units / a.se_total;
  return (member_group ? omega : -omega) * std::sqrt(group.units / (group.units - 1.0)) /
         group.sum_w;
}

// The aggregate of mean_diff or welch_t (NaN for other statistics) given the SE sqrt(Σ IF_f²).
KLYNGE_HD double aggregate_value(const AggregateWeights& a, int statistic, double welch_se) {
  if (statistic == kStatMean && a.mean.total > 0.0) return a.mean.sum / a.mean.total;
  if (statistic == kStatWelch && a.se_total > 0.0) return a.se_sum / a.se_total / welch_se;
  return nan_value();
}

KLYNGE_HD double aggregate_se(const AggregateWeights& a, double welch_se) {
  return a.too_few ? nan_value() : welch_se;
}

// Every requested statistic of one metric for the counts in scratch.firm_count, written to
// values[key] (and, when se is not null, the Welch SE of mean_diff keys to se[key], NaN
// elsewhere) for the keys of this metric in describe's order: cells, then the aggregate, each
// with the requested statistics in Statistic order. On a team every lane computes the same
// values; lane 0 writes the scratch's cell arrays and the outputs.
template <typename Team>
KLYNGE_HD void team_metric_statistics(const BootView& v, std::uint32_t metric, BootScratch& scratch,
                                      double* values, double* se, const Team& team) {
  const double nan = nan_value();
  const double* fc = scratch.firm_count;
  const bool writer = team.lane() == 0;
  std::uint32_t key = 0;
  for (std::uint32_t c = 0; c < v.cells; ++c) {
    const std::uint32_t seg = (metric * v.cells + c) * 2;
    const GroupValues m = team_group_values(v, seg, fc, scratch, team);
    const GroupValues k = team_group_values(v, seg + 1, fc, scratch, team);
    double cv[kBootStatistics];
    double cell_se;
    cell_values(m, k, v.level, cv, &cell_se);
    if (writer) {
      for (int s = 0; s < kBootStatistics; ++s)
        scratch.cell_values[c * kBootStatistics + s] = cv[s];
      scratch.cell_se[c] = cell_se;
      scratch.member_units[c] = m.moments.units;
      scratch.cell_moments[2 * c] = m.moments;
      scratch.cell_moments[2 * c + 1] = k.moments;
    }
    for (int s = 0; s < kBootStatistics; ++s) {
      if (!(v.stat_mask & (1u << s))) continue;
      if (writer) {
        values[key] = cv[s];
        if (se) se[key] = s == kStatMean ? cell_se : nan;
      }
      ++key;
    }
  }
  if (!v.cohort_design) return;
  team.sync();  // lane 0's cell arrays

  // Aggregate (docs/estimands.md §7). The aggregate's influence pass: for welch_t's value, or
  // for mean_diff's SE when wanted (the jackknife wants values only).
  const bool need_se = (v.stat_mask & (1u << kStatWelch)) != 0 ||
                       (se != nullptr && (v.stat_mask & (1u << kStatMean)) != 0);
  AggregateWeights weights;
  for (std::uint32_t c = 0; c < v.cells; ++c)
    add_cell(weights, scratch.cell_values[c * kBootStatistics + kStatMean],
             scratch.cell_moments[2 * c], scratch.cell_moments[2 * c + 1]);
  double welch_se = nan;
  if (need_se && weights.se_total > 0.0) {
    for (std::uint32_t c = 0; c < v.cells; ++c) {
      const Moments& members = scratch.cell_moments[2 * c];
      if (!se_cell(scratch.cell_values[c * kBootStatistics + kStatMean], members,
                   scratch.cell_moments[2 * c + 1]))
        continue;
      for (std::uint32_t g = 0; g < 2; ++g) {
        const Moments& mom = scratch.cell_moments[2 * c + g];
        const double scale = influence_scale(weights, members, mom, g == 0);
        const std::uint32_t seg = (metric * v.cells + c) * 2 + g;
        // A firm has at most one entry in a segment, so the lanes never add to the same firm
        // at once, and each firm's influence takes its terms in segment order, as on one lane.
        for (std::uint32_t i = v.seg_begin[seg] + team.lane(); i < v.seg_begin[seg + 1];
             i += team.lanes()) {
          if (!(fc[v.firm[i]] > 0.0)) continue;
          scratch.influence[v.firm[i]] += scale * v.w[i] * (v.y[i] - mom.mean);
        }
        team.sync();
      }
    }
    // Σ over firms in index order (as describe_sample), each copy of a firm counted.
    double se2 = 0.0;
    for (std::uint32_t f = team.lane(); f < v.firms; f += team.lanes()) {
      const double infl = scratch.influence[f];
      if (infl != 0.0) {
        se2 += fc[f] * (infl * infl);
        scratch.influence[f] = 0.0;
      }
    }
    se2 = team.sum(se2);
    if (se2 > 0.0) welch_se = std::sqrt(se2);
  }
  for (int s = 0; s < kBootStatistics; ++s) {
    if (!(v.stat_mask & (1u << s))) continue;
    double value = aggregate_value(weights, s, welch_se);
    if (s != kStatMean && s != kStatWelch) {
      const CohortAverage avg = cohort_average(v, scratch, s);
      if (avg.total > 0.0) value = avg.sum / avg.total;
    }
    if (writer) {
      values[key] = value;
      if (se) se[key] = s == kStatMean ? aggregate_se(weights, welch_se) : nan;
    }
    ++key;
  }
  team.sync();  // the next metric overwrites the cell arrays
}

KLYNGE_HD void metric_statistics(const BootView& v, std::uint32_t metric, BootScratch& scratch,
                                 double* values, double* se) {
  team_metric_statistics(v, metric, scratch, values, se, SerialTeam{});
}

// One whole replicate: counts, then every metric. values/se have boot_keys(v) entries (written
// by lane 0 of a team); se may be null (no SEs wanted: the aggregate's influence pass runs
// only for welch_t values).
template <typename Team>
KLYNGE_HD void team_bootstrap_replicate(const BootView& v, std::uint32_t replicate,
                                        BootScratch& scratch, double* values, double* se,
                                        const Team& team) {
  team_draw_counts(v, replicate, team, scratch.firm_count);
  const std::uint32_t per_metric = boot_keys_per_metric(v);
  for (std::uint32_t m = 0; m < v.metrics; ++m)
    team_metric_statistics(v, m, scratch, values + m * per_metric,
                           se ? se + m * per_metric : nullptr, team);
}

KLYNGE_HD void bootstrap_replicate(const BootView& v, std::uint32_t replicate, BootScratch& scratch,
                                   double* values, double* se) {
  team_bootstrap_replicate(v, replicate, scratch, values, se, SerialTeam{});
}

}  // namespace klynge::hd
