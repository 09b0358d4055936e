// `klynge power` grid parsing and usage errors: every bad value exits 64 with one line naming
// the flag, before any simulation runs.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "common/run_klynge.hpp"
#include "klynge/error.hpp"
#include "klynge/power.hpp"

namespace klynge {
namespace {

using test::run_klynge;

ExitCode usage_code(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return ExitCode::ok;
}

TEST(PowerGrid, NumbersSeparatedByCommasAreOnePointEach) {
  const auto grid = power::parse_premium_grid({"0,0.02", "0.05"});
  ASSERT_EQ(grid.size(), 3u);
  EXPECT_EQ(grid[0].premium, (std::vector<double>{0, 0, 0}));
  EXPECT_EQ(grid[1].premium, (std::vector<double>{0.02, 0.02, 0.02}));
  EXPECT_EQ(grid[2].premium, (std::vector<double>{0.05, 0.05, 0.05}));
  EXPECT_EQ(grid[1].label, "0.02");
}

TEST(PowerGrid, MetricPairsAreOnePoint) {
  const auto grid = power::parse_premium_grid({"0", "employees=0.01,revenue=0.03"});
  ASSERT_EQ(grid.size(), 2u);
  EXPECT_EQ(grid[1].premium, (std::vector<double>{0.01, 0.03, 0.0}));
  EXPECT_EQ(grid[1].label, "employees=0.01,revenue=0.03");
}

// A pool's metric is a column name, which may hold '=': the value follows the last one.
TEST(PowerGrid, AMetricWhoseNameHoldsAnEqualsSignTakesAPremium) {
  const auto grid = power::parse_premium_grid({"sales=2022=0.02"}, {"staff", "sales=2022"});
  ASSERT_EQ(grid.size(), 1u);
  EXPECT_EQ(grid[0].premium, (std::vector<double>{0.0, 0.02}));
  EXPECT_EQ(usage_code([] { power::parse_premium_grid({"sales=0.02"}, {"sales=2022"}); }),
            ExitCode::usage);
}

TEST(PowerGrid, FirmsGrid) {
  EXPECT_EQ(power::parse_firms_grid({"2000,50000", "100"}),
            (std::vector<std::uint32_t>{2000, 50000, 100}));
}

TEST(PowerGrid, BadValuesAreUsageErrors) {
  EXPECT_EQ(usage_code([] { power::parse_premium_grid({"0,x"}); }), ExitCode::usage);
  EXPECT_EQ(usage_code([] { power::parse_premium_grid({"0,,0.1"}); }), ExitCode::usage);
  EXPECT_EQ(usage_code([] { power::parse_premium_grid({"2"}); }), ExitCode::usage);
  EXPECT_EQ(usage_code([] { power::parse_premium_grid({"staff=0.1"}); }), ExitCode::usage);
  EXPECT_EQ(usage_code([] { power::parse_premium_grid({}); }), ExitCode::usage);
  EXPECT_EQ(usage_code([] { power::parse_firms_grid({"1e3"}); }), ExitCode::usage);
  EXPECT_EQ(usage_code([] { power::parse_firms_grid({"5"}); }), ExitCode::usage);
}

// A grid point given twice would be simulated twice, to the same rows: refused, naming it.
TEST(PowerGrid, AGridPointGivenTwiceIsAUsageError) {
  EXPECT_EQ(usage_code([] { power::parse_premium_grid({"0.02,0,0.02"}); }), ExitCode::usage);
  EXPECT_EQ(usage_code([] { power::parse_premium_grid({"0.02", "0.020"}); }), ExitCode::usage);
  EXPECT_EQ(usage_code([] {
              power::parse_premium_grid({"0", "employees=0,revenue=0,value_added=0"});
            }),
            ExitCode::usage);
  EXPECT_EQ(usage_code([] { power::parse_firms_grid({"300,100,300"}); }), ExitCode::usage);
  EXPECT_EQ(power::parse_premium_grid({"0.02,0,0.05"}).size(), 3u);
  EXPECT_EQ(power::parse_firms_grid({"300", "100"}).size(), 2u);
}

// The smallest permutation p is 1/(P + 1) one-sided and 2/(P + 1) two-sided: a P that can
// never reach alpha would report a power of 0 at every premium, so it is refused.
TEST(PowerGrid, PermutationsMustBeAbleToReachAlpha) {
  power::PowerSpec spec;
  spec.premiums = power::parse_premium_grid({"0"});
  spec.firms = {100};
  const auto accepted = [&](std::uint64_t permutations, Alternative alternative) {
    spec.permutations = permutations;
    spec.alternative = alternative;
    try {
      power::validate(spec);
      return true;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::usage);
      EXPECT_NE(std::string(e.what()).find("can never reach p <= --alpha"), std::string::npos)
          << e.what();
      return false;
    }
  };
  EXPECT_FALSE(accepted(19, Alternative::two_sided));
  EXPECT_FALSE(accepted(38, Alternative::two_sided));
  EXPECT_TRUE(accepted(39, Alternative::two_sided));
  EXPECT_FALSE(accepted(18, Alternative::greater));
  EXPECT_TRUE(accepted(19, Alternative::greater));
  EXPECT_TRUE(accepted(19, Alternative::less));
}

// One CLI run per bad flag: exit 64, one line on stderr that names the flag.
TEST(PowerCli, UsageErrorsExit64WithOneLineNamingTheFlag) {
  const std::string dir = test::scratch_dir("power_usage");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--premium", "0,abc"}, "--premium"},
      {{"--premium", "revenue=0.1,revenue=0.2"}, "--premium"},
      {{"--firms", "0"}, "--firms"},
      {{"--member-share", "1.5"}, "--member-share"},
      {{"--member-noise", "0"}, "--member-noise"},
      {{"--datasets", "0"}, "--datasets"},
      {{"--dataset-range", "5:2"}, "--dataset-range"},
      {{"--dataset-range", "3"}, "--dataset-range"},
      {{"--alpha", "0"}, "--alpha"},
      {{"--level", "1"}, "--level"},
      {{"--bootstrap", "10"}, "--bootstrap"},
      {{"--permutations", "9"}, "--permutations"},
      {{"--permutations", "19"}, "--permutations 19 can never reach p <= --alpha 0.05 two-sided"},
      {{"--bootstrap", "0", "--permutations", "0"}, "--bootstrap 0"},
      {{"--interval", "wald"}, "--interval"},
      {{"--perm-statistic", "agg_diff"}, "--perm-statistic"},
      {{"--alternative", "both"}, "--alternative"},
      {{"--from", "2020", "--to", "2017"}, "--from"},
      {{"--threads", "-1"}, "--threads"},
      {{"--seed", "-1"}, "--seed"},
      {{"--device", "tpu"}, "--device"},
      {{"--plot", dir + "/p.pdf"}, "--plot"},
  };
  for (const auto& [flags, named] : cases) {
    std::vector<std::string> args = {"power", "--json", dir + "/p.json"};
    if (flags[0] != "--datasets") args.insert(args.end(), {"--datasets", "10"});
    args.insert(args.end(), flags.begin(), flags.end());
    const auto run = run_klynge(args);
    EXPECT_EQ(run.exit_code, 64) << flags[0] << " " << flags[1] << ": " << run.err;
    EXPECT_NE(run.err.find(named), std::string::npos) << run.err;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
    EXPECT_EQ(run.err.rfind("klynge: error: ", 0), 0u) << run.err;
  }
  // Without --json, --csv or --plot the study still runs: its table is the output
  // (PowerTable.PrintedToStdoutUnlessAReportGoesThere).
}

}  // namespace
}  // namespace klynge
