// `klynge power`: simulation studies of power, size and interval coverage (docs/power.md).
// Flag values are taken as text and parsed here, so every bad value is a usage error (exit 64)
// with one line naming the flag. `--merge` combines the JSON reports of shards of one study
// (disjoint --dataset-range runs) into the report of the whole range, exactly.
#include <algorithm>
#include <charconv>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "commands.hpp"
#include "configuration.hpp"
#include "device_choice.hpp"
#include "klynge/engine/distributed_sources.hpp"
#include "klynge/engine/mpi_ranks.hpp"
#include "klynge/error.hpp"
#include "klynge/io/output_file.hpp"
#include "klynge/power.hpp"
#include "klynge/report/power_report.hpp"
#include "klynge/report/provenance.hpp"
#include "output_paths.hpp"
#include "power_plot.hpp"
#include "power_pool_flags.hpp"
#include "stopwatch.hpp"

namespace klynge::cli {

namespace {

struct PowerFlags {
  std::vector<std::string> firms = {"2000"};
  std::vector<std::string> premium = {"0,0.02,0.05"};
  std::string member_share = "0.2";
  std::string member_noise = "1";
  std::string home_share = "0";
  std::string selection = "0";
  std::string datasets = "400";
  std::string dataset_range;  // empty: all
  std::string bootstrap = "199";
  std::string permutations = "199";
  std::string alpha = "0.05";
  std::string level = "0.95";
  std::vector<std::string> intervals = {"percentile", "bca"};
  std::string perm_statistic = "welch_t";
  std::string statistic = "mean_diff";
  std::string growth = "log";
  std::string trim = "0.1";
  bool balance = false;
  std::string scheme = "groups";
  std::string perm_scheme = "all";
  std::string alternative = "two-sided";
  std::string from = "2017";
  std::string to = "2020";
  std::string entry_years;                     // empty: the window design
  std::vector<std::string> premium_by_entry;   // empty: one premium for every entry year
  std::vector<std::string> premium_by_tenure;  // empty: one premium for every year in the cluster
  std::string horizon = "3";
  std::string offset = "0";
  std::string seed = "1";
  std::string truth_firms = "200000";
  std::string threads = "0";
  std::string device = "cpu";
  std::string gpu = "0";
  std::string json_path, csv_path, plot_path;
  std::vector<std::string> merge;
  bool quiet = false;
  bool print_config = false;
  PoolFlags pool;
};

std::int64_t parse_in(std::string_view flag, const std::string& text, std::int64_t lo,
                      std::int64_t hi) {
  const std::int64_t v = sim::parse_integer(flag, text);
  if (v < lo || v > hi)
    throw_usage_error(fmt::format("{} must be between {} and {} (got {})", flag, lo, hi, v));
  return v;
}

std::uint64_t parse_u64(std::string_view flag, const std::string& text) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end)
    throw_usage_error(
        fmt::format("{}: \"{}\" is not an integer in 0..18446744073709551615", flag, text));
  return value;
}

power::PowerSpec to_spec(const PowerFlags& f) {
  power::PowerSpec s;
  // The pool's name and columns first: its metric columns are the names --premium may use.
  s.pool = named_pool(f.pool);  // only its name until read_pool: flags are checked first
  s.premiums = power::parse_premium_grid(f.premium, power::study_metrics(s));
  s.firms = power::parse_firms_grid(f.firms);
  s.member_share = sim::parse_double("--member-share", f.member_share);
  s.member_noise = sim::parse_double("--member-noise", f.member_noise);
  s.home_share = sim::parse_double("--home-share", f.home_share);
  s.selection = sim::parse_double("--selection", f.selection);
  // Without a pool --strata names the simulated panels' columns (nace, region, size_class).
  if (!s.pool) s.sim_strata = f.pool.columns.strata;
  s.datasets =
      static_cast<std::uint32_t>(parse_in("--datasets", f.datasets, 1, power::kTruthStream - 1));
  if (!f.dataset_range.empty()) {
    const std::size_t colon = f.dataset_range.find(':');
    if (colon == std::string::npos)
      throw_usage_error("--dataset-range \"" + f.dataset_range + "\": expected A:B, e.g. 0:200");
    s.first = static_cast<std::uint32_t>(
        parse_in("--dataset-range", f.dataset_range.substr(0, colon), 0, s.datasets));
    s.last = static_cast<std::uint32_t>(
        parse_in("--dataset-range", f.dataset_range.substr(colon + 1), 1, s.datasets));
  }
  s.bootstrap = static_cast<std::uint64_t>(parse_in("--bootstrap", f.bootstrap, 0, 100'000'000));
  s.permutations =
      static_cast<std::uint64_t>(parse_in("--permutations", f.permutations, 0, 4'294'967'295LL));
  s.alpha = sim::parse_double("--alpha", f.alpha);
  s.level = sim::parse_double("--level", f.level);
  s.methods.clear();
  for (const std::string& name : f.intervals) {
    const auto m = parse_interval_method(name);
    if (!m)
      throw_usage_error("--interval: unknown method \"" + name +
                        "\" (known: percentile, basic, normal, bca, studentized)");
    // As analyze --ci: a method named twice is one method (one coverage column).
    if (std::find(s.methods.begin(), s.methods.end(), *m) == s.methods.end())
      s.methods.push_back(*m);
  }
  const auto stat = parse_statistic(f.perm_statistic);
  if (!stat)
    throw_usage_error("--perm-statistic: \"" + f.perm_statistic +
                      "\" (known: welch_t, mean_diff, median_diff, trimmed_mean_diff)");
  s.test_statistic = *stat;
  const auto interval_statistic = parse_statistic(f.statistic);
  if (!interval_statistic)
    throw_usage_error("--statistic: \"" + f.statistic +
                      "\" (known: mean_diff, median_diff, trimmed_mean_diff)");
  s.statistic = *interval_statistic;
  const auto growth = parse_growth_type(f.growth);
  if (!growth)
    throw_usage_error("--growth: \"" + f.growth + "\" (known: log, cagr, pct, dhs, level)");
  s.growth = *growth;
  s.trim = sim::parse_double("--trim", f.trim);
  const auto alt = parse_alternative(f.alternative);
  if (!alt)
    throw_usage_error("--alternative: \"" + f.alternative + "\" (known: two-sided, greater, less)");
  s.alternative = *alt;
  s.balance = f.balance;
  const auto scheme = parse_scheme(f.scheme);
  if (!scheme)
    throw_usage_error("--scheme: \"" + f.scheme + "\" (known: groups, strata, poisson, bayesian)");
  s.bootstrap_scheme = *scheme;
  const auto perm_scheme = parse_perm_scheme(f.perm_scheme);
  if (!perm_scheme)
    throw_usage_error("--perm-scheme: \"" + f.perm_scheme + "\" (known: all, strata)");
  s.perm_scheme = *perm_scheme;
  s.from = static_cast<int>(parse_in("--from", f.from, 1800, 2200));
  s.to = static_cast<int>(parse_in("--to", f.to, 1800, 2200));
  if (!f.entry_years.empty()) {
    // "A:B", or "A" for one cohort.
    const std::size_t colon = f.entry_years.find(':');
    s.entry_first =
        static_cast<int>(parse_in("--entry-years", f.entry_years.substr(0, colon), 1800, 2200));
    s.entry_last = colon == std::string::npos
                       ? s.entry_first
                       : static_cast<int>(parse_in("--entry-years", f.entry_years.substr(colon + 1),
                                                   1800, 2200));
  }
  s.premium_by_entry =
      power::parse_premium_by_entry(f.premium_by_entry, s.entry_first, s.entry_last);
  s.premium_by_tenure = sim::parse_tenure_factors("--premium-by-tenure", f.premium_by_tenure,
                                                  hd::sim::kMaxTenureFactors);
  s.horizon = static_cast<int>(parse_in("--horizon", f.horizon, 1, 50));
  s.offset = static_cast<int>(parse_in("--offset", f.offset, -50, 50));
  s.seed = parse_u64("--seed", f.seed);
  s.truth_firms =
      static_cast<std::uint32_t>(parse_in("--truth-firms", f.truth_firms, 1000, sim::kMaxFirms));
  s.threads = static_cast<int>(parse_in("--threads", f.threads, 0, 4096));
  if (f.device != "cpu" && f.device != "cuda" && f.device != "auto")
    throw_usage_error("--device: \"" + f.device + "\" (known: auto, cpu, cuda)");
  s.backend = choose_backend(f.device, static_cast<int>(parse_in("--gpu", f.gpu, 0, 1024)));
  power::validate(s);
  return s;
}

void write_output(const std::string& path, const std::string& text) {
  io::OutputFile out(path);
  out.write(text);
  out.commit();
}

nlohmann::ordered_json read_report(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ExitCode::no_input, path + ": cannot open");
  io::note_input(path);  // the merged report may not replace a shard
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) throw Error(ExitCode::io, path + ": read failed");
  auto report = nlohmann::ordered_json::parse(text.str(), nullptr, false);
  if (report.is_discarded() || !report.is_object())
    throw Error(ExitCode::bad_data, path + ": not a klynge power report: not a JSON object");
  return report;
}

// Settings as two shards of one study must agree on them: everything but where the pool file
// was (shards may read copies of one pool on different machines; its SHA-256 must agree).
// Settings written before report 1.3 lack the analysis and strata fields (before 1.4 a
// simulated study's strata, home_share and selection); such a shard was made with their defaults,
// so defaults are dropped from both sides before comparing.
nlohmann::ordered_json comparable(nlohmann::ordered_json settings) {
  auto drop_default = [](nlohmann::ordered_json& j, const char* key,
                         const nlohmann::ordered_json& value) {
    if (j.contains(key) && j[key] == value) j.erase(key);
  };
  drop_default(settings, "balance", false);
  drop_default(settings, "scheme", "groups");
  drop_default(settings, "perm_scheme", "all");
  drop_default(settings, "strata", nlohmann::ordered_json::array());
  drop_default(settings, "home_share", 0.0);
  drop_default(settings, "selection", 0.0);
  if (settings.contains("pool") && settings["pool"].is_object()) {
    nlohmann::ordered_json& pool = settings["pool"];
    pool.erase("path");
    drop_default(pool, "strata", nlohmann::ordered_json::array());
    drop_default(pool, "strata_cells", 0);
    drop_default(pool, "member_profile", "population");
  }
  return settings;
}

// The pool's metric columns as the settings record them, as --metrics takes them ("" for a
// simulated study, or for a pool recorded before they were).
std::string pool_metrics(const nlohmann::ordered_json& settings) {
  if (!settings.contains("pool") || !settings["pool"].is_object() ||
      !settings["pool"].contains("metrics") || !settings["pool"]["metrics"].is_array())
    return "";
  std::string out;
  for (const auto& name : settings["pool"]["metrics"])
    out += (out.empty() ? "" : ",") + (name.is_string() ? name.get<std::string>() : name.dump());
  return out;
}

// Reads shard reports, checks that they are one study, and merges their tallies in dataset
// order (the files may be given in any order).
std::pair<power::PowerSpec, power::StudyTally> merge_reports(
    const std::vector<std::string>& paths) {
  std::optional<power::PowerSpec> spec;
  nlohmann::ordered_json settings;
  std::vector<power::StudyTally> shards;
  for (const std::string& path : paths) {
    const nlohmann::ordered_json report = read_report(path);
    if (!report.contains("settings") || !report.contains("tallies"))
      throw Error(ExitCode::bad_data, path + ": not a klynge power report (no settings/tallies)");
    if (!spec) {
      settings = report["settings"];
      spec = power::spec_from_settings(settings, path);
    } else if (const std::string theirs = pool_metrics(report["settings"]),
               first = pool_metrics(settings);
               !theirs.empty() && !first.empty() && theirs != first) {
      // Said apart from the other settings: such shards' rows are of other metrics.
      throw_usage_error(
          fmt::format("--merge: {} is from another study: its pool's metric columns are {}, "
                      "those of {} are {}",
                      path, theirs, paths.front(), first));
    } else if (comparable(report["settings"]) != comparable(settings)) {
      throw_usage_error("--merge: " + path + " is from another study (its settings differ from " +
                        paths.front() + ")");
    }
    shards.push_back(power::tally_from_json(*spec, report, path));
  }
  std::sort(
      shards.begin(), shards.end(),
      [](const power::StudyTally& a, const power::StudyTally& b) { return a.first < b.first; });
  power::StudyTally tally = shards.front();
  for (std::size_t i = 1; i < shards.size(); ++i) tally = power::merge_tallies(tally, shards[i]);
  spec->first = tally.first;
  spec->last = tally.last;
  return {*spec, tally};
}

void run_power(const PowerFlags& flags, const CLI::App& cmd) {
  if (flags.print_config) {
    fmt::print("{}", configuration_toml(cmd));
    return;
  }
  check_output_paths(
      {{"--json", flags.json_path}, {"--csv", flags.csv_path}, {"--plot", flags.plot_path}});
  if (!flags.plot_path.empty()) check_power_plot_path(flags.plot_path);

  Stopwatch clock;
  power::PowerSpec spec;
  power::StudyTally tally;
  double pool_s = 0.0;
  // The power curve draws rejection rates: known before the study runs, not after it.
  const auto check_plot = [&](const power::PowerSpec& s) {
    if (!flags.plot_path.empty() && s.permutations == 0)
      throw_usage_error("--plot " + flags.plot_path +
                        ": the power curve draws rejection rates, and --permutations 0 tests "
                        "nothing (give --permutations, or leave out --plot)");
  };
  if (!flags.merge.empty()) {
    std::tie(spec, tally) = merge_reports(flags.merge);
    check_plot(spec);
  } else {
    spec = to_spec(flags);
    check_plot(spec);
    if (spec.pool) {
      Stopwatch read_clock;
      spec.pool = read_pool(flags.pool, power::study_design(spec), spec.threads);
      pool_s = read_clock.lap();
      if (mpi_ranks().rank == 0) print_profile_summary(*spec.pool, flags.quiet);
    }
    const std::uint32_t last = spec.last == 0 ? spec.datasets : spec.last;
    // Under MPI, rank r computes part r of the datasets; rank 0 merges the tallies (exact).
    const RankInfo& ranks = mpi_ranks();
    power::PowerSpec mine = spec;
    const auto [lo, hi] = shard_range(
        last - spec.first,
        ShardIndex{static_cast<std::uint32_t>(ranks.rank), static_cast<std::uint32_t>(ranks.size)});
    mine.first = spec.first + static_cast<std::uint32_t>(lo);
    mine.last = spec.first + static_cast<std::uint32_t>(hi);
    const std::uint64_t total =
        static_cast<std::uint64_t>(hi - lo) * spec.premiums.size() * spec.firms.size();
    const auto progress = stderr_progress("power", total, flags.quiet || ranks.rank != 0,
                                          kProgressLineSeconds, "datasets");
    mine.progress = progress.get();
    if (hi > lo) tally = power::run_study(mine);
    if (ranks.size > 1) {
      const std::vector<std::string> parts =
          gather_strings(hi > lo ? power::power_json(mine, tally).dump() : std::string());
      if (ranks.rank != 0) return;  // rank 0 writes the report
      std::vector<power::StudyTally> tallies;
      for (std::size_t r = 0; r < parts.size(); ++r)
        if (!parts[r].empty())
          tallies.push_back(power::tally_from_json(spec, nlohmann::ordered_json::parse(parts[r]),
                                                   "MPI rank " + std::to_string(r)));
      tally = tallies.front();
      for (std::size_t i = 1; i < tallies.size(); ++i)
        tally = power::merge_tallies(tally, tallies[i]);
    }
    spec.first = tally.first;
    spec.last = tally.last;
  }
  const double seconds = clock.lap();

  nlohmann::ordered_json report = power::power_json(spec, tally);
  Provenance p;
  p.command = "power";
  p.seed = spec.seed;
  p.device = std::string(backend_name(spec.backend.backend));
  p.threads = spec.threads;
  p.configuration = configuration_json(cmd);
  if (spec.pool) {
    p.input_path = spec.pool->source.path;
    p.input_sha256 = spec.pool->source.sha256;
  }
  report["provenance"] = provenance_json(p);
  const std::uint64_t datasets =
      static_cast<std::uint64_t>(tally.last - tally.first) * tally.cells.size();
  // Datasets per second leaves out the one-off measurement of the true premiums and the read of
  // the pool. A merge computes nothing: no timing.
  const double study_s = std::max(seconds - tally.truth_seconds - pool_s, 1e-9);
  if (flags.merge.empty()) {
    report["timing"] = {{"seconds", seconds}, {"truth_s", tally.truth_seconds}};
    if (spec.pool) report["timing"]["pool_s"] = pool_s;
    report["timing"]["datasets_per_second"] = static_cast<double>(datasets) / study_s;
  }
  const std::vector<power::PowerRow> rows = power::power_rows(spec, tally);
  if (!flags.json_path.empty()) write_output(flags.json_path, report.dump(2) + "\n");
  if (!flags.csv_path.empty()) write_output(flags.csv_path, power::power_csv(rows));
  // The table goes to stdout unless a report is written there.
  if (flags.json_path != "-" && flags.csv_path != "-")
    fmt::print("{}", power::power_table(spec, rows));
  if (!flags.plot_path.empty()) plot_power(report, flags.json_path, flags.plot_path);
  if (!flags.quiet)
    fmt::print(stderr, "klynge power: {} datasets ({} grid points x [{}, {})) in {:.1f} s\n",
               datasets, tally.cells.size(), tally.first, tally.last, seconds);
}

}  // namespace

void add_power_command(CLI::App& app) {
  auto flags = std::make_shared<PowerFlags>();
  CLI::App* cmd = app.add_subcommand(
      "power",
      "Simulation study: power and size of the permutation test and coverage of the bootstrap "
      "intervals over a grid of premiums x sample sizes, on simulated panels or on samples of "
      "your own firms (--pool) (docs/power.md)");
  cmd->add_option("--premium", flags->premium,
                  "Member log-growth premium per year: numbers separated by commas (one grid "
                  "point each, every metric), or metric=value,... (one grid point); repeatable")
      ->type_name("P")
      ->capture_default_str()
      ->group("Grid");
  cmd->add_option("--firms", flags->firms, "Firms per panel; several (commas) form the grid")
      ->type_name("N")
      ->capture_default_str()
      ->group("Grid");
  cmd->add_option("--member-share", flags->member_share,
                  "Share of firms that are members (with --pool exactly round(N x share) of them)")
      ->type_name("X")
      ->capture_default_str()
      ->group("Grid");
  cmd->add_option("--member-noise", flags->member_noise,
                  "Sd of members' transitory shocks relative to controls' (unequal variances; "
                  "not with --pool)")
      ->type_name("X")
      ->capture_default_str()
      ->group("Grid");
  cmd->add_option("--home-share", flags->home_share,
                  "P(a simulated member is in its cluster's home industry, and independently "
                  "region); > 0 needs --balance --strata nace (not with --pool)")
      ->type_name("X")
      ->capture_default_str()
      ->group("Grid");
  cmd->add_option("--selection", flags->selection,
                  "Correlation of simulated membership with firm size, in (-1, 1); the true "
                  "value then carries the selection bias (not with --pool)")
      ->type_name("RHO")
      ->capture_default_str()
      ->group("Grid");
  cmd->add_option("--datasets", flags->datasets, "R: simulated panels per grid point")
      ->type_name("R")
      ->capture_default_str()
      ->group("Study");
  cmd->add_option("--dataset-range", flags->dataset_range,
                  "Compute only datasets [A, B) of the R (a shard; merge shards with --merge)")
      ->type_name("A:B")
      ->group("Study");
  cmd->add_option("--bootstrap", flags->bootstrap, "B: bootstrap replicates per dataset (0 = none)")
      ->type_name("B")
      ->capture_default_str()
      ->group("Study");
  cmd->add_option("--permutations", flags->permutations, "Permutations per dataset (0 = no test)")
      ->type_name("P")
      ->capture_default_str()
      ->group("Study");
  cmd->add_option("--alpha", flags->alpha, "The test rejects when p <= alpha")
      ->capture_default_str()
      ->group("Study");
  cmd->add_option("--level", flags->level, "Confidence level of the intervals")
      ->capture_default_str()
      ->group("Study");
  cmd->add_option("--interval", flags->intervals,
                  "Interval methods: percentile, basic, normal, bca, studentized")
      ->capture_default_str()
      ->delimiter(',')
      ->group("Study");
  cmd->add_option("--perm-statistic", flags->perm_statistic,
                  "Test statistic: welch_t (default), mean_diff, median_diff, trimmed_mean_diff")
      ->capture_default_str()
      ->group("Study");
  cmd->add_option("--statistic", flags->statistic,
                  "Statistic of the intervals: mean_diff (default), median_diff or "
                  "trimmed_mean_diff (where the truth is known: docs/power.md)")
      ->capture_default_str()
      ->group("Study");
  cmd->add_option("--growth", flags->growth,
                  "Growth each dataset is analysed with, as analyze: log, cagr, pct, dhs, level "
                  "(the premium stays a log growth per year; docs/power.md \"Growth types\")")
      ->capture_default_str()
      ->group("Study");
  cmd->add_option("--trim", flags->trim, "Share cut from each tail for trimmed_mean_diff")
      ->capture_default_str()
      ->group("Study");
  cmd->add_option("--alternative", flags->alternative, "two-sided, greater or less")
      ->capture_default_str()
      ->group("Study");
  cmd->add_flag("--balance", flags->balance,
                "Reweight each dataset's controls to its members' --strata cells, as analyze "
                "--balance (needs --strata)")
      ->group("Study");
  cmd->add_option("--scheme", flags->scheme,
                  "Bootstrap scheme, as analyze: groups, strata (needs --strata), poisson, "
                  "bayesian")
      ->capture_default_str()
      ->group("Study");
  cmd->add_option("--perm-scheme", flags->perm_scheme,
                  "Permutation scheme, as analyze: all, strata (within --strata cells)")
      ->capture_default_str()
      ->group("Study");
  cmd->add_option("--from", flags->from, "First year of the growth window (members join then)")
      ->capture_default_str()
      ->group("Study");
  cmd->add_option("--to", flags->to, "Last year of the growth window")
      ->capture_default_str()
      ->group("Study");
  cmd->add_option("--entry-years", flags->entry_years,
                  "Cohort design: members join in a year drawn uniformly from "
                  "A..B and are compared over [entry + offset, entry + offset + horizon] with "
                  "the controls observed then; instead of --from/--to")
      ->type_name("A:B")
      ->group("Study");
  cmd->add_option("--premium-by-entry", flags->premium_by_entry,
                  "Cohort design: the premium of members entering in YEAR is FACTOR x --premium "
                  "(YEAR=FACTOR items separated by commas; years not named: 1), for a premium "
                  "that grows or fades with the entry year")
      ->type_name("YEAR=FACTOR,...")
      ->group("Study");
  cmd->add_option("--premium-by-tenure", flags->premium_by_tenure,
                  "A member's K-th year in the cluster adds FACTOR x --premium (K=FACTOR items "
                  "separated by commas; years not named: 1), for a premium that builds up or "
                  "fades with the years since entry, e.g. 1=0,2=0.5")
      ->type_name("K=FACTOR,...")
      ->group("Study");
  cmd->add_option("--horizon", flags->horizon, "Cohort design: years of growth after the entry")
      ->capture_default_str()
      ->group("Study");
  cmd->add_option("--offset", flags->offset,
                  "Cohort design: the window starts at entry year + offset")
      ->capture_default_str()
      ->group("Study");
  cmd->add_option("--seed", flags->seed, "Seed of every simulated panel and resample")
      ->capture_default_str()
      ->group("Study");
  cmd->add_option("--truth-firms", flags->truth_firms,
                  "Firms in the panel that measures the true premium (not with --pool)")
      ->capture_default_str()
      ->group("Study");
  cmd->add_option("--threads", flags->threads, "Datasets run in parallel (0 = all cores)")
      ->capture_default_str()
      ->group("Run");
  cmd->add_option("--device", flags->device,
                  "Backend of the replicates and of the simulated panels: cpu (default), cuda, "
                  "auto")
      ->capture_default_str()
      ->group("Run");
  cmd->add_option("--gpu", flags->gpu, "CUDA device index")->capture_default_str()->group("Run");
  cmd->add_option("--json", flags->json_path, "Write the report as JSON to FILE")->group("Output");
  cmd->add_option("--csv", flags->csv_path, "Write a tidy CSV to FILE")->group("Output");
  cmd->add_option("--plot", flags->plot_path,
                  "Draw the power curve to FILE.png or FILE.svg (needs python3-matplotlib)")
      ->group("Output");
  cmd->add_option("--merge", flags->merge,
                  "Merge the JSON reports of shards of one study (adjacent --dataset-range "
                  "runs) instead of running")
      ->configurable(false)
      ->group("Output");
  cmd->add_flag("-q,--quiet", flags->quiet, "No progress and no summary line on stderr")
      ->group("Run");
  add_pool_flags(*cmd, flags->pool);
  add_print_config_flag(*cmd, flags->print_config);
  cmd->callback([flags, cmd] { run_power(*flags, *cmd); });
}

}  // namespace klynge::cli
