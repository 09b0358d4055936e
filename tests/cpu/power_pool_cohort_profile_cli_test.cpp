// `klynge power --pool --entry-years --member-profile members` end to end: the report records
// the entry-year column and how many of the file's members the profile has and leaves out (as
// build_sample's cohort design of the file counts them), the rows' true value carries the
// composition gap unless balanced, shards merge to the whole run, the config file round-trips
// --entry, and a missing column or a misplaced --entry is one line with its exit code
// (docs/power.md "Cohort design").
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "common/cli_report.hpp"
#include "common/run_klynge.hpp"
#include "klynge/build_sample.hpp"
#include "klynge/io/read_panel.hpp"

namespace klynge {
namespace {

using test::example_pool;
using test::one_line;
using test::read_json;
using test::run_klynge;

std::vector<std::string> profile_args(const std::string& json) {
  return {"power",
          "--pool",
          example_pool(),
          "--entry-years",
          "2011:2015",
          "--strata",
          "nace",
          "--member-profile",
          "members",
          "--firms",
          "240",
          "--member-share",
          "0.25",
          "--premium",
          "0,0.05",
          "--datasets",
          "10",
          "--bootstrap",
          "49",
          "--permutations",
          "49",
          "--seed",
          "8",
          "-q",
          "--json",
          json};
}

// The file's members with a log growth of some metric over their own window (analyze's cohort
// design of examples/firms.csv), in the study's entry years and outside them; members without
// an entry year are outside too.
struct MemberCounts {
  std::uint64_t inside = 0, outside = 0;
};
MemberCounts example_member_counts() {
  ReadOptions read;
  read.columns.entry = "entry_year";
  const Panel panel = read_panel(example_pool(), read);
  DesignOptions design;
  design.horizon = 3;
  const Sample sample = build_sample(panel, design);
  MemberCounts counts;
  for (const Cell& cell : sample.cells)
    for (std::uint32_t i = cell.member_begin; i < cell.member_end; ++i) {
      bool valid = false;
      for (const auto& growth : sample.growth) valid = valid || std::isfinite(growth[i]);
      if (!valid) continue;
      if (cell.cohort >= 2011 && cell.cohort <= 2015)
        ++counts.inside;
      else
        ++counts.outside;
    }
  for (const DropCount& d : sample.drops)
    if (d.reason == DropReason::no_entry_year && d.metric == sample.metric_names[0])
      counts.outside += d.count;
  return counts;
}

TEST(PowerPoolCohortProfileCli, ReportCountsTheProfileAndTheTruthCarriesTheGapUnlessBalanced) {
  const std::string dir = test::scratch_dir("power_pool_cohort_profile_cli_report");
  const auto run = run_klynge(profile_args(dir + "/p.json"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto report = read_json(dir + "/p.json");
  const auto& pool = report["settings"]["pool"];
  const MemberCounts counts = example_member_counts();
  EXPECT_EQ(pool["member_profile"], "members");
  EXPECT_EQ(pool["entry"], "entry_year");
  EXPECT_EQ(pool["profile_members"], counts.inside);
  EXPECT_EQ(pool["outside_members"], counts.outside);
  EXPECT_GT(counts.outside, 50u);  // examples/firms.csv: members enter 2009-2017
  bool some_gap = false;
  for (const auto& r : report["power"]) {
    const double gap = r["true_value"].get<double>() - r["premium"].get<double>();
    some_gap = some_gap || std::abs(gap) > 1e-3;
  }
  EXPECT_TRUE(some_gap) << "members follow their industries: some metric's truth has a gap";

  auto balanced = profile_args(dir + "/b.json");
  balanced.push_back("--balance");
  ASSERT_EQ(run_klynge(balanced).exit_code, 0);
  const auto balanced_report = read_json(dir + "/b.json");  // range-for keeps no temporary alive
  for (const auto& r : balanced_report["power"]) EXPECT_EQ(r["true_value"], r["premium"]);

  // Entry years alone (no strata): no gap, and nothing to balance on.
  auto years = profile_args(dir + "/y.json");
  years.erase(years.begin() + 5, years.begin() + 7);  // --strata nace
  const auto years_run = run_klynge(years);
  ASSERT_EQ(years_run.exit_code, 0) << years_run.err;
  const auto years_report = read_json(dir + "/y.json");
  EXPECT_EQ(years_report["settings"]["pool"]["profile_members"], counts.inside);
  for (const auto& r : years_report["power"])
    EXPECT_NEAR(r["true_value"].get<double>(), r["premium"].get<double>(), 1e-15);
}

TEST(PowerPoolCohortProfileCli, ShardsMergeToTheWholeRunAndTheConfigRoundTrips) {
  const std::string dir = test::scratch_dir("power_pool_cohort_profile_cli_shards");
  auto whole = profile_args(dir + "/whole.json");
  auto low = profile_args(dir + "/low.json");
  low.insert(low.end(), {"--dataset-range", "0:4"});
  auto high = profile_args(dir + "/high.json");
  high.insert(high.end(), {"--dataset-range", "4:10", "--threads", "1"});
  for (const auto& args : {whole, low, high}) {
    const auto run = run_klynge(args);
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  const auto merge = run_klynge({"power", "--merge", dir + "/high.json", dir + "/low.json",
                                 "--json", dir + "/merged.json", "-q"});
  ASSERT_EQ(merge.exit_code, 0) << merge.err;
  const auto w = read_json(dir + "/whole.json"), m = read_json(dir + "/merged.json");
  EXPECT_EQ(w["power"], m["power"]);
  EXPECT_EQ(w["settings"], m["settings"]);

  auto args = profile_args(dir + "/flags.json");
  args.erase(args.end() - 2, args.end());  // expect_config_round_trip adds --json
  args.insert(args.end(), {"--entry", "entry_year"});
  test::expect_config_round_trip(args, dir, "power");
}

TEST(PowerPoolCohortProfileCli, MissingEntryColumnAndMisplacedEntryAreOneLineErrors) {
  const std::string dir = test::scratch_dir("power_pool_cohort_profile_cli_errors");
  auto missing = profile_args(dir + "/p.json");
  missing.insert(missing.end(), {"--entry", "joined"});
  const auto run = run_klynge(missing);
  EXPECT_EQ(run.exit_code, 65) << run.err;
  EXPECT_TRUE(one_line(run.err)) << run.err;
  EXPECT_NE(run.err.find("joined"), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/p.json"));

  // --entry without --pool names nothing.
  const auto no_pool = run_klynge({"power", "--entry", "joined", "--json", dir + "/n.json", "-q"});
  EXPECT_EQ(no_pool.exit_code, 64) << no_pool.err;
  EXPECT_TRUE(one_line(no_pool.err)) << no_pool.err;
  EXPECT_NE(no_pool.err.find("--entry names the --pool file's entry-year column"),
            std::string::npos)
      << no_pool.err;

  // A window design's profile reads no entry year.
  const auto window =
      run_klynge({"power", "--pool", example_pool(), "--strata", "nace", "--member-profile",
                  "members", "--entry", "joined", "--json", dir + "/w.json", "-q"});
  EXPECT_EQ(window.exit_code, 64) << window.err;
  EXPECT_NE(window.err.find("read for --member-profile members with --entry-years"),
            std::string::npos)
      << window.err;
}

// Without -q one line says whom the profile follows; members in a cell without non-members are
// a warning, printed even with -q.
TEST(PowerPoolCohortProfileCli, StderrSaysWhomTheProfileFollowsAndWarnsOfUnmatchedMembers) {
  const std::string dir = test::scratch_dir("power_pool_cohort_profile_cli_stderr");
  auto args = profile_args(dir + "/p.json");
  args.erase(std::find(args.begin(), args.end(), "-q"));
  const auto run = run_klynge(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const MemberCounts counts = example_member_counts();
  EXPECT_NE(run.err.find(fmt::format("member profile: {} of the file's members; {} more entered "
                                     "outside 2011..2015 or have no entry year",
                                     counts.inside, counts.outside)),
            std::string::npos)
      << run.err;
  EXPECT_EQ(run.err.find("warning"), std::string::npos) << run.err;

  // Member M1 is alone in nace 99: no non-member can stand in for it.
  std::string csv = "firm_id,year,employees,revenue,value_added,member,entry_year,nace\n";
  for (int k = 0; k < 40; ++k)
    for (const int year : {2012, 2015})
      csv += fmt::format("F{},{},{},{},{},0,,01\n", k, year, 5 + k % 7 + (year - 2012), 100 + k,
                         40 + k);
  for (const int year : {2012, 2015}) {
    csv += fmt::format("M0,{},5,100,40,1,2012,01\n", year);
    csv += fmt::format("M1,{},5,100,40,1,2012,99\n", year);
  }
  test::write_file(dir + "/register.csv", csv);
  const auto unmatched = run_klynge({"power",
                                     "--pool",
                                     dir + "/register.csv",
                                     "--entry-years",
                                     "2012",
                                     "--strata",
                                     "nace",
                                     "--member-profile",
                                     "members",
                                     "--firms",
                                     "40",
                                     "--datasets",
                                     "2",
                                     "--bootstrap",
                                     "0",
                                     "--permutations",
                                     "39",
                                     "-q",
                                     "--json",
                                     dir + "/u.json"});
  ASSERT_EQ(unmatched.exit_code, 0) << unmatched.err;
  EXPECT_TRUE(one_line(unmatched.err)) << unmatched.err;
  EXPECT_NE(unmatched.err.find("warning: 1 of the file's 2 profile members are in cells without "
                               "non-members"),
            std::string::npos)
      << unmatched.err;
  EXPECT_EQ(read_json(dir + "/u.json")["settings"]["pool"]["unmatched_members"], 1);
}

}  // namespace
}  // namespace klynge
