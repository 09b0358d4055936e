// The fused path in the cohort design (mean_diff without replicate SEs, as `klynge power` asks
// by default): the same draws as the count path, every cell's and the aggregate's mean
// difference equal to rounding, and the path taken only where it computes everything asked.
#include <gtest/gtest.h>

#include <cmath>
#include <tuple>

#include "common/bitwise_equal.hpp"
#include "common/run_klynge.hpp"
#include "klynge/bootstrap.hpp"
#include "klynge/build_sample.hpp"
#include "klynge/engine/boot_data.hpp"
#include "klynge/hd/bootstrap_fused.hpp"
#include "klynge/io/read_panel.hpp"
#include "klynge/statistics.hpp"

namespace klynge {
namespace {

struct CohortSample {
  DesignOptions design;
  Sample sample;
};

// The example panel's cohort design (every entry year its own cell, controls in several).
CohortSample cohort_sample(bool balance) {
  ReadOptions read;
  read.columns.entry = "entry_year";
  read.columns.strata = {"nace"};
  CohortSample c;
  c.design.balance = balance;
  c.sample = build_sample(read_panel(test::example_file("firms.csv"), read), c.design);
  return c;
}

bool takes_fused_path(const CohortSample& c, const BootstrapSpec& spec) {
  engine::BootData data;
  engine::build_boot_data(c.sample, c.design, spec, data);
  return data.fused;
}

TEST(FusedServes, CohortDesignOnlyForMeanDiffWithoutReplicateSes) {
  const std::uint32_t mean = 1u << hd::kStatMean, welch = 1u << hd::kStatWelch,
                      median = 1u << hd::kStatMedian;
  EXPECT_TRUE(hd::fused_serves(false, mean | welch, true));
  EXPECT_TRUE(hd::fused_serves(false, mean, false));
  EXPECT_FALSE(hd::fused_serves(false, mean | median, false));
  EXPECT_TRUE(hd::fused_serves(true, mean, false));
  EXPECT_FALSE(hd::fused_serves(true, mean, true));  // the aggregate's SE: influence pass
  EXPECT_FALSE(hd::fused_serves(true, mean | welch, false));
  EXPECT_FALSE(hd::fused_serves(true, welch, false));
  EXPECT_FALSE(hd::fused_serves(true, median, false));
}

TEST(FusedCohort, TakenOnlyWhereItComputesEverything) {
  const CohortSample c = cohort_sample(false);
  ASSERT_GT(c.sample.cells.size(), 1u);
  BootstrapSpec spec;
  spec.statistics = {Statistic::mean_diff};
  spec.replicate_se = false;
  EXPECT_TRUE(takes_fused_path(c, spec));
  spec.replicate_se = true;
  EXPECT_FALSE(takes_fused_path(c, spec));
  spec.replicate_se = false;
  spec.statistics = {Statistic::mean_diff, Statistic::welch_t};
  EXPECT_FALSE(takes_fused_path(c, spec));
}

class FusedCohortPath : public ::testing::TestWithParam<std::tuple<Scheme, bool>> {};

TEST_P(FusedCohortPath, AgreesWithTheCountPathAndIsInvariant) {
  const auto [scheme, balance] = GetParam();
  const CohortSample c = cohort_sample(balance);
  ASSERT_EQ(c.sample.weighted, balance);
  BootstrapSpec spec;
  spec.scheme = scheme;
  spec.statistics = {Statistic::mean_diff};
  spec.replicate_se = false;
  spec.threads = 2;
  ASSERT_TRUE(takes_fused_path(c, spec));
  constexpr std::uint64_t B = 60;
  const ReplicateTable fused = run_bootstrap(c.sample, c.design, spec, 0, B);
  spec.fused = false;
  ASSERT_FALSE(takes_fused_path(c, spec));
  const ReplicateTable counted = run_bootstrap(c.sample, c.design, spec, 0, B);
  ASSERT_EQ(fused.keys.size(), counted.keys.size());
  ASSERT_EQ(fused.keys.size(), 3 * (c.sample.cells.size() + 1));  // cells + aggregate per metric
  std::size_t aggregate_values = 0;
  for (std::size_t k = 0; k < fused.keys.size(); ++k) {
    EXPECT_EQ(fused.keys[k].cohort, counted.keys[k].cohort);
    for (std::uint64_t b = 0; b < B; ++b) {
      const double f = fused.values[k * B + b], n = counted.values[k * B + b];
      ASSERT_EQ(std::isnan(f), std::isnan(n)) << k << " " << b;
      if (std::isnan(n)) continue;
      EXPECT_NEAR(f, n, 1e-12 * (1.0 + std::abs(n))) << k << " " << b;
      if (fused.keys[k].cohort == kAllCohorts) ++aggregate_values;
      EXPECT_TRUE(std::isnan(fused.welch_se[k * B + b]));
    }
  }
  EXPECT_EQ(aggregate_values, 3 * B);
  spec.fused = true;
  spec.threads = 1;
  EXPECT_TRUE(
      test::bitwise_equal(run_bootstrap(c.sample, c.design, spec, 0, B).values, fused.values));
  const ReplicateTable merged =
      merge_replicates(run_bootstrap(c.sample, c.design, spec, 0, 23),
                       run_bootstrap(c.sample, c.design, spec, 23, B - 23));
  EXPECT_TRUE(test::bitwise_equal(merged.values, fused.values));
}

INSTANTIATE_TEST_SUITE_P(Schemes, FusedCohortPath,
                         ::testing::Combine(::testing::Values(Scheme::groups, Scheme::strata,
                                                              Scheme::poisson, Scheme::bayesian),
                                            ::testing::Bool()));

}  // namespace
}  // namespace klynge
