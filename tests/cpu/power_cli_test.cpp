// `klynge power` end to end: the JSON "power" rows and the tidy CSV, thread and shard
// invariance through the CLI (--dataset-range shards merged with --merge), --config, --plot.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/cli_report.hpp"
#include "common/run_klynge.hpp"

namespace klynge {
namespace {

using test::read_json;
using test::run_klynge;

std::vector<std::string> study_args(const std::string& json) {
  return {"power",
          "--firms",
          "200,300",
          "--member-share",
          "0.25",
          "--premium",
          "0,0.05",
          "--datasets",
          "12",
          "--bootstrap",
          "99",
          "--permutations",
          "99",
          "--seed",
          "3",
          "--truth-firms",
          "5000",
          "--interval",
          "percentile,bca",
          "-q",
          "--json",
          json};
}

TEST(PowerCli, JsonRowsHaveTheDocumentedFields) {
  const std::string dir = test::scratch_dir("power_cli_rows");
  auto args = study_args(dir + "/p.json");
  args.insert(args.end(), {"--csv", dir + "/p.csv"});
  const auto run = run_klynge(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto report = read_json(dir + "/p.json");
  const auto& rows = report["power"];
  ASSERT_EQ(rows.size(), 2u * 2u * 3u);  // premiums x firms x metrics, one test
  for (const auto& r : rows) {
    EXPECT_EQ(r["test"], "permutation_welch_t");
    EXPECT_EQ(r["datasets"], 12);
    const double rate = r["rejection_rate"];
    EXPECT_EQ(rate, r["rejections"].get<double>() / 12.0);
    EXPECT_LE(r["rejection_ci"][0].get<double>(), rate);
    EXPECT_GE(r["rejection_ci"][1].get<double>(), rate);
    for (const char* method : {"percentile", "bca"}) {
      const auto& c = r["coverage"][method];
      EXPECT_EQ(c["rate"].get<double>(), c["covered"].get<double>() / 12.0);
      EXPECT_GT(c["mean_width"].get<double>(), 0.0);
      EXPECT_EQ(c["ci"].size(), 2u);
    }
  }
  EXPECT_EQ(rows[0]["premium"], 0.0);
  EXPECT_EQ(rows[0]["firms"], 200);
  EXPECT_EQ(rows[0]["metric"], "employees");
  EXPECT_EQ(rows[3]["firms"], 300);
  EXPECT_EQ(rows[6]["premium"], 0.05);
  EXPECT_EQ(report.begin().key(), "schema_version");
  EXPECT_EQ(report["schema_version"], "1.9");
  EXPECT_EQ(report["report"], "power");
  EXPECT_EQ(report["settings"]["seed"], 3);
  EXPECT_EQ(report["settings"]["strata"], nlohmann::json::array());
  EXPECT_EQ(report["settings"]["home_share"], 0.0);
  EXPECT_EQ(report["provenance"]["command"], "power");
  // CSV: a header and one line per row x interval method.
  const std::string csv = test::read_file(dir + "/p.csv");
  EXPECT_EQ(csv.rfind("premium,firms,metric,test,datasets,rejections,rejection_rate,", 0), 0u);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 12 * 2);
}

TEST(PowerCli, ThreadsAndShardsNeverChangeThePowerRows) {
  const std::string dir = test::scratch_dir("power_cli_shards");
  auto one = study_args(dir + "/t1.json");
  one.insert(one.end(), {"--threads", "1"});
  auto two = study_args(dir + "/t2.json");
  two.insert(two.end(), {"--threads", "2"});
  auto low = study_args(dir + "/low.json");
  low.insert(low.end(), {"--dataset-range", "0:5"});
  auto high = study_args(dir + "/high.json");
  high.insert(high.end(), {"--dataset-range", "5:12"});
  for (const auto& args : {one, two, low, high}) {
    const auto run = run_klynge(args);
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  const auto merge = run_klynge({"power", "--merge", dir + "/high.json", dir + "/low.json",
                                 "--json", dir + "/merged.json", "-q"});
  ASSERT_EQ(merge.exit_code, 0) << merge.err;
  const auto t1 = read_json(dir + "/t1.json"), t2 = read_json(dir + "/t2.json");
  const auto merged = read_json(dir + "/merged.json");
  EXPECT_EQ(t1["power"], t2["power"]);
  EXPECT_EQ(t1["power"], merged["power"]);
  EXPECT_EQ(t1["tallies"], merged["tallies"]);
  EXPECT_EQ(read_json(dir + "/low.json")["power"][0]["datasets"], 5);

  // A shard of another study is refused.
  auto other = study_args(dir + "/other.json");
  other.insert(other.end(), {"--dataset-range", "5:12", "--alpha", "0.1"});
  ASSERT_EQ(run_klynge(other).exit_code, 0);
  const auto bad = run_klynge({"power", "--merge", dir + "/low.json", dir + "/other.json", "--json",
                               dir + "/bad.json", "-q"});
  EXPECT_EQ(bad.exit_code, 64) << bad.err;
  EXPECT_NE(bad.err.find("another study"), std::string::npos) << bad.err;
  auto gap = study_args(dir + "/gap.json");
  gap.insert(gap.end(), {"--dataset-range", "6:12"});
  ASSERT_EQ(run_klynge(gap).exit_code, 0);
  const auto gapped = run_klynge({"power", "--merge", dir + "/low.json", dir + "/gap.json",
                                  "--json", dir + "/bad.json", "-q"});
  EXPECT_EQ(gapped.exit_code, 64) << gapped.err;
  EXPECT_NE(gapped.err.find("not adjacent"), std::string::npos) << gapped.err;
  const auto missing =
      run_klynge({"power", "--merge", dir + "/nope.json", "--json", dir + "/bad.json", "-q"});
  EXPECT_EQ(missing.exit_code, 66) << missing.err;
}

TEST(PowerCli, ConfigFileGivesTheSameStudyAsFlags) {
  const std::string dir = test::scratch_dir("power_cli_config");
  auto args = study_args(dir + "/flags.json");
  args.push_back("--print-config");
  const auto printed = run_klynge(args);
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  EXPECT_EQ(printed.out.rfind("[power]\n", 0), 0u) << printed.out;
  test::write_file(dir + "/study.toml", printed.out);
  ASSERT_EQ(run_klynge(study_args(dir + "/flags.json")).exit_code, 0);
  const auto from_config =
      run_klynge({"power", "--config", dir + "/study.toml", "--json", dir + "/config.json"});
  ASSERT_EQ(from_config.exit_code, 0) << from_config.err;
  EXPECT_EQ(read_json(dir + "/flags.json")["power"], read_json(dir + "/config.json")["power"]);
  EXPECT_EQ(read_json(dir + "/config.json")["power"].size(), 12u);
}

TEST(PowerCli, PlotDrawsThePowerCurve) {
  const std::string dir = test::scratch_dir("power_cli_plot");
  auto args = study_args(dir + "/p.json");
  args.insert(args.end(), {"--plot", dir + "/power.png"});
  const auto run = run_klynge(args);
  if (run.exit_code == 66 && run.err.find("plots need matplotlib") != std::string::npos)
    GTEST_SKIP() << "matplotlib is not importable: " << run.err;
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_GT(std::filesystem::file_size(dir + "/power.png"), 1000u);
}

TEST(PowerCli, PlotWithoutMatplotlibIsOneClearError) {
  const std::string dir = test::scratch_dir("power_cli_noplot");
  // A matplotlib that fails to import stands in for one that is not installed.
  std::filesystem::create_directories(dir + "/fake/matplotlib");
  test::write_file(dir + "/fake/matplotlib/__init__.py", "raise ImportError('not here')\n");
  auto args = study_args(dir + "/p.json");
  args.insert(args.end(), {"--plot", dir + "/p.png"});
  ::setenv("PYTHONPATH", (dir + "/fake").c_str(), 1);
  const auto run = run_klynge(args);
  ::unsetenv("PYTHONPATH");
  EXPECT_EQ(run.exit_code, 66) << run.err;
  EXPECT_NE(run.err.find("python3-matplotlib"), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/p.png"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/p.json"));  // the study's report is kept
}

TEST(PowerCli, PlotWithoutPermutationsIsRefusedBeforeTheStudy) {
  const std::string dir = test::scratch_dir("power_cli_plot_no_test");
  const auto run =
      run_klynge({"power", "--firms", "200", "--datasets", "10", "--bootstrap", "99",
                  "--permutations", "0", "--json", dir + "/p.json", "--plot", dir + "/p.png"});
  EXPECT_EQ(run.exit_code, 64) << run.err;
  EXPECT_NE(run.err.find("--permutations 0"), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/p.json"));  // nothing ran
}

// An interval method named twice is one method, as in analyze --ci: one column in the CSV and
// the same rows as naming it once.
TEST(PowerCli, AnIntervalMethodNamedTwiceIsOneMethod) {
  const std::string dir = test::scratch_dir("power_cli_interval_twice");
  auto once = study_args(dir + "/once.json");
  auto twice = study_args(dir + "/twice.json");
  *std::find(twice.begin(), twice.end(), "percentile,bca") = "percentile,bca,percentile";
  once.insert(once.end(), {"--csv", dir + "/once.csv"});
  twice.insert(twice.end(), {"--csv", dir + "/twice.csv"});
  ASSERT_EQ(run_klynge(once).exit_code, 0);
  const auto run = run_klynge(twice);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(read_json(dir + "/once.json")["power"], read_json(dir + "/twice.json")["power"]);
  EXPECT_EQ(test::read_file(dir + "/once.csv"), test::read_file(dir + "/twice.csv"));
}

}  // namespace
}  // namespace klynge
