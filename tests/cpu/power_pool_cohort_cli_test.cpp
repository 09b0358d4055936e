// `klynge power --pool --entry-years` end to end: the report records the cohort design, shards
// merged with --merge give the whole run's rows and a window-design shard is another study,
// --print-config and --config round-trip the design, and flags that do not fit it are one line
// with exit code 64 (docs/power.md "Cohort design").
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/cli_report.hpp"
#include "common/run_klynge.hpp"

namespace klynge {
namespace {

using test::example_pool;
using test::one_line;
using test::read_json;
using test::run_klynge;

std::vector<std::string> cohort_args(const std::string& json) {
  return {"power",
          "--pool",
          example_pool(),
          "--entry-years",
          "2011:2015",
          "--horizon",
          "3",
          "--firms",
          "240",
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
          "5",
          "-q",
          "--json",
          json};
}

TEST(PowerPoolCohortCli, ReportRecordsTheCohortDesignAndTheTruthIsThePremium) {
  const std::string dir = test::scratch_dir("power_pool_cohort_cli_report");
  const auto run = run_klynge(cohort_args(dir + "/c.json"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto report = read_json(dir + "/c.json");
  const auto& settings = report["settings"];
  EXPECT_EQ(settings["design"], "cohort");
  EXPECT_EQ(settings["entry_years"], nlohmann::json::array({2011, 2015}));
  EXPECT_EQ(settings["horizon"], 3);
  EXPECT_EQ(settings["offset"], 0);
  const auto& rows = report["power"];
  ASSERT_EQ(rows.size(), 2u * 3u);
  for (const auto& r : rows) {
    EXPECT_EQ(r["true_value"], r["premium"]);
    EXPECT_EQ(r["datasets"], 12);
  }
  // The window design's report has no cohort keys.
  auto window = cohort_args(dir + "/w.json");
  window.erase(window.begin() + 3, window.begin() + 7);  // --entry-years A:B --horizon 3
  ASSERT_EQ(run_klynge(window).exit_code, 0);
  const auto plain = read_json(dir + "/w.json")["settings"];
  for (const char* key : {"design", "entry_years", "horizon", "offset"})
    EXPECT_FALSE(plain.contains(key)) << key;
}

TEST(PowerPoolCohortCli, ShardsMergeToTheWholeRunAndAWindowShardIsAnotherStudy) {
  const std::string dir = test::scratch_dir("power_pool_cohort_cli_shards");
  auto whole = cohort_args(dir + "/whole.json");
  auto low = cohort_args(dir + "/low.json");
  low.insert(low.end(), {"--dataset-range", "0:7"});
  auto high = cohort_args(dir + "/high.json");
  high.insert(high.end(), {"--dataset-range", "7:12", "--threads", "1"});
  auto window = cohort_args(dir + "/window.json");
  window.erase(window.begin() + 3, window.begin() + 7);
  window.insert(window.end(), {"--dataset-range", "7:12"});
  for (const auto& args : {whole, low, high, window}) {
    const auto run = run_klynge(args);
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  const auto merge = run_klynge({"power", "--merge", dir + "/high.json", dir + "/low.json",
                                 "--json", dir + "/merged.json", "-q"});
  ASSERT_EQ(merge.exit_code, 0) << merge.err;
  const auto w = read_json(dir + "/whole.json"), m = read_json(dir + "/merged.json");
  EXPECT_EQ(w["power"], m["power"]);
  EXPECT_EQ(w["tallies"], m["tallies"]);
  EXPECT_EQ(w["settings"], m["settings"]);
  const auto bad = run_klynge({"power", "--merge", dir + "/low.json", dir + "/window.json",
                               "--json", dir + "/bad.json", "-q"});
  EXPECT_EQ(bad.exit_code, 64) << bad.err;
  EXPECT_NE(bad.err.find("another study"), std::string::npos) << bad.err;
}

TEST(PowerPoolCohortCli, ConfigFileRoundTripsTheCohortDesign) {
  const std::string dir = test::scratch_dir("power_pool_cohort_cli_config");
  auto args = cohort_args(dir + "/flags.json");
  args.erase(args.end() - 2, args.end());  // the helper adds --json
  auto printing = args;
  printing.push_back("--print-config");
  const auto printed = run_klynge(printing);
  EXPECT_NE(printed.out.find("entry-years = '2011:2015'"), std::string::npos) << printed.out;
  EXPECT_NE(printed.out.find("horizon = 3"), std::string::npos) << printed.out;
  test::expect_config_round_trip(args, dir, "power");
}

TEST(PowerPoolCohortCli, FlagsThatDoNotFitTheCohortDesignAreOneLineUsageErrors) {
  const std::string dir = test::scratch_dir("power_pool_cohort_cli_usage");
  const std::string json = dir + "/p.json";
  struct Case {
    std::vector<std::string> args;
    int exit_code;
    std::string needle;
  };
  auto with = [&](std::vector<std::string> extra) {
    auto args = cohort_args(json);
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  auto without_pool = cohort_args(json);
  without_pool.erase(without_pool.begin() + 1, without_pool.begin() + 3);
  without_pool.insert(without_pool.end(), {"--premium-by-entry", "2015=30"});
  auto horizon_alone = cohort_args(json);
  horizon_alone.erase(horizon_alone.begin() + 3, horizon_alone.begin() + 7);
  horizon_alone.insert(horizon_alone.end(), {"--horizon", "4"});
  auto entry = [&](const std::string& value) {
    auto args = cohort_args(json);
    args[4] = value;
    return args;
  };
  const std::vector<Case> cases = {
      // Simulated panels take factors too, checked as the pool's are.
      {without_pool, 64, "--premium-by-entry 2015=30 with --premium 0.05"},
      {with({"--from", "2015"}), 64, "leave --from and --to out"},
      {horizon_alone, 64, "--horizon 4 sets the cohort design's windows"},
      {entry("abc"), 64, "--entry-years: \"abc\" is not an integer"},
      {entry("2015:2011"), 64, "--entry-years 2015:2011"},
      {with({"--offset", "51"}), 64, "--offset must be between -50 and 50"},
      {with({"--entry", "joined"}), 64,
       "--entry joined names the --pool file's entry-year column, read for --member-profile "
       "members with --entry-years"},
      // examples/firms.csv ends in 2020: cohort 2021's window has no rows.
      {entry("2011:2021"), 65, "no firm of the pool has a row in cohort 2021's window"},
  };
  for (const Case& c : cases) {
    const auto run = run_klynge(c.args);
    EXPECT_EQ(run.exit_code, c.exit_code) << run.err;
    EXPECT_TRUE(one_line(run.err)) << run.err;
    EXPECT_NE(run.err.find(c.needle), std::string::npos) << run.err;
    EXPECT_FALSE(std::filesystem::exists(json)) << c.needle;
  }
}

}  // namespace
}  // namespace klynge
