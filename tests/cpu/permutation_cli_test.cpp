// End-to-end: `klynge analyze` with permutation tests — the JSON and CSV fields, invariance
// across threads, --permutations 0, and usage errors.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/run_klynge.hpp"

namespace klynge {
namespace {

using nlohmann::json;
using test::run_klynge;

std::vector<std::string> args_for(const std::string& dir, const std::string& threads) {
  return {"analyze",
          "--input",
          test::example_file("firms.csv"),
          "--entry",
          "entry_year",
          "--bootstrap",
          "99",
          "--ci",
          "percentile",
          "--permutations",
          "499",
          "--threads",
          threads,
          "--json",
          dir + "/r.json",
          "--csv",
          dir + "/r.csv"};
}

TEST(PermutationCli, ResultsRowsCarryPValuesAndAdjustments) {
  const std::string dir = test::scratch_dir("perm_cli");
  const auto run = run_klynge(args_for(dir, "2"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("permutation test: B = 499"), std::string::npos);
  const json r = json::parse(test::read_file(dir + "/r.json"));
  const json& s = r["settings"]["permutation"];
  EXPECT_EQ(s["B"], 499);
  EXPECT_EQ(s["scheme"], "all");
  EXPECT_EQ(s["statistic"], "welch_t");
  EXPECT_EQ(s["alternative"], "two-sided");
  EXPECT_EQ(s["exact"], false);
  // Simultaneous sup-t bands over metrics x cohorts, one family per statistic.
  EXPECT_GT(r["settings"]["band"]["mean_diff"]["family"].get<double>(), 1.0);
  EXPECT_GT(r["settings"]["band"]["mean_diff"]["critical"].get<double>(), 1.96);
  int with_p = 0;
  for (const json& row : r["results"]) {
    // Bootstrapped rows (those with a standard error) carry a band.
    EXPECT_EQ(row.contains("band"), row.contains("std_error")) << row.dump();
    if (row.contains("band") && !row["band"]["low"].is_null() && row["estimate"].is_number()) {
      EXPECT_LE(row["band"]["low"].get<double>(), row["estimate"].get<double>());
      EXPECT_GE(row["band"]["high"].get<double>(), row["estimate"].get<double>());
    }
    ASSERT_TRUE(row.contains("p_value")) << row.dump();
    ++with_p;
    if (row["p_value"].is_null()) continue;
    const double p = row["p_value"];
    EXPECT_EQ(row["p_method"], "monte_carlo");
    EXPECT_EQ(row["permutations"], 499);
    EXPECT_GT(p, 0.0);
    EXPECT_LE(p, 1.0);
    const double lo = row["p_value_ci99"][0], hi = row["p_value_ci99"][1];
    EXPECT_LE(lo, hi);
    EXPECT_GE(row["p_adjusted"]["holm"].get<double>(), p);
    EXPECT_GE(row["p_adjusted"]["bh"].get<double>(), p);
    EXPECT_LE(row["p_adjusted"]["maxt"].get<double>(), 1.0);
  }
  EXPECT_GT(with_p, 0);
  std::istringstream csv(test::read_file(dir + "/r.csv"));
  std::string header, line;
  std::getline(csv, header);
  EXPECT_NE(header.find(",p.value,p.method,p.maxt,p.holm,p.bh"), std::string::npos);
  ASSERT_TRUE(std::getline(csv, line));
  EXPECT_NE(line.find("monte_carlo"), std::string::npos) << line;
}

TEST(PermutationCli, IdenticalAcrossThreadCounts) {
  const std::string a = test::scratch_dir("perm_t1"), b = test::scratch_dir("perm_t3");
  ASSERT_EQ(run_klynge(args_for(a, "1")).exit_code, 0);
  ASSERT_EQ(run_klynge(args_for(b, "3")).exit_code, 0);
  const json ra = json::parse(test::read_file(a + "/r.json"));
  const json rb = json::parse(test::read_file(b + "/r.json"));
  ASSERT_EQ(ra["results"].size(), rb["results"].size());
  for (std::size_t i = 0; i < ra["results"].size(); ++i) {
    EXPECT_EQ(ra["results"][i]["p_value"], rb["results"][i]["p_value"]);
    EXPECT_EQ(ra["results"][i]["p_adjusted"], rb["results"][i]["p_adjusted"]);
  }
}

TEST(PermutationCli, ZeroPermutationsTurnsTheTestOff) {
  const std::string dir = test::scratch_dir("perm_off");
  auto args = args_for(dir, "2");
  args[10] = "0";  // --permutations 0
  const auto run = run_klynge(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json r = json::parse(test::read_file(dir + "/r.json"));
  EXPECT_FALSE(r["settings"].contains("permutation"));
  EXPECT_FALSE(r["results"][0].contains("p_value"));
  std::istringstream csv(test::read_file(dir + "/r.csv"));
  std::string header, line;
  std::getline(csv, header);
  std::getline(csv, line);
  EXPECT_NE(line.find(",NA,NA,NA,NA,NA"), std::string::npos) << line;
}

// --bootstrap 0: the permutation test alone; the p-values are those of a run with a bootstrap
// (the draws have their own purpose word), and no bootstrap fields or bands appear.
TEST(PermutationCli, ZeroBootstrapRunsThePermutationTestAlone) {
  const std::string with = test::scratch_dir("perm_boot_on"),
                    alone = test::scratch_dir("perm_boot_off");
  ASSERT_EQ(run_klynge(args_for(with, "2")).exit_code, 0);
  auto args = args_for(alone, "2");
  args[6] = "0";                           // --bootstrap 0
  args.erase(args.end() - 2, args.end());  // no --csv: it has one row per interval
  const auto run = run_klynge(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("bootstrap: off"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("permutation test: B = 499"), std::string::npos) << run.out;
  const json a = json::parse(test::read_file(with + "/r.json"));
  const json b = json::parse(test::read_file(alone + "/r.json"));
  EXPECT_FALSE(b["settings"].contains("band"));
  ASSERT_EQ(a["results"].size(), b["results"].size());
  for (std::size_t i = 0; i < b["results"].size(); ++i) {
    const json& row = b["results"][i];
    EXPECT_FALSE(row.contains("std_error")) << row.dump();
    EXPECT_FALSE(row.contains("ci")) << row.dump();
    EXPECT_EQ(row["p_value"], a["results"][i]["p_value"]);
    EXPECT_EQ(row["p_adjusted"], a["results"][i]["p_adjusted"]);
  }
  auto with_csv = args_for(alone, "2");
  with_csv[6] = "0";
  EXPECT_EQ(run_klynge(with_csv).exit_code, 64);  // --csv needs bootstrap intervals
}

TEST(PermutationCli, UsageErrors) {
  const std::string dir = test::scratch_dir("perm_usage");
  auto args = args_for(dir, "1");
  args.insert(args.end(), {"--perm-scheme", "strata"});
  EXPECT_EQ(run_klynge(args).exit_code, 64);  // strata without --strata
  auto bad = args_for(dir, "1");
  bad.insert(bad.end(), {"--alternative", "sideways"});
  EXPECT_NE(run_klynge(bad).exit_code, 0);
  auto strata = args_for(dir, "1");
  strata.insert(strata.end(),
                {"--perm-scheme", "strata", "--strata", "nace", "--alternative", "greater"});
  const auto ok = run_klynge(strata);
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  const json r = json::parse(test::read_file(dir + "/r.json"));
  EXPECT_EQ(r["settings"]["permutation"]["scheme"], "strata");
  EXPECT_GT(r["settings"]["permutation"]["blocks"].get<int>(), 9);
}

// --balance: the stratified test weighs by the sampling weights (its blocks do the balancing),
// the unstratified one keeps the balance factors and is only approximate; each run says which.
// (That the stratified test then equals the unbalanced one is tested on pool datasets,
// power_pool_strata_test.cpp; docs/permutation.md "Weights".)
TEST(PermutationCli, BalancedRunsSayWhenTheTestIsNotExact) {
  const std::string dir = test::scratch_dir("perm_balance");
  auto warnings_of = [&](const std::vector<std::string>& extra) {
    auto args = args_for(dir, "1");
    args.insert(args.end(), {"--strata", "size_class"});
    args.insert(args.end(), extra.begin(), extra.end());
    const auto run = run_klynge(args);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    const json r = json::parse(test::read_file(dir + "/r.json"));
    return r["settings"]["permutation"]["warnings"].dump();
  };
  // Within strata blocks, rebalanced for every relabeling: exact, nothing to warn about.
  const std::string strata = warnings_of({"--balance", "--perm-scheme", "strata"});
  EXPECT_EQ(strata.find("--balance"), std::string::npos) << strata;
  const std::string all = warnings_of({"--balance"});
  EXPECT_NE(all.find("shuffled across strata"), std::string::npos) << all;
  EXPECT_NE(all.find("use --perm-scheme strata"), std::string::npos) << all;
  EXPECT_EQ(warnings_of({"--perm-scheme", "strata"}).find("--balance"), std::string::npos);
}

// The cohort aggregate of an unstudentized statistic, with controls shared by cohorts, is
// flagged (docs/permutation.md "Cohort design"); welch_t's aggregate and the window design,
// with one cell, are not.
TEST(PermutationCli, AnUnstudentizedCohortAggregateWithSharedControlsIsFlagged) {
  const std::string dir = test::scratch_dir("perm_shared_controls");
  auto warnings_of = [&](const std::vector<std::string>& extra) {
    auto args = args_for(dir, "1");
    args[10] = "99";  // --permutations
    args.insert(args.end(), extra.begin(), extra.end());
    const auto run = run_klynge(args);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    const json r = json::parse(test::read_file(dir + "/r.json"));
    return r["settings"]["permutation"]["warnings"].dump();
  };
  const std::string flagged = "are controls in several cohorts";
  for (const char* statistic : {"mean_diff", "median_diff", "trimmed_mean_diff", "agg_diff"}) {
    const std::string w = warnings_of({"--perm-statistic", statistic});
    EXPECT_NE(w.find(flagged), std::string::npos) << statistic << ": " << w;
    EXPECT_NE(w.find(std::string("the ") + statistic + " aggregate"), std::string::npos) << w;
  }
  EXPECT_EQ(warnings_of({}).find(flagged), std::string::npos);
  auto window = args_for(dir, "1");
  window.erase(window.begin() + 3, window.begin() + 5);  // --entry entry_year
  window.insert(window.end(), {"--from", "2010", "--to", "2014", "--perm-statistic", "mean_diff"});
  const auto run = run_klynge(window);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json r = json::parse(test::read_file(dir + "/r.json"));
  EXPECT_EQ(r["settings"]["permutation"]["warnings"].dump().find(flagged), std::string::npos);
}

// A tiny window-design panel: 4 members, 5 controls -> C(9, 4) = 126 relabelings <= B, so the
// test is exact: p = b / 126 with a degenerate interval.
TEST(PermutationCli, SmallPanelIsExact) {
  const std::string dir = test::scratch_dir("perm_exact");
  std::string csv = "firm_id,year,employees,member\n";
  const int e0[9] = {10, 12, 8, 20, 15, 11, 9, 30, 14};
  const int e1[9] = {14, 15, 11, 26, 15, 12, 9, 31, 13};
  for (int f = 0; f < 9; ++f) {
    csv += "F" + std::to_string(f) + ",2010," + std::to_string(e0[f]) + "," + (f < 4 ? "1" : "0") +
           "\n";
    csv += "F" + std::to_string(f) + ",2012," + std::to_string(e1[f]) + "," + (f < 4 ? "1" : "0") +
           "\n";
  }
  test::write_file(dir + "/p.csv", csv);
  const auto run =
      run_klynge({"analyze", "--input", dir + "/p.csv", "--metrics", "employees", "--from", "2010",
                  "--to", "2012", "--bootstrap", "199", "--ci", "percentile", "--perm-statistic",
                  "mean_diff", "--alternative", "greater", "--json", dir + "/r.json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json r = json::parse(test::read_file(dir + "/r.json"));
  EXPECT_EQ(r["settings"]["permutation"]["exact"], true);
  EXPECT_EQ(r["settings"]["permutation"]["relabelings"], 126);
  const json& row = r["results"][0];
  EXPECT_EQ(row["p_method"], "exact");
  EXPECT_EQ(row["permutations"], 126);
  const double p = row["p_value"];
  EXPECT_NEAR(p * 126, std::round(p * 126), 1e-9);
  EXPECT_GE(p, 1.0 / 126);
  EXPECT_EQ(row["p_value_ci99"][0].get<double>(), p);
  EXPECT_EQ(row["p_value_ci99"][1].get<double>(), p);
}

}  // namespace
}  // namespace klynge
