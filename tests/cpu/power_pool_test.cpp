// `klynge power --pool` in the library: the pool holds each firm's window growth; a dataset is
// what build_sample would make of the drawn firms, with the premium added to the members' log
// growth exactly; draws depend only on (seed, dataset, draw); the truth is the premium; the
// test holds its size at premium 0 and gains power with the premium; outcomes are the same for
// any thread count and any split of the datasets.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <memory>

#include "common/run_klynge.hpp"
#include "klynge/build_sample.hpp"
#include "klynge/error.hpp"
#include "klynge/hd/pool_draws.hpp"
#include "klynge/io/read_panel.hpp"
#include "klynge/power.hpp"
#include "klynge/power_pool.hpp"
#include "klynge/report/power_report.hpp"

namespace klynge {
namespace {

constexpr int kFrom = 2017, kTo = 2020;
// examples/firms.csv read with the default metric columns: employees, revenue, value_added.
constexpr int kPoolMetrics = 3;

// examples/firms.csv (2 000 firms, 2008-2020) as a pool over [2017, 2020], read once.
std::shared_ptr<const power::Pool> example_pool() {
  static const auto pool = std::make_shared<const power::Pool>(
      power::read_pool(test::example_file("firms.csv"), power::PoolColumns{}, kFrom, kTo, 0));
  return pool;
}

power::PowerSpec pool_spec() {
  power::PowerSpec s;
  s.premiums = power::parse_premium_grid({"0,0.05"});
  s.firms = {300};
  s.member_share = 0.25;
  s.datasets = 24;
  s.bootstrap = 99;
  s.permutations = 99;
  s.methods = {IntervalMethod::percentile, IntervalMethod::bca};
  s.seed = 11;
  s.pool = example_pool();
  return s;
}

bool same_double(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || a == b;
}

TEST(PowerPool, PoolHoldsTheWindowLogGrowthOfEveryFirmWithOne) {
  const power::Pool& pool = *example_pool();
  EXPECT_EQ(pool.source.file_firms, 2000u);
  EXPECT_GT(pool.firms(), 1000u);
  EXPECT_LE(pool.firms(), 2000u);
  EXPECT_EQ(pool.source.firms, pool.firms());
  EXPECT_EQ(pool.source.sha256.size(), 64u);
  EXPECT_EQ(pool.metrics(), (std::vector<std::string>{"employees", "revenue", "value_added"}));
  for (std::uint32_t k = 0; k < pool.firms(); ++k) {
    bool any = false;
    for (int m = 0; m < kPoolMetrics; ++m) {
      const double g = pool.windows[0].growth[m][k];
      if (!std::isfinite(g)) continue;
      any = true;
      EXPECT_DOUBLE_EQ(g, std::log(pool.windows[0].end[m][k] / pool.windows[0].start[m][k]) / (kTo - kFrom));
    }
    EXPECT_TRUE(any) << pool.firm_ids[k];
  }
  for (int m = 0; m < kPoolMetrics; ++m) {
    EXPECT_LE(pool.source.valid[m], pool.firms());
    EXPECT_GT(pool.source.valid[m], pool.firms() / 2);
  }
}

// The dataset Sample is built from growth values, not from a panel; at premium 0 it must be
// exactly what build_sample makes of a panel holding the drawn firms' window endpoints.
TEST(PowerPool, DatasetIsWhatBuildSampleMakesOfTheDrawnFirms) {
  const power::Pool& pool = *example_pool();
  const power::PremiumPoint zero = power::parse_premium_grid({"0"})[0];
  const std::uint32_t n = 400;
  const Sample s = power::pool_sample(pool, zero, n, 0.3, 5, 3);
  const std::uint32_t members = power::pool_members(n, 0.3);
  EXPECT_EQ(members, 120u);

  Panel panel;
  panel.path = "drawn firms";
  panel.firm_ids = s.firm_ids;
  panel.metric_names = s.metric_names;
  panel.metric.resize(kPoolMetrics);
  for (std::uint32_t j = 0; j < n; ++j)
    for (int year : {kFrom, kTo}) {
      panel.firm.push_back(static_cast<std::int32_t>(j));
      panel.year.push_back(year);
      panel.line.push_back(static_cast<std::int64_t>(panel.line.size()) + 2);
      panel.member.push_back(j < members ? 1 : 0);
      for (int m = 0; m < kPoolMetrics; ++m)
        panel.metric[m].push_back(year == kFrom ? s.start[m][j] : s.end[m][j]);
    }
  panel.data_lines = panel.rows();
  DesignOptions design;
  design.from = kFrom;
  design.to = kTo;
  const Sample b = build_sample(panel, design);

  ASSERT_EQ(b.cells.size(), 1u);
  EXPECT_EQ(s.cells[0].member_begin, b.cells[0].member_begin);
  EXPECT_EQ(s.cells[0].member_end, b.cells[0].member_end);
  EXPECT_EQ(s.cells[0].control_end, b.cells[0].control_end);
  EXPECT_EQ(s.cells[0].cohort, b.cells[0].cohort);
  EXPECT_EQ(s.firm, b.firm);
  EXPECT_EQ(s.stratum, b.stratum);
  EXPECT_EQ(s.firm_cluster, b.firm_cluster);
  EXPECT_EQ(s.firm_ids, b.firm_ids);
  EXPECT_EQ(s.metric_names, b.metric_names);
  for (int m = 0; m < kPoolMetrics; ++m)
    for (std::uint32_t j = 0; j < n; ++j) {
      EXPECT_TRUE(same_double(s.growth[m][j], b.growth[m][j])) << m << " " << j;
      EXPECT_TRUE(same_double(s.start[m][j], b.start[m][j]));
      EXPECT_TRUE(same_double(s.end[m][j], b.end[m][j]));
      EXPECT_EQ(s.weight[m][j], b.weight[m][j]);
    }
  ASSERT_EQ(s.drops.size(), b.drops.size());
  for (std::size_t i = 0; i < s.drops.size(); ++i) {
    EXPECT_EQ(s.drops[i].metric, b.drops[i].metric);
    EXPECT_EQ(s.drops[i].group, b.drops[i].group);
    EXPECT_EQ(s.drops[i].reason, b.drops[i].reason);
    EXPECT_EQ(s.drops[i].count, b.drops[i].count);
  }
  EXPECT_FALSE(s.drops.empty());  // the pool has firms missing a metric: they are counted
}

TEST(PowerPool, PremiumIsAddedToTheMembersLogGrowthExactly) {
  const power::Pool& pool = *example_pool();
  const auto grid = power::parse_premium_grid({"0", "employees=0.01,revenue=0.03"});
  const Sample base = power::pool_sample(pool, grid[0], 300, 0.25, 9, 1);
  const Sample with = power::pool_sample(pool, grid[1], 300, 0.25, 9, 1);
  const std::uint32_t members = base.cells[0].member_end;
  for (int m = 0; m < kPoolMetrics; ++m)
    for (std::uint32_t j = 0; j < 300; ++j) {
      const double pi = j < members ? grid[1].premium[m] : 0.0;
      EXPECT_TRUE(same_double(with.growth[m][j], base.growth[m][j] + pi)) << m << " " << j;
      EXPECT_EQ(with.weight[m][j], base.weight[m][j]);
    }
  EXPECT_EQ(grid[1].premium[2], 0.0);  // value added: unnamed, so no premium
}

TEST(PowerPool, DrawsDependOnlyOnSeedDatasetAndDrawNumber) {
  const power::Pool& pool = *example_pool();
  const power::PremiumPoint zero = power::parse_premium_grid({"0"})[0];
  const Sample small = power::pool_sample(pool, zero, 100, 0.2, 4, 7);
  const Sample large = power::pool_sample(pool, zero, 250, 0.2, 4, 7);
  for (std::uint32_t j = 0; j < 100; ++j) EXPECT_EQ(small.firm_ids[j], large.firm_ids[j]);
  EXPECT_EQ(small.cells[0].member_end, 20u);
  EXPECT_EQ(large.cells[0].member_end, 50u);
  const Sample other = power::pool_sample(pool, zero, 100, 0.2, 4, 8);
  EXPECT_NE(small.firm_ids, other.firm_ids);
  const Sample reseeded = power::pool_sample(pool, zero, 100, 0.2, 5, 7);
  EXPECT_NE(small.firm_ids, reseeded.firm_ids);

  // Uniform over the pool: 10 firms, 50 000 draws, every count within 5 sd of 5 000.
  std::array<int, 10> count{};
  for (std::uint64_t j = 0; j < 50'000; ++j) ++count[hd::pool_firm(1, 0, j, 10)];
  for (int c : count) EXPECT_NEAR(c, 5000, 5 * std::sqrt(50'000 * 0.1 * 0.9));
}

TEST(PowerPool, TrueValueIsThePremiumWithNoMonteCarloError) {
  const power::PowerSpec s = pool_spec();
  const auto point = power::parse_premium_grid({"employees=0.01,revenue=0.03"})[0];
  const power::TruePremium truth = power::true_premium(s, point);
  EXPECT_EQ(truth.value, point.premium);
  for (double se : truth.mc_se) EXPECT_EQ(se, 0.0);
}

TEST(PowerPool, SameRowsForAnyThreadCountAndAnySplitOfTheDatasets) {
  power::PowerSpec one = pool_spec();
  one.threads = 1;
  power::PowerSpec two = pool_spec();
  two.threads = 2;
  const auto a = power::power_json(one, power::run_study(one));
  const auto b = power::power_json(two, power::run_study(two));
  EXPECT_EQ(a["power"], b["power"]);
  EXPECT_EQ(a["tallies"], b["tallies"]);

  power::PowerSpec low = two, high = two;
  low.last = 7;
  high.first = 7;
  const auto merged =
      power::power_json(two, power::merge_tallies(power::run_study(high), power::run_study(low)));
  EXPECT_EQ(a["power"], merged["power"]);
  EXPECT_EQ(a["tallies"], merged["tallies"]);
}

TEST(PowerPool, SettingsRecordThePoolAndReadBack) {
  const power::PowerSpec s = pool_spec();
  const auto settings = power::settings_json(s);
  ASSERT_TRUE(settings.contains("pool"));
  EXPECT_EQ(settings["pool"]["sha256"], example_pool()->source.sha256);
  EXPECT_EQ(settings["pool"]["firms"], example_pool()->firms());
  EXPECT_EQ(settings["pool"]["delimiter"], "auto");
  EXPECT_FALSE(settings.contains("member_noise"));  // model settings: none with a pool
  EXPECT_FALSE(settings.contains("truth_firms"));
  EXPECT_EQ(power::settings_json(power::spec_from_settings(settings, "test")), settings);
}

TEST(PowerPool, ModelOnlySettingsConflictWithAPool) {
  power::PowerSpec s = pool_spec();
  s.member_noise = 2.0;
  try {
    power::validate(s);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    EXPECT_NE(std::string(e.what()).find("--member-noise"), std::string::npos) << e.what();
  }
  s = pool_spec();
  s.truth_firms = 5000;
  EXPECT_THROW(power::validate(s), Error);
  s.pool = nullptr;
  EXPECT_NO_THROW(power::validate(s));
}

TEST(PowerPool, FewerThanTwoFirmsWithAGrowthIsBadData) {
  ReadOptions read;
  read.membership = false;
  const Panel one = parse_panel(
      "firm_id,year,employees,revenue,value_added\n"
      "A,2017,3,10,5\nA,2020,4,12,6\n"
      "B,2017,0,,\nB,2020,5,,\n"  // B: no valid growth for any metric over the window
      "C,2019,2,2,2\n",           // C: not observed at both ends
      "tiny.csv", read);
  try {
    power::pool_from_panel(one, kFrom, kTo);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::bad_data);
    EXPECT_NE(std::string(e.what()).find("tiny.csv: the pool has 1 firm "), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(power::pool_from_panel(one, 2000, 2003), Error);  // no firm in the window
}

// The estimate averages to the premium, the truth the study reports (unbiased: members and
// controls are independent draws from the same firms).
TEST(PowerPool, MeanEstimateOverDatasetsIsThePremium) {
  power::PowerSpec s = pool_spec();
  s.bootstrap = 0;
  s.permutations = 0;
  const auto point = power::parse_premium_grid({"0.05"})[0];
  const power::TruePremium truth = power::true_premium(s, point);
  constexpr int R = 200;
  std::array<double, kPoolMetrics> sum{}, sum2{};
  for (int d = 0; d < R; ++d) {
    const auto o = power::run_dataset(s, point, 300, static_cast<std::uint32_t>(d), truth);
    for (int m = 0; m < kPoolMetrics; ++m) {
      ASSERT_TRUE(std::isfinite(o.metric[m].estimate));
      sum[m] += o.metric[m].estimate;
      sum2[m] += o.metric[m].estimate * o.metric[m].estimate;
    }
  }
  for (int m = 0; m < kPoolMetrics; ++m) {
    const double mean = sum[m] / R;
    const double se = std::sqrt((sum2[m] / R - mean * mean) / (R - 1));
    std::printf("metric %d: mean estimate %.5f (premium 0.05), se %.5f\n", m, mean, se);
    EXPECT_NEAR(mean, 0.05, 4 * se) << "metric " << m;
  }
}

// Size and power on the pool: at premium 0 the welch_t permutation test rejects at about
// alpha; power grows with the premium.
TEST(PowerPool, NullHoldsItsSizeAndPowerGrowsWithThePremium) {
  power::PowerSpec s = pool_spec();
  s.premiums = power::parse_premium_grid({"0,0.02,0.05"});
  s.datasets = 1000;  // about 0.3 s: a pool dataset is cheap to make
  s.bootstrap = 0;
  s.permutations = 99;
  s.threads = 2;
  const auto rows = power::power_rows(s, power::run_study(s));
  ASSERT_EQ(rows.size(), 9u);
  const double band = 4 * std::sqrt(0.05 * 0.95 / 1000);  // 0.028
  for (int m = 0; m < kPoolMetrics; ++m) {
    const power::PowerRow& null = rows[m];
    const power::PowerRow& small = rows[3 + m];
    const power::PowerRow& large = rows[6 + m];
    std::printf("%s: rejection rate %.4f / %.4f / %.4f at premium 0 / 0.02 / 0.05\n",
                null.metric.c_str(), null.rejection_rate, small.rejection_rate,
                large.rejection_rate);
    EXPECT_EQ(null.premium, 0.0);
    EXPECT_EQ(null.true_value, 0.0);
    EXPECT_EQ(large.true_value, 0.05);
    EXPECT_EQ(large.true_value_mc_se, 0.0);
    EXPECT_EQ(null.undefined, 0u);
    EXPECT_NEAR(null.rejection_rate, 0.05, band) << null.metric;
    // Each step up in premium: a clearly higher rate (the Clopper-Pearson intervals part).
    EXPECT_GT(small.ci_low, null.ci_high) << small.metric;
    EXPECT_GT(large.ci_low, small.ci_high) << large.metric;
  }
}

}  // namespace
}  // namespace klynge
