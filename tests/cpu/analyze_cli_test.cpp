// End-to-end tests of `klynge analyze`: the JSON and CSV contracts, reproducibility across
// threads, and the exit codes of the documented failure modes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "common/run_klynge.hpp"
#include "klynge/device_info.hpp"

namespace klynge {
namespace {

using nlohmann::json;
using test::run_klynge;

std::vector<std::string> base_args(const std::string& dir) {
  return {"analyze", "--input",     test::example_file("firms.csv"),
          "--entry", "entry_year",  "--bootstrap",
          "199",     "--json",      dir + "/r.json",
          "--csv",   dir + "/r.csv"};
}

TEST(AnalyzeCli, JsonExtendsDescribeWithBootstrapFields) {
  const std::string dir = test::scratch_dir("analyze_json");
  auto args = base_args(dir);
  args.insert(args.end(), {"--statistic", "mean_diff,median_diff", "--ci",
                           "percentile,basic,normal,bca,studentized", "--seed", "7"});
  const auto run = run_klynge(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json r = json::parse(test::read_file(dir + "/r.json"));
  EXPECT_EQ(r["settings"]["seed"], 7);
  EXPECT_EQ(r["settings"]["scheme"], "groups");
  EXPECT_EQ(r["settings"]["unit"], "firm");
  EXPECT_EQ(r["settings"]["B"], 199);
  EXPECT_EQ(r["settings"]["level"], 0.95);
  EXPECT_EQ(r["settings"]["device"], "cpu");
  EXPECT_TRUE(r["settings"].contains("threads"));
  EXPECT_TRUE(r["settings"].contains("version"));
  EXPECT_TRUE(r.contains("timing"));
  EXPECT_TRUE(r.contains("groups"));
  int analyzed = 0;
  for (const json& row : r["results"]) {
    EXPECT_FALSE(row.contains("timing"));
    const std::string st = row["statistic"];
    if (st != "mean_diff" && st != "median_diff") {
      EXPECT_FALSE(row.contains("ci")) << st;
      continue;
    }
    ++analyzed;
    EXPECT_EQ(row["replicates"], 199);
    ASSERT_TRUE(row.contains("std_error"));
    ASSERT_TRUE(row.contains("bias"));
    for (const char* m : {"percentile", "basic", "normal", "bca", "studentized"}) {
      ASSERT_TRUE(row["ci"].contains(m)) << m;
      const json& ci = row["ci"][m];
      for (const char* f : {"low", "high", "mc_se_low", "mc_se_high", "status"})
        EXPECT_TRUE(ci.contains(f)) << m << " " << f;
      if (ci["status"] == "ok") {
        EXPECT_LE(ci["low"].get<double>(), ci["high"].get<double>());
      } else {
        EXPECT_TRUE(ci["low"].is_null());  // a status, never a bare NaN
      }
    }
    EXPECT_TRUE(row["ci"]["bca"].contains("z0"));
    EXPECT_TRUE(row["ci"]["bca"].contains("acceleration"));
    if (st == "mean_diff" && row["status"] == "ok")
      EXPECT_EQ(row["ci"]["studentized"]["status"], "ok");
    if (st == "median_diff") EXPECT_EQ(row["ci"]["studentized"]["status"], "no_standard_error");
  }
  EXPECT_EQ(analyzed, 3 * 10 * 2);  // 3 metrics x (9 cohorts + aggregate) x 2 statistics

  // CSV: one row per key and method, broom's names.
  std::istringstream csv(test::read_file(dir + "/r.csv"));
  std::string header, line;
  std::getline(csv, header);
  EXPECT_EQ(header,
            "term,metric,cohort,statistic,estimate,std.error,bias,conf.method,conf.level,conf.low,"
            "conf.high,n_member,n_control,status,p.value,p.method,p.maxt,p.holm,p.bh");
  int rows = 0;
  while (std::getline(csv, line)) {
    ++rows;
    EXPECT_EQ(line.rfind("member - control: ", 0), 0u) << line;
  }
  EXPECT_EQ(rows, analyzed * 5);
  EXPECT_NE(run.out.find("seed 7"), std::string::npos);
  EXPECT_NE(run.out.find("backend cpu"), std::string::npos);
}

json results_of(const std::string& path) {
  return json::parse(test::read_file(path))["results"];
}

// Few replicates make every interval endpoint warn (over a hundred warnings on the example):
// standard error shows the first eight and counts the rest, the JSON report keeps them all.
TEST(AnalyzeCli, ManyWarningsAreCountedOnStandardErrorAndListedInTheReport) {
  const std::string dir = test::scratch_dir("analyze_warnings");
  auto args = base_args(dir);
  args[6] = "99";
  args.insert(args.end(), {"--permutations", "0", "--quiet"});
  const auto run = run_klynge(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json r = json::parse(test::read_file(dir + "/r.json"));
  const std::size_t total = r["warnings"].size();
  ASSERT_GT(total, 8u);
  std::istringstream lines(run.err);
  std::vector<std::string> shown;
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("klynge: warning: ", 0) == 0) shown.push_back(line.substr(17));
  ASSERT_EQ(shown.size(), 9u) << run.err;
  for (std::size_t i = 0; i < 8; ++i) EXPECT_EQ(shown[i], r["warnings"][i]) << i;
  EXPECT_EQ(shown[8], "... and " + std::to_string(total - 8) +
                          " more warnings (the JSON report's \"warnings\" lists every one)");
}

TEST(AnalyzeCli, ResultsIdenticalForAnyThreadCount) {
  const std::string dir = test::scratch_dir("analyze_threads");
  auto args = base_args(dir);
  args.insert(args.end(), {"--statistic", "mean_diff,trimmed_mean_diff,welch_t", "--threads", "1"});
  auto run = run_klynge(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json one = results_of(dir + "/r.json");
  const std::string csv_one = test::read_file(dir + "/r.csv");
  args.back() = "2";
  run = run_klynge(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(results_of(dir + "/r.json"), one);
  EXPECT_EQ(test::read_file(dir + "/r.csv"), csv_one);
}

// The replicates' standard errors are computed only for the studentized interval (in the cohort
// design they cost most of a replicate): a shard stores them with it and as nulls without it,
// and the other intervals come out the same either way.
TEST(AnalyzeCli, ReplicateStandardErrorsOnlyForTheStudentizedInterval) {
  const std::string dir = test::scratch_dir("analyze_replicate_se");
  auto welch_se_of_shard = [&](const std::string& ci) {
    auto args = base_args(dir);
    args.insert(args.end(), {"--ci", ci, "--permutations", "0"});
    auto run = run_klynge(args);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    const json results = results_of(dir + "/r.json");
    args = {"analyze",
            "--input",
            test::example_file("firms.csv"),
            "--entry",
            "entry_year",
            "--bootstrap",
            "199",
            "--permutations",
            "0",
            "--ci",
            ci,
            "--shard",
            "1/1",
            "--json",
            dir + "/shard.json"};
    run = run_klynge(args);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    const json shard = json::parse(test::read_file(dir + "/shard.json"));
    return std::pair{results, shard["shard"]["replicates"][0]["welch_se"]};
  };
  const auto [with, with_se] = welch_se_of_shard("percentile,bca,studentized");
  const auto [without, without_se] = welch_se_of_shard("percentile,bca");
  ASSERT_FALSE(with_se.empty());
  ASSERT_EQ(with_se.size(), without_se.size());
  std::size_t numbers = 0;
  for (std::size_t k = 0; k < with_se.size(); ++k) {
    numbers += with_se[k].is_number();
    EXPECT_TRUE(without_se[k].is_null()) << k;
  }
  EXPECT_GT(numbers, with_se.size() / 2);
  ASSERT_EQ(with.size(), without.size());
  for (std::size_t r = 0; r < with.size(); ++r) {
    if (!with[r].contains("ci")) continue;
    for (const char* m : {"percentile", "bca"})
      EXPECT_EQ(with[r]["ci"][m], without[r]["ci"][m]) << "result " << r << " " << m;
    EXPECT_EQ(with[r]["std_error"], without[r]["std_error"]) << "result " << r;
  }
  // A checkpoint without the standard errors cannot be resumed by a run that needs them.
  auto checkpointed = [&](const std::string& ci) {
    return run_klynge({"analyze", "--input", test::example_file("firms.csv"), "--entry",
                       "entry_year", "--bootstrap", "199", "--permutations", "0", "--ci", ci,
                       "--checkpoint", dir + "/checkpoint", "-q"});
  };
  EXPECT_EQ(checkpointed("percentile").exit_code, 0);
  const auto resumed = checkpointed("percentile,studentized");
  EXPECT_EQ(resumed.exit_code, 64);
  EXPECT_NE(resumed.err.find("different run"), std::string::npos) << resumed.err;
}

TEST(AnalyzeCli, SchemesAndClusterUnitRun) {
  for (const std::vector<std::string>& extra : {std::vector<std::string>{"--scheme", "poisson"},
                                                {"--scheme", "bayesian"},
                                                {"--unit", "cluster"},
                                                {"--scheme", "strata", "--strata", "nace"}}) {
    const std::string dir = test::scratch_dir("analyze_schemes");
    auto args = base_args(dir);
    args.insert(args.end(), extra.begin(), extra.end());
    const auto run = run_klynge(args);
    ASSERT_EQ(run.exit_code, 0) << extra[1] << ": " << run.err;
    const json r = json::parse(test::read_file(dir + "/r.json"));
    EXPECT_EQ(r["settings"][extra[0].substr(2)], extra[1]);
  }
}

TEST(AnalyzeCli, TooFewReplicatesForTheLevelIsAUsageError) {
  const std::string dir = test::scratch_dir("analyze_small_b");
  auto args = base_args(dir);
  args[6] = "10";  // --bootstrap 10: (10 + 1) * 0.05 / 2 < 1
  const auto run = run_klynge(args);
  EXPECT_EQ(run.exit_code, 64);
  EXPECT_NE(run.err.find("too small for --level"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << "one line: " << run.err;
}

// Without a usable GPU, --device cuda is one clear line and exit 64 (why: no backend built, no
// driver or no device), --gpu beyond the visible devices likewise; --device auto runs on the
// CPU and says so. Where a GPU is usable, tests/gpu covers --device cuda instead.
TEST(AnalyzeCli, CudaDeviceWithoutGpuIsAClearUsageError) {
  if (!query_cuda().devices.empty()) GTEST_SKIP() << "a CUDA device is usable here";
  const std::string dir = test::scratch_dir("analyze_cuda");
  for (const char* gpu : {"0", "3"}) {
    auto args = base_args(dir);
    args.insert(args.end(), {"--device", "cuda", "--gpu", gpu});
    const auto run = run_klynge(args);
    EXPECT_EQ(run.exit_code, 64);
    EXPECT_EQ(run.err.rfind("klynge: error: --device cuda: ", 0), 0u) << run.err;
    EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << "one line: " << run.err;
  }
  auto args = base_args(dir);
  args.insert(args.end(), {"--device", "auto"});
  ASSERT_EQ(run_klynge(args).exit_code, 0);
  EXPECT_EQ(json::parse(test::read_file(dir + "/r.json"))["settings"]["device"], "cpu");
}

TEST(AnalyzeCli, UnknownIntervalMethodAndStatisticAreUsageErrors) {
  const std::string dir = test::scratch_dir("analyze_bad");
  auto args = base_args(dir);
  args.insert(args.end(), {"--ci", "percentile,magic"});
  EXPECT_EQ(run_klynge(args).exit_code, 64);
  args = base_args(dir);
  args.insert(args.end(), {"--statistic", "max_diff"});
  EXPECT_EQ(run_klynge(args).exit_code, 64);
  args = base_args(dir);
  args.insert(args.end(), {"--unit", "cluster", "--scheme", "strata", "--strata", "nace"});
  EXPECT_EQ(run_klynge(args).exit_code, 64);
  args = base_args(dir);
  args.insert(args.end(), {"--scheme", "strata"});  // no --strata
  const auto run = run_klynge(args);
  EXPECT_EQ(run.exit_code, 64);
  EXPECT_NE(run.err.find("--strata"), std::string::npos) << run.err;
}

// What the command-line parser itself refuses (an unknown, repeated or malformed flag, no
// subcommand) is a usage error like any other: one line naming the flag, exit code 64.
TEST(AnalyzeCli, ParserErrorsAreOneLineUsageErrors) {
  const std::string dir = test::scratch_dir("analyze_parser");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--bogus"}, "--bogus"},
      {{"--seed", "1", "--seed", "2"}, "--seed"},
      {{"--seed", "x"}, "\"x\" is not an integer"},
      // CLI11 alone saturated these to 2^64 - 1 and ran.
      {{"--seed", "-1"}, "\"-1\" is not an integer in 0..18446744073709551615"},
      {{"--seed", "18446744073709551616"}, "is not an integer in 0..18446744073709551615"},
      {{"--progress-every", "nan"}, "\"nan\" is not a finite number > 0"},
      {{"--checkpoint-every", "inf"}, "\"inf\" is not a finite number > 0"},
  };
  for (const auto& [extra, needle] : cases) {
    auto args = base_args(dir);
    args.insert(args.end(), extra.begin(), extra.end());
    const auto run = run_klynge(args);
    EXPECT_EQ(run.exit_code, 64) << run.err;
    EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << run.err;
    EXPECT_EQ(run.err.rfind("klynge: error: ", 0), 0u) << run.err;
    EXPECT_NE(run.err.find(needle), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("klynge analyze --help"), std::string::npos) << run.err;
  }
  const auto none = run_klynge({});
  EXPECT_EQ(none.exit_code, 64) << none.err;
  EXPECT_NE(none.err.find("subcommand is required"), std::string::npos) << none.err;
  const auto version = run_klynge({"--version"});
  EXPECT_EQ(version.exit_code, 0) << version.err;
}

}  // namespace
}  // namespace klynge
