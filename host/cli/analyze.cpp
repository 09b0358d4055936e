// `klynge analyze`: describe's ingest and design, then the bootstrap: standard errors, bias and
// confidence intervals for the requested statistics (docs/bootstrap.md). Writes a table, and
// optionally the JSON report (describe's, extended) and a tidy CSV.
#include <fmt/format.h>
#include <omp.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

#include "commands.hpp"
#include "configuration.hpp"
#include "klynge/bootstrap.hpp"
#include "klynge/error.hpp"
#include "klynge/intervals.hpp"
#include "klynge/io/output_file.hpp"
#include "klynge/jackknife.hpp"
#include "klynge/report/analyze_report.hpp"
#include "klynge/report/band_report.hpp"
#include "klynge/report/permutation_report.hpp"
#include "klynge/statistics.hpp"
#include "prepared_sample.hpp"
#include "report_provenance.hpp"
#include "stopwatch.hpp"

namespace klynge::cli {

namespace {

struct AnalyzeFlags {
  PanelFlags panel;
  std::uint64_t replicates = 9999;
  std::string scheme = "groups";
  std::string unit = "firm";
  std::vector<std::string> ci = {"percentile", "bca"};
  double level = 0.95;
  std::vector<std::string> statistics = {"mean_diff"};
  std::uint64_t seed = kDefaultSeed;
  std::string device = "auto";
  std::string json_path;
  std::string csv_path;
  std::uint64_t permutations = 9999;
  std::string perm_scheme = "all";
  std::string perm_statistic = "welch_t";
  std::string alternative = "two-sided";
  bool print_config = false;
  bool quiet = false;
  double progress_seconds = kProgressLineSeconds;
};

void write_output(const std::string& path, const std::string& text) {
  io::OutputFile out(path);
  out.write(text);
  out.commit();
}

// Flags CLI11 cannot check, before the (possibly long) read.
AnalyzeSettings settings_from(const AnalyzeFlags& f) {
  AnalyzeSettings s;
  if (f.device == "cuda")
    throw_usage_error(
        "--device cuda: the CUDA backend is not available in this build yet; use "
        "--device cpu (or auto)");
  s.device = "cpu";
  s.spec.scheme = *parse_scheme(f.scheme);
  if (s.spec.scheme == Scheme::strata && f.panel.columns.strata.empty())
    throw_usage_error("--scheme strata resamples within stratum cells: name them with --strata");
  s.spec.unit = *parse_resample_unit(f.unit);
  s.spec.seed = f.seed;
  s.spec.replicates = f.replicates;
  s.spec.threads = f.panel.threads;
  s.spec.statistics.clear();
  for (const std::string& name : f.statistics) {
    const auto st = parse_statistic(name);
    if (!st)
      throw_usage_error("--statistic: unknown statistic '" + name +
                        "' (mean_diff, median_diff, trimmed_mean_diff, agg_diff, welch_t)");
    bool seen = false;
    for (Statistic x : s.spec.statistics) seen = seen || x == *st;
    if (!seen) s.spec.statistics.push_back(*st);
  }
  if (s.spec.statistics.empty()) throw_usage_error("--statistic needs at least one statistic");
  for (const std::string& name : f.ci) {
    const auto m = parse_interval_method(name);
    if (!m)
      throw_usage_error("--ci: unknown interval method '" + name +
                        "' (percentile, basic, normal, bca, studentized)");
    bool seen = false;
    for (IntervalMethod x : s.methods) seen = seen || x == *m;
    if (!seen) s.methods.push_back(*m);
  }
  if (s.methods.empty()) throw_usage_error("--ci needs at least one interval method");
  if (!(f.level > 0.0 && f.level < 1.0)) throw_usage_error("--level must be between 0 and 1");
  s.level = f.level;
  const double alpha = 1.0 - f.level;
  if (f.replicates == 0 && !f.csv_path.empty())
    throw_usage_error(
        "--csv writes one row per bootstrap interval and --bootstrap 0 has none; use --json");
  if (f.replicates > 0 && static_cast<double>(f.replicates + 1) * alpha / 2.0 < 1.0)
    throw_usage_error(fmt::format(
        "--bootstrap {} is too small for --level {}: need (B + 1) * (1 - level) / 2 >= 1, "
        "i.e. B >= {}",
        f.replicates, f.level, static_cast<std::uint64_t>(std::ceil(2.0 / alpha)) - 1));
  s.threads = f.panel.threads > 0 ? f.panel.threads : omp_get_max_threads();
  return s;
}

void run_analyze(const AnalyzeFlags& flags, const CLI::App& cmd) {
  AnalyzeSettings settings = settings_from(flags);
  if (flags.print_config) {
    fmt::print("{}", configuration_toml(cmd));
    return;
  }
  if (flags.permutations > 0 && flags.perm_scheme == "strata" && flags.panel.columns.strata.empty())
    throw_usage_error("--perm-scheme strata needs --strata");
  const PreparedSample prepared = prepare_sample(flags.panel);
  const ReadOptions& read = prepared.read;
  const DesignOptions& design = prepared.design;
  const Panel& panel = prepared.panel;
  const Sample& sample = prepared.sample;
  const Description& description = prepared.description;

  // --bootstrap 0: no bootstrap, jackknife, intervals or bands (a permutation test alone).
  const bool bootstrap_on = flags.replicates > 0;
  Stopwatch clock;
  ReplicateTable table;
  if (bootstrap_on) {
    const auto progress =
        stderr_progress("bootstrap", flags.replicates, flags.quiet, flags.progress_seconds);
    BootstrapSpec spec = settings.spec;
    spec.progress = progress.get();
    table = run_bootstrap(sample, design, spec, 0, flags.replicates);
  }
  const double bootstrap_s = clock.lap();

  bool want_bca = false, want_student = false;
  for (IntervalMethod m : settings.methods) {
    if (!bootstrap_on) break;
    want_bca = want_bca || m == IntervalMethod::bca;
    want_student = want_student || m == IntervalMethod::studentized;
  }
  clock.lap();
  JackknifeTable jack;
  if (want_bca) jack = jackknife_values(sample, design, settings.spec);
  ReplicateTable identity;
  if (want_student) identity = identity_replicate(sample, design, settings.spec);
  const double jackknife_s = clock.lap();

  // Result rows of describe by key.
  std::map<std::tuple<std::size_t, std::int32_t, Statistic>, std::size_t> row_of;
  for (std::size_t i = 0; i < description.results.size(); ++i) {
    const Estimate& e = description.results[i];
    row_of[{e.metric, e.cohort, e.statistic}] = i;
  }

  clock.lap();
  std::vector<AnalyzedResult> analyzed(table.keys.size());
  for (std::size_t k = 0; k < table.keys.size(); ++k) {
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
  const double intervals_s = clock.lap();

  std::optional<PermutationInference> permutation;
  if (flags.permutations > 0) {
    PermutationSpec pspec;
    pspec.scheme = *parse_perm_scheme(flags.perm_scheme);
    pspec.statistic = *parse_statistic(flags.perm_statistic);
    pspec.seed = flags.seed;
    pspec.permutations = flags.permutations;
    pspec.threads = flags.panel.threads;
    // Exact enumeration may need fewer replicates than B: the plan says how many.
    const auto progress = stderr_progress(
        "permutation", flags.quiet ? 0 : plan_permutations(sample, design, pspec).replicates,
        flags.quiet, flags.progress_seconds);
    pspec.progress = progress.get();
    permutation =
        permutation_inference(sample, design, pspec, *parse_alternative(flags.alternative));
  }

  const DescribeInputs describe{panel, read, design, sample, description};
  const AnalyzeInputs inputs{describe, settings, analyzed, permutation ? &*permutation : nullptr};
  const bool json_to_stdout = flags.json_path == "-";
  if (!json_to_stdout) fmt::print("{}", analyze_table(inputs));
  if (!json_to_stdout && permutation) fmt::print("{}", permutation_table(sample, *permutation));
  for (const std::string& w : analyze_warnings(inputs))
    fmt::print(stderr, "klynge: warning: {}\n", w);
  if (!flags.json_path.empty()) {
    nlohmann::ordered_json report = analyze_json(inputs);
    // Provenance and timings live outside "results" so two runs' results compare equal.
    report["provenance"] = provenance_json(report_provenance(
        cmd, flags.panel.input, flags.seed, settings.device, settings.threads));
    report["timing"] = {{"read_s", prepared.read_s},
                        {"design_s", prepared.design_s},
                        {"statistics_s", prepared.statistics_s},
                        {"bootstrap_s", bootstrap_s},
                        {"jackknife_s", jackknife_s},
                        {"intervals_s", intervals_s}};
    if (permutation) report["timing"]["permutation_s"] = permutation->seconds;
    std::vector<std::size_t> result_of_key;
    for (const AnalyzedResult& r : analyzed) result_of_key.push_back(r.result);
    if (bootstrap_on) add_sup_t_bands(report, description, table, result_of_key, settings.level);
    write_output(flags.json_path, report.dump(2) + "\n");
  }
  if (!flags.csv_path.empty()) write_output(flags.csv_path, analyze_csv(inputs));
}

}  // namespace

void add_analyze_command(CLI::App& app) {
  auto flags = std::make_shared<AnalyzeFlags>();
  CLI::App* cmd = app.add_subcommand(
      "analyze", "Bootstrap standard errors and confidence intervals of member - control growth");
  add_panel_flags(*cmd, flags->panel);
  cmd->add_option("--bootstrap", flags->replicates,
                  "Bootstrap replicates B (0 = no bootstrap: the permutation test alone)")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1} << 32))
      ->group("Bootstrap");
  cmd->add_option("--scheme", flags->scheme,
                  "Resampling: groups (members and controls apart), strata (within group x "
                  "stratum), poisson (Poisson(1) weights), bayesian (Dirichlet weights)")
      ->capture_default_str()
      ->check(CLI::IsMember({"groups", "strata", "poisson", "bayesian"}))
      ->group("Bootstrap");
  cmd->add_option("--unit", flags->unit, "Resampled member unit: firm or cluster")
      ->capture_default_str()
      ->check(CLI::IsMember({"firm", "cluster"}))
      ->group("Bootstrap");
  cmd->add_option("--ci", flags->ci,
                  "Interval methods (comma list): percentile, basic, normal, bca, studentized")
      ->delimiter(',')
      ->capture_default_str()
      ->group("Bootstrap");
  cmd->add_option("--level", flags->level, "Confidence level")
      ->capture_default_str()
      ->group("Bootstrap");
  cmd->add_option("--statistic", flags->statistics,
                  "Statistics (comma list): mean_diff, median_diff, trimmed_mean_diff, agg_diff, "
                  "welch_t")
      ->delimiter(',')
      ->capture_default_str()
      ->group("Bootstrap");
  cmd->add_option("--seed", flags->seed, "Random seed (64-bit)")
      ->capture_default_str()
      ->group("Bootstrap");
  cmd->add_option("--permutations", flags->permutations,
                  "Permutation test replicates B (0 = no test; exact enumeration when the "
                  "relabelings number <= B)")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1} << 32))
      ->group("Permutation");
  cmd->add_option("--perm-scheme", flags->perm_scheme,
                  "Labels shuffled across the firms of each cohort (all) or within --strata "
                  "cells (strata)")
      ->capture_default_str()
      ->check(CLI::IsMember({"all", "strata"}))
      ->group("Permutation");
  cmd->add_option("--perm-statistic", flags->perm_statistic,
                  "Test statistic: welch_t, mean_diff, median_diff, trimmed_mean_diff, agg_diff")
      ->capture_default_str()
      ->check(
          CLI::IsMember({"welch_t", "mean_diff", "median_diff", "trimmed_mean_diff", "agg_diff"}))
      ->group("Permutation");
  cmd->add_option("--alternative", flags->alternative, "two-sided, greater or less")
      ->capture_default_str()
      ->check(CLI::IsMember({"two-sided", "greater", "less"}))
      ->group("Permutation");
  cmd->add_option("--device", flags->device, "Backend: auto (= cpu in this version), cpu, cuda")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}))
      ->group("Run");
  cmd->add_option("--json", flags->json_path,
                  "Also write the report as JSON to FILE ('-' = stdout only)")
      ->group("Output");
  cmd->add_option("--csv", flags->csv_path, "Also write a tidy CSV (one row per interval) to FILE")
      ->group("Output");
  cmd->add_flag("--quiet", flags->quiet,
               "No progress on stderr (warnings and errors are still printed)")
      ->group("Run");
  cmd->add_option("--progress-every", flags->progress_seconds,
                  "Seconds between progress lines when stderr is not a terminal (logs, Slurm)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber)
      ->group("Run");
  add_print_config_flag(*cmd, flags->print_config);
  cmd->callback([flags, cmd] { run_analyze(*flags, *cmd); });
}

}  // namespace klynge::cli
