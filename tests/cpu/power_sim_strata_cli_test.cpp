// `klynge power --strata nace --home-share X --selection RHO --balance` on simulated panels, end
// to end: the report records the strata, the pull and the selection; a config file round-trips
// them; shards merge with each other, and a simulated shard from before report 1.4 (no strata, pull
// or selection) merges with a study that had neither and not with one that had them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/cli_report.hpp"
#include "common/run_klynge.hpp"

namespace klynge {
namespace {

using test::read_json;
using test::run_klynge;

std::vector<std::string> pulled_args(const std::string& json, const std::string& range) {
  std::vector<std::string> args = {"power",
                                   "--strata",
                                   "nace,region",
                                   "--home-share",
                                   "0.6",
                                   "--selection",
                                   "0.2",
                                   "--balance",
                                   "--perm-scheme",
                                   "strata",
                                   "--firms",
                                   "400",
                                   "--premium",
                                   "0,0.05",
                                   "--datasets",
                                   "8",
                                   "--bootstrap",
                                   "99",
                                   "--permutations",
                                   "99",
                                   "--truth-firms",
                                   "20000",
                                   "--seed",
                                   "9",
                                   "-q",
                                   "--json",
                                   json};
  if (!range.empty()) args.insert(args.end(), {"--dataset-range", range});
  return args;
}

TEST(PowerSimStrataCli, ReportRecordsTheStrataAndThePullAndShardsMerge) {
  const std::string dir = test::scratch_dir("power_sim_strata_cli");
  const auto whole = run_klynge(pulled_args(dir + "/w.json", ""));
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  ASSERT_EQ(run_klynge(pulled_args(dir + "/a.json", "0:3")).exit_code, 0);
  ASSERT_EQ(run_klynge(pulled_args(dir + "/b.json", "3:8")).exit_code, 0);
  const auto merged = run_klynge(
      {"power", "--merge", dir + "/a.json", dir + "/b.json", "--json", dir + "/m.json", "-q"});
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  const auto w = read_json(dir + "/w.json"), m = read_json(dir + "/m.json");
  EXPECT_EQ(w["settings"]["strata"], nlohmann::json::array({"nace", "region"}));
  EXPECT_EQ(w["settings"]["home_share"], 0.6);
  EXPECT_EQ(w["settings"]["selection"], 0.2);
  EXPECT_EQ(w["settings"]["balance"], true);
  EXPECT_EQ(w["settings"]["perm_scheme"], "strata");
  EXPECT_EQ(w["power"], m["power"]);
  for (const auto& row : w["power"]) {
    EXPECT_EQ(row["undefined"], 0) << row.dump();
    EXPECT_EQ(row["coverage"]["percentile"]["undefined"], 0) << row.dump();
  }
}

TEST(PowerSimStrataCli, ConfigFileRoundTripsTheStrataAndThePull) {
  auto args = pulled_args("", "");
  args.erase(args.end() - 2, args.end());  // the helper adds --json
  test::expect_config_round_trip(args, test::scratch_dir("power_sim_strata_cli_config"), "power");
}

TEST(PowerSimStrataCli, ShardsFromBeforeTheSettingsMergeOnlyWithoutStrata) {
  const std::string dir = test::scratch_dir("power_sim_strata_cli_old");
  auto plain = [&](const std::string& json, const std::string& range) {
    return std::vector<std::string>{"power",
                                    "--firms",
                                    "300",
                                    "--premium",
                                    "0",
                                    "--datasets",
                                    "6",
                                    "--bootstrap",
                                    "99",
                                    "--permutations",
                                    "99",
                                    "--truth-firms",
                                    "20000",
                                    "-q",
                                    "--json",
                                    json,
                                    "--dataset-range",
                                    range};
  };
  ASSERT_EQ(run_klynge(plain(dir + "/a.json", "0:2")).exit_code, 0);
  ASSERT_EQ(run_klynge(plain(dir + "/b.json", "2:6")).exit_code, 0);
  auto old = read_json(dir + "/a.json");
  old["settings"].erase("strata");
  old["settings"].erase("home_share");
  old["settings"].erase("selection");
  old["schema_version"] = "1.3";
  test::write_file(dir + "/old.json", old.dump());
  const auto merged = run_klynge(
      {"power", "--merge", dir + "/old.json", dir + "/b.json", "--json", dir + "/m.json", "-q"});
  EXPECT_EQ(merged.exit_code, 0) << merged.err;

  auto stratified = plain(dir + "/c.json", "2:6");
  stratified.insert(stratified.end(), {"--strata", "region", "--perm-scheme", "strata"});
  ASSERT_EQ(run_klynge(stratified).exit_code, 0);
  const auto refused = run_klynge(
      {"power", "--merge", dir + "/old.json", dir + "/c.json", "--json", dir + "/n.json", "-q"});
  EXPECT_EQ(refused.exit_code, 64) << refused.err;
  EXPECT_NE(refused.err.find("another study"), std::string::npos) << refused.err;
}

}  // namespace
}  // namespace klynge
