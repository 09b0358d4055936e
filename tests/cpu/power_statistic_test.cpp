// `klynge power --statistic` and `--perm-statistic` beyond the mean: on pool datasets a
// member's growth is a population firm's + the premium, so the members' distribution is the
// controls' shifted by it and every location statistic's true difference is the premium. The
// median and trimmed-mean intervals cover it and their tests hold their size; the statistic is
// the one the engines and describe compute for `analyze`; settings round-trip; a statistic
// whose truth is unknown is refused (docs/power.md "Other statistics").
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/cli_report.hpp"
#include "common/run_klynge.hpp"
#include "klynge/error.hpp"
#include "klynge/power.hpp"
#include "klynge/power_pool.hpp"
#include "klynge/report/power_report.hpp"

namespace klynge {
namespace {

std::shared_ptr<const power::Pool> example_pool() {
  static const auto pool = std::make_shared<const power::Pool>(
      power::read_pool(test::example_file("firms.csv"), power::PoolColumns{}, 2017, 2020, 0));
  return pool;
}

power::PowerSpec median_spec() {
  power::PowerSpec s;
  s.premiums = power::parse_premium_grid({"0,0.03"});
  s.firms = {600};
  s.member_share = 0.25;
  s.datasets = 160;
  s.bootstrap = 199;
  s.permutations = 99;
  s.seed = 4;
  s.pool = example_pool();
  s.statistic = Statistic::median_diff;
  s.test_statistic = Statistic::median_diff;
  return s;
}

// Revenue and value added are continuous, so their medians behave; employees are integers, whose
// log growth over three years has a large atom at 0 (unchanged headcount), so the median
// difference is 0 in almost every dataset and replicate at premium 0 (docs/power.md).
TEST(PowerStatistic, MedianIntervalsCoverThePremiumAndTheMedianTestHoldsItsSize) {
  const power::PowerSpec spec = median_spec();
  power::validate(spec);
  const auto rows = power::power_rows(spec, power::run_study(spec));
  for (const power::PowerRow& r : rows) {
    EXPECT_EQ(r.true_value, r.premium) << r.metric;
    EXPECT_EQ(r.test, "permutation_median_diff");
    if (r.metric == "employees") continue;
    // 160 datasets: Monte Carlo se 0.017 for a rate of 0.95, 0.017 for 0.05.
    if (r.premium == 0.0) EXPECT_LT(r.rejection_rate, 0.12) << r.metric;
    if (r.premium > 0.0) EXPECT_GT(r.rejection_rate, 0.3) << r.metric;
    ASSERT_EQ(r.coverage.size(), 2u);
    for (const power::CoverageRow& c : r.coverage) {
      EXPECT_GT(c.rate, 0.88) << r.metric;
      EXPECT_EQ(c.undefined, 0u) << r.metric;
    }
  }
}

// The estimate the rows average is the statistic asked for: the mean of the per-dataset median
// differences, not of the mean differences (they differ on skewed growth).
TEST(PowerStatistic, DatasetOutcomeCarriesTheChosenStatistic) {
  power::PowerSpec spec = median_spec();
  const power::PremiumPoint zero = spec.premiums[0];
  const power::TruePremium truth = power::true_premium(spec, zero);
  const power::DatasetOutcome median = power::run_dataset(spec, zero, 600, 2, truth);
  spec.statistic = Statistic::mean_diff;
  spec.test_statistic = Statistic::welch_t;
  const power::DatasetOutcome mean = power::run_dataset(spec, zero, 600, 2, truth);
  spec.statistic = Statistic::trimmed_mean_diff;
  spec.trim = 0.25;
  const power::DatasetOutcome trimmed = power::run_dataset(spec, zero, 600, 2, truth);
  for (std::size_t m = 1; m < 3; ++m) {
    EXPECT_NE(median.metric[m].estimate, mean.metric[m].estimate) << m;
    EXPECT_NE(trimmed.metric[m].estimate, mean.metric[m].estimate) << m;
    EXPECT_NE(trimmed.metric[m].estimate, median.metric[m].estimate) << m;
  }
}

TEST(PowerStatistic, SettingsRecordTheStatisticAndTrimAndReadBack) {
  power::PowerSpec spec = median_spec();
  spec.statistic = Statistic::trimmed_mean_diff;
  spec.trim = 0.2;
  const auto settings = power::settings_json(spec);
  EXPECT_EQ(settings["statistic"], "trimmed_mean_diff");
  EXPECT_EQ(settings["trim"], 0.2);
  EXPECT_EQ(settings["test_statistic"], "median_diff");
  EXPECT_EQ(power::settings_json(power::spec_from_settings(settings, "test")), settings);
  EXPECT_FALSE(power::settings_json(power::PowerSpec{}).contains("trim"));
}

TEST(PowerStatistic, StatisticsWithoutAKnownTruthAreRefused) {
  auto expect_usage = [](const power::PowerSpec& spec, const std::string& text) {
    try {
      power::validate(spec);
      ADD_FAILURE() << "no error: " << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::usage);
      EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
    }
  };
  // Simulated panels: members are a random draw, so the median's truth is known (below), but
  // not where they are selected on size or noisier.
  power::PowerSpec simulated;
  simulated.premiums = power::parse_premium_grid({"0"});
  simulated.firms = {200};
  simulated.statistic = Statistic::median_diff;
  EXPECT_NO_THROW(power::validate(simulated));
  for (const auto& [flag, change] :
       std::vector<std::pair<std::string, std::function<void(power::PowerSpec&)>>>{
           {"--selection", [](power::PowerSpec& s) { s.selection = 0.5; }},
           {"--member-noise", [](power::PowerSpec& s) { s.member_noise = 2.0; }}}) {
    power::PowerSpec changed = simulated;
    change(changed);
    expect_usage(changed, "--statistic median_diff with " + flag);
    changed.statistic = Statistic::mean_diff;
    EXPECT_NO_THROW(power::validate(changed)) << flag;
    changed.statistic = Statistic::trimmed_mean_diff;
    expect_usage(changed, "--statistic trimmed_mean_diff with " + flag);
  }
  // A hundred one-year cohorts on the smallest truth panel: too few members per cell to
  // measure a median's truth, which the user can fix.
  power::PowerSpec thin = simulated;
  thin.entry_first = 1950;
  thin.entry_last = 2049;
  thin.horizon = 1;
  thin.truth_firms = 1000;
  power::validate(thin);
  try {
    power::true_premium(thin, thin.premiums[0]);
    ADD_FAILURE() << "no error for a thin truth panel";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    EXPECT_NE(std::string(e.what()).find("raise --truth-firms"), std::string::npos) << e.what();
  }
  power::PowerSpec balanced = simulated;  // random members, balanced: the same truth
  balanced.balance = true;
  balanced.sim_strata = {"nace"};
  EXPECT_NO_THROW(power::validate(balanced));
  balanced.home_share = 0.5;  // and within industries, where members gather
  EXPECT_NO_THROW(power::validate(balanced));
  simulated.statistic = Statistic::mean_diff;
  simulated.test_statistic = Statistic::median_diff;  // a test needs no truth
  EXPECT_NO_THROW(power::validate(simulated));

  power::PowerSpec studentized = median_spec();
  studentized.methods = {IntervalMethod::percentile, IntervalMethod::studentized};
  expect_usage(studentized, "--interval studentized");

  power::PowerSpec trim = median_spec();
  trim.trim = 0.5;
  expect_usage(trim, "--trim");

  power::PowerSpec agg = median_spec();
  agg.statistic = Statistic::agg_diff;
  expect_usage(agg, "--statistic agg_diff");
  agg = median_spec();
  agg.test_statistic = Statistic::agg_diff;
  expect_usage(agg, "--perm-statistic agg_diff");

  auto profiled = std::make_shared<power::Pool>(*example_pool());
  profiled->source.columns.strata = {"nace"};
  profiled->source.columns.profile = power::MemberProfile::members;
  power::PowerSpec unbalanced = median_spec();
  unbalanced.pool = profiled;
  expect_usage(unbalanced, "needs --balance");
  unbalanced.balance = true;
  EXPECT_NO_THROW(power::validate(unbalanced));
}

// median_spec's study on simulated panels (the truth panel smaller than the default).
power::PowerSpec simulated_median_spec() {
  power::PowerSpec s = median_spec();
  s.pool = nullptr;
  s.datasets = 120;
  s.seed = 6;
  s.truth_firms = 40000;
  return s;
}

// On simulated panels the truth panel measures the statistic itself: the members' median (or
// trimmed mean) minus that of the same members' growth without the premium. Without a premium
// the two are the same numbers; with one, revenue and value added (continuous up to rounding to
// tenths) shift by the premium, and headcount, rounded to whole employees, keeps its median at
// the atom of unchanged firms, where its mean moves (docs/power.md "Other statistics").
TEST(PowerStatistic, SimulatedPanelsTruthIsTheMembersShiftOfTheStatistic) {
  power::PowerSpec spec = simulated_median_spec();
  power::validate(spec);
  for (const Statistic statistic : {Statistic::median_diff, Statistic::trimmed_mean_diff}) {
    spec.statistic = statistic;
    const power::TruePremium zero = power::true_premium(spec, spec.premiums[0]);
    const power::TruePremium some = power::true_premium(spec, spec.premiums[1]);
    for (std::size_t m = 0; m < 3; ++m) {
      EXPECT_EQ(zero.value[m], 0.0) << m;
      EXPECT_EQ(zero.mc_se[m], 0.0) << m;
      EXPECT_TRUE(std::isfinite(some.mc_se[m])) << m;
    }
    for (std::size_t m = 1; m < 3; ++m) {
      EXPECT_NEAR(some.value[m], 0.03, 5e-4) << m;
      EXPECT_LT(some.mc_se[m], 5e-4) << m;
    }
    if (statistic == Statistic::median_diff) EXPECT_EQ(some.value[0], 0.0);
  }
  spec.statistic = Statistic::mean_diff;
  const power::TruePremium mean = power::true_premium(spec, spec.premiums[1]);
  EXPECT_GT(mean.value[0], 0.01);  // the mean of headcount growth does move
}

// The median's intervals on simulated panels cover that truth and its test holds its size.
TEST(PowerStatistic, SimulatedPanelsMedianIntervalsCoverTheTruth) {
  const power::PowerSpec spec = simulated_median_spec();
  power::validate(spec);
  const auto rows = power::power_rows(spec, power::run_study(spec));
  for (const power::PowerRow& r : rows) {
    if (r.metric == "employees") continue;
    // 120 datasets: Monte Carlo se 0.020 for a rate of 0.95 or 0.05.
    if (r.premium == 0.0) EXPECT_LT(r.rejection_rate, 0.13) << r.metric;
    ASSERT_EQ(r.coverage.size(), 2u);
    for (const power::CoverageRow& c : r.coverage) {
      EXPECT_GT(c.rate, 0.87) << r.metric << " " << r.premium;
      EXPECT_EQ(c.undefined, 0u) << r.metric;
    }
  }
}

TEST(PowerStatisticCli, FlagsReachTheReportAndBadValuesAreOneLine) {
  const std::string dir = test::scratch_dir("power_statistic_cli");
  const std::vector<std::string> base = {"power",
                                         "--pool",
                                         test::example_pool(),
                                         "--firms",
                                         "300",
                                         "--premium",
                                         "0",
                                         "--datasets",
                                         "6",
                                         "--bootstrap",
                                         "99",
                                         "--permutations",
                                         "99",
                                         "-q",
                                         "--json",
                                         dir + "/p.json"};
  auto args = base;
  args.insert(args.end(), {"--statistic", "trimmed_mean_diff", "--trim", "0.2", "--perm-statistic",
                           "trimmed_mean_diff"});
  const auto run = test::run_klynge(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto report = test::read_json(dir + "/p.json");
  EXPECT_EQ(report["settings"]["statistic"], "trimmed_mean_diff");
  EXPECT_EQ(report["settings"]["trim"], 0.2);
  EXPECT_EQ(report["power"][0]["test"], "permutation_trimmed_mean_diff");

  for (const auto& [flag, value, text] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"--statistic", "mode_diff", "--statistic: \"mode_diff\""},
           {"--perm-statistic", "mode_diff", "--perm-statistic: \"mode_diff\""},
           {"--trim", "0.7", "--trim must be in [0, 0.5)"},
           {"--trim", "lots", "--trim"}}) {
    auto bad = base;
    bad.insert(bad.end(), {flag, value});
    const auto r = test::run_klynge(bad);
    EXPECT_EQ(r.exit_code, 64) << r.err;
    EXPECT_TRUE(test::one_line(r.err)) << r.err;
    EXPECT_NE(r.err.find(text), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace klynge
