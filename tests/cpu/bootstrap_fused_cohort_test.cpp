// The fused path in the cohort design: the same draws as the count path, every cell's and the
// aggregate's mean difference, welch_t and SE equal to rounding (the aggregate's SE from a
// second pass over the draws, firms observed in several cohorts adding their terms across
// cells), and the path taken only where it computes everything asked.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/bitwise_equal.hpp"
#include "common/large_sample.hpp"
#include "common/one_cohort_panel.hpp"
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

TEST(FusedServes, MeanTypeStatisticsInEitherDesignWithAnInfluencePassForTheAggregateSe) {
  const std::uint32_t mean = 1u << hd::kStatMean, welch = 1u << hd::kStatWelch,
                      median = 1u << hd::kStatMedian;
  EXPECT_TRUE(hd::fused_serves(mean));
  EXPECT_TRUE(hd::fused_serves(mean | welch));
  EXPECT_FALSE(hd::fused_serves(mean | median));
  EXPECT_FALSE(hd::fused_serves(1u << hd::kStatAgg));
  EXPECT_FALSE(hd::fused_needs_influence(false, mean | welch, true));  // one cell: no aggregate
  EXPECT_FALSE(hd::fused_needs_influence(true, mean, false));
  EXPECT_TRUE(hd::fused_needs_influence(true, mean, true));
  EXPECT_TRUE(hd::fused_needs_influence(true, welch, false));
}

TEST(FusedCohort, TakenForMeanTypeStatistics) {
  const CohortSample c = cohort_sample(false);
  ASSERT_GT(c.sample.cells.size(), 1u);
  BootstrapSpec spec;
  spec.statistics = {Statistic::mean_diff};
  spec.replicate_se = false;
  EXPECT_TRUE(takes_fused_path(c, spec));
  spec.replicate_se = true;
  spec.statistics = {Statistic::mean_diff, Statistic::welch_t};
  EXPECT_TRUE(takes_fused_path(c, spec));
  spec.statistics = {Statistic::mean_diff, Statistic::median_diff};
  EXPECT_FALSE(takes_fused_path(c, spec));
}

// Every key's values (and, where wanted, SEs) of the fused and the count path agree to 1e-12.
void expect_paths_agree(const CohortSample& c, BootstrapSpec spec, std::uint64_t B) {
  spec.fused = true;
  ASSERT_TRUE(takes_fused_path(c, spec));
  const ReplicateTable fused = run_bootstrap(c.sample, c.design, spec, 0, B);
  spec.fused = false;
  ASSERT_FALSE(takes_fused_path(c, spec));
  const ReplicateTable counted = run_bootstrap(c.sample, c.design, spec, 0, B);
  const std::size_t per_cell = spec.statistics.size();
  ASSERT_EQ(fused.keys.size(), counted.keys.size());
  ASSERT_EQ(fused.keys.size(), 3 * (c.sample.cells.size() + 1) * per_cell);
  std::size_t aggregate_values = 0, aggregate_ses = 0;
  for (std::size_t k = 0; k < fused.keys.size(); ++k) {
    EXPECT_EQ(fused.keys[k].cohort, counted.keys[k].cohort);
    const bool aggregate = fused.keys[k].cohort == kAllCohorts;
    for (std::uint64_t b = 0; b < B; ++b) {
      const double f = fused.values[k * B + b], n = counted.values[k * B + b];
      ASSERT_EQ(std::isnan(f), std::isnan(n)) << k << " " << b;
      if (!std::isnan(n)) {
        EXPECT_NEAR(f, n, 1e-12 * (1.0 + std::abs(n))) << k << " " << b;
        if (aggregate) ++aggregate_values;
      }
      const double fs = fused.welch_se[k * B + b], ns = counted.welch_se[k * B + b];
      ASSERT_EQ(std::isnan(fs), std::isnan(ns)) << k << " " << b;
      if (!std::isnan(ns)) {
        EXPECT_NEAR(fs, ns, 1e-12 * ns) << k << " " << b;
        if (aggregate) ++aggregate_ses;
      }
    }
  }
  EXPECT_EQ(aggregate_values, 3 * B * per_cell);
  EXPECT_EQ(aggregate_ses, spec.replicate_se ? 3 * B : 0);
}

class FusedCohortPath : public ::testing::TestWithParam<std::tuple<Scheme, bool>> {};

TEST_P(FusedCohortPath, AgreesWithTheCountPathAndIsInvariant) {
  const auto [scheme, balance] = GetParam();
  const CohortSample c = cohort_sample(balance);
  ASSERT_EQ(c.sample.weighted, balance);
  BootstrapSpec spec;
  spec.scheme = scheme;
  spec.threads = 2;
  constexpr std::uint64_t B = 60;
  spec.statistics = {Statistic::mean_diff};
  spec.replicate_se = false;  // klynge power's default: one pass
  expect_paths_agree(c, spec, B);
  spec.statistics = {Statistic::mean_diff, Statistic::welch_t};
  spec.replicate_se = true;  // analyze: the aggregate's SE, two passes
  expect_paths_agree(c, spec, B);
  spec.replicate_se = false;  // welch_t alone still needs the SE
  spec.statistics = {Statistic::welch_t};
  expect_paths_agree(c, spec, B);

  spec.statistics = {Statistic::mean_diff, Statistic::welch_t};
  spec.replicate_se = true;
  const ReplicateTable fused = run_bootstrap(c.sample, c.design, spec, 0, B);
  spec.threads = 1;
  const ReplicateTable one = run_bootstrap(c.sample, c.design, spec, 0, B);
  EXPECT_TRUE(test::bitwise_equal(one.values, fused.values));
  EXPECT_TRUE(test::bitwise_equal(one.welch_se, fused.welch_se));
  const ReplicateTable merged =
      merge_replicates(run_bootstrap(c.sample, c.design, spec, 0, 23),
                       run_bootstrap(c.sample, c.design, spec, 23, B - 23));
  EXPECT_TRUE(test::bitwise_equal(merged.values, fused.values));
  EXPECT_TRUE(test::bitwise_equal(merged.welch_se, fused.welch_se));
}

// The prefetching loop adds the draws in for_each_draw's order, whatever their number relative
// to its distance (Poisson counts, the cohort sample's multinomial draws).
TEST(FusedDraws, PrefetchingKeepsTheDrawOrder) {
  const CohortSample c = cohort_sample(false);
  for (const Scheme scheme : {Scheme::groups, Scheme::poisson, Scheme::bayesian}) {
    BootstrapSpec spec;
    spec.scheme = scheme;
    engine::BootData data;
    engine::build_boot_data(c.sample, c.design, spec, data);
    ASSERT_TRUE(data.fused);
    for (std::uint32_t r = 0; r < 5; ++r) {
      std::vector<std::pair<std::uint32_t, double>> direct, prefetched;
      hd::for_each_draw(data.view, r,
                        [&](std::uint32_t u, double w) { direct.emplace_back(u, w); });
      hd::for_each_fused_draw(data.view, data.fused_view, r,
                              [&](std::uint32_t u, double w) { prefetched.emplace_back(u, w); });
      ASSERT_GT(direct.size(), hd::kFusedPrefetchDistance);
      EXPECT_EQ(prefetched, direct) << r;
    }
  }
  // Fewer draws than the distance: 3 members and 4 controls.
  DesignOptions design;
  design.from = 2015;
  design.to = 2018;
  const Sample tiny = test::large_sample(false, 3, 4);
  engine::BootData data;
  engine::build_boot_data(tiny, design, BootstrapSpec{}, data);
  ASSERT_TRUE(data.fused);
  std::vector<std::pair<std::uint32_t, double>> direct, prefetched;
  hd::for_each_draw(data.view, 0, [&](std::uint32_t u, double w) { direct.emplace_back(u, w); });
  hd::for_each_fused_draw(data.view, data.fused_view, 0,
                          [&](std::uint32_t u, double w) { prefetched.emplace_back(u, w); });
  ASSERT_EQ(direct.size(), 7u);
  EXPECT_EQ(prefetched, direct);
}

// Unweighted samples keep three sums per record in the first pass; the other four copied after
// it give the seven-sum pass's bits (w = 1 multiplies exactly), with and without the SE.
TEST(FusedUnitWeights, GiveTheGeneralSumsBitForBit) {
  for (const bool balance : {false, true}) {
    const CohortSample c = cohort_sample(balance);
    BootstrapSpec spec;
    spec.statistics = {Statistic::mean_diff, Statistic::welch_t};
    for (const bool se : {false, true}) {
      spec.replicate_se = se;
      engine::BootData data;
      engine::build_boot_data(c.sample, c.design, spec, data);
      ASSERT_TRUE(data.fused);
      EXPECT_EQ(data.fused_view.unit_weights, !balance);  // balance factors are weights
      if (balance) continue;
      hd::FusedView general = data.fused_view;
      general.unit_weights = false;
      const std::size_t keys = data.keys.size();
      std::vector<double> acc(hd::fused_scratch_doubles(general));
      std::vector<double> v1(keys), s1(keys), v2(keys), s2(keys);
      for (std::uint32_t r = 0; r < 20; ++r) {
        hd::fused_replicate(data.view, data.fused_view, r, acc.data(), v1.data(), s1.data());
        hd::fused_replicate(data.view, general, r, acc.data(), v2.data(), s2.data());
        ASSERT_TRUE(test::bitwise_equal(v1, v2)) << r;
        ASSERT_TRUE(test::bitwise_equal(s1, s2)) << r;
      }
    }
  }
}

// A cohort design of one cohort (the example panel's members of 2012 only): one cell, like the
// window design, but its aggregate's welch_t and SE need the second pass, which the dense rows
// do not have; the aggregate's replicates are its cohort's, finite, and agree with the count
// path's. (The dense rows once served it and left every aggregate welch_t replicate NaN.)
CohortSample one_cohort_sample() {
  ReadOptions read;
  read.columns.entry = "entry_year";
  CohortSample c;
  c.sample = build_sample(read_panel(test::one_cohort_panel(2012), read), c.design);
  return c;
}

TEST(FusedOneCohort, AggregateIsItsCohortWithSeAndWelchT) {
  const CohortSample c = one_cohort_sample();
  ASSERT_EQ(c.sample.cells.size(), 1u);
  for (const Scheme scheme : {Scheme::groups, Scheme::poisson, Scheme::bayesian}) {
    BootstrapSpec spec;
    spec.scheme = scheme;
    spec.threads = 2;
    spec.statistics = {Statistic::mean_diff, Statistic::welch_t};
    spec.replicate_se = true;
    constexpr std::uint64_t B = 40;
    expect_paths_agree(c, spec, B);
    spec.fused = true;
    const ReplicateTable t = run_bootstrap(c.sample, c.design, spec, 0, B);
    // Keys: per metric, the cohort's statistics, then the aggregate's.
    ASSERT_EQ(t.keys.size(), 3u * 2u * 2u);
    std::size_t finite = 0;
    for (std::size_t k = 0; k < t.keys.size(); ++k) {
      if (t.keys[k].cohort != kAllCohorts) continue;
      std::size_t cell = 0;
      while (!(t.keys[cell].cohort != kAllCohorts && t.keys[cell].metric == t.keys[k].metric &&
               t.keys[cell].statistic == t.keys[k].statistic))
        ++cell;
      for (std::uint64_t b = 0; b < B; ++b) {
        const double all = t.values[k * B + b], one = t.values[cell * B + b];
        ASSERT_TRUE(std::isfinite(one)) << k << " " << b;
        ASSERT_TRUE(std::isfinite(all)) << "scheme " << static_cast<int>(scheme) << " key " << k;
        EXPECT_NEAR(all, one, 1e-12 * (1.0 + std::abs(one))) << k << " " << b;
        ++finite;
      }
    }
    EXPECT_EQ(finite, 3u * 2u * B);
  }
}

INSTANTIATE_TEST_SUITE_P(Schemes, FusedCohortPath,
                         ::testing::Combine(::testing::Values(Scheme::groups, Scheme::strata,
                                                              Scheme::poisson, Scheme::bayesian),
                                            ::testing::Bool()));

}  // namespace
}  // namespace klynge

namespace klynge {
namespace {

// The CPU adds the drawn units in index order, each once with its count
// (fused_replicate_by_unit); the device adds them in draw order (fused_replicate). Same draws,
// so every value and SE agrees to rounding (1e-12 · (1 + |x|), the backends' contract), for
// unit weights and balance weights, with and without the aggregate's SE, under both multinomial
// schemes; under Poisson and Bayesian weights the draws come in index order already, and the
// two are the same bits.
TEST(FusedByUnit, AgreesWithTheDrawOrderToRounding) {
  for (const bool balance : {false, true})
    for (const Scheme scheme : {Scheme::groups, Scheme::strata, Scheme::poisson, Scheme::bayesian})
      for (const bool se : {false, true}) {
        const CohortSample c = cohort_sample(balance);
        BootstrapSpec spec;
        spec.scheme = scheme;
        spec.statistics = {Statistic::mean_diff, Statistic::welch_t};
        spec.replicate_se = se;
        engine::BootData data;
        engine::build_boot_data(c.sample, c.design, spec, data);
        ASSERT_TRUE(data.fused);
        const bool out_of_order = scheme == Scheme::groups || scheme == Scheme::strata;
        EXPECT_EQ(hd::fused_draws_out_of_order(data.view), out_of_order);
        const std::size_t keys = data.keys.size();
        std::vector<double> acc(hd::fused_scratch_doubles(data.fused_view));
        std::vector<double> counts(data.view.group_unit_begin[data.view.resample_groups]);
        std::vector<double> v1(keys), s1(keys), v2(keys), s2(keys);
        const std::string what = std::string(balance ? "balanced " : "") + "scheme " +
                                 std::to_string(static_cast<int>(scheme)) + (se ? " with SE" : "");
        std::size_t differ = 0;
        for (std::uint32_t r = 0; r < 30; ++r) {
          hd::fused_replicate(data.view, data.fused_view, r, acc.data(), v1.data(), s1.data());
          hd::fused_replicate_by_unit(data.view, data.fused_view, r, acc.data(), counts.data(),
                                      v2.data(), s2.data());
          if (!out_of_order) {
            ASSERT_TRUE(test::bitwise_equal(v1, v2)) << what << " replicate " << r;
            ASSERT_TRUE(test::bitwise_equal(s1, s2)) << what << " replicate " << r;
            continue;
          }
          for (std::size_t k = 0; k < keys; ++k) {
            ASSERT_EQ(std::isnan(v1[k]), std::isnan(v2[k])) << what << " key " << k;
            if (!std::isnan(v1[k])) {
              ASSERT_NEAR(v2[k], v1[k], 1e-12 * (1.0 + std::fabs(v1[k]))) << what << " key " << k;
              differ += v1[k] != v2[k];
            }
            if (se && !std::isnan(s1[k]))
              ASSERT_NEAR(s2[k], s1[k], 1e-12 * (1.0 + std::fabs(s1[k]))) << what << " key " << k;
          }
        }
        // The orders differ, so some sums round differently: the test sees the other order.
        if (out_of_order) EXPECT_GT(differ, 0u) << what;
      }
}

}  // namespace
}  // namespace klynge
