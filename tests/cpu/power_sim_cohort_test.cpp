// The cohort design on simulated panels (`klynge power --entry-years A:B` without --pool,
// docs/power.md "Cohort design on simulated panels"): the simulate model's members join in a
// year drawn from A..B and gain the premium in every year after it; each dataset is what
// `analyze`'s cohort design makes of the simulated panel; the truth panel measures the cohort
// aggregate's true value (the premium, less where a window starts before the entry); the
// datasets' aggregate estimates average to it; the report, merge and usage errors.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/cli_report.hpp"
#include "common/dataset_moments.hpp"
#include "common/run_klynge.hpp"
#include "klynge/build_sample.hpp"
#include "klynge/error.hpp"
#include "klynge/power.hpp"
#include "klynge/sim_window.hpp"
#include "klynge/simulate.hpp"
#include "klynge/statistics.hpp"

namespace klynge {
namespace {

constexpr int kMetrics = 3;  // the simulate model's employees, revenue, value_added

power::PowerSpec cohort_spec(int offset = 0) {
  power::PowerSpec s;
  s.entry_first = 2011;
  s.entry_last = 2015;
  s.horizon = 3;
  s.offset = offset;
  s.premiums = power::parse_premium_grid({"0.03"});
  s.firms = {1500};
  s.member_share = 0.2;
  s.bootstrap = 0;
  s.permutations = 39;
  s.truth_firms = 40'000;
  s.seed = 13;
  return s;
}

// The panel spans the entry years and every cohort's window, and its members join in A..B.
TEST(PowerSimCohort, PanelSpansEveryCohortsWindowAndMembersJoinInTheEntryYears) {
  const struct {
    int offset, first, last;
  } cases[] = {{0, 2011, 2018}, {-1, 2010, 2017}, {2, 2011, 2020}, {-4, 2007, 2015}};
  for (const auto& c : cases) {
    const power::PowerSpec spec = cohort_spec(c.offset);
    power::validate(spec);
    const sim::SimSpec s = power::dataset_spec(spec, spec.premiums[0], 500, 3);
    EXPECT_EQ(s.first_year, c.first) << c.offset;
    EXPECT_EQ(s.last_year, c.last) << c.offset;
    EXPECT_EQ(s.entry_first, 2011);
    EXPECT_EQ(s.entry_last, 2015);
  }
  const power::PowerSpec spec = cohort_spec();
  const sim::SimPanel panel =
      sim::simulate_panel(power::dataset_spec(spec, spec.premiums[0], 2000, 0));
  std::vector<int> joined(5, 0);
  for (std::size_t r = 0; r < panel.rows(); ++r) {
    if (!panel.member[r]) continue;
    ASSERT_GE(panel.entry_year[r], 2011);
    ASSERT_LE(panel.entry_year[r], 2015);
    ++joined[static_cast<std::size_t>(panel.entry_year[r] - 2011)];
  }
  for (int n : joined) EXPECT_GT(n, 0);
}

// A dataset's estimate is describe's cohort aggregate of build_sample's cohort design of the
// simulated panel, read with its entry years, the cohorts being the entry years drawn.
TEST(PowerSimCohort, EstimateIsTheCohortAggregateOfTheSimulatedPanel) {
  power::PowerSpec spec = cohort_spec();
  spec.bootstrap = 99;
  power::validate(spec);
  const power::TruePremium truth = power::true_premium(spec, spec.premiums[0]);
  for (const std::uint32_t dataset : {0u, 5u}) {
    const power::DatasetOutcome out =
        power::run_dataset(spec, spec.premiums[0], 1500, dataset, truth);
    DesignOptions design = power::study_design(spec);
    design.extra_cohorts.clear();
    const Sample s = build_sample(sim::to_panel(sim::simulate_panel(power::dataset_spec(
                                                    spec, spec.premiums[0], 1500, dataset)),
                                                {}, true),
                                  design);
    ASSERT_EQ(s.cells.size(), 5u);
    for (const Cell& cell : s.cells) EXPECT_GT(cell.member_end, cell.member_begin);
    const Description d = describe_sample(s, design);
    for (int m = 0; m < kMetrics; ++m) {
      bool found = false;
      for (const Estimate& e : d.results)
        if (e.metric == static_cast<std::size_t>(m) && e.cohort == kAllCohorts &&
            e.statistic == Statistic::mean_diff) {
          EXPECT_EQ(out.metric[m].estimate, e.value) << "dataset " << dataset << " metric " << m;
          found = true;
        }
      EXPECT_TRUE(found);
      for (const power::MethodOutcome& o : out.metric[m].methods) EXPECT_TRUE(o.defined);
    }
  }
}

// Members gain the premium in each year after their entry: over [g, g + 3] three years of it,
// the full premium per year (revenue and value added exactly in logs; employees attenuated by
// their rounding to whole employees, as in the window design); over [g - 1, g + 2] two of the
// three years, 2/3 of it.
TEST(PowerSimCohort, TruthIsThePremiumOrThePartOfItTheWindowHolds) {
  for (const int offset : {0, -1}) {
    const power::PowerSpec spec = cohort_spec(offset);
    power::validate(spec);
    const power::TruePremium truth = power::true_premium(spec, spec.premiums[0]);
    const double expected = offset == 0 ? 0.03 : 0.02;
    for (int m = 0; m < kMetrics; ++m) {
      SCOPED_TRACE(fmt::format("offset {} metric {}", offset, m));
      EXPECT_GT(truth.mc_se[m], 0.0);
      if (m == 0) {  // employees: rounding attenuates the measured gap
        EXPECT_LT(truth.value[m], expected);
        EXPECT_GT(truth.value[m], 0.8 * expected);
      } else {
        EXPECT_NEAR(truth.value[m], expected, 4.0 * truth.mc_se[m] + 1e-4);
      }
    }
  }
}

TEST(PowerSimCohort, MeanAggregateEstimateOverDatasetsIsTheTrueValue) {
  for (const int offset : {0, -1}) {
    power::PowerSpec spec = cohort_spec(offset);
    spec.member_noise = 2.0;  // unequal variances: employees' truth gets a second term
    power::validate(spec);
    const power::TruePremium truth = power::true_premium(spec, spec.premiums[0]);
    const test::EstimateMoments e = test::dataset_estimate_moments(spec, 1500, 60, truth);
    for (std::size_t m = 0; m < kMetrics; ++m) {
      const double se = std::hypot(e.se(m), truth.mc_se[m]);
      EXPECT_NEAR(e.mean[m], truth.value[m], 4.0 * se) << "offset " << offset << " metric " << m;
    }
  }
}

TEST(PowerSimCohort, UsageErrors) {
  power::PowerSpec s = cohort_spec(-20);
  s.entry_first = 1810;
  s.entry_last = 1815;
  try {
    power::validate(s);
    ADD_FAILURE() << "a panel before 1800 accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    EXPECT_NE(std::string(e.what()).find("the simulated panels would span 1790..1815"),
              std::string::npos)
        << e.what();
  }
}

std::vector<std::string> cli_args(const std::string& json) {
  return {"power",     "--entry-years",
          "2011:2015", "--firms",
          "300",       "--premium",
          "0,0.05",    "--datasets",
          "8",         "--bootstrap",
          "49",        "--permutations",
          "39",        "--truth-firms",
          "20000",     "--seed",
          "3",         "-q",
          "--json",    json};
}

TEST(PowerSimCohortCli, ReportRecordsTheCohortDesignAndShardsMerge) {
  const std::string dir = test::scratch_dir("power_sim_cohort_cli");
  auto whole = cli_args(dir + "/whole.json");
  auto low = cli_args(dir + "/low.json");
  low.insert(low.end(), {"--dataset-range", "0:3"});
  auto high = cli_args(dir + "/high.json");
  high.insert(high.end(), {"--dataset-range", "3:8", "--threads", "1"});
  for (const auto& args : {whole, low, high}) {
    const auto run = test::run_klynge(args);
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  const auto report = test::read_json(dir + "/whole.json");
  const auto& settings = report["settings"];
  EXPECT_EQ(settings["design"], "cohort");
  EXPECT_EQ(settings["entry_years"], nlohmann::json::array({2011, 2015}));
  EXPECT_FALSE(settings.contains("pool"));
  ASSERT_EQ(report["power"].size(), 2u * 3u);
  for (const auto& r : report["power"]) {
    EXPECT_EQ(r["datasets"], 8);
    if (r["premium"] == 0.0) EXPECT_EQ(r["true_value"], 0.0);
    if (r["premium"] == 0.05 && r["metric"] != "employees")
      EXPECT_NEAR(r["true_value"].get<double>(), 0.05, 1e-3) << r;
  }
  const auto merge = test::run_klynge({"power", "--merge", dir + "/high.json", dir + "/low.json",
                                       "--json", dir + "/merged.json", "-q"});
  ASSERT_EQ(merge.exit_code, 0) << merge.err;
  const auto merged = test::read_json(dir + "/merged.json");
  EXPECT_EQ(merged["power"], report["power"]);
  EXPECT_EQ(merged["settings"], report["settings"]);
}

}  // namespace
}  // namespace klynge
