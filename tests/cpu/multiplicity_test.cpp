// Multiplicity: Holm and Benjamini-Hochberg against R's p.adjust, Westfall-Young maxT on a
// tiny joint distribution worked by hand; p-values: tie rule, caps, Clopper-Pearson vs R.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "klynge/multiplicity.hpp"
#include "klynge/p_values.hpp"

namespace klynge {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Rscript -e 'print(p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.2, 0.04, NA), "holm"), digits=17)'
//   0.05 0.12 0.12 0.03 0.2 0.12 NA
// Rscript -e 'print(p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.2, 0.04, NA), "BH"), digits=17)'
//   0.03 0.048 0.048 0.03 0.2 0.048 NA
TEST(Multiplicity, HolmAndBhMatchRPAdjust) {
  const std::vector<double> p = {0.01, 0.04, 0.03, 0.005, 0.2, 0.04, kNaN};
  const std::vector<double> holm = {0.05, 0.12, 0.12, 0.03, 0.2, 0.12};
  const std::vector<double> bh = {0.03, 0.048, 0.048, 0.03, 0.2, 0.048};
  const auto h = holm_adjust(p), b = bh_adjust(p);
  for (std::size_t i = 0; i < holm.size(); ++i) {
    EXPECT_NEAR(h[i], holm[i], 1e-15) << i;
    EXPECT_NEAR(b[i], bh[i], 1e-15) << i;
  }
  EXPECT_TRUE(std::isnan(h[6]));
  EXPECT_TRUE(std::isnan(b[6]));
  // Caps at 1.
  EXPECT_EQ(holm_adjust({0.6, 0.7})[0], 1.0);
  EXPECT_EQ(bh_adjust({0.6, 0.7})[1], 0.7);
}

// Three keys, four replicates. Observed T = (3, -1, 2).
// Two-sided, s = |T| = (3, 1, 2): order key0, key2, key1. |replicates|:
//   key0: 1.0 3.5 0.5 3.2    key1: 0.5 1.2 1.5 1.1    key2: 2.5 0.1 0.3 0.2
// u_(3) = |key1|                  >= 1 in 3 replicates -> (3+1)/5 = 0.8
// u_(2) = max(|key2|, u_(3)) = 2.5 1.2 1.5 1.1 >= 2 in 1 -> 2/5 = 0.4 -> monotone 0.6
// u_(1) = max(|key0|, u_(2)) = 2.5 3.5 1.5 3.2 >= 3 in 2 -> 3/5 = 0.6
// Exact (the same table read as all relabelings): 2/4 = 0.5, 1/4 -> 0.5, 3/4 = 0.75.
// Greater, s = T = (3, -1, 2): u_(3) = key1 >= -1 in 3 -> 0.8; u_(2) = 2.5 1.2 0.3 1.1 >= 2 in
// 1 -> 0.4; u_(1) = 2.5 1.2 0.5 3.2 >= 3 in 1 -> 0.4.
TEST(Multiplicity, MaxTStepDownByHand) {
  const std::vector<double> observed = {3.0, -1.0, 2.0};
  const std::vector<double> values = {1.0, -3.5, 0.5,  3.2,    // key0
                                      0.5, 1.2,  -1.5, 1.1,    // key1
                                      2.5, 0.1,  0.3,  -0.2};  // key2
  const auto two = maxt_adjust(observed, values, 4, false, Alternative::two_sided);
  EXPECT_DOUBLE_EQ(two[0], 0.6);
  EXPECT_DOUBLE_EQ(two[1], 0.8);
  EXPECT_DOUBLE_EQ(two[2], 0.6);
  const auto exact = maxt_adjust(observed, values, 4, true, Alternative::two_sided);
  EXPECT_DOUBLE_EQ(exact[0], 0.5);
  EXPECT_DOUBLE_EQ(exact[1], 0.75);
  EXPECT_DOUBLE_EQ(exact[2], 0.5);
  const auto greater = maxt_adjust(observed, values, 4, false, Alternative::greater);
  EXPECT_DOUBLE_EQ(greater[0], 0.4);
  EXPECT_DOUBLE_EQ(greater[1], 0.8);
  EXPECT_DOUBLE_EQ(greater[2], 0.4);
  // Less mirrors greater on -T.
  std::vector<double> neg_obs = observed, neg_values = values;
  for (double& x : neg_obs) x = -x;
  for (double& x : neg_values) x = -x;
  EXPECT_EQ(maxt_adjust(neg_obs, neg_values, 4, false, Alternative::less), greater);
}

// A key without an observed value stays NaN and leaves the family; a NaN replicate value
// counts as +infinity (conservative).
TEST(Multiplicity, MaxTNaNHandling) {
  const std::vector<double> observed = {2.0, kNaN};
  const std::vector<double> values = {kNaN, 0.0, 0.0, 0.0, 1.0, 1.0};
  const auto adj = maxt_adjust(observed, values, 3, false, Alternative::two_sided);
  EXPECT_DOUBLE_EQ(adj[0], 0.5);  // (1 + 1) / 4
  EXPECT_TRUE(std::isnan(adj[1]));
}

// maxT is never below the key's own single-test p (the first successive maximum of a key
// includes the key itself), and one key alone gives the single-test p.
TEST(Multiplicity, MaxTOfOneKeyIsTheSingleTestP) {
  const std::vector<double> values = {0.3, -2.5, 1.9, 2.0, -0.1};
  const auto adj = maxt_adjust({2.0}, values, 5, false, Alternative::two_sided);
  EXPECT_DOUBLE_EQ(adj[0], 3.0 / 6.0);  // |T| >= 2: -2.5, 2.0 (and 1.9 is not)
}

TEST(PValues, TieRule) {
  const double eps = std::numeric_limits<double>::epsilon();
  EXPECT_TRUE(at_least(1.0 - 50 * eps, 1.0));
  EXPECT_FALSE(at_least(1.0 - 1e-10, 1.0));
  EXPECT_TRUE(at_most(-2.0 + 150 * eps, -2.0));
  EXPECT_TRUE(at_least(kNaN, 5.0));
  EXPECT_TRUE(at_most(kNaN, 5.0));
  EXPECT_TRUE(at_least(0.0, 0.0));
  EXPECT_FALSE(at_least(-1e-300, 0.0));  // tolerance is relative to |T_obs|
}

TEST(PValues, MonteCarloExactAndTwoSidedCap) {
  ExtremeCounts c{6, 994, 999};
  PValue g = permutation_p_value(c, false, Alternative::greater);
  EXPECT_DOUBLE_EQ(g.p, 7.0 / 1000.0);
  EXPECT_EQ(g.method(), "monte_carlo");
  // Rscript -e 'print(binom.test(6, 999, conf.level=0.99)$conf.int, digits=17)'
  PValue two = permutation_p_value(c, false, Alternative::two_sided);
  EXPECT_DOUBLE_EQ(two.p, 14.0 / 1000.0);
  EXPECT_DOUBLE_EQ(permutation_p_value(c, false, Alternative::less).p, 995.0 / 1000.0);
  ExtremeCounts big{600, 500, 999};
  EXPECT_EQ(permutation_p_value(big, false, Alternative::two_sided).p, 1.0);
  EXPECT_EQ(permutation_p_value(big, false, Alternative::two_sided).ci_high, 1.0);
  PValue e = permutation_p_value(ExtremeCounts{3, 10, 12}, true, Alternative::greater);
  EXPECT_DOUBLE_EQ(e.p, 0.25);
  EXPECT_EQ(e.method(), "exact");
  EXPECT_TRUE(std::isnan(permutation_p_value(c, false, Alternative::greater, false).p));
}

// Rscript -e 'print(binom.test(7, 999, conf.level=0.99)$conf.int, digits=17)'
//   0.0020434340711861596 0.0170639091470393689
// Rscript -e 'print(binom.test(0, 999, conf.level=0.99)$conf.int, digits=17)'
//   0 0.0052895816205387096
// Rscript -e 'print(binom.test(999, 999, conf.level=0.99)$conf.int, digits=17)'
//   0.99471041837946128 1
TEST(PValues, ClopperPearsonMatchesR) {
  auto [lo, hi] = clopper_pearson(7, 999, 0.99);
  EXPECT_NEAR(lo, 0.0020434340711861596, 1e-15);
  EXPECT_NEAR(hi, 0.0170639091470393689, 1e-15);
  std::tie(lo, hi) = clopper_pearson(0, 999, 0.99);
  EXPECT_EQ(lo, 0.0);
  EXPECT_NEAR(hi, 0.0052895816205387096, 1e-15);
  std::tie(lo, hi) = clopper_pearson(999, 999, 0.99);
  EXPECT_NEAR(lo, 0.99471041837946128, 1e-14);
  EXPECT_EQ(hi, 1.0);
  // The reported interval of a Monte Carlo p is the interval of b of B.
  const PValue p = permutation_p_value(ExtremeCounts{7, 990, 999}, false, Alternative::greater);
  EXPECT_NEAR(p.ci_low, 0.0020434340711861596, 1e-15);
  EXPECT_NEAR(p.ci_high, 0.0170639091470393689, 1e-15);
}

}  // namespace
}  // namespace klynge

namespace klynge {
namespace {

// Two keys, five replicates. Key 0: estimate 0, replicates -1 0 1 2 -2 (sd = sqrt(2.5));
// key 1: estimate 10, replicates 10 10 14 10 6 (sd = sqrt(8) = 2 sqrt 2).
// |z| key 0: 0.632 0 0.632 1.265 1.265; key 1: 0 0 1.414 0 1.414.
// M = max: 0.632 0 1.414 1.265 1.414; sorted 0 0.632 1.265 1.414 1.414.
// level 0.8: ceil(4) = 4th smallest = sqrt(2) -> band_0 = -/+ sqrt(2) sqrt(2.5) = -/+ sqrt(5),
// band_1 = 10 -/+ sqrt(2) * 2 sqrt(2) = 10 -/+ 4.
TEST(SupTBand, HandWorkedExample) {
  const std::vector<double> est = {0.0, 10.0};
  const std::vector<double> values = {-1, 0, 1, 2, -2, 10, 10, 14, 10, 6};
  const SupTBand b = sup_t_band(est, values, 5, 0.8);
  EXPECT_EQ(b.family, 2u);
  EXPECT_NEAR(b.critical, std::sqrt(2.0), 1e-15);
  EXPECT_NEAR(b.low[0], -std::sqrt(5.0), 1e-14);
  EXPECT_NEAR(b.high[0], std::sqrt(5.0), 1e-14);
  EXPECT_NEAR(b.low[1], 6.0, 1e-14);
  EXPECT_NEAR(b.high[1], 14.0, 1e-14);
}

// Perfectly dependent keys need no widening; independent keys do; a key without an estimate
// leaves the family.
TEST(SupTBand, DependenceAndNaN) {
  std::vector<double> a(999), b(999);
  for (int j = 0; j < 999; ++j) {
    a[j] = std::sin(j * 1.37) * 3.0;
    b[j] = std::cos(j * 2.11 + 0.4) * 3.0;
  }
  std::vector<double> same = a, both = a, indep = a;
  for (double x : a) same.push_back(2.0 * x);
  for (double x : b) indep.push_back(x);
  const SupTBand one = sup_t_band({0.0}, a, 999, 0.95);
  const SupTBand dep = sup_t_band({0.0, 0.0}, same, 999, 0.95);
  const SupTBand ind = sup_t_band({0.0, 0.0}, indep, 999, 0.95);
  EXPECT_NEAR(dep.critical, one.critical, 1e-12);
  EXPECT_GT(ind.critical, one.critical);
  both.insert(both.end(), b.begin(), b.end());
  const SupTBand nan_key = sup_t_band({0.0, kNaN}, both, 999, 0.95);
  EXPECT_EQ(nan_key.family, 1u);
  EXPECT_NEAR(nan_key.critical, one.critical, 1e-12);
  EXPECT_TRUE(std::isnan(nan_key.low[1]));
}

}  // namespace
}  // namespace klynge
