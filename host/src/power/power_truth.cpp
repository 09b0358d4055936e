// The true value of the estimand at a premium (docs/power.md "The true premium").
//
// The estimand is E[g | member] - E[g | control], g the growth over the window of the study's
// type (--growth; annualised log growth by default).
// In the study design members are a random draw (no selection, no industry or region pull, no
// births or exits), so for each metric
//   truth = E[g(pi) - g(0) | member] + (E[g(0) | member] - E[g(0) | control]).
// The first term is the members' counterfactual gap: the same keyed draws with premium 0 give
// each member's growth without the premium, so it is measured firm by firm on one large panel.
// It equals pi exactly in logs, but employees are rounded to integers with a floor of 1, which
// attenuates the measured gap; in the other growth types (the premium multiplies the level at
// the window's end by exp(pi x years)) it depends on each member's growth, and the panel
// measures it all the same. The second term is 0 when members are as noisy as controls (the
// groups have the same distribution). With --member-noise != 1 it is still 0 for the log growth
// of revenue and value added (mean-zero stationary shocks on an unrounded log scale), but not
// for employees, whose rounding depends on the noise, nor for any metric in another growth type
// (noise_moves_mean): it is then measured on the same panel, as a difference of group means
// (balanced: within the strata, averaged over the members' strata).
//
// With --home-share members gather in their cluster's home industry; the study then balances
// on nace (validate), and within an industry members and controls are drawn alike and share its
// year shocks, so the same two terms, the second taken within strata, are the balanced
// estimand's true value.
//
// With --selection rho != 0 members are selected on size, and size drives growth (smaller firms
// grow faster, transitory shocks revert), so the second term is not 0 for any metric: it is
// the selection bias of the comparison the study makes (unbalanced, or balanced within the
// strata, which removes what the strata capture of size). It is measured for every metric on
// the same panel, whose member share is then the study's (the members' size mix depends on
// it). Industry shocks do not enter it: without a pull members and controls have the same
// industry mix, with one the study balances on industry.
//
// In the cohort design (--entry-years) both terms are taken per cohort, on the truth panel's
// cohort cells, and averaged with the cohorts' valid members as weights, as the aggregate
// weighs them (estimands.md section 7). A member gains the premium in each year after its
// entry, so a window that starts before the entry holds less of it: the first term measures it.
//
// A median or trimmed-mean difference (--statistic) is allowed on simulated panels only where
// members are a random draw (within industries with --home-share, balanced on them; no
// --selection or --member-noise): its first term is then the statistic of the members' growth
// minus that of their growth without the premium, and there is no second term
// (cell_statistic_gap).
#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "klynge/error.hpp"
#include "klynge/hd/group_stats.hpp"
#include "klynge/power.hpp"
#include "klynge/power_pool.hpp"
#include "klynge/sim_window.hpp"
#include "sim_sample.hpp"

namespace klynge::power {

namespace {

constexpr int kEmployees = 0;  // sim::kMetricNames[0]: the integer-rounded metric
// Most members per simulated firm; no effect on the truth unless members are selected on size.
constexpr double kTruthMemberShare = 0.5;

struct MeanSe {
  double mean = 0.0, se = 0.0;
};

// Running mean and sum of squared deviations (Welford).
struct Moments {
  double n = 0, mean = 0, m2 = 0;
  void add(double x) {
    n += 1;
    const double d = x - mean;
    mean += d / n;
    m2 += d * (x - mean);
  }
  double var_of_mean() const { return n > 1 ? m2 / (n - 1) / n : 0.0; }
};

// Mean and its standard error of f(c) over contributions [begin, end) where f is finite.
template <class F>
MeanSe mean_se(std::uint32_t begin, std::uint32_t end, F f) {
  Moments m;
  for (std::uint32_t c = begin; c < end; ++c)
    if (const double x = f(c); std::isfinite(x)) m.add(x);
  if (m.n < 2) throw Error(ExitCode::internal, "true premium: too few firms in the truth panel");
  return {m.mean, std::sqrt(m.var_of_mean())};
}

// E[g0 | member] - E[g0 | control] over the cell's contributions: a difference of group means
// or, balanced, of the members' and controls' means within each stratum averaged over the
// members' strata (the balanced estimate's weights; strata whose members were dropped for want
// of controls hold no finite member growth and drop out, as in the estimate).
MeanSe group_gap(const Sample& sample, const std::vector<double>& g, const Cell& cell,
                 bool balanced) {
  auto growth = [&](std::uint32_t c) { return g[c]; };
  if (!balanced) {
    const MeanSe mem = mean_se(cell.member_begin, cell.member_end, growth);
    const MeanSe con = mean_se(cell.member_end, cell.control_end, growth);
    return {mem.mean - con.mean, std::sqrt(mem.se * mem.se + con.se * con.se)};
  }
  std::vector<Moments> mem(sample.stratum_labels.size()), con(sample.stratum_labels.size());
  for (std::uint32_t c = cell.member_begin; c < cell.control_end; ++c)
    if (std::isfinite(g[c]))
      (c < cell.member_end ? mem : con)[static_cast<std::size_t>(sample.stratum[c])].add(g[c]);
  double members = 0;
  for (const Moments& m : mem) members += m.n;
  if (members < 2)
    throw Error(ExitCode::internal, "true premium: too few members in the truth panel");
  MeanSe gap;
  double var = 0;
  for (std::size_t s = 0; s < mem.size(); ++s) {
    if (mem[s].n == 0 || con[s].n == 0) continue;
    const double share = mem[s].n / members;
    gap.mean += share * (mem[s].mean - con[s].mean);
    var += share * share * (mem[s].var_of_mean() + con[s].var_of_mean());
  }
  gap.se = std::sqrt(var);
  return gap;
}

// A group's median or trimmed mean over the finite values, as describe computes it for an
// unweighted group (the same hd functions); NaN for no value.
double group_statistic(Statistic statistic, double trim, std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  if (statistic == Statistic::median_diff)
    return hd::weighted_median_sorted(values.data(), nullptr, n);
  return hd::trimmed_mean_sorted(values.data(), nullptr, n,
                                 hd::trim_cut_units(trim, static_cast<double>(n)));
}

// The truth of a median or trimmed-mean difference in one cell: members are a random draw of the
// model's firms (check_statistics), so without the premium their growth has the controls'
// distribution and the true difference is S(members' growth) - S(the same members' growth
// without the premium), both measured on the truth panel's members. Its Monte Carlo error, with
// no closed form for a median, by batch means: the difference on kBatches interleaved batches of
// the members, whose spread over sqrt(kBatches) estimates the whole panel's.
MeanSe cell_statistic_gap(Statistic statistic, double trim, const std::vector<double>& g1,
                          const std::vector<double>& g0, const Cell& cell) {
  constexpr std::uint32_t kBatches = 10;
  std::vector<double> all1, all0, batch1[kBatches], batch0[kBatches];
  for (std::uint32_t c = cell.member_begin; c < cell.member_end; ++c) {
    const std::uint32_t b = (c - cell.member_begin) % kBatches;
    if (std::isfinite(g1[c])) {
      all1.push_back(g1[c]);
      batch1[b].push_back(g1[c]);
    }
    if (std::isfinite(g0[c])) {
      all0.push_back(g0[c]);
      batch0[b].push_back(g0[c]);
    }
  }
  // Possible with many short cohorts and a small truth panel: the user can raise it.
  if (all1.size() < 2 * kBatches || all0.size() < 2 * kBatches)
    throw Error(
        ExitCode::usage,
        fmt::format("--statistic {}: a cell of the truth panel has {} valid members, too "
                    "few to measure its true value (at least {}); raise --truth-firms",
                    statistic_name(statistic), std::min(all1.size(), all0.size()), 2 * kBatches));
  Moments batches;
  for (std::uint32_t b = 0; b < kBatches; ++b)
    batches.add(group_statistic(statistic, trim, std::move(batch1[b])) -
                group_statistic(statistic, trim, std::move(batch0[b])));
  const double gap = group_statistic(statistic, trim, std::move(all1)) -
                     group_statistic(statistic, trim, std::move(all0));
  return {gap, std::sqrt(batches.var_of_mean())};
}

// Whether members' noisier (or quieter) transitory shocks move the mean of metric m's growth
// without the premium, so that --member-noise leaves a baseline gap between the groups. Log
// growth of revenue and value added is a difference of log levels whose shocks have mean zero
// whatever their spread; the integer rounding of employees, and every other growth type (a
// convex or concave function of the log change: exp(d) - 1, tanh-like for dhs, the level
// itself), turn a change of spread into a change of mean.
bool noise_moves_mean(GrowthType growth, int m) {
  return growth != GrowthType::log || m == kEmployees;
}

}  // namespace

TruePremium true_premium(const PowerSpec& spec, const PremiumPoint& premium) {
  // A pool's datasets: within a stratum cell members and controls are independent draws from
  // the same firms, and a member's growth is its firm's growth + pi exactly, so the truth is pi
  // plus, for members that follow the file's members' strata unbalanced, the composition gap;
  // computed from the pool with no Monte Carlo error (docs/power.md "Your own control pool").
  if (spec.pool)
    return TruePremium{
        pool_true_value(*spec.pool, premium, spec.balance, pool_premium_factors(spec)),
        std::vector<double>(premium.premium.size(), 0.0)};
  PowerSpec truth_spec = spec;
  const bool selected = spec.selection != 0.0;
  if (!selected) truth_spec.member_share = kTruthMemberShare;
  sim::SimSpec treated = dataset_spec(truth_spec, premium, spec.truth_firms, kTruthStream);
  treated.threads = spec.threads;  // output never depends on it
  sim::SimSpec base = treated;
  base.premium = {};  // the counterfactual: every simulate metric without its premium
  // The truth panel is analysed as the datasets are: balanced, its estimand is the balanced one;
  // in the cohort design, cohort by cohort.
  const bool cohorts = spec.cohort_design();
  const DesignOptions design = study_design(spec);
  const auto sample_of = [&](const sim::SimSpec& s) {
    return cohorts ? simulated_cohort_sample(s, design, spec.backend, spec.sim_strata)
                   : sim::simulated_window_sample(s, design, spec.backend, spec.sim_strata);
  };
  const Sample a = sample_of(treated);
  const Sample b = sample_of(base);
  // The premium changes values, never which rows exist: the contributions correspond one to one.
  if (a.firm != b.firm || a.cells.size() != b.cells.size() || (!cohorts && a.cells.size() != 1))
    throw Error(ExitCode::internal, "true premium: the counterfactual panel has other firms");

  TruePremium truth;
  truth.value.resize(sim::kMetrics);
  truth.mc_se.resize(sim::kMetrics);
  for (int m = 0; m < sim::kMetrics; ++m) {
    const std::vector<double>& g1 = a.growth[m];
    const std::vector<double>& g0 = b.growth[m];
    // Per cell (the window, or a cohort): the members' counterfactual gap, plus the groups'
    // baseline gap where members differ from controls by more than the premium.
    double weighted = 0.0, weighted_var = 0.0, weights = 0.0, value = 0.0, var = 0.0;
    for (const Cell& cell : a.cells) {
      const MeanSe gap = spec.statistic == Statistic::mean_diff
                             ? mean_se(cell.member_begin, cell.member_end,
                                       [&](std::uint32_t c) { return g1[c] - g0[c]; })
                             : cell_statistic_gap(spec.statistic, spec.trim, g1, g0, cell);
      value = gap.mean;
      var = gap.se * gap.se;
      // (Never with a median or trimmed mean: check_statistics refuses what would need it.)
      if (selected || (spec.member_noise != 1.0 && noise_moves_mean(spec.growth, m))) {
        const MeanSe second = group_gap(b, g0, cell, spec.balance);
        value += second.mean;
        var += second.se * second.se;
      }
      // The cohort aggregate weighs each cohort by its valid members (estimands.md section 7).
      double valid = 0.0;
      for (std::uint32_t c = cell.member_begin; c < cell.member_end; ++c)
        if (std::isfinite(g1[c]) && a.weight[m][c] > 0.0) valid += 1.0;
      weights += valid;
      weighted += valid * value;
      weighted_var += valid * valid * var;
    }
    // One cell (the window design): its value as it is, not re-weighted.
    truth.value[m] = a.cells.size() == 1 ? value : weighted / weights;
    truth.mc_se[m] = a.cells.size() == 1 ? std::sqrt(var) : std::sqrt(weighted_var) / weights;
  }
  return truth;
}

}  // namespace klynge::power
