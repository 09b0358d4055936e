// `klynge power --pool` end to end: the report records the pool, threads and shards merged
// with --merge give the same rows, --merge refuses shards of another pool, --print-config and
// --config round-trip it, and every input problem is one line with its documented exit code.
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

std::vector<std::string> pool_args(const std::string& pool, const std::string& json) {
  return {
      "power",  "--pool",     pool,     "--firms",     "200", "--member-share", "0.25", "--premium",
      "0,0.05", "--datasets", "12",     "--bootstrap", "99",  "--permutations", "99",   "--seed",
      "3",      "-q",         "--json", json};
}

TEST(PowerPoolCli, ReportRecordsThePoolAndTheTruthIsThePremium) {
  const std::string dir = test::scratch_dir("power_pool_cli_report");
  const auto run = run_klynge(pool_args(example_pool(), dir + "/p.json"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto report = read_json(dir + "/p.json");
  const auto& pool = report["settings"]["pool"];
  EXPECT_EQ(pool["path"], example_pool());
  EXPECT_EQ(pool["sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(pool["file_firms"], 2000);
  EXPECT_EQ(report["provenance"]["input"]["sha256"], pool["sha256"]);
  EXPECT_FALSE(report["settings"].contains("truth_firms"));
  EXPECT_TRUE(report["timing"].contains("pool_s"));
  const auto& rows = report["power"];
  ASSERT_EQ(rows.size(), 2u * 3u);
  for (const auto& r : rows) {
    EXPECT_EQ(r["true_value"], r["premium"]);
    EXPECT_EQ(r["true_value_mc_se"], 0.0);
    EXPECT_EQ(r["datasets"], 12);
  }
}

TEST(PowerPoolCli, ThreadsAndShardsNeverChangeThePowerRows) {
  const std::string dir = test::scratch_dir("power_pool_cli_shards");
  auto one = pool_args(example_pool(), dir + "/t1.json");
  one.insert(one.end(), {"--threads", "1"});
  auto two = pool_args(example_pool(), dir + "/t2.json");
  two.insert(two.end(), {"--threads", "2"});
  auto low = pool_args(example_pool(), dir + "/low.json");
  low.insert(low.end(), {"--dataset-range", "0:5"});
  // The other shard reads a copy of the pool at another path: same bytes, same study.
  std::filesystem::copy_file(example_pool(), dir + "/copy.csv");
  auto high = pool_args(dir + "/copy.csv", dir + "/high.json");
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
  // The same settings but for where the pool was read: the merge reports the first file's.
  EXPECT_EQ(merged["settings"]["pool"]["path"], dir + "/copy.csv");
  auto settings = merged["settings"];
  settings["pool"]["path"] = example_pool();
  EXPECT_EQ(t1["settings"], settings);
}

TEST(PowerPoolCli, MergeRefusesShardsOfAnotherPoolOrOfTheModel) {
  const std::string dir = test::scratch_dir("power_pool_cli_other");
  // One value changed: another pool (its SHA-256 differs), though the path is the same name.
  std::string text = test::read_file(example_pool());
  const std::size_t at = text.find("22813.4");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 7, "22813.5");
  test::write_file(dir + "/changed.csv", text);
  auto low = pool_args(example_pool(), dir + "/low.json");
  low.insert(low.end(), {"--dataset-range", "0:5"});
  auto high = pool_args(dir + "/changed.csv", dir + "/high.json");
  high.insert(high.end(), {"--dataset-range", "5:12"});
  auto model = std::vector<std::string>{"power",
                                        "--firms",
                                        "200",
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
                                        "-q",
                                        "--json",
                                        dir + "/model.json",
                                        "--dataset-range",
                                        "5:12"};
  for (const auto& args : {low, high, model}) ASSERT_EQ(run_klynge(args).exit_code, 0);
  for (const char* other : {"/high.json", "/model.json"}) {
    const auto bad = run_klynge(
        {"power", "--merge", dir + "/low.json", dir + other, "--json", dir + "/bad.json", "-q"});
    EXPECT_EQ(bad.exit_code, 64) << bad.err;
    EXPECT_NE(bad.err.find("another study"), std::string::npos) << bad.err;
  }
}

TEST(PowerPoolCli, ConfigFileRoundTripsThePool) {
  const std::string dir = test::scratch_dir("power_pool_cli_config");
  auto args = pool_args(example_pool(), dir + "/flags.json");
  args.erase(args.end() - 2, args.end());  // the helper adds --json
  auto printing = args;
  printing.push_back("--print-config");
  const auto printed = run_klynge(printing);
  EXPECT_NE(printed.out.find("pool = '" + example_pool() + "'"), std::string::npos) << printed.out;
  test::expect_config_round_trip(args, dir, "power");
}

TEST(PowerPoolCli, FlagsOfTheModelConflictWithAPool) {
  const std::string dir = test::scratch_dir("power_pool_cli_conflict");
  for (const auto& [flag, value] : std::vector<std::pair<std::string, std::string>>{
           {"--member-noise", "2"}, {"--truth-firms", "5000"}}) {
    auto args = pool_args(example_pool(), dir + "/p.json");
    args.insert(args.end(), {flag, value});
    const auto run = run_klynge(args);
    EXPECT_EQ(run.exit_code, 64) << run.err;
    EXPECT_TRUE(one_line(run.err)) << run.err;
    EXPECT_NE(run.err.find(flag + " " + value + " cannot be combined with --pool"),
              std::string::npos)
        << run.err;
  }
  // The pool's layout flags without a pool would be ignored: refused.
  const auto id = run_klynge({"power", "--id", "orgnr", "--json", dir + "/p.json", "-q"});
  EXPECT_EQ(id.exit_code, 64) << id.err;
  EXPECT_NE(id.err.find("--id names a column of the --pool file"), std::string::npos) << id.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/p.json"));
}

TEST(PowerPoolCli, MissingEmptyOrBadPoolsAreOneLineWithTheirExitCode) {
  const std::string dir = test::scratch_dir("power_pool_cli_inputs");
  const auto missing = run_klynge(pool_args(dir + "/nope.csv", dir + "/p.json"));
  EXPECT_EQ(missing.exit_code, 66) << missing.err;
  EXPECT_TRUE(one_line(missing.err)) << missing.err;
  EXPECT_NE(missing.err.find("nope.csv"), std::string::npos) << missing.err;

  test::write_file(dir + "/header.csv", "firm_id,year,employees,revenue,value_added\n");
  const auto empty = run_klynge(pool_args(dir + "/header.csv", dir + "/p.json"));
  EXPECT_EQ(empty.exit_code, 65) << empty.err;
  EXPECT_TRUE(one_line(empty.err)) << empty.err;

  // Rows, but only one firm with a growth over the default window [2017, 2020]; no
  // membership column, which a pool does not need.
  test::write_file(dir + "/one.csv",
                   "firm_id,year,employees,revenue,value_added\n"
                   "A,2017,3,10,5\nA,2020,4,12,6\nB,2017,2,,\n");
  const auto one = run_klynge(pool_args(dir + "/one.csv", dir + "/p.json"));
  EXPECT_EQ(one.exit_code, 65) << one.err;
  EXPECT_TRUE(one_line(one.err)) << one.err;
  EXPECT_NE(one.err.find("the pool has 1 firm with a log growth over [2017, 2020]"),
            std::string::npos)
      << one.err;

  test::write_file(dir + "/bad.csv",
                   "firm_id,year,employees,revenue,value_added\n"
                   "A,2017,3,10,5\nA,2020,-4,12,6\n");
  const auto bad = run_klynge(pool_args(dir + "/bad.csv", dir + "/p.json"));
  EXPECT_EQ(bad.exit_code, 65) << bad.err;
  EXPECT_NE(bad.err.find("bad.csv:3"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("employees"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("-4"), std::string::npos) << bad.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/p.json"));

  // --id and --year name the pool's columns, as for `analyze`.
  test::write_file(dir + "/renamed.csv",
                   "orgnr;aar;employees;revenue;value_added\n"
                   "A;2017;3;10;5\nA;2020;4;12;6\nB;2017;2;8;3\nB;2020;2;9;4\n");
  auto renamed = pool_args(dir + "/renamed.csv", dir + "/r.json");
  renamed.insert(renamed.end(), {"--id", "orgnr", "--year", "aar", "--delimiter", ";"});
  const auto ok = run_klynge(renamed);
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

}  // namespace
}  // namespace klynge
