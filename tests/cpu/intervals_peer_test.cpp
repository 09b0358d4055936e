// Tier-2 peer check of the interval code (DESIGN.md §5): the reference values of scipy and
// R boot in tests/data/peers/bootstrap_reference.json, compared by the rule of
// tests/data/peers/README.md. The replicates come from a small resampler inside this test
// (not klynge's engine), so this checks the interval definitions and the tolerance rule; the
// end-to-end test with the engine uses the same rule.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "klynge/intervals.hpp"

namespace klynge {
namespace {

nlohmann::json load_reference() {
  std::ifstream in(std::string(KLYNGE_TEST_DATA_DIR) + "/peers/bootstrap_reference.json");
  EXPECT_TRUE(in.good());
  return nlohmann::json::parse(in);
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

TEST(PeerReference, AccelerationFromJackknifeValuesMatchesScipy) {
  const nlohmann::json ref = load_reference();
  ASSERT_EQ(ref["cases"].size(), 2u);
  for (const auto& c : ref["cases"]) {
    const auto jt = c["jackknife_treated"].get<std::vector<double>>();
    const auto jc = c["jackknife_control"].get<std::vector<double>>();
    EXPECT_NEAR(bca_acceleration({jt, jc}), c["acceleration"].get<double>(), 1e-9) << c["name"];
    // And from the data's influence values.
    const auto t = c["treated"].get<std::vector<double>>();
    const auto k = c["control"].get<std::vector<double>>();
    std::vector<double> lt, lc;
    for (double x : t) lt.push_back(x - mean(t));
    for (double y : k) lc.push_back(-(y - mean(k)));
    EXPECT_NEAR(bca_acceleration_from_influence({lt, lc}), c["acceleration"].get<double>(), 1e-9)
        << c["name"];
  }
}

double peer_se(const nlohmann::json& e, const char* end) {
  double s = e[std::string("mc_se_") + end].get<double>();
  const std::string formula = std::string("mc_se_formula_") + end;
  if (e.contains(formula)) s = std::max(s, e[formula].get<double>());
  return s;
}

TEST(PeerReference, IntervalsAgreeWithinMonteCarloError) {
  const nlohmann::json ref = load_reference();
  constexpr int kB = 100000;
  for (const auto& c : ref["cases"]) {
    const std::string name = c["name"];
    const auto t = c["treated"].get<std::vector<double>>();
    const auto k = c["control"].get<std::vector<double>>();
    const double estimate = mean(t) - mean(k);
    EXPECT_NEAR(estimate, c["estimate"].get<double>(), 1e-12);
    std::mt19937_64 rng(77);
    std::uniform_int_distribution<std::size_t> pick_t(0, t.size() - 1), pick_k(0, k.size() - 1);
    std::vector<double> reps(kB);
    for (double& r : reps) {
      double st = 0, sk = 0;
      for (std::size_t j = 0; j < t.size(); ++j) st += t[pick_t(rng)];
      for (std::size_t j = 0; j < k.size(); ++j) sk += k[pick_k(rng)];
      r = st / t.size() - sk / k.size();
    }
    const ReplicateSummary summary = summarize_replicates(estimate, reps);
    EXPECT_NEAR(summary.std_error / c["bootstrap"]["std_error"].get<double>(), 1.0, 0.01) << name;
    EXPECT_NEAR(summary.bias, 0.0, 4 * summary.std_error / std::sqrt(kB)) << name;
    const double a = c["acceleration"].get<double>();
    for (const char* level : {"0.90", "0.95"}) {
      for (IntervalMethod m : {IntervalMethod::percentile, IntervalMethod::basic,
                               IntervalMethod::normal, IntervalMethod::bca}) {
        IntervalRequest request;
        request.estimate = estimate;
        request.replicates = reps;
        request.level = std::stod(level);
        request.acceleration = a;
        const Interval ci = compute_interval(m, request);
        ASSERT_EQ(ci.status, "ok") << name << " " << interval_method_name(m);
        const std::string method(interval_method_name(m));
        const nlohmann::json peers[2] = {
            c["bootstrap"]["intervals"][level][method],
            c["r_boot"]["intervals"][level][m == IntervalMethod::bca ? "bca_klynge" : method]};
        for (const auto& p : peers) {
          for (const char* end : {"low", "high"}) {
            const double x = std::string(end) == "low" ? ci.low : ci.high;
            const double s = std::string(end) == "low" ? ci.mc_se_low : ci.mc_se_high;
            const double sp = peer_se(p, end);
            const double tolerance = 4 * std::sqrt(s * s + sp * sp);
            EXPECT_NEAR(x, p[end].get<double>(), tolerance)
                << name << " " << level << " " << method << " " << end;
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace klynge
