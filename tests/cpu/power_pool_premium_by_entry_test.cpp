// `klynge power --pool --entry-years A:B --premium-by-entry YEAR=FACTOR,...`: a premium that
// grows or fades with the entry year (docs/power.md "A premium that changes with the entry
// year"). The flag's parsing; each cohort's members get their factor times the premium and
// nothing else changes; the true value is the cohorts' premiums averaged with their expected
// valid members as weights, and the datasets' aggregate estimates average to it; the report
// records the factors, a merge refuses shards with other factors, the config file round-trips
// them, and misuse is a one-line usage error.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/cli_report.hpp"
#include "common/dataset_moments.hpp"
#include "common/expect_usage.hpp"
#include "common/run_klynge.hpp"
#include "klynge/error.hpp"
#include "klynge/io/read_panel.hpp"
#include "klynge/power.hpp"
#include "klynge/power_pool.hpp"

namespace klynge {
namespace {

constexpr int kFirstEntry = 2011, kLastEntry = 2015, kHorizon = 3;
constexpr int kMetrics = 3;  // examples/firms.csv: employees, revenue, value_added
const std::vector<double> kFading = {2.0, 1.5, 1.0, 0.5, 0.0};  // 2011..2015

std::shared_ptr<const power::Pool> cohort_pool() {
  static const auto pool = [] {
    ReadOptions read;
    read.membership = false;
    DesignOptions design;
    design.horizon = kHorizon;
    for (int g = kFirstEntry; g <= kLastEntry; ++g) design.extra_cohorts.push_back(g);
    return std::make_shared<const power::Pool>(
        power::pool_from_panel(read_panel(test::example_file("firms.csv"), read), design));
  }();
  return pool;
}

power::PremiumPoint premium(const std::string& value) {
  return power::parse_premium_grid({value})[0];
}

TEST(PowerPremiumByEntry, ParsingGivesOneFactorPerEntryYear) {
  using power::parse_premium_by_entry;
  EXPECT_TRUE(parse_premium_by_entry({}, 0, 0).empty());
  EXPECT_TRUE(parse_premium_by_entry({}, 2011, 2015).empty());
  EXPECT_EQ(parse_premium_by_entry({"2011=2, 2015 = 0.5"}, 2011, 2015),
            (std::vector<double>{2.0, 1.0, 1.0, 1.0, 0.5}));
  // One item per flag occurrence, as a config file's list gives them.
  EXPECT_EQ(parse_premium_by_entry({"2013=-1", "2012=0"}, 2011, 2015),
            (std::vector<double>{1.0, 0.0, -1.0, 1.0, 1.0}));
  EXPECT_EQ(parse_premium_by_entry({"2014=3"}, 2014, 2014), std::vector<double>{3.0});

  const auto parse = [](std::vector<std::string> v, int a, int b) {
    return [v, a, b] { power::parse_premium_by_entry(v, a, b); };
  };
  test::expect_usage_error(parse({"2011=2"}, 0, 0), "give --entry-years A:B");
  test::expect_usage_error(parse({"2010=2"}, 2011, 2015),
                           "2010 is not one of the entry years 2011..2015");
  test::expect_usage_error(parse({"2016=2"}, 2011, 2015),
                           "2016 is not one of the entry years 2011..2015");
  test::expect_usage_error(parse({"2012=2,2012=3"}, 2011, 2015), "entry year 2012 given twice");
  test::expect_usage_error(parse({"2012"}, 2011, 2015), "\"2012\": not YEAR=FACTOR");
  test::expect_usage_error(parse({"2012=fast"}, 2011, 2015), "\"fast\" is not a number");
  test::expect_usage_error(parse({"2012=nan"}, 2011, 2015), "is not a number");
  test::expect_usage_error(parse({"y=1"}, 2011, 2015), "is not an integer");
  test::expect_usage_error(parse({"2012=1"}, 2015, 2011), "--entry-years 2015:2011");
}

TEST(PowerPremiumByEntry, FactorsOfOneChangeNothing) {
  const power::Pool& pool = *cohort_pool();
  const std::vector<double> ones(pool.windows.size(), 1.0);
  const Sample plain = power::pool_sample(pool, premium("0.03"), 500, 0.3, 6, 2);
  const Sample scaled = power::pool_sample(pool, premium("0.03"), 500, 0.3, 6, 2, false, ones);
  EXPECT_EQ(plain.firm, scaled.firm);
  for (int m = 0; m < kMetrics; ++m) {
    for (std::size_t i = 0; i < plain.firm.size(); ++i) {
      const double a = plain.growth[m][i], b = scaled.growth[m][i];
      EXPECT_TRUE(a == b || (std::isnan(a) && std::isnan(b))) << i;
    }
  }
  EXPECT_EQ(power::pool_true_value(pool, premium("0.03"), false, ones), premium("0.03").premium);
}

// Cohort g's members get exactly premium x factor(g) on their growth (and the level at their
// window's end carries it); controls and the draws are untouched.
TEST(PowerPremiumByEntry, EachCohortsMembersGetTheirFactorTimesThePremium) {
  const power::Pool& pool = *cohort_pool();
  const Sample zero = power::pool_sample(pool, premium("0"), 600, 0.25, 3, 1, false, kFading);
  const Sample lifted = power::pool_sample(pool, premium("0.04"), 600, 0.25, 3, 1, false, kFading);
  ASSERT_EQ(zero.firm, lifted.firm);
  ASSERT_EQ(zero.cells.size(), kFading.size());
  for (const Cell& cell : zero.cells) {
    const double pi = 0.04 * kFading[static_cast<std::size_t>(cell.cohort - kFirstEntry)];
    for (std::uint32_t i = cell.member_begin; i < cell.control_end; ++i)
      for (int m = 0; m < kMetrics; ++m) {
        const bool member = i < cell.member_end;
        if (!std::isfinite(zero.growth[m][i])) continue;
        EXPECT_EQ(lifted.growth[m][i], zero.growth[m][i] + (member ? pi : 0.0));
        EXPECT_EQ(lifted.end[m][i], zero.end[m][i] * (member ? std::exp(pi * kHorizon) : 1.0));
      }
  }
}

// Members drawn as controls are: in each cohort the difference is the cohort's premium, and the
// aggregate weighs the cohorts by their valid members: a member draw takes cohort w with
// probability 1/5 and is valid with probability v_w / n_w (valid firms among the window's).
TEST(PowerPremiumByEntry, TrueValueIsTheCohortPremiumsWeightedByExpectedValidMembers) {
  const power::Pool& pool = *cohort_pool();
  const std::vector<double> truth = power::pool_true_value(pool, premium("0.02"), false, kFading);
  const std::vector<double> balanced = power::pool_true_value(pool, premium("0.02"), true, kFading);
  for (int m = 0; m < kMetrics; ++m) {
    double weights = 0.0, weighted = 0.0;
    for (std::size_t w = 0; w < pool.windows.size(); ++w) {
      const power::PoolWindow& window = pool.windows[w];
      double valid = 0.0;
      for (const double g : window.growth[m]) valid += std::isfinite(g) ? 1.0 : 0.0;
      const double weight = valid / static_cast<double>(window.firms.size()) / 5.0;
      weights += weight;
      weighted += weight * 0.02 * kFading[w];
    }
    EXPECT_NEAR(truth[m], weighted / weights, 1e-15) << m;
    EXPECT_EQ(balanced[m], truth[m]) << m;  // no composition gap to balance away
    // Not the plain mean of the factors (1): the windows' valid shares differ.
    EXPECT_NE(truth[m], 0.02) << m;
  }
  // One factor for every year: that multiple of the premium.
  const std::vector<double> doubled(pool.windows.size(), 2.0);
  for (const double t : power::pool_true_value(pool, premium("0.02"), false, doubled))
    EXPECT_NEAR(t, 0.04, 1e-15);
}

TEST(PowerPremiumByEntry, MeanAggregateEstimateOverDatasetsIsTheTrueValue) {
  power::PowerSpec spec;
  spec.pool = cohort_pool();
  spec.entry_first = kFirstEntry;
  spec.entry_last = kLastEntry;
  spec.premium_by_entry = kFading;
  spec.premiums = {premium("0.03")};
  spec.firms = {600};
  spec.member_share = 0.3;
  spec.bootstrap = 0;
  spec.permutations = 39;
  spec.seed = 23;
  power::validate(spec);
  const power::TruePremium truth = power::true_premium(spec, spec.premiums[0]);
  const test::EstimateMoments e = test::dataset_estimate_moments(spec, 600, 80, truth);
  for (std::size_t m = 0; m < kMetrics; ++m)
    EXPECT_NEAR(e.mean[m], truth.value[m], 4.0 * e.se(m)) << m;
}

TEST(PowerPremiumByEntry, ValidateRefusesAFactorOutsideTheCohortDesignOrTooLargeAPremium) {
  power::PowerSpec spec;
  spec.pool = cohort_pool();
  spec.entry_first = kFirstEntry;
  spec.entry_last = kLastEntry;
  spec.premium_by_entry = kFading;
  spec.premiums = {premium("0.5")};
  spec.firms = {500};
  power::validate(spec);
  spec.premiums = {premium("0.6")};  // 0.6 x 2 in 2011
  test::expect_usage_error(
      [&] { power::validate(spec); },
      "--premium-by-entry 2011=2 with --premium 0.6: the entry year's premium 1.2");
  spec.premiums = {premium("0.01")};
  spec.entry_first = spec.entry_last = 0;
  test::expect_usage_error([&] { power::validate(spec); }, "give --entry-years A:B");
}

std::vector<std::string> cohort_args(const std::string& json, const std::string& factors) {
  return {"power",
          "--pool",
          test::example_pool(),
          "--entry-years",
          "2011:2015",
          "--firms",
          "240",
          "--premium",
          "0,0.05",
          "--datasets",
          "8",
          "--bootstrap",
          "49",
          "--permutations",
          "49",
          "--seed",
          "5",
          "-q",
          "--premium-by-entry",
          factors,
          "--json",
          json};
}

TEST(PowerPremiumByEntryCli, ReportRecordsTheFactorsAndTheTrueValueFollowsThem) {
  const std::string dir = test::scratch_dir("power_premium_by_entry_report");
  const auto run = test::run_klynge((cohort_args(dir + "/f.json", "2011=2,2015=0")));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto report = test::read_json(dir + "/f.json");
  EXPECT_EQ(report["settings"]["premium_by_entry"],
            nlohmann::json::array({2.0, 1.0, 1.0, 1.0, 0.0}));
  const power::Pool& pool = *cohort_pool();
  for (const auto& r : report["power"]) {
    const double pi = r["premium"];
    std::size_t m = 0;
    while (pool.metrics()[m] != r["metric"]) ++m;
    const power::PremiumPoint point{std::vector<double>(kMetrics, pi), ""};
    const double expected =
        power::pool_true_value(pool, point, false, {2.0, 1.0, 1.0, 1.0, 0.0})[m];
    EXPECT_DOUBLE_EQ(r["true_value"].get<double>(), expected) << r;
    if (pi != 0.0) EXPECT_NE(r["true_value"].get<double>(), pi) << r;
  }
}

TEST(PowerPremiumByEntryCli, ShardsWithOtherFactorsAreAnotherStudy) {
  const std::string dir = test::scratch_dir("power_premium_by_entry_shards");
  auto low = (cohort_args(dir + "/low.json", "2011=2"));
  low.insert(low.end(), {"--dataset-range", "0:4"});
  auto high = (cohort_args(dir + "/high.json", "2011=2"));
  high.insert(high.end(), {"--dataset-range", "4:8"});
  auto other = (cohort_args(dir + "/other.json", "2011=3"));
  other.insert(other.end(), {"--dataset-range", "4:8"});
  auto whole = (cohort_args(dir + "/whole.json", "2011=2"));
  for (const auto& args : {low, high, other, whole}) {
    const auto run = test::run_klynge(args);
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  const auto merged = test::run_klynge({"power", "--merge", dir + "/low.json", dir + "/high.json",
                                        "--json", dir + "/merged.json", "-q"});
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  EXPECT_EQ(test::read_json(dir + "/merged.json")["power"],
            test::read_json(dir + "/whole.json")["power"]);
  const auto bad = test::run_klynge({"power", "--merge", dir + "/low.json", dir + "/other.json",
                                     "--json", dir + "/bad.json", "-q"});
  EXPECT_EQ(bad.exit_code, 64) << bad.err;
  EXPECT_NE(bad.err.find("another study"), std::string::npos) << bad.err;
}

TEST(PowerPremiumByEntryCli, ConfigFileRoundTripsTheFactors) {
  const std::string dir = test::scratch_dir("power_premium_by_entry_config");
  auto args = (cohort_args(dir + "/flags.json", "2011=2,2013=0.5"));
  args.erase(args.end() - 2, args.end());  // the helper adds --json
  test::expect_config_round_trip(args, dir, "power");
}

TEST(PowerPremiumByEntryCli, MisuseIsAOneLineUsageError) {
  const std::string dir = test::scratch_dir("power_premium_by_entry_usage");
  const std::string json = dir + "/p.json";
  auto window = (cohort_args(json, "2011=2"));
  window.erase(window.begin() + 3, window.begin() + 5);  // --entry-years A:B
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {window, "--premium-by-entry scales the premium per entry year of the cohort design"},
      {(cohort_args(json, "2019=2")), "2019 is not one of the entry years"},
      {(cohort_args(json, "2011:2")), "not YEAR=FACTOR"},
      {(cohort_args(json, "2011=30")), "is not a log growth per year"},
  };
  for (const auto& [args, needle] : cases) {
    const auto run = test::run_klynge(args);
    EXPECT_EQ(run.exit_code, 64) << run.err;
    EXPECT_TRUE(test::one_line(run.err)) << run.err;
    EXPECT_NE(run.err.find(needle), std::string::npos) << run.err;
    EXPECT_FALSE(std::filesystem::exists(json)) << needle;
  }
}

}  // namespace
}  // namespace klynge
