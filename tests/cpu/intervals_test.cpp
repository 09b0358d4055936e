// Bootstrap summaries and intervals from given replicate values (klynge/intervals.hpp):
// hand-computable cases, the order-statistic convention, BCa z0 with ties and its undefined
// cases, the too-few-replicates error, non-finite replicates, the studentized interval on a
// constructed case, and the Monte Carlo error of endpoints against simulation.
// Definitions: docs/intervals.md. Expected values marked "scipy" were computed with
// scipy.special.ndtri/ndtr (scipy 1.10.1) and an independent Python norm.inter.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "klynge/error.hpp"
#include "klynge/intervals.hpp"

namespace klynge {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kZ975 = 1.959963984540054;  // Phi^-1(0.975)

std::vector<double> one_to(int n) {
  std::vector<double> v(n);
  std::iota(v.begin(), v.end(), 1.0);
  return v;
}

bool has_warning(const std::vector<std::string>& warnings, const std::string& part) {
  return std::any_of(warnings.begin(), warnings.end(),
                     [&](const std::string& w) { return w.find(part) != std::string::npos; });
}

Interval run(IntervalMethod m, double estimate, const std::vector<double>& reps,
             double level = 0.95, double acceleration = kNaN) {
  IntervalRequest r;
  r.estimate = estimate;
  r.replicates = reps;
  r.level = level;
  r.acceleration = acceleration;
  return compute_interval(m, r);
}

TEST(IntervalMethodNames, RoundTrip) {
  for (auto m : {IntervalMethod::percentile, IntervalMethod::basic, IntervalMethod::normal,
                 IntervalMethod::bca, IntervalMethod::studentized}) {
    auto parsed = parse_interval_method(interval_method_name(m));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, m);
  }
  EXPECT_EQ(interval_method_name(IntervalMethod::bca), "bca");
  EXPECT_FALSE(parse_interval_method("BCa").has_value());
  EXPECT_FALSE(parse_interval_method("").has_value());
}

TEST(ReplicateSummary, StandardErrorAndBias) {
  const std::vector<double> reps{1, 2, 3, 4};
  const ReplicateSummary s = summarize_replicates(2.0, reps);
  EXPECT_EQ(s.status, "ok");
  EXPECT_EQ(s.replicates, 4u);
  EXPECT_EQ(s.valid, 4u);
  EXPECT_NEAR(s.std_error, std::sqrt(5.0 / 3.0), 1e-15);
  EXPECT_NEAR(s.bias, 0.5, 1e-15);
  EXPECT_TRUE(s.warnings.empty());
}

TEST(ReplicateSummary, NonFiniteReplicatesAreCountedAndExcluded) {
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<double> reps{1, kNaN, 2, 3, inf, 4, kNaN};
  const ReplicateSummary s = summarize_replicates(2.0, reps);
  EXPECT_EQ(s.status, "ok");
  EXPECT_EQ(s.replicates, 7u);
  EXPECT_EQ(s.valid, 4u);
  EXPECT_NEAR(s.std_error, std::sqrt(5.0 / 3.0), 1e-15);
  EXPECT_NEAR(s.bias, 0.5, 1e-15);
  EXPECT_TRUE(has_warning(s.warnings, "3 of 7 replicates are not finite"));
}

TEST(ReplicateSummary, DegenerateCasesHaveStatuses) {
  EXPECT_EQ(summarize_replicates(1.0, std::vector<double>{}).status, "no_replicates");
  EXPECT_EQ(summarize_replicates(1.0, std::vector<double>{kNaN, kNaN}).status,
            "no_valid_replicates");
  const ReplicateSummary one = summarize_replicates(1.0, std::vector<double>{3.0, kNaN});
  EXPECT_EQ(one.status, "too_few_valid_replicates");
  EXPECT_NEAR(one.bias, 2.0, 0);
  EXPECT_TRUE(std::isnan(one.std_error));
  const ReplicateSummary flat = summarize_replicates(1.0, std::vector<double>(50, 0.1));
  EXPECT_EQ(flat.status, "zero_variance");
  EXPECT_EQ(flat.std_error, 0.0);
  EXPECT_FALSE(flat.warnings.empty());
  const ReplicateSummary no_est = summarize_replicates(kNaN, std::vector<double>{1, 2});
  EXPECT_TRUE(std::isnan(no_est.bias));
  EXPECT_TRUE(has_warning(no_est.warnings, "estimate is not finite"));
}

// (B + 1) * 0.025 = 25 and (B + 1) * 0.975 = 975 for B = 999: the 25th and 975th values.
TEST(Percentile, OneTo999At95) {
  const Interval ci = run(IntervalMethod::percentile, 500, one_to(999));
  EXPECT_EQ(ci.status, "ok");
  EXPECT_NEAR(ci.low, 25.0, 1e-9);
  EXPECT_NEAR(ci.high, 975.0, 1e-9);
  EXPECT_TRUE(ci.warnings.empty());
  // MC error: sqrt(p(1-p)/B) / f with density 1/999 per unit: sqrt(.025*.975*999) = 4.94.
  EXPECT_NEAR(ci.mc_se_low, std::sqrt(0.025 * 0.975 * 999), 0.05);
  EXPECT_NEAR(ci.mc_se_high, std::sqrt(0.025 * 0.975 * 999), 0.05);
  EXPECT_TRUE(std::isnan(ci.z0));
}

// (B + 1) * 0.025 = 2.5 for B = 99: interpolation between the 2nd and 3rd values on the
// normal-quantile scale, as boot:::norm.inter (scipy: ndtri).
TEST(Percentile, NormalScaleInterpolation) {
  const Interval ci = run(IntervalMethod::percentile, 50, one_to(99));
  EXPECT_NEAR(ci.low, 2.5422494988397584, 1e-12);
  EXPECT_NEAR(ci.high, 97.45775050116025, 1e-12);
  // Fewer than 5 replicates below 2.54 and above 97.46: warnings.
  EXPECT_TRUE(has_warning(ci.warnings, "only 2 of 99 valid replicates lie below"));
  EXPECT_TRUE(has_warning(ci.warnings, "only 2 of 99 valid replicates lie above"));
}

// np.percentile (scipy.stats.bootstrap) reads index (B - 1) p instead of rank (B + 1) p - 1:
// 0.95 order statistics apart at p = 0.025, i.e. 0.95 / sqrt(p (1 - p) B) Monte Carlo
// standard errors -- 6 % of one at B = 10^4 (docs/intervals.md).
TEST(Percentile, DistanceFromScipyLinearConvention) {
  std::mt19937_64 rng(20261127);
  std::normal_distribution<double> normal;
  std::vector<double> reps(10000);
  for (double& x : reps) x = normal(rng);
  const Interval ci = run(IntervalMethod::percentile, 0, reps);
  std::vector<double> sorted = reps;
  std::sort(sorted.begin(), sorted.end());
  auto linear = [&](double p) {
    const double h = (sorted.size() - 1) * p;
    const auto k = static_cast<std::size_t>(std::floor(h));
    return sorted[k] + (h - k) * (sorted[k + 1] - sorted[k]);
  };
  EXPECT_LT(std::abs(ci.low - linear(0.025)), 0.2 * ci.mc_se_low);
  EXPECT_LT(std::abs(ci.high - linear(0.975)), 0.2 * ci.mc_se_high);
}

TEST(Basic, ReflectsTheQuantilesAroundTheEstimate) {
  const Interval ci = run(IntervalMethod::basic, 510, one_to(999));
  EXPECT_EQ(ci.status, "ok");
  EXPECT_NEAR(ci.low, 2 * 510 - 975.0, 1e-9);
  EXPECT_NEAR(ci.high, 2 * 510 - 25.0, 1e-9);
  EXPECT_NEAR(ci.mc_se_low, std::sqrt(0.025 * 0.975 * 999), 0.05);
  const Interval none = run(IntervalMethod::basic, kNaN, one_to(999));
  EXPECT_EQ(none.status, "no_estimate");
  EXPECT_TRUE(std::isnan(none.low));
}

// theta - bias -/+ z se with bias = 500 - 480 and se^2 = 999 * 1000 / 12.
TEST(Normal, BiasCorrectedFormula) {
  const Interval ci = run(IntervalMethod::normal, 480, one_to(999));
  EXPECT_EQ(ci.status, "ok");
  const double se = std::sqrt(999.0 * 1000.0 / 12.0);
  EXPECT_NEAR(ci.low, 480 - 20 - kZ975 * se, 1e-9);
  EXPECT_NEAR(ci.high, 480 - 20 + kZ975 * se, 1e-9);
  // Symmetric replicates: both endpoints have the same error, sqrt(var(mean) + z^2 var(sd)).
  EXPECT_NEAR(ci.mc_se_low, ci.mc_se_high, 1e-9);
  EXPECT_GT(ci.mc_se_low, se / std::sqrt(999.0));
}

TEST(Normal, ZeroVarianceHasAStatus) {
  const Interval ci = run(IntervalMethod::normal, 1, std::vector<double>(100, 1.0));
  EXPECT_EQ(ci.status, "zero_variance");
  EXPECT_TRUE(std::isnan(ci.low));
  EXPECT_FALSE(ci.warnings.empty());
  // The percentile interval exists (a point) with a warning.
  const Interval p = run(IntervalMethod::percentile, 1, std::vector<double>(100, 1.0));
  EXPECT_EQ(p.status, "ok");
  EXPECT_EQ(p.low, 1.0);
  EXPECT_EQ(p.high, 1.0);
  EXPECT_TRUE(has_warning(p.warnings, "single point"));
}

// Symmetric replicates around the estimate (one tie, counted half): z0 = 0; with a = 0 the
// adjusted levels are alpha/2 and 1 - alpha/2, and BCa is the percentile interval.
TEST(Bca, ReducesToPercentileWithoutBiasOrAcceleration) {
  const Interval bca = run(IntervalMethod::bca, 500, one_to(999), 0.95, 0.0);
  const Interval perc = run(IntervalMethod::percentile, 500, one_to(999));
  EXPECT_EQ(bca.status, "ok");
  EXPECT_NEAR(bca.z0, 0.0, 1e-15);
  EXPECT_EQ(bca.acceleration, 0.0);
  EXPECT_NEAR(bca.low, perc.low, 1e-9);
  EXPECT_NEAR(bca.high, perc.high, 1e-9);
  // BCa's endpoints also carry the Monte Carlo noise of z0: larger errors than percentile's.
  EXPECT_GT(bca.mc_se_low, perc.mc_se_low);
  EXPECT_GT(bca.mc_se_high, perc.mc_se_high);
}

// z0 = Phi^-1((479 + 0.5 * 1) / 999), a = 0.05; adjusted levels and endpoints from scipy.
TEST(Bca, AdjustedLevelsByHand) {
  const Interval ci = run(IntervalMethod::bca, 480, one_to(999), 0.95, 0.05);
  EXPECT_EQ(ci.status, "ok");
  EXPECT_NEAR(ci.z0, -0.050203829430400866, 1e-13);
  EXPECT_EQ(ci.acceleration, 0.05);
  EXPECT_NEAR(ci.low, 30.27650212642295, 1e-9);
  EXPECT_NEAR(ci.high, 980.3514670074741, 1e-9);
}

// 10 below, 10 tied with, 20 above the estimate: z0 = Phi^-1((10 + 10/2) / 40).
TEST(Bca, BiasCorrectionCountsTiesHalf) {
  std::vector<double> reps;
  for (int i = 0; i < 10; ++i) reps.push_back(-1.0 - i);
  for (int i = 0; i < 10; ++i) reps.push_back(0.0);
  for (int i = 0; i < 20; ++i) reps.push_back(1.0 + i);
  const Interval ci = run(IntervalMethod::bca, 0.0, reps, 0.9, 0.0);
  EXPECT_NEAR(ci.z0, -0.31863936396437514, 1e-13);
  // The same around an estimate of 3: replicates an ulp or two off it are still ties (a cohort
  // aggregate's u x T / u misses T by an ulp; before 2026-12-05 they moved z0).
  const double t = 3.0;
  std::vector<double> near;
  for (int i = 0; i < 10; ++i) near.push_back(t - 1.0 - i);
  for (int i = 0; i < 10; ++i)
    near.push_back(i % 3 == 0 ? std::nextafter(t, 0.0) : i % 3 == 1 ? std::nextafter(t, 9.0) : t);
  for (int i = 0; i < 20; ++i) near.push_back(t + 1.0 + i);
  EXPECT_NEAR(run(IntervalMethod::bca, t, near, 0.9, 0.0).z0, -0.31863936396437514, 1e-13);
}

TEST(Bca, UndefinedCasesHaveStatuses) {
  // All replicates above the estimate: z0 = -inf.
  const Interval above = run(IntervalMethod::bca, 0.0, one_to(999), 0.95, 0.0);
  EXPECT_EQ(above.status, "bca_undefined");
  EXPECT_TRUE(std::isinf(above.z0));
  EXPECT_TRUE(std::isnan(above.low));
  EXPECT_TRUE(has_warning(above.warnings, "above the estimate"));
  const Interval below = run(IntervalMethod::bca, 1000.0, one_to(999), 0.95, 0.0);
  EXPECT_EQ(below.status, "bca_undefined");
  // No acceleration.
  const Interval no_a = run(IntervalMethod::bca, 500.0, one_to(999), 0.95, kNaN);
  EXPECT_EQ(no_a.status, "bca_undefined");
  EXPECT_TRUE(has_warning(no_a.warnings, "acceleration"));
  // a (z0 + z) >= 1 for the upper endpoint: the adjusted level leaves (0, 1).
  const Interval big_a = run(IntervalMethod::bca, 500.0, one_to(999), 0.95, 0.6);
  EXPECT_EQ(big_a.status, "bca_undefined");
  EXPECT_NEAR(big_a.z0, 0.0, 1e-15);
  EXPECT_EQ(big_a.acceleration, 0.6);
  EXPECT_TRUE(std::isnan(big_a.high));
  // Zero variance.
  EXPECT_EQ(run(IntervalMethod::bca, 1.0, std::vector<double>(99, 1.0), 0.95, 0.0).status,
            "zero_variance");
}

// A strongly biased estimate pushes an adjusted level beyond the order statistics: the extreme
// replicate is used, with a warning (as R boot).
TEST(Bca, ExtremeAdjustedLevelWarns) {
  const Interval ci = run(IntervalMethod::bca, 996.5, one_to(999), 0.95, 0.0);
  EXPECT_EQ(ci.status, "ok");
  EXPECT_EQ(ci.high, 999.0);
  EXPECT_TRUE(has_warning(ci.warnings, "extreme replicate is used"));
}

TEST(TooFewReplicates, IsAUsageErrorNamingTheMinimum) {
  EXPECT_NO_THROW(run(IntervalMethod::percentile, 20, one_to(39)));  // (39 + 1) * 0.025 = 1
  try {
    run(IntervalMethod::percentile, 20, one_to(38));
    FAIL() << "expected a usage error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    const std::string what = e.what();
    EXPECT_NE(what.find("B = 38"), std::string::npos) << what;
    EXPECT_NE(what.find("0.95"), std::string::npos) << what;
    EXPECT_NE(what.find("B >= 39"), std::string::npos) << what;
  }
  try {
    run(IntervalMethod::bca, 100, one_to(198), 0.99, 0.0);
    FAIL() << "expected a usage error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    EXPECT_NE(std::string(e.what()).find("B >= 199"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(run(IntervalMethod::bca, 100, one_to(199), 0.99, 0.0));
  EXPECT_THROW(run(IntervalMethod::normal, 1, one_to(100), 1.0), Error);
  EXPECT_THROW(run(IntervalMethod::normal, 1, one_to(100), 0.0), Error);
  EXPECT_THROW(run(IntervalMethod::normal, 1, one_to(100), kNaN), Error);
}

// The minimum B: each tail holds exactly the extreme order statistic, so each endpoint warns.
TEST(TooFewReplicates, MinimumBWarnsAboutTails) {
  const Interval ci = run(IntervalMethod::percentile, 20, one_to(39));
  EXPECT_EQ(ci.status, "ok");
  EXPECT_NEAR(ci.low, 1.0, 1e-9);
  EXPECT_NEAR(ci.high, 39.0, 1e-9);
  EXPECT_TRUE(has_warning(ci.warnings, "lie below"));
  EXPECT_TRUE(has_warning(ci.warnings, "lie above"));
}

TEST(NonFiniteReplicates, AreCountedExcludedAndReported) {
  std::vector<double> reps = one_to(999);
  for (int i = 0; i < 5; ++i) reps.insert(reps.begin() + 100 * i, kNaN);
  for (auto m : {IntervalMethod::percentile, IntervalMethod::basic, IntervalMethod::normal,
                 IntervalMethod::bca}) {
    const Interval ci = run(m, 500, reps, 0.95, 0.0);
    EXPECT_EQ(ci.status, "ok") << interval_method_name(m);
    EXPECT_TRUE(std::isfinite(ci.low) && std::isfinite(ci.high)) << interval_method_name(m);
    EXPECT_TRUE(has_warning(ci.warnings, "5 of 1004 replicates are not finite"))
        << interval_method_name(m);
  }
  const Interval perc = run(IntervalMethod::percentile, 500, reps);
  EXPECT_NEAR(perc.low, 25.0, 1e-9);
  EXPECT_NEAR(perc.high, 975.0, 1e-9);
}

TEST(NonFiniteReplicates, TooFewValidGiveAStatus) {
  std::vector<double> reps(100, kNaN);
  reps[3] = 1.0;
  EXPECT_EQ(run(IntervalMethod::percentile, 1, reps).status, "too_few_valid_replicates");
  EXPECT_EQ(run(IntervalMethod::percentile, 1, std::vector<double>(100, kNaN)).status,
            "no_valid_replicates");
}

// t*_b = k - 500 (k = 1..999) built as theta*_b = theta + se*_b t*_b with varying se*_b, plus
// one replicate with se* = 0 and one with se* = NaN (excluded, counted).
TEST(Studentized, ConstructedCase) {
  std::vector<double> theta, se;
  for (int k = 1; k <= 999; ++k) {
    const double s = 1.0 + k % 3;
    se.push_back(s);
    theta.push_back(10.0 + s * (k - 500));
  }
  theta.push_back(3.0);
  se.push_back(0.0);
  theta.push_back(4.0);
  se.push_back(kNaN);
  IntervalRequest r;
  r.estimate = 10.0;
  r.estimate_se = 0.5;
  r.replicates = theta;
  r.replicate_se = se;
  const Interval ci = compute_interval(IntervalMethod::studentized, r);
  EXPECT_EQ(ci.status, "ok");
  // t quantiles -475 and 475: theta - se * t_(0.975), theta - se * t_(0.025).
  EXPECT_NEAR(ci.low, 10.0 - 0.5 * 475, 1e-9);
  EXPECT_NEAR(ci.high, 10.0 + 0.5 * 475, 1e-9);
  EXPECT_NEAR(ci.mc_se_low, 0.5 * std::sqrt(0.025 * 0.975 * 999), 0.05);
  EXPECT_TRUE(has_warning(ci.warnings, "2 of 1001 studentized replicates t* are not finite"));
  EXPECT_TRUE(has_warning(ci.warnings, "2 of 1001 replicates had a standard error"));
}

TEST(Studentized, MissingStandardErrors) {
  const std::vector<double> reps = one_to(99);
  IntervalRequest r;
  r.estimate = 50;
  r.replicates = reps;
  EXPECT_EQ(compute_interval(IntervalMethod::studentized, r).status, "no_standard_error");
  const std::vector<double> se(99, 1.0);
  r.replicate_se = se;
  const Interval none = compute_interval(IntervalMethod::studentized, r);
  EXPECT_EQ(none.status, "no_standard_error");
  // The estimate's missing SE is said in words, not as "nan".
  EXPECT_TRUE(has_warning(none.warnings, "the estimate has no standard error"));
  for (const std::string& w : none.warnings) EXPECT_EQ(w.find("nan"), std::string::npos) << w;
  r.estimate_se = 2.0;
  EXPECT_EQ(compute_interval(IntervalMethod::studentized, r).status, "ok");
  const std::vector<double> short_se(98, 1.0);
  r.replicate_se = short_se;
  EXPECT_THROW(compute_interval(IntervalMethod::studentized, r), Error);
}

// For a mean, the jackknife influence values are x_j - mean, so
// a = sum d^3 / (6 (sum d^2)^(3/2)) (Efron & Tibshirani eq. 14.15).
TEST(BcaAcceleration, OneSampleMean) {
  const std::vector<double> x{1, 2, 4, 8, 16};
  std::vector<double> jack;
  double sum = std::accumulate(x.begin(), x.end(), 0.0);
  for (double xi : x) jack.push_back((sum - xi) / 4.0);
  EXPECT_NEAR(bca_acceleration({jack}), 0.06626573549067023, 1e-14);  // scipy
  std::vector<double> influence;
  for (double xi : x) influence.push_back(xi - sum / 5.0);
  EXPECT_NEAR(bca_acceleration_from_influence({influence}), 0.06626573549067023, 1e-14);
}

// Efron & Tibshirani's mouse data, mean(treatment) - mean(control): the leave-one-out values
// of each group; scipy.stats.bootstrap's acceleration (scipy 1.10.1, _bca_interval):
// 0.011019107671908957 (tests/data/peers/bootstrap_reference.json).
TEST(BcaAcceleration, MouseDataMatchesScipy) {
  const std::vector<double> treatment{94, 197, 16, 38, 99, 141, 23};
  const std::vector<double> control{52, 104, 146, 10, 51, 30, 40, 27, 46};
  auto mean = [](const std::vector<double>& v) {
    return std::accumulate(v.begin(), v.end(), 0.0) / v.size();
  };
  auto leave_one_out_means = [](const std::vector<double>& v) {
    std::vector<double> out;
    for (std::size_t j = 0; j < v.size(); ++j) {
      double s = 0;
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (i != j) s += v[i];
      }
      out.push_back(s / (v.size() - 1));
    }
    return out;
  };
  std::vector<double> jack_t, jack_c;
  for (double m : leave_one_out_means(treatment)) jack_t.push_back(m - mean(control));
  for (double m : leave_one_out_means(control)) jack_c.push_back(mean(treatment) - m);
  EXPECT_NEAR(bca_acceleration({jack_t, jack_c}), 0.011019107671908957, 1e-9);
  // The same from influence values: x - mean for the treated, -(y - mean) for the controls.
  std::vector<double> l_t, l_c;
  for (double x : treatment) l_t.push_back(x - mean(treatment));
  for (double y : control) l_c.push_back(-(y - mean(control)));
  EXPECT_NEAR(bca_acceleration_from_influence({l_t, l_c}), 0.011019107671908957, 1e-12);
}

TEST(BcaAcceleration, UndefinedIsNaN) {
  EXPECT_TRUE(std::isnan(bca_acceleration({{2.0, 2.0, 2.0}})));
  EXPECT_TRUE(std::isnan(bca_acceleration({})));
  EXPECT_TRUE(std::isnan(bca_acceleration({{}, {1.0}})));
  EXPECT_TRUE(std::isnan(bca_acceleration({{1.0, kNaN, 2.0}})));
}

// The reported Monte Carlo standard errors against the spread of endpoints over many
// simulated bootstrap distributions of a known shape (normal and a skewed exponential); with
// the fixed seed the ratios are 0.93 to 1.09 (400 simulations: about 3.5 % noise each).
struct McCheck {
  double sd_low, sd_high, mean_se_low, mean_se_high;
};

template <class Draw>
McCheck simulate_endpoints(IntervalMethod m, int B, int sims, Draw draw, double a = 0.0) {
  std::mt19937_64 rng(12345);
  std::vector<double> lows, highs;
  double se_low = 0, se_high = 0;
  std::vector<double> reps(B);
  for (int s = 0; s < sims; ++s) {
    for (double& x : reps) x = draw(rng);
    const Interval ci = run(m, 0.0, reps, 0.95, a);
    lows.push_back(ci.low);
    highs.push_back(ci.high);
    se_low += ci.mc_se_low;
    se_high += ci.mc_se_high;
  }
  auto sd = [](const std::vector<double>& v) {
    const double mu = std::accumulate(v.begin(), v.end(), 0.0) / v.size();
    double ss = 0;
    for (double x : v) ss += (x - mu) * (x - mu);
    return std::sqrt(ss / (v.size() - 1));
  };
  return {sd(lows), sd(highs), se_low / sims, se_high / sims};
}

void expect_ballpark(const McCheck& c, const char* what) {
  EXPECT_GT(c.mean_se_low / c.sd_low, 0.85) << what;
  EXPECT_LT(c.mean_se_low / c.sd_low, 1.15) << what;
  EXPECT_GT(c.mean_se_high / c.sd_high, 0.85) << what;
  EXPECT_LT(c.mean_se_high / c.sd_high, 1.15) << what;
}

TEST(MonteCarloError, MatchesSimulatedSpreadOfEndpoints) {
  auto normal = [](std::mt19937_64& g) { return std::normal_distribution<double>()(g); };
  auto expo = [](std::mt19937_64& g) { return std::exponential_distribution<double>()(g) - 1; };
  expect_ballpark(simulate_endpoints(IntervalMethod::percentile, 2000, 400, normal),
                  "percentile, normal");
  expect_ballpark(simulate_endpoints(IntervalMethod::percentile, 2000, 400, expo),
                  "percentile, exponential");
  expect_ballpark(simulate_endpoints(IntervalMethod::normal, 2000, 400, normal), "normal, normal");
  expect_ballpark(simulate_endpoints(IntervalMethod::normal, 2000, 400, expo),
                  "normal, exponential");
  expect_ballpark(simulate_endpoints(IntervalMethod::bca, 2000, 400, normal, 0.05), "bca, normal");
  expect_ballpark(simulate_endpoints(IntervalMethod::bca, 2000, 400, expo, -0.05),
                  "bca, exponential");
}

}  // namespace
}  // namespace klynge
