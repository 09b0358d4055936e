// `klynge power --pool --entry-years` in the library: the pool holds every firm's growth over
// every cohort window; a dataset is what build_sample's cohort design makes of the drawn firms
// (members with the entry years they were drawn with, controls with all their rows), balanced or
// not, with the premium added to each member's growth over its own window; members spread over
// the cohorts; the datasets' mean aggregate estimate is the premium; the flags that do not fit
// the cohort design are refused (docs/power.md "Cohort design").
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "common/dataset_moments.hpp"
#include "common/expect_usage.hpp"
#include "common/pool_sample_expect.hpp"
#include "common/run_klynge.hpp"
#include "klynge/build_sample.hpp"
#include "klynge/error.hpp"
#include "klynge/io/read_panel.hpp"
#include "klynge/power.hpp"
#include "klynge/power_pool.hpp"
#include "klynge/statistics.hpp"

namespace klynge {
namespace {

constexpr int kFirstEntry = 2011, kLastEntry = 2015, kHorizon = 3;
constexpr int kMetrics = 3;  // examples/firms.csv: employees, revenue, value_added

DesignOptions cohort_design(bool balance = false) {
  DesignOptions d;
  d.horizon = kHorizon;
  for (int g = kFirstEntry; g <= kLastEntry; ++g) d.extra_cohorts.push_back(g);
  d.balance = balance;
  return d;
}

// examples/firms.csv (2 000 firms, 2008-2020) read as a pool, every firm a potential control,
// with its nace column; and the same file as a panel, for the drawn firms' rows.
Panel example_panel() {
  ReadOptions read;
  read.membership = false;
  read.columns.strata = {"nace"};
  return read_panel(test::example_file("firms.csv"), read);
}

const Panel& panel() {
  static const Panel p = example_panel();
  return p;
}

std::shared_ptr<const power::Pool> cohort_pool() {
  static const auto pool =
      std::make_shared<const power::Pool>(power::pool_from_panel(panel(), cohort_design()));
  return pool;
}

power::PremiumPoint premium(const std::string& value) {
  return power::parse_premium_grid({value})[0];
}

TEST(PowerPoolCohort, PoolHoldsEveryFirmsGrowthOverEveryCohortWindow) {
  const power::Pool& pool = *cohort_pool();
  ASSERT_TRUE(pool.cohort_design());
  ASSERT_EQ(pool.windows.size(), 5u);
  std::vector<int> valid_somewhere(pool.firms(), 0);
  int windows_missing_firms = 0;  // firms born late or exited early miss some windows
  for (std::size_t w = 0; w < pool.windows.size(); ++w) {
    const power::PoolWindow& window = pool.windows[w];
    EXPECT_EQ(window.cohort, kFirstEntry + static_cast<int>(w));
    EXPECT_EQ(window.from, window.cohort);
    EXPECT_EQ(window.to, window.cohort + kHorizon);
    ASSERT_EQ(window.slot.size(), pool.firms());
    EXPECT_GT(window.firms.size(), pool.firms() / 2);
    if (window.firms.size() < pool.firms()) ++windows_missing_firms;
    for (std::size_t i = 0; i < window.firms.size(); ++i) {
      if (i > 0) EXPECT_LT(window.firms[i - 1], window.firms[i]);
      EXPECT_EQ(window.slot[window.firms[i]], static_cast<std::int32_t>(i));
      for (int m = 0; m < kMetrics; ++m) {
        const double g = window.growth[m][i];
        if (!std::isfinite(g)) continue;
        valid_somewhere[window.firms[i]] = 1;
        EXPECT_DOUBLE_EQ(g, std::log(window.end[m][i] / window.start[m][i]) / kHorizon);
      }
    }
  }
  for (std::uint32_t k = 0; k < pool.firms(); ++k) EXPECT_TRUE(valid_somewhere[k]) << k;
  EXPECT_GT(windows_missing_firms, 0);
}

// The dataset is built from the pool's growth values, not from a panel; at premium 0 it must be
// exactly what build_sample's cohort design makes of a panel of the drawn firms, balanced or
// not. Small datasets leave some cohorts without members (no cell, as in build_sample) and some
// balanced member cells without controls.
TEST(PowerPoolCohort, DatasetIsWhatBuildSampleMakesOfTheDrawnFirms) {
  const power::Pool& pool = *cohort_pool();
  bool some_cohort_empty = false, some_unmatched = false;
  for (const bool balance : {false, true})
    for (const std::uint32_t dataset : {0u, 1u, 2u, 3u}) {
      const std::uint32_t n = dataset < 2 ? 400 : 12;
      const Sample s = power::pool_sample(pool, premium("0"), n, 0.3, 9, dataset, balance);
      // The cohorts are the drawn members' entry years, as in `klynge analyze` of the dataset.
      DesignOptions design = cohort_design(balance);
      design.extra_cohorts.clear();
      const Sample b = build_sample(test::drawn_cohort_panel(panel(), s), design);
      SCOPED_TRACE(fmt::format("dataset {} balance {}", dataset, balance));
      test::expect_same_sample(s, b);
      some_cohort_empty = some_cohort_empty || s.cells.size() < pool.windows.size();
      some_unmatched = some_unmatched || !s.unmatched.empty();
    }
  EXPECT_TRUE(some_cohort_empty) << "every small dataset had members in every cohort";
  EXPECT_TRUE(some_unmatched) << "no balanced dataset left a member cell without controls";
}

TEST(PowerPoolCohort, PremiumIsAddedToEachMembersGrowthOverItsOwnWindow) {
  const power::Pool& pool = *cohort_pool();
  const Sample zero = power::pool_sample(pool, premium("0"), 500, 0.2, 3, 1);
  const Sample lifted = power::pool_sample(pool, premium("0.04"), 500, 0.2, 3, 1);
  ASSERT_EQ(zero.firm, lifted.firm);
  for (const Cell& cell : zero.cells)
    for (std::uint32_t i = cell.member_begin; i < cell.control_end; ++i)
      for (int m = 0; m < kMetrics; ++m) {
        const bool member = i < cell.member_end;
        if (!std::isfinite(zero.growth[m][i])) {
          EXPECT_TRUE(std::isnan(lifted.growth[m][i]));
          continue;
        }
        EXPECT_EQ(lifted.growth[m][i], zero.growth[m][i] + (member ? 0.04 : 0.0));
        EXPECT_EQ(lifted.end[m][i], zero.end[m][i] * (member ? std::exp(0.04 * kHorizon) : 1.0));
      }
}

// Members draw their cohort uniformly and a firm observed in its window; a control enters the
// cell of every cohort whose window it has a row in, so most controls are in several cells.
TEST(PowerPoolCohort, MembersSpreadOverTheCohortsAndControlsEnterEveryWindowTheyAreIn) {
  const power::Pool& pool = *cohort_pool();
  const std::uint32_t n = 3000;
  const Sample s = power::pool_sample(pool, premium("0"), n, 0.25, 4, 0);
  const std::uint32_t members = power::pool_members(n, 0.25);
  ASSERT_EQ(s.cells.size(), 5u);
  std::vector<int> cells_of(n, 0);
  std::uint32_t member_total = 0;
  for (std::size_t c = 0; c < s.cells.size(); ++c) {
    const Cell& cell = s.cells[c];
    const double expected = members / 5.0;
    const double got = cell.member_end - cell.member_begin;
    member_total += cell.member_end - cell.member_begin;
    EXPECT_NEAR(got, expected, 5.0 * std::sqrt(expected)) << cell.cohort;
    for (std::uint32_t i = cell.member_begin; i < cell.control_end; ++i) {
      const auto j = static_cast<std::uint32_t>(s.firm[i]);
      EXPECT_EQ(j < members, i < cell.member_end);
      ++cells_of[j];
      const std::string& id = s.firm_ids[j];
      const std::uint32_t k = static_cast<std::uint32_t>(
          std::find(pool.firm_ids.begin(), pool.firm_ids.end(), id.substr(0, id.find('#'))) -
          pool.firm_ids.begin());
      EXPECT_GE(pool.windows[c].slot[k], 0) << "firm without a row in its cell's window";
    }
  }
  EXPECT_EQ(member_total, members);
  std::uint32_t in_several = 0;
  for (std::uint32_t j = 0; j < n; ++j) {
    if (j < members) EXPECT_EQ(cells_of[j], 1);
    if (j >= members && cells_of[j] > 1) ++in_several;
  }
  EXPECT_GT(in_several, (n - members) / 2);
}

// The rows' estimate is the cohort aggregate; over datasets its mean is the premium, which is
// the true value (each cohort's members and controls are draws of the same firms).
TEST(PowerPoolCohort, MeanAggregateEstimateOverDatasetsIsThePremium) {
  power::PowerSpec spec;
  spec.pool = cohort_pool();
  spec.entry_first = kFirstEntry;
  spec.entry_last = kLastEntry;
  spec.premiums = {premium("0.03")};
  spec.firms = {600};
  spec.member_share = 0.3;
  spec.bootstrap = 0;
  spec.permutations = 99;
  spec.seed = 17;
  power::validate(spec);
  const power::TruePremium truth = power::true_premium(spec, spec.premiums[0]);
  ASSERT_EQ(truth.value, std::vector<double>(kMetrics, 0.03));
  const test::EstimateMoments e = test::dataset_estimate_moments(spec, 600, 80, truth);
  for (std::size_t m = 0; m < kMetrics; ++m) {
    EXPECT_NEAR(e.mean[m], 0.03, 4.0 * e.se(m)) << m;
    EXPECT_GT(e.sd[m], 0.0);
  }
}

// Each dataset's estimate is describe's cohort aggregate of that dataset, not one cohort's.
TEST(PowerPoolCohort, EstimateIsDescribesCohortAggregate) {
  power::PowerSpec spec;
  spec.pool = cohort_pool();
  spec.entry_first = kFirstEntry;
  spec.entry_last = kLastEntry;
  spec.premiums = {premium("0.02")};
  spec.firms = {500};
  spec.bootstrap = 99;
  spec.permutations = 0;
  spec.seed = 2;
  const power::TruePremium truth = power::true_premium(spec, spec.premiums[0]);
  const power::DatasetOutcome out = power::run_dataset(spec, spec.premiums[0], 500, 7, truth);
  const Sample s =
      power::pool_sample(*spec.pool, spec.premiums[0], 500, spec.member_share, spec.seed, 7);
  const Description d = describe_sample(s, power::study_design(spec));
  for (int m = 0; m < kMetrics; ++m) {
    bool found = false;
    for (const Estimate& e : d.results)
      if (e.metric == static_cast<std::size_t>(m) && e.cohort == kAllCohorts &&
          e.statistic == Statistic::mean_diff) {
        EXPECT_EQ(out.metric[m].estimate, e.value);
        found = true;
      }
    EXPECT_TRUE(found);
    for (const power::MethodOutcome& o : out.metric[m].methods) EXPECT_TRUE(o.defined);
  }
}

void expect_usage(const power::PowerSpec& spec, const std::string& needle) {
  test::expect_usage_error([&] { power::validate(spec); }, needle);
}

TEST(PowerPoolCohort, FlagsThatDoNotFitTheCohortDesignAreUsageErrors) {
  power::PowerSpec base;
  base.pool = cohort_pool();
  base.entry_first = kFirstEntry;
  base.entry_last = kLastEntry;
  base.premiums = {premium("0")};
  base.firms = {500};
  power::validate(base);

  power::PowerSpec s = base;
  s.from = 2012;
  expect_usage(s, "leave --from and --to out");
  s = base;
  s.entry_last = 2010;
  expect_usage(s, "--entry-years 2011:2010");
  s = base;
  s.horizon = 0;
  expect_usage(s, "--horizon must be between 1 and 50");
  s = base;
  s.entry_first = s.entry_last = 0;
  s.offset = -1;
  expect_usage(s, "give --entry-years A:B");
  // The entry-year column is read for a members profile only.
  s = base;
  auto with_entry = std::make_shared<power::Pool>(*cohort_pool());
  with_entry->source.columns.entry = "joined";
  s.pool = with_entry;
  expect_usage(s, "--entry joined names the --pool file's entry-year column");
}

TEST(PowerPoolCohort, CohortWindowWithoutFirmsIsBadData) {
  DesignOptions d = cohort_design();
  d.extra_cohorts.push_back(2019);  // its window [2019, 2022] has rows in 2019-2020 only
  EXPECT_NO_THROW(power::pool_from_panel(panel(), d));
  d.extra_cohorts.push_back(2030);
  try {
    power::pool_from_panel(panel(), d);
    ADD_FAILURE() << "a pool with an empty cohort window was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::bad_data);
    EXPECT_NE(std::string(e.what()).find("cohort 2030's window [2030, 2033]"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace klynge
