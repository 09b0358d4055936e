// Validation of `klynge power` studies (slow: label `slow`, run by `scripts/test.sh --slow` or
// `ctest -L slow`, never by CI; figures in docs/power.md "Validation"):
//  - the studentized (welch_t) permutation test holds its size within Monte Carlo error under
//    unequal variances and group sizes, where the plain mean difference does not;
//  - percentile and BCa intervals of the mean difference cover the true premium near nominal;
//  - power increases with the premium;
//  - on a pool whose members sit in their clusters' industries, the raw comparison takes the
//    industry mix for a premium, while the stratified test of balanced datasets holds its size
//    and the balanced intervals cover the premium;
//  - on simulated panels whose members are gathered in their cluster's industry, balanced on
//    nace, the test holds its size and the intervals cover; with members selected on size the
//    raw comparison's bias is taken for a premium, balanced on nace x size class it is not (revenue
//    and value added);
//  - the cohort design on a pool (`--entry-years`): the test of the cohort aggregate holds its
//    size with small cohorts (where a cohort with one valid member once voided the welch_t
//    aggregate) and the aggregate's intervals cover the premium.
//  - medians and trimmed means on simulated panels: size and coverage of the truth panel's value.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <initializer_list>

#include "common/run_klynge.hpp"
#include "klynge/io/read_panel.hpp"
#include "klynge/power.hpp"
#include "klynge/power_pool.hpp"
#include "klynge/simulate.hpp"

namespace klynge {
namespace {

double mc_se(double p, std::uint64_t n) {
  return std::sqrt(p * (1 - p) / static_cast<double>(n));
}

const power::PowerRow& row(const std::vector<power::PowerRow>& rows, double premium,
                           const std::string& metric) {
  for (const auto& r : rows)
    if (r.premium == premium && r.metric == metric) return r;
  throw std::runtime_error("no row");
}

// 100 members with twice the transitory noise against 900 controls, no premium. Employees are
// left out: with unequal noise their integer floor makes the null not exactly zero
// (docs/power.md "The true premium").
TEST(PowerValidation, StudentizedPermutationSizeUnderUnequalVariances) {
  power::PowerSpec s;
  s.premiums = power::parse_premium_grid({"0"});
  s.firms = {1000};
  s.member_share = 0.1;
  s.member_noise = 2.0;
  s.datasets = 2000;
  s.bootstrap = 0;
  s.permutations = 199;
  s.alpha = 0.05;
  s.truth_firms = 20'000;
  s.seed = 11;
  const double se = mc_se(0.05, s.datasets);
  for (Statistic stat : {Statistic::welch_t, Statistic::mean_diff}) {
    s.test_statistic = stat;
    const auto rows = power::power_rows(s, power::run_study(s));
    for (const char* metric : {"revenue", "value_added"}) {
      const double rate = row(rows, 0.0, metric).rejection_rate;
      std::printf("%s %s: rejection rate %.4f at alpha 0.05 (MC se %.4f, R = %u)\n",
                  std::string(statistic_name(stat)).c_str(), metric, rate, se, s.datasets);
      if (stat == Statistic::welch_t)
        EXPECT_NEAR(rate, 0.05, 3 * se) << metric;
      else
        EXPECT_GT(rate, 0.05 + 6 * se) << metric << ": the plain difference should be liberal";
    }
  }
}

TEST(PowerValidation, PercentileAndBcaCoverNearNominal) {
  power::PowerSpec s;
  s.premiums = power::parse_premium_grid({"0.03"});
  s.firms = {2000};
  s.member_share = 0.2;
  s.datasets = 1000;
  s.bootstrap = 999;
  s.permutations = 0;
  s.methods = {IntervalMethod::percentile, IntervalMethod::bca};
  s.seed = 5;
  const auto rows = power::power_rows(s, power::run_study(s));
  const double se = mc_se(0.95, s.datasets);
  for (const auto& r : rows)
    for (const auto& c : r.coverage) {
      std::printf("%s %s: coverage %.4f of %.5f (95%% CI %.4f..%.4f), mean width %.5f\n",
                  r.metric.c_str(), std::string(interval_method_name(c.method)).c_str(), c.rate,
                  r.true_value, c.ci_low, c.ci_high, c.mean_width);
      EXPECT_NEAR(c.rate, 0.95, 3.5 * se) << r.metric << " " << interval_method_name(c.method);
      EXPECT_EQ(c.undefined, 0u);
    }
}

TEST(PowerValidation, PowerIncreasesWithThePremium) {
  power::PowerSpec s;
  s.premiums = power::parse_premium_grid({"0,0.005,0.01,0.02"});
  s.firms = {2000};
  s.member_share = 0.2;
  s.datasets = 400;
  s.bootstrap = 0;
  s.permutations = 199;
  s.seed = 9;
  const auto rows = power::power_rows(s, power::run_study(s));
  for (const char* metric : {"employees", "revenue", "value_added"}) {
    double previous = -1.0, previous_high = -1.0;
    for (double premium : {0.0, 0.005, 0.01, 0.02}) {
      const auto& r = row(rows, premium, metric);
      std::printf("%s premium %.3f: power %.4f (%.4f..%.4f)\n", metric, premium, r.rejection_rate,
                  r.ci_low, r.ci_high);
      // Each step up is larger than its Monte Carlo noise: the intervals do not overlap.
      if (premium > 0.005) EXPECT_GT(r.ci_low, previous_high) << metric << " " << premium;
      EXPECT_GT(r.rejection_rate, previous) << metric << " " << premium;
      previous = r.rejection_rate;
      previous_high = r.ci_high;
    }
  }
}

// A register of 40 000 firms from the simulate model with its selection (members in their
// clusters' home industries, larger), read as a pool with nace strata and the file's members
// as the profile.
std::shared_ptr<const power::Pool> selected_pool() {
  sim::SimSpec spec;
  spec.seed = 7;
  spec.firms = 40'000;
  spec.first_year = 2014;
  spec.last_year = 2020;
  spec.member_share = 0.06;
  std::string csv;
  sim::simulate_csv(spec, [&](std::string_view piece) { csv += piece; });
  ReadOptions read;
  read.columns.strata = {"nace"};
  auto pool = std::make_shared<power::Pool>(power::pool_from_panel(
      parse_panel(csv, "register.csv", read), 2017, 2020, power::MemberProfile::members));
  pool->source.columns.strata = {"nace"};
  pool->source.columns.profile = power::MemberProfile::members;
  return pool;
}

TEST(PowerValidation, BalancedStratifiedAnalysisOfSelectedMembersHoldsSizeAndCovers) {
  power::PowerSpec s;
  s.premiums = power::parse_premium_grid({"0"});
  s.firms = {3000};
  s.member_share = 0.2;
  s.datasets = 1000;
  s.bootstrap = 199;
  s.permutations = 199;
  s.seed = 13;
  s.pool = selected_pool();
  const double size_se = mc_se(0.05, s.datasets), cover_se = mc_se(0.95, s.datasets);

  const auto raw = power::power_rows(s, power::run_study(s));
  bool some_gap = false;
  for (const auto& r : raw) {
    std::printf("raw %s: true value %.5f, rejection rate %.4f\n", r.metric.c_str(), r.true_value,
                r.rejection_rate);
    if (std::fabs(r.true_value) > 0.003) {
      some_gap = true;
      EXPECT_GT(r.rejection_rate, 0.05 + 6 * size_se) << r.metric;
    }
  }
  EXPECT_TRUE(some_gap) << "the pool should have a composition gap for some metric";

  s.balance = true;
  s.perm_scheme = PermScheme::strata;
  const auto balanced = power::power_rows(s, power::run_study(s));
  for (const auto& r : balanced) {
    std::printf("balanced, stratified %s: rejection rate %.4f\n", r.metric.c_str(),
                r.rejection_rate);
    EXPECT_EQ(r.true_value, 0.0);
    EXPECT_NEAR(r.rejection_rate, 0.05, 3 * size_se) << r.metric;
    for (const auto& c : r.coverage) {
      std::printf("  %s coverage %.4f\n", std::string(interval_method_name(c.method)).c_str(),
                  c.rate);
      EXPECT_NEAR(c.rate, 0.95, 3.5 * cover_se)
          << r.metric << " " << interval_method_name(c.method);
    }
  }
}

// Simulated panels of 3 000 firms, a fifth members, no premium (docs/power.md "Simulated
// panels"): the pulled members' balanced comparison, and size-selected members unbalanced and
// balanced on industry x size class. Coverage is of the measured truth in every case.
power::PowerSpec simulated_null(std::uint64_t seed) {
  power::PowerSpec s;
  s.premiums = power::parse_premium_grid({"0"});
  s.firms = {3000};
  s.member_share = 0.2;
  s.datasets = 1000;
  s.bootstrap = 199;
  s.permutations = 199;
  s.methods = {IntervalMethod::percentile};
  s.seed = seed;
  return s;
}

void expect_size_and_coverage(const power::PowerSpec& s, const char* what,
                              std::initializer_list<const char*> metrics) {
  const auto rows = power::power_rows(s, power::run_study(s));
  const double size_se = mc_se(0.05, s.datasets), cover_se = mc_se(0.95, s.datasets);
  for (const char* metric : metrics) {
    const auto& r = row(rows, 0.0, metric);
    std::printf("%s %s: rejection %.4f, coverage %.4f of %.5f\n", what, metric, r.rejection_rate,
                r.coverage[0].rate, r.true_value);
    EXPECT_NEAR(r.rejection_rate, 0.05, 3 * size_se) << what << " " << metric;
    EXPECT_NEAR(r.coverage[0].rate, 0.95, 3.5 * cover_se) << what << " " << metric;
  }
}

TEST(PowerValidation, SimulatedIndustryPullBalancedOnNaceHoldsSizeAndCovers) {
  power::PowerSpec s = simulated_null(13);
  s.home_share = 0.6;
  s.sim_strata = {"nace"};
  s.balance = true;
  s.perm_scheme = PermScheme::strata;
  power::validate(s);
  expect_size_and_coverage(s, "pull, balanced on nace", {"employees", "revenue", "value_added"});
}

TEST(PowerValidation, SimulatedSizeSelectionBiasIsTakenForAPremiumUnlessBalancedOnSize) {
  power::PowerSpec raw = simulated_null(17);
  raw.selection = 0.4;
  power::validate(raw);
  const auto rows = power::power_rows(raw, power::run_study(raw));
  for (const char* metric : {"revenue", "value_added"}) {
    const auto& r = row(rows, 0.0, metric);
    std::printf("selection, unbalanced %s: rejection %.4f, coverage %.4f of %.5f\n", metric,
                r.rejection_rate, r.coverage[0].rate, r.true_value);
    EXPECT_LT(r.true_value, -0.002) << metric << ": members are larger and grow more slowly";
    EXPECT_GT(r.rejection_rate, 0.05 + 4 * mc_se(0.05, raw.datasets)) << metric;
    EXPECT_NEAR(r.coverage[0].rate, 0.95, 3.5 * mc_se(0.95, raw.datasets)) << metric;
  }
  power::PowerSpec balanced = raw;
  balanced.sim_strata = {"nace", "size_class"};
  balanced.balance = true;
  power::validate(balanced);
  expect_size_and_coverage(balanced, "selection, balanced on nace x size class",
                           {"revenue", "value_added"});
}

// examples/firms.csv (births, exits, missing values) as a pool, cohorts 2011-2015 over
// [entry, entry + 3] (docs/power.md "Cohort design").
power::PowerSpec pool_cohort_study(std::uint64_t seed) {
  ReadOptions read;
  read.membership = false;
  DesignOptions design;
  for (int g = 2011; g <= 2015; ++g) design.extra_cohorts.push_back(g);
  design.horizon = 3;
  power::PowerSpec s;
  s.pool = std::make_shared<const power::Pool>(
      power::pool_from_panel(read_panel(test::example_file("firms.csv"), read), design));
  s.entry_first = 2011;
  s.entry_last = 2015;
  s.horizon = 3;
  s.premiums = power::parse_premium_grid({"0.02"});
  s.seed = seed;
  return s;
}

TEST(PowerValidation, PoolCohortDesignSizeWithSmallCohortsAndCoverage) {
  power::PowerSpec s = pool_cohort_study(23);
  s.premiums = power::parse_premium_grid({"0"});
  s.firms = {120};  // 30 members, about 6 per cohort: some cohorts with one valid member
  s.member_share = 0.25;
  s.datasets = 20000;
  s.bootstrap = 0;
  s.permutations = 199;
  power::validate(s);
  const double size_se = mc_se(0.05, s.datasets);
  for (const auto& r : power::power_rows(s, power::run_study(s))) {
    std::printf("cohort design, 120 firms, %s: rejection rate %.4f, %llu undefined\n",
                r.metric.c_str(), r.rejection_rate, static_cast<unsigned long long>(r.undefined));
    // At the level: not conservative (a voided welch_t aggregate made it reject 1.4%), and not
    // liberal either since the aggregate is studentized by the firms' influence, which counts
    // the controls the cohorts share (docs/permutation.md "Cohort design"; studentized as if
    // the cohorts were independent it rejected 0.051-0.058 over four seeds).
    EXPECT_NEAR(r.rejection_rate, 0.05, 3.5 * size_se) << r.metric;
    EXPECT_EQ(r.undefined, 0u) << r.metric;
  }

  s = pool_cohort_study(29);
  s.firms = {1000};
  s.member_share = 0.2;
  s.datasets = 600;
  s.bootstrap = 199;
  s.permutations = 0;
  power::validate(s);
  const double cover_se = mc_se(0.95, s.datasets);
  for (const auto& r : power::power_rows(s, power::run_study(s))) {
    EXPECT_EQ(r.true_value, 0.02);
    for (const auto& c : r.coverage) {
      std::printf("cohort design, 1000 firms, %s %s coverage %.4f\n", r.metric.c_str(),
                  std::string(interval_method_name(c.method)).c_str(), c.rate);
      EXPECT_NEAR(c.rate, 0.95, 3.5 * cover_se)
          << r.metric << " " << interval_method_name(c.method);
    }
  }
}

// The members follow the file's own members: their entry years and industries
// (--member-profile members --strata nace). Unbalanced the intervals cover the premium plus the
// cohorts' composition gaps, balanced the premium (docs/power.md "Members like the file's
// members").
TEST(PowerValidation, PoolCohortDesignWithTheMembersProfileCoversTheTrueValue) {
  ReadOptions read;
  read.columns.strata = {"nace"};
  read.columns.entry = "entry_year";
  DesignOptions design;
  for (int g = 2011; g <= 2015; ++g) design.extra_cohorts.push_back(g);
  design.horizon = 3;
  auto pool = std::make_shared<power::Pool>(power::pool_from_panel(
      read_panel(test::example_file("firms.csv"), read), design, power::MemberProfile::members));
  pool->source.columns.strata = {"nace"};
  pool->source.columns.profile = power::MemberProfile::members;
  for (const bool balance : {false, true}) {
    power::PowerSpec s = pool_cohort_study(31);
    s.pool = pool;
    s.balance = balance;
    s.firms = {1000};
    s.member_share = 0.2;
    s.datasets = 600;
    s.bootstrap = 199;
    s.permutations = 0;
    power::validate(s);
    const double cover_se = mc_se(0.95, s.datasets);
    double largest_gap = 0.0;
    for (const auto& r : power::power_rows(s, power::run_study(s))) {
      largest_gap = std::max(largest_gap, std::abs(r.true_value - 0.02));
      for (const auto& c : r.coverage) {
        std::printf("members profile, %s, %s %s coverage %.4f of %.5f\n",
                    balance ? "balanced" : "unbalanced", r.metric.c_str(),
                    std::string(interval_method_name(c.method)).c_str(), c.rate, r.true_value);
        EXPECT_NEAR(c.rate, 0.95, 3.5 * cover_se)
            << r.metric << " " << interval_method_name(c.method) << " balance " << balance;
      }
    }
    if (balance)
      EXPECT_EQ(largest_gap, 0.0);
    else
      EXPECT_GT(largest_gap, 0.002) << "the members' industries grow differently";
  }
}

// Runs the study and checks what a validation of size and coverage checks: at premium 0 a
// rejection rate within 3.5 Monte Carlo se of 0.05, at every premium each interval method's
// coverage of the true value within 3.5 se of 0.95. Prints the figures; returns the rows.
// `unchecked`: a metric whose rows are returned but not checked.
std::vector<power::PowerRow> expect_size_and_coverage(const power::PowerSpec& s,
                                                      const std::string& label,
                                                      const std::string& unchecked = "") {
  power::validate(s);
  const double cover_se = mc_se(0.95, s.datasets), size_se = mc_se(0.05, s.datasets);
  const std::vector<power::PowerRow> rows = power::power_rows(s, power::run_study(s));
  for (const auto& r : rows) {
    if (r.metric == unchecked) continue;
    if (r.premium == 0.0) {
      std::printf("%s, size, %s: rejection rate %.4f\n", label.c_str(), r.metric.c_str(),
                  r.rejection_rate);
      EXPECT_NEAR(r.rejection_rate, 0.05, 3.5 * size_se) << label << " " << r.metric;
    }
    for (const auto& c : r.coverage) {
      std::printf("%s, premium %g, %s %s coverage %.4f of %.6f\n", label.c_str(), r.premium,
                  r.metric.c_str(), std::string(interval_method_name(c.method)).c_str(), c.rate,
                  r.true_value);
      EXPECT_NEAR(c.rate, 0.95, 3.5 * cover_se)
          << label << " " << r.metric << " " << interval_method_name(c.method);
    }
  }
  return rows;
}

// Medians and trimmed means on simulated panels whose members are a random draw (docs/power.md
// "Other statistics"): the test of that statistic holds its size and its intervals cover the
// truth panel's value, in the window and the cohort design. The employees' median is left out:
// integer headcounts put its growth on atoms, where it is 0 in nearly every dataset.
TEST(PowerValidation, SimulatedMedianAndTrimmedMeanSizeAndCoverage) {
  power::PowerSpec s;
  s.premiums = power::parse_premium_grid({"0,0.03"});
  s.firms = {1000};
  s.member_share = 0.2;
  s.datasets = 600;
  s.bootstrap = 199;
  s.permutations = 199;
  s.seed = 43;
  s.statistic = s.test_statistic = Statistic::trimmed_mean_diff;
  expect_size_and_coverage(s, "simulated trimmed mean");
  s.statistic = s.test_statistic = Statistic::median_diff;
  for (const auto& r : expect_size_and_coverage(s, "simulated median", "employees"))
    if (r.premium == 0.0) EXPECT_EQ(r.true_value, 0.0) << r.metric;
  s.entry_first = 2011;
  s.entry_last = 2015;
  s.horizon = 3;
  s.seed = 47;
  expect_size_and_coverage(s, "simulated cohort median", "employees");
}

// A premium that fades with the entry year (--premium-by-entry 2011=2,2012=1.5,2014=0.5,
// 2015=0): the intervals cover the cohorts' premiums averaged with the members' weights, which
// is not the grid premium; and the permutation test still holds its size at premium 0
// (docs/power.md "A premium that changes with the entry year").
TEST(PowerValidation, PoolCohortDesignWithAFadingPremiumCoversTheTrueValue) {
  power::PowerSpec s = pool_cohort_study(37);
  s.premium_by_entry = {2.0, 1.5, 1.0, 0.5, 0.0};
  s.premiums = power::parse_premium_grid({"0,0.02"});
  s.firms = {1000};
  s.member_share = 0.2;
  s.datasets = 600;
  s.bootstrap = 199;
  s.permutations = 199;
  for (const auto& r : expect_size_and_coverage(s, "fading premium")) {
    if (r.premium == 0.0) {
      EXPECT_EQ(r.true_value, 0.0);
      continue;
    }
    // The cohorts' weights differ a little (their windows' valid shares), so the truth is near
    // the factors' mean (1) times 0.02 but not equal to it.
    EXPECT_NE(r.true_value, 0.02) << r.metric;
    EXPECT_NEAR(r.true_value, 0.02, 0.002) << r.metric;
  }
}

// The cohort design on simulated panels (entry years 2011..2015, each member compared over its
// own three years): the permutation test holds its size and the intervals cover the truth
// panel's value (docs/power.md "Cohort design on simulated panels").
TEST(PowerValidation, SimulatedCohortDesignSizeAndCoverage) {
  power::PowerSpec s;
  s.entry_first = 2011;
  s.entry_last = 2015;
  s.horizon = 3;
  s.premiums = power::parse_premium_grid({"0,0.02"});
  s.firms = {1000};
  s.member_share = 0.2;
  s.datasets = 600;
  s.bootstrap = 199;
  s.permutations = 199;
  s.seed = 41;
  expect_size_and_coverage(s, "simulated cohort design");
}

// A premium that builds up over the years in the cluster (none in the first year, half in the
// second; docs/power.md "A premium that changes with the years in the cluster"), on simulated
// panels in the cohort design: the intervals cover the truth panel's value, which is half the
// premium over windows [entry, entry + 3], and the test holds its size.
TEST(PowerValidation, SimulatedCohortDesignWithABuildingPremiumCoversTheTrueValue) {
  power::PowerSpec s;
  s.entry_first = 2011;
  s.entry_last = 2015;
  s.horizon = 3;
  s.premium_by_tenure = {0.0, 0.5};
  s.premiums = power::parse_premium_grid({"0,0.04"});
  s.firms = {1000};
  s.member_share = 0.2;
  s.datasets = 600;
  s.bootstrap = 199;
  s.permutations = 199;
  s.seed = 43;
  for (const auto& r : expect_size_and_coverage(s, "building premium")) {
    if (r.premium == 0.0 || r.metric == "employees") continue;  // employees: the floor of 1
    EXPECT_NEAR(r.true_value, 0.02, 1e-4) << r.metric;
  }
}

}  // namespace
}  // namespace klynge
