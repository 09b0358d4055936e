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

ComparisonRun run_comparison(const Sample& sample, const DesignOptions& design,
                             const Description& description, const AnalyzeSettings& settings,
                             const AnalyzeFlags& flags, std::uint32_t analysis,
                             const std::string& label, ReplicateSource& source) {
  // Progress lines come from one process only (MPI rank 0).
  const bool quiet = flags.quiet || mpi_ranks().rank != 0;
  // --bootstrap 0: no bootstrap, jackknife, intervals or bands (a permutation test alone).
  const bool bootstrap_on = flags.replicates > 0;
  ComparisonRun run;
  BootstrapSpec spec = settings.spec;
  spec.analysis = analysis;
  Stopwatch clock;
  ReplicateTable& table = run.table;
  // Built once: the bootstrap, the jackknife and the identity replicate read the same arrays.
  std::optional<PreparedBootstrap> prepared;
  if (bootstrap_on) {
    const auto progress = stderr_progress(label.empty() ? "bootstrap" : "bootstrap " + label,
                                          flags.replicates, quiet, flags.progress_seconds);
    prepared.emplace(sample, design, spec);
    prepared->set_progress(progress.get());
    table = source.bootstrap(*prepared, flags.replicates);
    prepared->set_progress(nullptr);
  }
  run.bootstrap_s = clock.lap();
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
  if (want_bca) jack = jackknife_values(*prepared);
  ReplicateTable identity;
  if (want_student) identity = identity_replicate(*prepared);
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
    PermutationSpec pspec;
    pspec.scheme = *parse_perm_scheme(flags.perm_scheme);
    pspec.statistic = *parse_statistic(flags.perm_statistic);
    pspec.seed = flags.seed;
    pspec.permutations = flags.permutations;
    pspec.threads = flags.panel.threads;
    pspec.analysis = analysis;
    pspec.backend = settings.spec.backend;
    // Exact enumeration may need fewer replicates than B: the plan says how many.
    const auto progress =
        stderr_progress(label.empty() ? "permutation" : "permutation " + label,
                        quiet ? 0 : plan_permutations(sample, design, pspec).replicates, quiet,
                        flags.progress_seconds);
    pspec.progress = progress.get();
    if (partial)
      source.permutations(sample, design, pspec, plan_permutations(sample, design, pspec));
    else
      run.permutation = permutation_inference(sample, design, pspec,
                                              *parse_alternative(flags.alternative), &source);
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
