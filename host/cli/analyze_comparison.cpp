#include "analyze_comparison.hpp"

#include <map>
#include <optional>
#include <tuple>

#include "klynge/engine/mpi_ranks.hpp"
#include "klynge/intervals.hpp"
#include "klynge/jackknife.hpp"
#include "klynge/report/band_report.hpp"
#include "stopwatch.hpp"

namespace klynge::cli {

namespace {

PermutationSpec permutation_spec(const AnalyzeSettings& settings, const AnalyzeFlags& flags,
                                 std::uint32_t analysis) {
  PermutationSpec pspec;
  pspec.scheme = *parse_perm_scheme(flags.perm_scheme);
  pspec.statistic = *parse_statistic(flags.perm_statistic);
  pspec.seed = flags.seed;
  pspec.permutations = flags.permutations;
  pspec.threads = flags.panel.threads;
  pspec.analysis = analysis;
  pspec.backend = settings.spec.backend;
  return pspec;
}

}  // namespace

ComparisonEngines prepare_engines(const Sample& sample, const DesignOptions& design,
                                  const AnalyzeSettings& settings, const AnalyzeFlags& flags,
                                  std::uint32_t analysis, bool stage) {
  ComparisonEngines e;
  Stopwatch clock;
  if (flags.replicates > 0) {
    BootstrapSpec spec = settings.spec;
    spec.analysis = analysis;
    e.bootstrap.emplace(sample, design, spec);
    if (stage) e.bootstrap->stage();
  }
  e.bootstrap_s = clock.lap();
  if (flags.permutations > 0) {
    e.permutations.emplace(sample, design, permutation_spec(settings, flags, analysis));
    if (stage) e.permutations->stage();
  }
  e.permutation_s = clock.lap();
  return e;
}

ComparisonRun run_comparison(const Sample& sample, const DesignOptions& design,
                             const Description& description, const AnalyzeSettings& settings,
                             const AnalyzeFlags& flags, std::uint32_t analysis,
                             const std::string& label, ReplicateSource& source,
                             ComparisonEngines* ahead) {
  // Progress lines come from one process only (MPI rank 0).
  const bool quiet = flags.quiet || mpi_ranks().rank != 0;
  // --bootstrap 0: no bootstrap, jackknife, intervals or bands (a permutation test alone).
  const bool bootstrap_on = flags.replicates > 0;
  ComparisonRun run;
  Stopwatch clock;
  // Built once (here, or ahead by the caller): the bootstrap, the jackknife and the identity
  // replicate read the same arrays, as do the permutation plan, shape and replicates.
  ComparisonEngines built;
  ComparisonEngines& engines = ahead ? *ahead : built;
  if (!ahead) engines = prepare_engines(sample, design, settings, flags, analysis, false);
  ReplicateTable& table = run.table;
  if (bootstrap_on) {
    const auto progress = stderr_progress(label.empty() ? "bootstrap" : "bootstrap " + label,
                                          flags.replicates, quiet, flags.progress_seconds);
    engines.bootstrap->set_progress(progress.get());
    table = source.bootstrap(*engines.bootstrap, flags.replicates);
    engines.bootstrap->set_progress(nullptr);
  }
  // The build counts where it was done before the engines were shared: in the bootstrap's
  // time and the permutation test's.
  const double lap = clock.lap();
  run.bootstrap_s = ahead ? lap + engines.bootstrap_s : lap - engines.permutation_s;
  // A shard or a non-root MPI rank holds only its part of the tables: no inference from them.
  const bool partial = source.is_partial();

  bool want_bca = false, want_student = false;
  for (IntervalMethod m : settings.methods) {
    if (!bootstrap_on || partial) break;
    want_bca = want_bca || m == IntervalMethod::bca;
    want_student = want_student || m == IntervalMethod::studentized;
  }
  clock.lap();
  JackknifeTable jack;
  if (want_bca) jack = jackknife_values(*engines.bootstrap);
  ReplicateTable identity;
  if (want_student) identity = identity_replicate(*engines.bootstrap);
  run.jackknife_s = clock.lap();

  // Result rows of describe by key.
  std::map<std::tuple<std::size_t, std::int32_t, Statistic>, std::size_t> row_of;
  for (std::size_t i = 0; i < description.results.size(); ++i) {
    const Estimate& e = description.results[i];
    row_of[{e.metric, e.cohort, e.statistic}] = i;
  }

  clock.lap();
  std::vector<AnalyzedResult>& analyzed = run.analyzed;
  analyzed.resize(partial ? 0 : table.keys.size());
  for (std::size_t k = 0; k < analyzed.size(); ++k) {
    const ResultKey& key = table.keys[k];
    AnalyzedResult& r = analyzed[k];
    r.result = row_of.at({key.metric, key.cohort, key.statistic});
    const Estimate& e = description.results[r.result];
    const std::span<const double> reps(table.values.data() + k * table.count, table.count);
    r.summary = summarize_replicates(e.value, reps);
    r.summary.replicates = table.count;
    for (IntervalMethod method : settings.methods) {
      if (e.status != "ok") {
        Interval iv;
        iv.status = e.status;
        r.intervals.push_back(iv);
        continue;
      }
      IntervalRequest req;
      req.estimate = e.value;
      req.replicates = reps;
      req.level = settings.level;
      if (method == IntervalMethod::bca) {
        if (jack.status[k] == "ok") {
          req.acceleration = bca_acceleration(jack.values[k]);
        }
      }
      if (method == IntervalMethod::studentized) {
        if (key.statistic != Statistic::mean_diff) {
          Interval iv;
          iv.status = "no_standard_error";
          iv.warnings.push_back(
              "studentized intervals need a per-replicate standard error; "
              "klynge has one for mean_diff only");
          r.intervals.push_back(iv);
          continue;
        }
        req.estimate_se = identity.welch_se[k];
        req.replicate_se =
            std::span<const double>(table.welch_se.data() + k * table.count, table.count);
      }
      r.intervals.push_back(compute_interval(method, req));
      if (method == IntervalMethod::bca && want_bca && jack.status[k] != "ok")
        r.intervals.back().warnings.push_back(
            "no acceleration: the exact leave-one-out of this statistic is too large for the "
            "sample (jackknife " +
            jack.status[k] + "); use percentile or a smaller sample");
    }
  }
  run.intervals_s = clock.lap();

  if (flags.permutations > 0) {
    PreparedPermutations& prepared = *engines.permutations;
    // Exact enumeration may need fewer replicates than B: the plan says how many.
    const PermutationPlan plan = prepared.plan();
    const auto progress =
        stderr_progress(label.empty() ? "permutation" : "permutation " + label,
                        quiet ? 0 : plan.replicates, quiet, flags.progress_seconds);
    prepared.set_progress(progress.get());
    if (partial)
      source.permutations(prepared, plan);
    else
      run.permutation = permutation_inference(sample, design, prepared,
                                              *parse_alternative(flags.alternative), &source);
    prepared.set_progress(nullptr);
    if (run.permutation) run.permutation->seconds += engines.permutation_s;
  }

  return run;
}

nlohmann::ordered_json comparison_json(const AnalyzeInputs& inputs, const ComparisonRun& run) {
  nlohmann::ordered_json report = analyze_json(inputs);
  std::vector<std::size_t> result_of_key;
  for (const AnalyzedResult& r : run.analyzed) result_of_key.push_back(r.result);
  if (run.table.count > 0)
    add_sup_t_bands(report, inputs.describe.description, run.table, result_of_key,
                    inputs.settings.level);
  return report;
}

}  // namespace klynge::cli
