// One dataset of a study, end to end: simulate (on the study's backend) or draw from the pool
// -> Sample (window design, or the pool's cohort design) -> bootstrap intervals and the
// permutation test, reduced to what the tallies need. The inference is the library's own
// (run_bootstrap, jackknife_values, compute_interval, run_permutations, permutation_p_values),
// the same calls `klynge analyze` makes, with one thread per dataset.
#include <cmath>
#include <span>
#include <vector>

#include "klynge/bootstrap.hpp"
#include "klynge/jackknife.hpp"
#include "klynge/p_values.hpp"
#include "klynge/power.hpp"
#include "klynge/power_pool.hpp"
#include "klynge/sim_window.hpp"
#include "sim_sample.hpp"

namespace klynge::power {

namespace {

bool wants(const PowerSpec& spec, IntervalMethod method) {
  for (IntervalMethod m : spec.methods)
    if (m == method) return true;
  return false;
}

// Whether a result of this cell is the study's: the window design's one cell, or the cohort
// design's aggregate (its per-cohort results are not tallied).
bool studied(std::int32_t cohort) {
  return cohort == kWindowCohort || cohort == kAllCohorts;
}

// The estimate of `statistic` per metric of the Sample (NaN where describe has no value).
std::vector<double> estimates(const Description& description, Statistic statistic,
                              std::size_t metrics) {
  std::vector<double> out(metrics, NAN);
  for (const Estimate& e : description.results)
    if (e.statistic == statistic && e.status == "ok" && e.metric < metrics && studied(e.cohort))
      out[e.metric] = e.value;
  return out;
}

void add_intervals(const PowerSpec& spec, const Sample& sample, const DesignOptions& design,
                   std::uint32_t dataset, const TruePremium& truth, DatasetOutcome& out) {
  BootstrapSpec bspec;
  bspec.seed = spec.seed;
  bspec.replicates = spec.bootstrap;
  bspec.statistics = {spec.statistic};
  bspec.replicate_se = wants(spec, IntervalMethod::studentized);
  bspec.scheme = spec.bootstrap_scheme;
  bspec.threads = 1;
  bspec.analysis = dataset;
  bspec.backend = spec.backend;
  bspec.backend.sharers = static_cast<std::uint32_t>(concurrent_datasets(spec));
  const PreparedBootstrap prepared(sample, design, bspec);  // one build for all three
  const ReplicateTable table = prepared.run(0, spec.bootstrap);
  JackknifeTable jack;
  if (wants(spec, IntervalMethod::bca)) jack = jackknife_values(prepared);
  ReplicateTable identity;
  if (wants(spec, IntervalMethod::studentized)) identity = identity_replicate(prepared);

  for (std::size_t k = 0; k < table.keys.size(); ++k) {
    if (!studied(table.keys[k].cohort)) continue;
    const std::size_t m = table.keys[k].metric;
    MetricOutcome& mo = out.metric[m];
    if (!std::isfinite(mo.estimate)) continue;  // no estimate: every interval undefined
    IntervalRequest req;
    req.estimate = mo.estimate;
    req.replicates = std::span<const double>(table.values.data() + k * table.count, table.count);
    req.level = spec.level;
    for (std::size_t j = 0; j < spec.methods.size(); ++j) {
      const IntervalMethod method = spec.methods[j];
      IntervalRequest r = req;
      if (method == IntervalMethod::bca && jack.status[k] == "ok")
        r.acceleration = bca_acceleration(jack.values[k]);
      if (method == IntervalMethod::studentized) {
        r.estimate_se = identity.welch_se[k];
        r.replicate_se =
            std::span<const double>(table.welch_se.data() + k * table.count, table.count);
      }
      const Interval iv = compute_interval(method, r);
      MethodOutcome& o = mo.methods[j];
      o.defined = iv.status == "ok" && std::isfinite(iv.low) && std::isfinite(iv.high);
      if (!o.defined) continue;
      o.covered = iv.low <= truth.value[m] && truth.value[m] <= iv.high;
      o.width = iv.high - iv.low;
    }
  }
}

void add_test(const PowerSpec& spec, const Sample& sample, const DesignOptions& design,
              std::uint32_t dataset, DatasetOutcome& out) {
  PermutationSpec pspec;
  pspec.statistic = spec.test_statistic;
  pspec.scheme = spec.perm_scheme;
  pspec.seed = spec.seed;
  pspec.permutations = spec.permutations;
  pspec.threads = 1;
  pspec.analysis = dataset;
  pspec.backend = spec.backend;
  pspec.backend.sharers = static_cast<std::uint32_t>(concurrent_datasets(spec));
  const PermutationTable table = run_permutations(sample, design, pspec);
  const std::vector<PValue> p = permutation_p_values(table, spec.alternative);
  for (std::size_t k = 0; k < table.keys.size(); ++k) {
    if (!studied(table.keys[k].cohort)) continue;
    MetricOutcome& mo = out.metric[table.keys[k].metric];
    mo.test_defined = std::isfinite(p[k].p);
    mo.rejected = mo.test_defined && p[k].p <= spec.alpha;
  }
}

}  // namespace

DatasetOutcome run_dataset(const PowerSpec& spec, const PremiumPoint& premium, std::uint32_t firms,
                           std::uint32_t dataset, const TruePremium& truth) {
  const DesignOptions design = study_design(spec);
  const Sample sample =
      spec.pool ? pool_sample(*spec.pool, premium, firms, spec.member_share, spec.seed, dataset,
                              spec.balance, pool_premium_factors(spec))
      : spec.cohort_design()
          ? simulated_cohort_sample(dataset_spec(spec, premium, firms, dataset), design,
                                    spec.backend, spec.sim_strata)
          : sim::simulated_window_sample(dataset_spec(spec, premium, firms, dataset), design,
                                         spec.backend, spec.sim_strata);
  // The Sample's metrics are the study's (the simulate model's, or the pool's columns).
  const std::size_t metrics = sample.metrics();
  const std::vector<double> estimate =
      estimates(describe_sample(sample, design), spec.statistic, metrics);
  DatasetOutcome out;
  out.metric.resize(metrics);
  for (std::size_t m = 0; m < metrics; ++m) {
    out.metric[m].estimate = estimate[m];
    out.metric[m].methods.assign(spec.methods.size(), MethodOutcome{});
  }
  if (spec.bootstrap > 0) add_intervals(spec, sample, design, dataset, truth, out);
  if (spec.permutations > 0) add_test(spec, sample, design, dataset, out);
  return out;
}

}  // namespace klynge::power
