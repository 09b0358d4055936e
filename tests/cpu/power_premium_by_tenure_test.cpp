// `--premium-by-tenure K=FACTOR,...` (docs/power.md "A premium that changes with the years in
// the cluster"): a member's K-th year after entry adds FACTOR x the premium. Parsing; the
// simulated panels (no factors keep their bits, a member's gap to its counterfactual is the
// premium times its summed factors); a pool's per-window factor; the truth of simulated and
// pool studies and the datasets' estimates around it; the report, the table and usage errors;
// `klynge simulate --premium-by-tenure`.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
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
#include "klynge/simulate.hpp"

namespace klynge {
namespace {

constexpr int kMetrics = 3;

TEST(PremiumByTenure, ParsingGivesFactorsUpToTheLastYearNamed) {
  using sim::parse_tenure_factors;
  constexpr std::string_view flag = "--premium-by-tenure";
  EXPECT_TRUE(parse_tenure_factors(flag, {}, 64).empty());
  EXPECT_EQ(parse_tenure_factors(flag, {"3=2, 1 = 0"}, 64), (std::vector<double>{0.0, 1.0, 2.0}));
  EXPECT_EQ(parse_tenure_factors(flag, {"2=0.5", "1=0"}, 64), (std::vector<double>{0.0, 0.5}));
  const auto parse = [&](std::vector<std::string> v) {
    return [v, flag] { parse_tenure_factors(flag, v, 64); };
  };
  test::expect_usage_error(parse({"0=1"}), "0 is not a year in the cluster 1..64");
  test::expect_usage_error(parse({"65=1"}), "65 is not a year in the cluster 1..64");
  test::expect_usage_error(parse({"2=1,2=0"}), "year 2 in the cluster given twice");
  test::expect_usage_error(parse({"2"}), "\"2\": not K=FACTOR");
  test::expect_usage_error(parse({"2=slow"}), "\"slow\" is not a number");
  test::expect_usage_error(parse({"k=1"}), "is not an integer");
}

sim::SimSpec tenure_spec() {
  sim::SimSpec s;
  s.firms = 4000;
  s.seed = 31;
  s.member_share = 0.3;
  s.premium = {0.02, 0.03, 0.05};
  return s;
}

TEST(SimPremiumByTenure, FactorsOfOneKeepThePanelsBits) {
  sim::SimSpec s = tenure_spec();
  const std::string plain = [&] {
    std::string out;
    sim::simulate_csv(s, [&](std::string_view piece) { out.append(piece); });
    return out;
  }();
  s.premium_by_tenure = {1, 1, 1, 1};
  std::string factored;
  sim::simulate_csv(s, [&](std::string_view piece) { factored.append(piece); });
  EXPECT_EQ(factored, plain);
}

// A member's values after d years in the cluster are its counterfactual values times
// exp(premium x (A_1 + ... + A_d)), later years counting 1; the first year with factor 0 is
// the counterfactual itself, bit for bit.
TEST(SimPremiumByTenure, GapToTheCounterfactualIsThePremiumTimesTheSummedFactors) {
  const std::vector<double> factors = {0.0, 0.5, 2.0};
  const std::vector<double> summed = {0.0, 0.5, 2.5};
  sim::SimSpec s = tenure_spec();
  s.premium_by_tenure = factors;
  const sim::SimPanel treated = sim::simulate_panel(s);
  const std::array<double, kMetrics> premium = s.premium;
  s.premium = {0, 0, 0};
  const sim::SimPanel base = sim::simulate_panel(s);
  ASSERT_EQ(treated.rows(), base.rows());
  std::size_t first_year = 0, later = 0;
  for (std::size_t r = 0; r < base.rows(); ++r) {
    const int d =
        base.member[r] && base.year[r] > base.entry_year[r] ? base.year[r] - base.entry_year[r] : 0;
    const double years = d == 0                                 ? 0.0
                         : d <= static_cast<int>(summed.size()) ? summed[d - 1]
                                                                : summed.back() + (d - 3);
    for (int m = 0; m < kMetrics; ++m) {
      const double x1 = treated.metric[m][r], x0 = base.metric[m][r];
      ASSERT_EQ(std::isnan(x1), std::isnan(x0));
      if (std::isnan(x0)) continue;
      if (years == 0.0 || x0 == 0.0 || x1 == 0.0) {
        if (years == 0.0) ASSERT_EQ(x1, x0) << "row " << r << " year in cluster " << d;
        first_year += d == 1;
        continue;
      }
      const double factor = std::exp(premium[m] * years);
      const double grid = m == 0 ? 1.0 : 0.1;  // both values were rounded to it
      EXPECT_NEAR(x1, x0 * factor, grid * (0.5 + 0.5 * factor) + 1e-9 * x1)
          << "row " << r << " metric " << m << " year in cluster " << d;
      ++later;
    }
  }
  EXPECT_GT(first_year, 500u);
  EXPECT_GT(later, 5000u);
}

TEST(SimPremiumByTenure, FactorsAreCheckedLikeThePremium) {
  sim::SimSpec s = tenure_spec();
  s.premium_by_tenure = {1, 25};  // 25 x 0.05 is no log growth per year
  test::expect_usage_error([&] { sim::validate(s); }, "--premium-by-tenure 2=25: the premium 1.25");
  s.premium_by_tenure.assign(65, 1.0);
  test::expect_usage_error([&] { sim::validate(s); }, "at most 64 years in the cluster");
  // A metric without a premium takes any factor, but the sums must stay numbers (0 x inf).
  s.premium = {0.0, 0.0, 0.0};
  s.premium_by_tenure = {1e308, 1e308};
  test::expect_usage_error([&] { sim::validate(s); },
                           "the factors of years 1..2 do not sum to a number");
}

power::PowerSpec simulated_study(std::vector<double> tenure) {
  power::PowerSpec s;
  s.from = 2017;
  s.to = 2020;
  s.premiums = power::parse_premium_grid({"0.03"});
  s.premium_by_tenure = std::move(tenure);
  s.firms = {1500};
  s.member_share = 0.2;
  s.bootstrap = 0;
  s.permutations = 39;
  s.truth_firms = 40'000;
  s.seed = 13;
  return s;
}

// The window design's members join at --from: over 2017..2020 they have years 1..3 in the
// cluster, so factors 0, 1, 1 give 2/3 of the premium (for revenue and value added up to the
// rounding of the panels' values), and the datasets' estimates average to that truth.
TEST(PowerSimPremiumByTenure, TruthIsThePremiumTimesTheWindowsMeanFactor) {
  const power::PowerSpec spec = simulated_study({0, 1, 1});
  power::validate(spec);
  const power::TruePremium truth = power::true_premium(spec, spec.premiums[0]);
  for (int m = 1; m < kMetrics; ++m) EXPECT_NEAR(truth.value[m], 0.02, 1e-5) << "metric " << m;
  const test::EstimateMoments e = test::dataset_estimate_moments(spec, 1500, 60, truth);
  for (std::size_t m = 0; m < kMetrics; ++m) {
    const double se = std::hypot(e.se(m), truth.mc_se[m]);
    EXPECT_NEAR(e.mean[m], truth.value[m], 4.0 * se) << "metric " << m;
  }
}

// The cohort design on simulated panels: windows [g + 1, g + 3] hold years 2..3 in the
// cluster, so with factors 0, 0, 3 the premium is 1.5 x pi for every cohort.
TEST(PowerSimPremiumByTenure, CohortWindowsAfterAnOffsetReadTheirYears) {
  power::PowerSpec spec = simulated_study({0, 0, 3});
  spec.from = power::PowerSpec{}.from;
  spec.to = power::PowerSpec{}.to;
  spec.entry_first = 2011;
  spec.entry_last = 2013;
  spec.offset = 1;
  spec.horizon = 2;
  power::validate(spec);
  const power::TruePremium truth = power::true_premium(spec, spec.premiums[0]);
  for (int m = 1; m < kMetrics; ++m) EXPECT_NEAR(truth.value[m], 0.045, 1e-5) << "metric " << m;
}

std::shared_ptr<const power::Pool> window_pool() {
  static const auto pool = [] {
    ReadOptions read;
    read.membership = false;
    DesignOptions design;
    design.from = 2017;
    design.to = 2020;
    return std::make_shared<const power::Pool>(
        power::pool_from_panel(read_panel(test::example_file("firms.csv"), read), design));
  }();
  return pool;
}

TEST(PowerPoolPremiumByTenure, EachWindowsFactorIsTheMeanOverItsYearsInTheCluster) {
  power::PowerSpec spec;
  spec.from = 2017;
  spec.to = 2020;
  EXPECT_TRUE(power::pool_premium_factors(spec).empty());
  spec.premium_by_tenure = {0.0, 1.5};  // years 1..3: 0, 1.5, 1
  EXPECT_EQ(power::pool_premium_factors(spec), std::vector<double>{2.5 / 3.0});
  // Cohort design, entry factors too: each cohort's factor times the windows' mean.
  spec.from = power::PowerSpec{}.from;
  spec.to = power::PowerSpec{}.to;
  spec.entry_first = 2011;
  spec.entry_last = 2012;
  spec.premium_by_entry = {2.0, 0.5};
  spec.horizon = 2;
  spec.offset = 1;  // years 2..3: 1.5, 1
  EXPECT_EQ(power::pool_premium_factors(spec), (std::vector<double>{2.5, 0.625}));
  // A window starting before the entry: its years before it count 1, as a pool adds the
  // premium to every year of the window.
  spec.premium_by_entry.clear();
  spec.offset = -1;  // years 0..1: 1, 0
  spec.horizon = 2;
  EXPECT_EQ(power::pool_premium_factors(spec), (std::vector<double>{0.5, 0.5}));
}

TEST(PowerPoolPremiumByTenure, DatasetsAndTruthAreThoseOfTheScaledPremium) {
  power::PowerSpec spec;
  spec.pool = window_pool();
  spec.from = 2017;
  spec.to = 2020;
  spec.premiums = power::parse_premium_grid({"0.03"}, spec.pool->metrics());
  spec.premium_by_tenure = {0.0, 0.0, 1.5};  // a mean factor of 1/2 over years 1..3
  spec.firms = {400};
  spec.member_share = 0.25;
  spec.seed = 9;
  power::validate(spec);
  const power::PremiumPoint half = power::parse_premium_grid({"0.015"}, spec.pool->metrics())[0];
  const power::TruePremium truth = power::true_premium(spec, spec.premiums[0]);
  const std::vector<double> scaled = power::pool_true_value(*spec.pool, half, false);
  for (std::size_t m = 0; m < scaled.size(); ++m) EXPECT_NEAR(truth.value[m], scaled[m], 1e-15);
  const Sample a = power::pool_sample(*spec.pool, spec.premiums[0], 400, 0.25, 9, 3, false,
                                      power::pool_premium_factors(spec));
  const Sample b = power::pool_sample(*spec.pool, half, 400, 0.25, 9, 3);
  ASSERT_EQ(a.growth.size(), b.growth.size());
  for (std::size_t m = 0; m < a.growth.size(); ++m) {
    ASSERT_EQ(a.growth[m].size(), b.growth[m].size());
    for (std::size_t i = 0; i < a.growth[m].size(); ++i) {
      ASSERT_EQ(std::isnan(a.growth[m][i]), std::isnan(b.growth[m][i])) << m << " " << i;
      if (!std::isnan(b.growth[m][i]))
        EXPECT_NEAR(a.growth[m][i], b.growth[m][i], 1e-15) << m << " " << i;
    }
  }
}

TEST(PowerPremiumByTenure, ValidateRefusesTooLargeAYearsPremium) {
  power::PowerSpec spec = simulated_study({1, 20});
  power::validate(spec);  // 0.03 x 20 = 0.6
  spec.premium_by_tenure = {1, 40};
  test::expect_usage_error([&] { power::validate(spec); },
                           "--premium-by-tenure 2=40 with --premium 0.03: the year's premium 1.2");
  spec.premium_by_tenure = {1, 20};
  spec.entry_first = 2011;
  spec.entry_last = 2012;
  spec.from = power::PowerSpec{}.from;
  spec.to = power::PowerSpec{}.to;
  spec.premium_by_entry = {2, 1};  // 0.03 x 2 x 20
  test::expect_usage_error([&] { power::validate(spec); },
                           "(entry factor 2): the year's premium 1.2");
  spec.premium_by_entry = {0.5, 0.25};  // the largest year's premium: 0.03 x 0.5 x 60 = 0.9
  spec.premium_by_tenure = {1, 60};
  power::validate(spec);
  spec.premiums = power::parse_premium_grid({"0"});
  spec.premium_by_tenure = {1e308, 1e308};
  test::expect_usage_error([&] { power::validate(spec); },
                           "the factors of years 1..2 do not sum to a number");
}

TEST(PowerPremiumByTenureCli, ReportTableAndSimulate) {
  const std::string dir = test::scratch_dir("power_premium_by_tenure");
  const auto run =
      test::run_klynge({"power", "--firms", "300", "--premium", "0.03", "--premium-by-tenure",
                        "1=0,2=0.5", "--datasets", "4", "--bootstrap", "0", "--permutations", "39",
                        "--truth-firms", "20000", "--seed", "3", "--json", dir + "/p.json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // The design line (wrapped): the factors as the flag takes them.
  for (const char* part : {"simulated panels; premium x",
                           "factor per year in the cluster: 1=0, "
                           "2=0.5, later 1"})
    EXPECT_NE(run.out.find(part), std::string::npos) << part << "\n" << run.out;
  const auto report = test::read_json(dir + "/p.json");
  EXPECT_EQ(report["settings"]["premium_by_tenure"], nlohmann::json::array({0.0, 0.5}));
  for (const auto& r : report["power"])
    if (r["metric"] != "employees")  // years 1..3: 0, 0.5, 1
      EXPECT_NEAR(r["true_value"].get<double>(), 0.03 * 1.5 / 3.0, 1e-5) << r;

  const auto refused = test::run_klynge({"power", "--firms", "300", "--premium", "0.03",
                                         "--premium-by-tenure", "0=1", "--datasets", "4", "-q"});
  EXPECT_EQ(refused.exit_code, 64) << refused.err;
  EXPECT_NE(refused.err.find("0 is not a year in the cluster"), std::string::npos) << refused.err;

  sim::SimSpec s;
  s.firms = 500;
  s.seed = 8;
  s.premium_by_tenure = {0.0, 2.0};
  std::string expected;
  sim::simulate_csv(s, [&](std::string_view piece) { expected.append(piece); });
  const auto simulated = test::run_klynge({"simulate", "--firms", "500", "--seed", "8",
                                           "--premium-by-tenure", "2=2,1=0", "-q", "-o", "-"});
  ASSERT_EQ(simulated.exit_code, 0) << simulated.err;
  EXPECT_EQ(simulated.out, expected);
  const auto too_large = test::run_klynge({"simulate", "--firms", "50", "--premium", "0.5",
                                           "--premium-by-tenure", "1=3", "-q", "-o", "-"});
  EXPECT_EQ(too_large.exit_code, 64) << too_large.err;
  EXPECT_NE(too_large.err.find("--premium-by-tenure 1=3"), std::string::npos) << too_large.err;
}

std::vector<std::string> study_args(const std::string& factors) {
  return {"power",
          "--firms",
          "300",
          "--premium",
          "0,0.03",
          "--datasets",
          "6",
          "--bootstrap",
          "39",
          "--permutations",
          "39",
          "--truth-firms",
          "20000",
          "--seed",
          "4",
          "-q",
          "--premium-by-tenure",
          factors};
}

TEST(PowerPremiumByTenureCli, ConfigRoundTripsAndShardsWithOtherFactorsDoNotMerge) {
  const std::string dir = test::scratch_dir("power_premium_by_tenure_shards");
  test::expect_config_round_trip(study_args("1=0,3=2"), dir, "power");
  const auto shard = [&](const std::string& factors, const std::string& range,
                         const std::string& name) {
    auto args = study_args(factors);
    args.insert(args.end(), {"--dataset-range", range, "--json", dir + "/" + name});
    const auto run = test::run_klynge(args);
    ASSERT_EQ(run.exit_code, 0) << run.err;
  };
  shard("1=0", "0:3", "low.json");
  shard("1=0", "3:6", "high.json");
  shard("1=0.5", "3:6", "other.json");
  shard("1=0", "0:6", "whole.json");
  const auto merged = test::run_klynge({"power", "--merge", dir + "/high.json", dir + "/low.json",
                                        "--json", dir + "/merged.json", "-q"});
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  EXPECT_EQ(test::read_json(dir + "/merged.json")["power"],
            test::read_json(dir + "/whole.json")["power"]);
  EXPECT_EQ(test::read_json(dir + "/merged.json")["settings"]["premium_by_tenure"],
            nlohmann::json::array({0.0}));
  const auto bad = test::run_klynge({"power", "--merge", dir + "/low.json", dir + "/other.json",
                                     "--json", dir + "/bad.json", "-q"});
  EXPECT_EQ(bad.exit_code, 64) << bad.err;
  EXPECT_NE(bad.err.find("another study"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace klynge
