// `klynge power --pool --strata` end to end: the report records the strata, the member profile
// and the analysis choices; a config file round-trips them; shards merge (also with a shard
// written before these settings existed, which had their defaults); and every flag that needs
// a pool or strata is refused, in one line, without them.
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

// examples/firms.csv has a member column and nace, region and size_class columns.
std::vector<std::string> strata_args(const std::string& json) {
  return {"power",
          "--pool",
          example_pool(),
          "--strata",
          "nace",
          "--member-profile",
          "members",
          "--balance",
          "--perm-scheme",
          "strata",
          "--firms",
          "300",
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

TEST(PowerPoolStrataCli, ReportRecordsTheStrataAndTheProfile) {
  const std::string dir = test::scratch_dir("power_pool_strata_cli_report");
  const auto run = run_klynge(strata_args(dir + "/p.json"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto report = read_json(dir + "/p.json");
  const auto& settings = report["settings"];
  EXPECT_EQ(settings["balance"], true);
  EXPECT_EQ(settings["scheme"], "groups");
  EXPECT_EQ(settings["perm_scheme"], "strata");
  const auto& pool = settings["pool"];
  EXPECT_EQ(pool["strata"], nlohmann::ordered_json::array({"nace"}));
  EXPECT_EQ(pool["member_profile"], "members");
  EXPECT_EQ(pool["member"], "member");
  EXPECT_GT(pool["strata_cells"].get<int>(), 1);
  EXPECT_GT(pool["profile_members"].get<int>(), 0);
  // The population is the never-members: fewer firms than the whole file's.
  EXPECT_LT(pool["firms"].get<int>(), 1410);
  for (const auto& row : report["power"]) EXPECT_EQ(row["true_value"], row["premium"]);

  // Unbalanced, the true value is the premium plus the members' composition gap.
  auto args = strata_args(dir + "/u.json");
  args.erase(std::find(args.begin(), args.end(), "--balance"));
  ASSERT_EQ(run_klynge(args).exit_code, 0);
  bool some_gap = false;
  const auto unbalanced = read_json(dir + "/u.json");
  for (const auto& row : unbalanced["power"])
    some_gap = some_gap || row["true_value"] != row["premium"];
  EXPECT_TRUE(some_gap);
}

TEST(PowerPoolStrataCli, ConfigFileRoundTripsTheStrata) {
  auto args = strata_args("");
  args.erase(args.end() - 2, args.end());  // the helper adds --json
  test::expect_config_round_trip(args, test::scratch_dir("power_pool_strata_cli_config"), "power");
}

// A report of schema 1.2 has no balance, scheme, perm_scheme or pool strata fields; its study
// had their defaults, so it merges with a 1.3 shard of the same study, and not with one of
// another scheme.
TEST(PowerPoolStrataCli, ShardsWithoutTheNewSettingsMergeWhenTheyHadTheDefaults) {
  const std::string dir = test::scratch_dir("power_pool_strata_cli_merge");
  auto plain = [&](const std::string& json, const std::string& range) {
    return std::vector<std::string>{"power",
                                    "--pool",
                                    example_pool(),
                                    "--firms",
                                    "200",
                                    "--premium",
                                    "0",
                                    "--datasets",
                                    "10",
                                    "--bootstrap",
                                    "99",
                                    "--permutations",
                                    "99",
                                    "-q",
                                    "--json",
                                    json,
                                    "--dataset-range",
                                    range};
  };
  ASSERT_EQ(run_klynge(plain(dir + "/a.json", "0:4")).exit_code, 0);
  ASSERT_EQ(run_klynge(plain(dir + "/b.json", "4:10")).exit_code, 0);
  auto old = read_json(dir + "/a.json");
  for (const char* key : {"balance", "scheme", "perm_scheme"}) old["settings"].erase(key);
  for (const char* key : {"strata", "strata_cells", "member_profile"})
    old["settings"]["pool"].erase(key);
  old["schema_version"] = "1.2";
  test::write_file(dir + "/old.json", old.dump());
  const auto merged = run_klynge(
      {"power", "--merge", dir + "/old.json", dir + "/b.json", "--json", dir + "/m.json", "-q"});
  EXPECT_EQ(merged.exit_code, 0) << merged.err;

  auto other = plain(dir + "/c.json", "4:10");
  other.insert(other.end(), {"--scheme", "poisson"});
  ASSERT_EQ(run_klynge(other).exit_code, 0);
  const auto refused = run_klynge(
      {"power", "--merge", dir + "/old.json", dir + "/c.json", "--json", dir + "/n.json", "-q"});
  EXPECT_EQ(refused.exit_code, 64) << refused.err;
  EXPECT_NE(refused.err.find("another study"), std::string::npos) << refused.err;
}

// Without a pool --strata names the simulated panels' columns (docs/power.md "Members selected
// on strata"): anything else, and the choices that need strata without them, are usage errors.
TEST(PowerPoolStrataCli, StrataFlagsWithoutAPoolOrStrataAreOneLineUsageErrors) {
  const std::string dir = test::scratch_dir("power_pool_strata_cli_usage");
  const std::string json = dir + "/p.json";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"power", "--strata", "employees", "--json", json},
       "a simulated panel's stratum columns are nace, region and size_class"},
      {{"power", "--strata", "nace,nace", "--json", json}, "--strata names nace twice"},
      {{"power", "--home-share", "0.6", "--json", json}, "--home-share 0.6 gathers members"},
      {{"power", "--home-share", "0.6", "--balance", "--strata", "region", "--json", json},
       "give --balance --strata nace"},
      {{"power", "--home-share", "1.5", "--json", json}, "--home-share must be in [0, 1]"},
      {{"power", "--pool", example_pool(), "--home-share", "0.6", "--json", json},
       "--home-share 0.6 cannot be combined with --pool"},
      {{"power", "--member-profile", "members", "--json", json}, "--member-profile draws"},
      {{"power", "--member", "klynge", "--json", json}, "--member names the --pool file"},
      {{"power", "--balance", "--json", json}, "--balance reweights"},
      {{"power", "--perm-scheme", "strata", "--json", json}, "--perm-scheme strata permutes"},
      {{"power", "--scheme", "strata", "--json", json}, "--scheme strata resamples"},
      {{"power", "--pool", example_pool(), "--balance", "--json", json},
       "name the --pool file's stratum columns with --strata"},
      {{"power", "--pool", example_pool(), "--member-profile", "members", "--json", json},
       "--member-profile members draws members by stratum cell"},
      {{"power", "--pool", example_pool(), "--member-profile", "clusters", "--json", json},
       "--member-profile: \"clusters\""},
      {{"power", "--scheme", "wild", "--json", json}, "--scheme: \"wild\""},
      {{"power", "--perm-scheme", "wild", "--json", json}, "--perm-scheme: \"wild\""},
  };
  for (const auto& [args, message] : cases) {
    const auto run = run_klynge(args);
    EXPECT_EQ(run.exit_code, 64) << message << ": " << run.err;
    EXPECT_TRUE(one_line(run.err)) << run.err;
    EXPECT_NE(run.err.find(message), std::string::npos) << run.err;
  }
  EXPECT_FALSE(std::filesystem::exists(json));
}

TEST(PowerPoolStrataCli, AProfileNeedsMembersInTheFile) {
  const std::string dir = test::scratch_dir("power_pool_strata_cli_members");
  // No member column and no cluster column: the membership cannot be read.
  test::write_file(dir + "/register.csv",
                   "firm_id,year,employees,revenue,value_added,nace\n"
                   "A,2017,3,10,5,01\nA,2020,4,12,6,01\nB,2017,2,8,3,02\nB,2020,2,9,4,02\n");
  const std::vector<std::string> args = {
      "power",   "--pool", dir + "/register.csv", "--strata", "nace", "--member-profile",
      "members", "--json", dir + "/p.json",       "-q"};
  const auto run = run_klynge(args);
  EXPECT_EQ(run.exit_code, 65) << run.err;
  EXPECT_TRUE(one_line(run.err)) << run.err;
  EXPECT_NE(run.err.find("register.csv"), std::string::npos) << run.err;

  // A member column, but no member has a growth over the window.
  test::write_file(dir + "/none.csv",
                   "firm_id,year,employees,revenue,value_added,nace,member\n"
                   "A,2017,3,10,5,01,0\nA,2020,4,12,6,01,0\nB,2017,2,8,3,02,0\n"
                   "B,2020,2,9,4,02,0\nC,2017,2,8,3,02,1\n");
  auto none = args;
  none[2] = dir + "/none.csv";
  const auto no_member = run_klynge(none);
  EXPECT_EQ(no_member.exit_code, 65) << no_member.err;
  EXPECT_TRUE(one_line(no_member.err)) << no_member.err;
  EXPECT_NE(no_member.err.find("the file has no member (column member) with a log growth"),
            std::string::npos)
      << no_member.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/p.json"));
}

}  // namespace
}  // namespace klynge
