// Simulated studies with strata (docs/power.md "Members selected on strata"): the simulated
// panels' industry and region as stratum columns, members pulled into their cluster's home
// industry (--home-share), balanced on nace. The true value is then the balanced estimand's,
// what the balanced estimates average to, while the unbalanced difference carries the home
// industry's year shocks.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "klynge/error.hpp"
#include "klynge/power.hpp"
#include "klynge/report/power_report.hpp"

namespace klynge {
namespace {

power::PowerSpec pulled_spec() {
  power::PowerSpec s;
  s.premiums = power::parse_premium_grid({"0.05"});
  s.firms = {2000};
  s.member_share = 0.2;
  s.home_share = 0.6;
  s.sim_strata = {"nace"};
  s.balance = true;
  s.bootstrap = 0;
  s.permutations = 39;
  s.truth_firms = 50'000;
  s.seed = 17;
  return s;
}

struct Moments {
  std::array<double, 3> sum{}, sum2{};
  void add(const power::DatasetOutcome& o) {
    for (int m = 0; m < 3; ++m) {
      ASSERT_TRUE(std::isfinite(o.metric[m].estimate)) << "metric " << m;
      sum[m] += o.metric[m].estimate;
      sum2[m] += o.metric[m].estimate * o.metric[m].estimate;
    }
  }
  double mean(int m, int n) const { return sum[m] / n; }
  double sd(int m, int n) const {
    const double mu = mean(m, n);
    return std::sqrt((sum2[m] / n - mu * mu) * n / (n - 1));
  }
};

// Balanced on nace, the mean estimate is within Monte Carlo error of the measured truth for
// every metric, with equal and with unequal noise (then employees' truth has a second term,
// taken within industries). Unbalanced, the same datasets' estimates scatter far more: the
// members' home industry's year shocks, which no firm resampling sees.
TEST(PowerSimStrata, BalancedEstimatesAverageToTheTruthAndTheUnbalancedCarryIndustryShocks) {
  constexpr int R = 120;
  for (const double noise : {1.0, 2.0}) {
    power::PowerSpec s = pulled_spec();
    s.member_noise = noise;
    power::validate(s);
    s.permutations = 0;  // the estimates alone
    const power::TruePremium truth = power::true_premium(s, s.premiums[0]);
    if (noise == 1.0) {
      EXPECT_NEAR(truth.value[1], 0.05, 1e-6);  // revenue: exact up to rounding to 0.1 kNOK
      EXPECT_NEAR(truth.value[2], 0.05, 1e-6);
    }
    power::PowerSpec unbalanced = s;  // not a study validate accepts: only its estimates
    unbalanced.balance = false;
    unbalanced.sim_strata.clear();
    Moments bal, raw;
    for (int d = 0; d < R; ++d) {
      const auto id = static_cast<std::uint32_t>(d);
      bal.add(power::run_dataset(s, s.premiums[0], 2000, id, truth));
      raw.add(power::run_dataset(unbalanced, s.premiums[0], 2000, id, truth));
    }
    for (int m = 0; m < 3; ++m) {
      const double se = bal.sd(m, R) / std::sqrt(R);
      const double tol = 4 * std::hypot(se, truth.mc_se[m]);
      EXPECT_NEAR(bal.mean(m, R), truth.value[m], tol) << "noise " << noise << " metric " << m;
      std::printf(
          "noise %.0f metric %d: balanced mean %.5f sd %.5f, true %.5f (mc se %.5f); "
          "unbalanced sd %.5f\n",
          noise, m, bal.mean(m, R), bal.sd(m, R), truth.value[m], truth.mc_se[m], raw.sd(m, R));
    }
    // Revenue and value added carry the industry shocks undamped (sd 0.04 a year for revenue):
    // about 1.4-1.5 times the balanced sd here, though balancing weighs the few controls of the
    // home industry heavily (an sd ratio's sampling error at R = 120 is about 9%).
    EXPECT_GT(raw.sd(1, R), 1.2 * bal.sd(1, R)) << "noise " << noise;
    EXPECT_GT(raw.sd(2, R), 1.2 * bal.sd(2, R)) << "noise " << noise;
  }
}

// Members selected on size (--selection 0.4): larger firms grow more slowly, so the comparison's
// true value is below the premium, by a bias the truth panel measures for every metric; the
// mean estimate over datasets is that truth, not the premium. Balancing on the size class at
// the start, within industries, removes part of the bias (what remains is size within a class).
TEST(PowerSimStrata, SizeSelectionMakesTheTruthTheBiasedEstimandAndBalancingShrinksIt) {
  constexpr int R = 120;
  std::array<double, 3> bias_raw{}, bias_balanced{};
  for (const bool balance : {false, true}) {
    power::PowerSpec s = pulled_spec();
    s.home_share = 0.0;
    s.selection = 0.4;
    s.truth_firms = 400'000;  // the second term is unpaired: its Monte Carlo se ~ 1/sqrt(members)
    s.balance = balance;
    s.sim_strata =
        balance ? std::vector<std::string>{"nace", "size_class"} : std::vector<std::string>{};
    power::validate(s);
    s.permutations = 0;
    const power::TruePremium truth = power::true_premium(s, s.premiums[0]);
    Moments est;
    for (int d = 0; d < R; ++d)
      est.add(power::run_dataset(s, s.premiums[0], 2000, static_cast<std::uint32_t>(d), truth));
    for (int m = 0; m < 3; ++m) {
      const double se = est.sd(m, R) / std::sqrt(R);
      const double tol = 4 * std::hypot(se, truth.mc_se[m]);
      EXPECT_NEAR(est.mean(m, R), truth.value[m], tol) << "balance " << balance << " metric " << m;
      std::printf("balance %d metric %d: mean %.5f (se %.5f), true %.5f (mc se %.5f)\n", balance, m,
                  est.mean(m, R), se, truth.value[m], truth.mc_se[m]);
      (balance ? bias_balanced : bias_raw)[m] = truth.value[m] - 0.05;
      if (m > 0 && !balance)  // revenue, value added: the premium is exact in logs, the bias not
        EXPECT_LT(truth.value[m], 0.05 - std::max(4 * truth.mc_se[m], 0.002)) << "metric " << m;
    }
  }
  for (int m = 1; m < 3; ++m)
    EXPECT_LT(std::abs(bias_balanced[m]), std::abs(bias_raw[m])) << "metric " << m;
}

TEST(PowerSimStrata, ChoicesThatNeedStrataOrBalanceAreUsageErrors) {
  auto expect_usage = [](const power::PowerSpec& spec, const std::string& text) {
    try {
      power::validate(spec);
      ADD_FAILURE() << "no error for " << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::usage);
      EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
    }
  };
  const power::PowerSpec ok = pulled_spec();
  EXPECT_NO_THROW(power::validate(ok));
  power::PowerSpec t = ok;
  t.balance = false;
  expect_usage(t, "--home-share 0.6 gathers members");
  t = ok;
  t.sim_strata = {"region"};
  expect_usage(t, "--balance --strata nace");
  t = ok;
  t.home_share = -0.1;
  expect_usage(t, "--home-share must be in [0, 1]");
  t = ok;
  t.selection = 1.0;
  expect_usage(t, "--selection must be strictly between -1 and 1");
  // Size classes cut across industries: balanced on them alone, the truth would carry the
  // truth panel's industry shocks.
  t = ok;
  t.home_share = 0.0;
  t.selection = 0.4;
  t.sim_strata = {"size_class"};
  expect_usage(t, "--strata nace,size_class");
  t.sim_strata = {"size_class", "nace"};
  EXPECT_NO_THROW(power::validate(t));
  t.truth_firms = 2000;  // 400 members in the truth panel
  expect_usage(t, "raise --truth-firms");
  // Strata that nothing reads.
  t = ok;
  t.home_share = 0.0;
  t.balance = false;
  expect_usage(t, "--strata on simulated panels shapes only");
  t = ok;
  t.sim_strata = {"nace", "industry"};
  expect_usage(t, "nace, region and size_class");
  // Without a pull, strata serve the stratified schemes, balanced or not.
  t = ok;
  t.home_share = 0.0;
  t.balance = false;
  t.sim_strata = {"region", "nace"};
  t.perm_scheme = PermScheme::strata;
  t.bootstrap_scheme = Scheme::strata;
  t.bootstrap = 99;
  t.permutations = 99;
  EXPECT_NO_THROW(power::validate(t));
  t.sim_strata.clear();
  expect_usage(t, "name the simulated panels' stratum columns with --strata");
}

TEST(PowerSimStrata, DatasetsCarryThePullAndTheStrata) {
  power::PowerSpec s = pulled_spec();
  const sim::SimSpec spec = power::dataset_spec(s, s.premiums[0], 2000, 4);
  EXPECT_EQ(spec.home_share, 0.6);
  EXPECT_EQ(spec.selection, 0.0);  // members are not selected on size
  s.bootstrap = 99;
  s.permutations = 99;
  s.perm_scheme = PermScheme::strata;
  s.bootstrap_scheme = Scheme::strata;
  power::validate(s);
  const power::TruePremium truth = power::true_premium(s, s.premiums[0]);
  const auto o = power::run_dataset(s, s.premiums[0], 2000, 4, truth);
  for (const auto& metric : o.metric) {
    EXPECT_TRUE(metric.test_defined);
    for (const auto& method : metric.methods) EXPECT_TRUE(method.defined);
  }
}

TEST(PowerSimStrata, SettingsRecordTheStrataAndThePullAndReadBack) {
  power::PowerSpec s = pulled_spec();
  s.sim_strata = {"nace", "region"};
  s.perm_scheme = PermScheme::strata;
  const auto settings = power::settings_json(s);
  EXPECT_EQ(settings["strata"], nlohmann::ordered_json::array({"nace", "region"}));
  EXPECT_EQ(settings["home_share"], 0.6);
  EXPECT_EQ(settings["selection"], 0.0);
  EXPECT_EQ(settings["balance"], true);
  EXPECT_EQ(power::settings_json(power::spec_from_settings(settings, "test")), settings);
  // A simulated report from before 1.4 has neither: no strata, no pull.
  auto old = settings;
  old.erase("strata");
  old.erase("home_share");
  old.erase("selection");
  const power::PowerSpec read = power::spec_from_settings(old, "old");
  EXPECT_TRUE(read.sim_strata.empty());
  EXPECT_EQ(read.home_share, 0.0);
  EXPECT_EQ(read.selection, 0.0);
}

}  // namespace
}  // namespace klynge
