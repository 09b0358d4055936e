// `klynge analyze`: describe's ingest and design, then the bootstrap: standard errors, bias and
// confidence intervals for the requested statistics (docs/bootstrap.md), and the permutation
// test. Writes a table, and optionally the JSON report (describe's, extended), a tidy CSV, the
// replicates and a forest plot. The flags are registered and checked here; one comparison runs
// in analyze_comparison.cpp, a batch (--by-cluster, --by) in analyze_batch.cpp.
#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>

#include "analyze_batch.hpp"
#include "analyze_comparison.hpp"
#include "analyze_flags.hpp"
#include "commands.hpp"
#include "configuration.hpp"
#include "device_choice.hpp"
#include "flag_checks.hpp"
#include "klynge/bootstrap.hpp"
#include "klynge/device_info.hpp"
#include "klynge/engine/mpi_ranks.hpp"
#include "klynge/error.hpp"
#include "klynge/intervals.hpp"
#include "klynge/io/output_file.hpp"
#include "klynge/report/analyze_report.hpp"
#include "klynge/report/permutation_report.hpp"
#include "klynge/report/replicates_csv.hpp"
#include "klynge/statistics.hpp"
#include "output_paths.hpp"
#include "plot_script.hpp"
#include "prepared_sample.hpp"
#include "replicate_source_choice.hpp"
#include "report_provenance.hpp"
#include "stopwatch.hpp"
#include "warning_lines.hpp"

namespace klynge::cli {

namespace {

void write_output(const std::string& path, const std::string& text) {
  io::OutputFile out(path);
  out.write(text);
  out.commit();
}

// Flags CLI11 cannot check, before the (possibly long) read.
AnalyzeSettings settings_from(const AnalyzeFlags& f) {
  AnalyzeSettings s;
  s.spec.backend = choose_backend(f.device, f.gpu);
  // Under MPI each rank takes the GPU of its local rank (round robin over the visible ones).
  if (mpi_ranks().size > 1 && s.spec.backend.backend == Backend::cuda)
    s.spec.backend.gpu = mpi_ranks().local_rank %
                         static_cast<int>(std::max<std::size_t>(query_cuda().devices.size(), 1));
  s.device = std::string(backend_name(s.spec.backend.backend));
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
  // Only the studentized interval reads the replicates' standard errors. Without it the cohort
  // aggregate's influence pass, most of a cohort-design replicate's cost, is skipped; the
  // replicate values are the same bits either way.
  s.spec.replicate_se =
      std::find(s.methods.begin(), s.methods.end(), IntervalMethod::studentized) != s.methods.end();
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

// Rank 0 of an MPI run says which rank runs where (every rank takes part in the gather).
void log_rank_map(const AnalyzeFlags& flags, const AnalyzeSettings& settings) {
  if (mpi_ranks().size <= 1) return;
  const std::string device = settings.spec.backend.backend == Backend::cuda
                                 ? fmt::format("cuda:{}", settings.spec.backend.gpu)
                                 : std::string("cpu");
  const std::vector<std::string> lines = gather_rank_map(device);
  if (flags.quiet) return;
  for (const std::string& line : lines) fmt::print(stderr, "klynge: mpi {}\n", line);
}

// After the replicates: a shard writes its report, and a shard or a non-root MPI rank stops
// there (true). The full run goes on to the results (false).
bool finish_partial(const AnalyzeFlags& flags, const CLI::App& cmd, const SourceChoice& source) {
  if (!source.source->is_partial()) return false;
  if (source.shard) {
    nlohmann::ordered_json report;
    report["schema_version"] = kReportSchemaVersion;
    report["shard"] = shard_json(source.shard_index, run_fingerprint(cmd, flags.panel.input),
                                 source.shard->store());
    report["input"] = {{"path", flags.panel.input}};
    report["configuration"] = configuration_json(cmd);
    write_output(flags.json_path, report.dump() + "\n");
  }
  return true;
}

void run_analyze(const AnalyzeFlags& flags, const CLI::App& cmd) {
  AnalyzeSettings settings = settings_from(flags);
  if (flags.print_config) {
    fmt::print("{}", configuration_toml(cmd));
    return;
  }
  if (flags.permutations > 0 && flags.perm_scheme == "strata" && flags.panel.columns.strata.empty())
    throw_usage_error("--perm-scheme strata needs --strata");
  if (flags.replicates == 0 && !flags.replicates_path.empty())
    throw_usage_error("--save-replicates needs bootstrap replicates (--bootstrap > 0)");
  check_batch_flags(flags);
  if (!flags.plot_path.empty()) {
    check_plot_path("--plot", flags.plot_path);
    if (flags.replicates == 0)
      throw_usage_error("--plot draws bootstrap intervals: needs --bootstrap > 0");
  }
  check_output_paths({{"--input", flags.panel.input},
                      {"--json", flags.json_path},
                      {"--csv", flags.csv_path},
                      {"--save-replicates", flags.replicates_path},
                      {"--plot", flags.plot_path}});
  // Opened before the (possibly long) run, so an uncreatable file fails at once (exit 73).
  std::optional<io::OutputFile> replicates_out;
  if (!flags.replicates_path.empty()) replicates_out.emplace(flags.replicates_path);
  SourceChoice source = choose_replicate_source(flags, cmd);
  log_rank_map(flags, settings);
  if (flags.by_cluster || !flags.by.empty()) {
    run_analyze_batch(flags, settings, cmd, replicates_out ? &*replicates_out : nullptr,
                      *source.source);
    finish_partial(flags, cmd, source);
    return;
  }

  const PreparedSample prepared = prepare_sample(flags.panel);
  const Sample& sample = prepared.sample;
  const Description& description = prepared.description;
  const ComparisonRun run =
      run_comparison(sample, prepared.design, description, settings, flags, 0, "", *source.source);
  if (finish_partial(flags, cmd, source)) return;

  const DescribeInputs describe{prepared.panel, prepared.read, prepared.design, sample,
                                description};
  const AnalyzeInputs inputs{describe, settings, run.analyzed,
                             run.permutation ? &*run.permutation : nullptr};
  // A report on standard output keeps the text table off it.
  const bool json_to_stdout =
      flags.json_path == "-" || flags.csv_path == "-" || flags.replicates_path == "-";
  if (!json_to_stdout) fmt::print("{}", analyze_table(inputs));
  if (!json_to_stdout && run.permutation)
    fmt::print("{}", permutation_table(sample, *run.permutation));
  print_warnings(analyze_warnings(inputs), !flags.json_path.empty());
  const bool json_file = !flags.json_path.empty() && flags.json_path != "-";
  if (!flags.json_path.empty() || !flags.plot_path.empty()) {
    nlohmann::ordered_json report = comparison_json(inputs, run);
    // Provenance and timings live outside "results" so two runs' results compare equal.
    report["provenance"] = provenance_json(
        report_provenance(cmd, prepared.panel, flags.seed, settings.device, settings.threads));
    report["timing"] = {{"read_s", prepared.read_s},
                        {"design_s", prepared.design_s},
                        {"statistics_s", prepared.statistics_s},
                        {"bootstrap_s", run.bootstrap_s},
                        {"jackknife_s", run.jackknife_s},
                        {"intervals_s", run.intervals_s}};
    if (run.permutation) report["timing"]["permutation_s"] = run.permutation->seconds;
    if (!flags.json_path.empty()) write_output(flags.json_path, report.dump(2) + "\n");
    if (!flags.plot_path.empty())
      plot_report(report, json_file ? flags.json_path : "", flags.plot_path);
  }
  if (!flags.csv_path.empty()) write_output(flags.csv_path, analyze_csv(inputs));
  if (replicates_out) {
    write_replicates_header(*replicates_out, "");
    write_replicates_rows(*replicates_out, sample.metric_names, run.table, nullptr);
    replicates_out->commit();
  }
}

}  // namespace

void add_analyze_command(CLI::App& app) {
  auto flags = std::make_shared<AnalyzeFlags>();
  CLI::App* cmd = app.add_subcommand(
      "analyze",
      "Member - control growth with bootstrap confidence intervals and permutation p-values");
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
      ->transform(kUnsigned64)
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
  cmd->add_flag("--by-cluster", flags->by_cluster,
                "One comparison per cluster (the --cluster column): its members against all "
                "controls; Holm/BH over the whole batch")
      ->group("Batch");
  cmd->add_option("--by", flags->by,
                  "One comparison per value of a firm-level column COL (e.g. region): its "
                  "members against all controls")
      ->group("Batch");
  cmd->add_option("--device", flags->device,
                  "Backend of the replicates: auto (a usable GPU, else the CPU), cpu, cuda")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}))
      ->group("Run");
  cmd->add_option("--gpu", flags->gpu, "CUDA device index (among CUDA_VISIBLE_DEVICES)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber)
      ->group("Run");
  cmd->add_option("--json", flags->json_path,
                  "Also write the report as JSON to FILE ('-' = stdout only)")
      ->group("Output");
  cmd->add_option("--csv", flags->csv_path, "Also write a tidy CSV (one row per interval) to FILE")
      ->group("Output");
  cmd->add_option("--plot", flags->plot_path,
                  "Also draw the forest plot to FILE.png or FILE.svg (needs python3-matplotlib)")
      ->group("Output");
  cmd->add_option("--save-replicates", flags->replicates_path,
                  "Also write every bootstrap replicate statistic to FILE (CSV, long format; "
                  ".gz compresses)")
      ->group("Output");
  cmd->add_flag("-q,--quiet", flags->quiet,
                "No progress on stderr (warnings and errors are still printed)")
      ->group("Run");
  cmd->add_option("--progress-every", flags->progress_seconds,
                  "Seconds between progress lines when stderr is not a terminal (logs, Slurm)")
      ->capture_default_str()
      ->check(kFinitePositive)
      ->group("Run");
  cmd->add_option("--shard", flags->shard,
                  "Compute only part i of K of every replicate range (e.g. a Slurm array task: "
                  "--shard $((SLURM_ARRAY_TASK_ID))/K) and write it as a shard report to --json; "
                  "`klynge merge` joins the parts")
      ->group("Scale-out");
  cmd->add_option("--checkpoint", flags->checkpoint_dir,
                  "Save finished replicates to DIR; SIGTERM/SIGUSR1 stop with exit 75 after "
                  "saving; rerunning the same command resumes")
      ->group("Scale-out");
  cmd->add_option("--checkpoint-every", flags->checkpoint_seconds,
                  "Seconds between checkpoint saves")
      ->capture_default_str()
      ->check(kFinitePositive)
      ->group("Scale-out");
  add_print_config_flag(*cmd, flags->print_config);
  cmd->callback([flags, cmd] { run_analyze(*flags, *cmd); });
}

}  // namespace klynge::cli
