// The study loop: outcomes keyed by (seed, dataset) are the same for any thread count and any
// split of the datasets; the true premium is what the estimates average to; a small study has
// power ~1 at a large premium and a rejection rate near alpha at premium 0.
#include <gtest/gtest.h>

#include <cmath>

#include "klynge/error.hpp"
#include "klynge/power.hpp"
#include "klynge/report/power_report.hpp"

namespace klynge {
namespace {

power::PowerSpec small_spec() {
  power::PowerSpec s;
  s.premiums = power::parse_premium_grid({"0,0.1"});
  s.firms = {300};
  s.member_share = 0.25;
  s.datasets = 24;
  s.bootstrap = 99;
  s.permutations = 99;
  s.methods = {IntervalMethod::percentile, IntervalMethod::bca, IntervalMethod::studentized};
  s.truth_firms = 20'000;
  s.seed = 7;
  return s;
}

TEST(PowerStudy, SameRowsAndTalliesForAnyThreadCount) {
  power::PowerSpec one = small_spec();
  one.threads = 1;
  power::PowerSpec two = small_spec();
  two.threads = 2;
  const auto a = power::power_json(one, power::run_study(one));
  const auto b = power::power_json(two, power::run_study(two));
  EXPECT_EQ(a["power"], b["power"]);
  EXPECT_EQ(a["tallies"], b["tallies"]);
}

TEST(PowerStudy, HalvesMergedGiveTheWholeStudyExactly) {
  power::PowerSpec whole = small_spec();
  whole.threads = 2;
  power::PowerSpec low = whole, high = whole;
  low.first = 0;
  low.last = 10;  // an uneven split, to be sure nothing assumes halves
  high.first = 10;
  high.last = whole.datasets;
  const power::StudyTally merged =
      power::merge_tallies(power::run_study(high), power::run_study(low));
  const auto a = power::power_json(whole, power::run_study(whole));
  const auto b = power::power_json(whole, merged);
  EXPECT_EQ(a["power"], b["power"]);
  EXPECT_EQ(a["tallies"], b["tallies"]);
  EXPECT_EQ(b["dataset_range"], (nlohmann::ordered_json::array({0, 24})));
}

TEST(PowerStudy, MergeRefusesOverlappingOrGappedRanges) {
  power::PowerSpec s = small_spec();
  s.datasets = 6;
  s.bootstrap = 0;
  power::PowerSpec a = s, b = s;
  a.last = 3;
  b.first = 4;
  const auto ta = power::run_study(a), tb = power::run_study(b);
  EXPECT_THROW(power::merge_tallies(ta, tb), Error);
  EXPECT_THROW(power::merge_tallies(ta, ta), Error);
}

TEST(PowerStudy, DatasetsDependOnTheirNumberNotOnTheirNeighbours) {
  // Dataset 5 alone equals dataset 5 inside a larger range.
  power::PowerSpec s = small_spec();
  s.premiums = power::parse_premium_grid({"0.02"});
  s.first = 5;
  s.last = 6;
  const auto alone = power::run_study(s);
  const auto truth = power::true_premium(s, s.premiums[0]);
  const power::DatasetOutcome o = power::run_dataset(s, s.premiums[0], 300, 5, truth);
  for (int m = 0; m < sim::kMetrics; ++m) {
    EXPECT_EQ(alone.cells[0].metric[m].rejected, o.metric[m].rejected ? 1u : 0u);
    EXPECT_EQ(alone.cells[0].metric[m].methods[0].covered,
              o.metric[m].methods[0].covered ? 1u : 0u);
  }
  const power::DatasetOutcome other = power::run_dataset(s, s.premiums[0], 300, 6, truth);
  EXPECT_NE(o.metric[1].estimate, other.metric[1].estimate);
}

// The true premium is what the estimator averages to: over many datasets, the mean estimate
// is within Monte Carlo error of it. Revenue and value added: the premium itself. Employees:
// below it (the integer floor), and distinguishably so, which this test also checks.
TEST(PowerTruth, MeanEstimateOverDatasetsMatchesTheTruePremium) {
  power::PowerSpec s = small_spec();
  s.premiums = power::parse_premium_grid({"0.1"});
  s.bootstrap = 0;
  s.permutations = 0;
  s.truth_firms = 50'000;
  const power::TruePremium truth = power::true_premium(s, s.premiums[0]);
  EXPECT_NEAR(truth.value[1], 0.1, 1e-6);  // revenue: exact up to rounding to 0.1 kNOK
  EXPECT_NEAR(truth.value[2], 0.1, 1e-6);
  EXPECT_LT(truth.value[0], 0.1 - 10 * truth.mc_se[0]);  // employees: attenuated

  constexpr int R = 150;
  std::array<double, 3> sum{}, sum2{};
  for (int d = 0; d < R; ++d) {
    const auto o = power::run_dataset(s, s.premiums[0], 2000, static_cast<std::uint32_t>(d), truth);
    for (int m = 0; m < 3; ++m) {
      ASSERT_TRUE(std::isfinite(o.metric[m].estimate));
      sum[m] += o.metric[m].estimate;
      sum2[m] += o.metric[m].estimate * o.metric[m].estimate;
    }
  }
  for (int m = 0; m < 3; ++m) {
    const double mean = sum[m] / R;
    const double se = std::sqrt((sum2[m] / R - mean * mean) / (R - 1));
    const double tol = 4 * std::hypot(se, truth.mc_se[m]);
    EXPECT_NEAR(mean, truth.value[m], tol) << "metric " << m;
    std::printf("metric %d: mean estimate %.5f, true %.5f (mc se %.5f), se %.5f\n", m, mean,
                truth.value[m], truth.mc_se[m], se);
    if (m == 0) EXPECT_GT(std::abs(mean - 0.1), tol) << "employees should be attenuated";
  }
}

// A small study: power ~1 at a large premium, near alpha at premium 0; coverage near nominal.
TEST(PowerStudy, LargePremiumIsDetectedAndTheNullRejectsNearAlpha) {
  power::PowerSpec s = small_spec();
  s.premiums = power::parse_premium_grid({"0,0.1"});
  s.firms = {400};
  s.datasets = 200;
  s.bootstrap = 199;
  s.permutations = 199;
  s.methods = {IntervalMethod::percentile};
  s.threads = 2;
  const auto rows = power::power_rows(s, power::run_study(s));
  ASSERT_EQ(rows.size(), 6u);
  const double band = 4 * std::sqrt(0.05 * 0.95 / 200);  // 0.062
  for (const power::PowerRow& r : rows) {
    EXPECT_EQ(r.datasets, 200u);
    EXPECT_EQ(r.undefined, 0u);
    if (r.premium == 0.0) {
      EXPECT_NEAR(r.rejection_rate, 0.05, band) << r.metric;
    } else if (r.metric != "employees") {
      EXPECT_GE(r.rejection_rate, 0.98) << r.metric;
    }
    EXPECT_LE(r.ci_low, r.rejection_rate);
    EXPECT_GE(r.ci_high, r.rejection_rate);
    ASSERT_EQ(r.coverage.size(), 1u);
    EXPECT_NEAR(r.coverage[0].rate, 0.95, 4 * std::sqrt(0.05 * 0.95 / 200)) << r.metric;
    EXPECT_GT(r.coverage[0].mean_width, 0.0);
  }
}

}  // namespace
}  // namespace klynge
