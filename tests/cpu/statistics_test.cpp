// Point statistics: the shared group reductions (hd/group_stats.hpp) against hand values and
// scipy.stats outputs worked out by hand, weighted-vs-expanded-sample equivalence, and
// describe_sample on hand-made Samples, including the reduction of the cohort-aggregate
// Welch standard error to Welch's for one cohort. Definitions: docs/estimands.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "klynge/hd/group_stats.hpp"
#include "klynge/statistics.hpp"

namespace klynge {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---- group reductions ------------------------------------------------------------------------

double median_of(std::vector<double> y) {
  std::sort(y.begin(), y.end());
  return hd::weighted_median_sorted(y.data(), nullptr, y.size());
}

// scipy.stats.trim_mean(y, trim): cut floor(trim * n) from each end.
double trim_mean_of(std::vector<double> y, double trim) {
  std::sort(y.begin(), y.end());
  return hd::trimmed_mean_sorted(y.data(), nullptr, y.size(),
                                 hd::trim_cut_units(trim, static_cast<double>(y.size())));
}

TEST(GroupStats, MeanVarianceAndStandardError) {
  const std::vector<double> y = {1, 2, 3, 4};
  const hd::Moments m = hd::moments(y.data(), nullptr, y.size());
  EXPECT_EQ(m.units, 4.0);
  EXPECT_EQ(m.sum_w, 4.0);
  EXPECT_DOUBLE_EQ(m.mean, 2.5);
  EXPECT_DOUBLE_EQ(hd::variance(m), 5.0 / 3.0);   // numpy.var(y, ddof=1)
  EXPECT_DOUBLE_EQ(hd::mean_se2(m), 5.0 / 12.0);  // s^2 / n
  const hd::Moments one = hd::moments(y.data(), nullptr, 1);
  EXPECT_EQ(one.mean, 1.0);
  EXPECT_TRUE(std::isnan(hd::variance(one)));
  EXPECT_TRUE(std::isnan(hd::mean_se2(one)));
  const hd::Moments none = hd::moments(y.data(), nullptr, 0);
  EXPECT_TRUE(std::isnan(none.mean));
}

TEST(GroupStats, VarianceStaysAccurateFarFromZero) {
  // A one-pass sum of squares loses everything here; the corrected two-pass does not.
  const std::vector<double> y = {1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4};
  const hd::Moments m = hd::moments(y.data(), nullptr, y.size());
  EXPECT_NEAR(hd::variance(m), 5.0 / 3.0, 1e-6);
  EXPECT_DOUBLE_EQ(m.mean, 1e9 + 2.5);
}

TEST(GroupStats, EntriesWithoutWeightAreSkipped) {
  const std::vector<double> y = {1, kNaN, 3};
  const std::vector<double> w = {1, 0, 1};
  const hd::Moments m = hd::moments(y.data(), w.data(), y.size());
  EXPECT_EQ(m.units, 2.0);
  EXPECT_EQ(m.mean, 2.0);
  EXPECT_EQ(hd::variance(m), 2.0);
  EXPECT_EQ(hd::weighted_median_sorted(y.data(), w.data(), y.size()), 2.0);
  // Sorted with the NaN at the end, as a caller sorting valid values would not even pass it.
  const std::vector<double> ys = {1, 3, kNaN};
  const std::vector<double> ws = {1, 1, 0};
  EXPECT_EQ(hd::trimmed_mean_sorted(ys.data(), ws.data(), 3, 0.0), 2.0);
}

TEST(GroupStats, MedianOddEvenAndEmpty) {
  EXPECT_EQ(median_of({3, 1, 2}), 2.0);  // numpy.median
  EXPECT_EQ(median_of({4, 1, 3, 2}), 2.5);
  EXPECT_EQ(median_of({7}), 7.0);
  EXPECT_EQ(median_of({5, 5, 1, 9}), 5.0);
  EXPECT_TRUE(std::isnan(hd::weighted_median_sorted(nullptr, nullptr, 0)));
}

TEST(GroupStats, WeightedMedianRule) {
  const std::vector<double> y = {1, 2, 3};
  // W = 4: C = 1, 2 = W/2 exactly -> mean of 2 and the next value, as in {1, 2, 3, 3}.
  const std::vector<double> w1 = {1, 1, 2};
  EXPECT_EQ(hd::weighted_median_sorted(y.data(), w1.data(), 3), 2.5);
  const std::vector<double> w2 = {1, 2, 1};  // C = 1, 3 > 2
  EXPECT_EQ(hd::weighted_median_sorted(y.data(), w2.data(), 3), 2.0);
  const std::vector<double> w3 = {0.5, 0.2, 0.3};  // C = 0.5 = W/2
  EXPECT_EQ(hd::weighted_median_sorted(y.data(), w3.data(), 3), 1.5);
  const std::vector<double> w4 = {0.6, 0.2, 0.2};
  EXPECT_EQ(hd::weighted_median_sorted(y.data(), w4.data(), 3), 1.0);
  // The "next" value skips entries without weight.
  const std::vector<double> w5 = {1, 0, 1};
  EXPECT_EQ(hd::weighted_median_sorted(y.data(), w5.data(), 3), 2.0);
}

// Equal weights give the unweighted median whatever their value, although their sums round:
// 0.1 added eight times is not 0.8 (a build before 2026-12-05 took the lower middle value for
// 0.1 and the upper one for 0.7).
TEST(GroupStats, EqualWeightsGiveTheUnweightedMedian) {
  for (const std::size_t n : {2u, 4u, 16u, 17u, 1000u}) {
    std::vector<double> y(n);
    for (std::size_t i = 0; i < n; ++i) y[i] = static_cast<double>(i) * 1.5 - 3.0;
    const double plain = hd::weighted_median_sorted(y.data(), nullptr, n);
    for (const double w : {0.1, 0.7, 0.3, 1.0 / 3.0, 12.345, 1e-7}) {
      const std::vector<double> ws(n, w);
      EXPECT_EQ(hd::weighted_median_sorted(y.data(), ws.data(), n), plain) << n << " " << w;
    }
  }
}

TEST(GroupStats, TrimmedMeanMatchesScipy) {
  std::vector<double> one_to_ten(10);
  for (int i = 0; i < 10; ++i) one_to_ten[i] = i + 1;
  EXPECT_DOUBLE_EQ(trim_mean_of(one_to_ten, 0.1), 5.5);   // scipy.stats.trim_mean(1..10, 0.1)
  EXPECT_DOUBLE_EQ(trim_mean_of(one_to_ten, 0.25), 5.5);  // cuts 2 from each end
  const std::vector<double> skewed = {0, 1, 2, 4, 8, 16, 32, 64, 128, 1000};
  EXPECT_DOUBLE_EQ(trim_mean_of(skewed, 0.2), 21.0);     // mean(2, 4, ..., 64)
  EXPECT_DOUBLE_EQ(trim_mean_of(skewed, 0.15), 31.875);  // floor(1.5) = 1: mean(1..128)
  EXPECT_DOUBLE_EQ(trim_mean_of(skewed, 0.0), 1255.0 / 10);
  EXPECT_DOUBLE_EQ(trim_mean_of({1, 2, 3, 4, 100}, 0.25), 3.0);
  EXPECT_DOUBLE_EQ(trim_mean_of({1, 2, 3, 4, 100}, 0.4), 3.0);
  EXPECT_DOUBLE_EQ(trim_mean_of({1, 2, 3, 4, 100}, 0.49), 3.0);
  EXPECT_DOUBLE_EQ(trim_mean_of({1, 2, 3, 4}, 0.49), 2.5);
}

TEST(GroupStats, FractionalTrimmingCutsMass) {
  const std::vector<double> y = {0, 10, 20, 100};
  const std::vector<double> w = {1, 1, 1, 1};
  // Cut 0.4 from each tail: 0 keeps 0.6, 100 keeps 0.6.
  EXPECT_DOUBLE_EQ(hd::trimmed_mean_sorted(y.data(), w.data(), 4, hd::trim_cut_mass(0.1, 4.0)),
                   (10 + 20 + 0.6 * 100) / 3.2);
  // Cut 1.5: the two middle values keep 0.5 each.
  EXPECT_DOUBLE_EQ(hd::trimmed_mean_sorted(y.data(), w.data(), 4, 1.5), 15.0);
  // Real weights: W = 10, cut 2 from each tail: 0 (w 3) keeps 1, 100 (w 2) keeps nothing.
  const std::vector<double> rw = {3, 4, 1, 2};
  EXPECT_DOUBLE_EQ(hd::trimmed_mean_sorted(y.data(), rw.data(), 4, 2.0),
                   (0 * 1 + 10 * 4 + 20 * 1) / 6.0);
  EXPECT_TRUE(std::isnan(hd::trimmed_mean_sorted(y.data(), w.data(), 4, 2.0)));  // nothing left
}

TEST(GroupStats, AggregateGrowthIsTheGrowthOfTotals) {
  const std::vector<double> x0 = {10, 20, 5}, x1 = {15, 20, 1e9};
  const std::vector<double> w = {1, 1, 0};
  EXPECT_DOUBLE_EQ(hd::aggregate_growth(x0.data(), x1.data(), w.data(), 3), 35.0 / 30.0 - 1.0);
  const std::vector<double> c = {2, 1, 0};
  EXPECT_DOUBLE_EQ(hd::aggregate_growth(x0.data(), x1.data(), nullptr, c.data(), 3), 0.25);
  const std::vector<double> zero = {0, 0, 0};
  EXPECT_TRUE(std::isnan(hd::aggregate_growth(zero.data(), x1.data(), nullptr, 3)));
}

TEST(GroupStats, WelchTMatchesScipy) {
  const std::vector<double> a = {1, 2, 3, 4}, b = {2, 4, 6};
  const hd::Moments ma = hd::moments(a.data(), nullptr, 4), mb = hd::moments(b.data(), nullptr, 3);
  // scipy.stats.ttest_ind([1,2,3,4], [2,4,6], equal_var=False).statistic
  EXPECT_NEAR(hd::welch_t(ma.mean - mb.mean, hd::mean_se2(ma), hd::mean_se2(mb)),
              -1.1338934190276817, 1e-15);
  EXPECT_TRUE(std::isnan(hd::welch_t(1.0, 0.0, 0.0)));
}

// Integer weights or counts reproduce the unit-weight statistics of the expanded sample.
TEST(GroupStats, CountsEqualTheExpandedSample) {
  const std::vector<double> y = {-1, 0.5, 2, 2, 3.5, 7.25};  // sorted
  const std::vector<double> c = {1, 2, 3, 1, 2, 4};
  const std::vector<double> x0 = {3, 1, 4, 1, 5, 9}, x1 = {2, 6, 5, 3, 5, 8};
  std::vector<double> ey, ex0, ex1;
  for (std::size_t i = 0; i < y.size(); ++i) {
    for (int k = 0; k < c[i]; ++k) {
      ey.push_back(y[i]);
      ex0.push_back(x0[i]);
      ex1.push_back(x1[i]);
    }
  }
  const std::size_t n = y.size(), en = ey.size();
  const hd::Moments expanded = hd::moments(ey.data(), nullptr, en);
  for (const bool as_counts : {true, false}) {
    SCOPED_TRACE(as_counts ? "as counts" : "as weights");
    const double* w = as_counts ? nullptr : c.data();
    const double* k = as_counts ? c.data() : nullptr;
    const hd::Moments m = hd::moments(y.data(), w, k, n);
    EXPECT_NEAR(m.mean, expanded.mean, 1e-14);
    EXPECT_EQ(m.sum_w, 13.0);
    EXPECT_NEAR(hd::weighted_median_sorted(y.data(), w, k, n), median_of(ey), 0);
    for (double trim : {0.0, 0.1, 0.2, 0.25, 0.3, 0.45}) {
      const double cut = hd::trim_cut_units(trim, m.sum_w);
      EXPECT_NEAR(hd::trimmed_mean_sorted(y.data(), w, k, n, cut), trim_mean_of(ey, trim), 1e-14)
          << trim;
    }
    EXPECT_NEAR(hd::aggregate_growth(x0.data(), x1.data(), w, k, n),
                hd::aggregate_growth(ex0.data(), ex1.data(), nullptr, en), 1e-15);
  }
  // Spreads: counts replicate firms, so they reproduce the expanded sample's spread.
  const hd::Moments m = hd::moments(y.data(), nullptr, c.data(), n);
  EXPECT_EQ(m.units, 13.0);
  EXPECT_NEAR(hd::variance(m), hd::variance(expanded), 1e-14);
  EXPECT_NEAR(hd::mean_se2(m), hd::mean_se2(expanded), 1e-15);
  // Odd expanded size too: drop one unit of the largest value.
  std::vector<double> c_odd = c;
  c_odd.back() = 3;
  std::vector<double> ey_odd(ey.begin(), ey.end() - 1);
  EXPECT_EQ(hd::weighted_median_sorted(y.data(), nullptr, c_odd.data(), n), median_of(ey_odd));
}

TEST(GroupStats, SamplingWeightSpreadsIgnoreTheWeightScale) {
  const std::vector<double> y = {0.1, -0.3, 0.25, 0.7, 0.0};
  const std::vector<double> w = {1, 2.5, 0.5, 4, 1};
  std::vector<double> w10 = w;
  for (double& v : w10) v *= 10;
  const hd::Moments a = hd::moments(y.data(), w.data(), y.size());
  const hd::Moments b = hd::moments(y.data(), w10.data(), y.size());
  EXPECT_NEAR(a.mean, b.mean, 1e-15);
  EXPECT_NEAR(hd::variance(a), hd::variance(b), 1e-15);
  EXPECT_NEAR(hd::mean_se2(a), hd::mean_se2(b), 1e-15);
  // The survey linearisation: n/(n-1) sum w^2 (y - m)^2 / W^2, by hand.
  double W = 0, S = 0;
  for (std::size_t i = 0; i < y.size(); ++i) W += w[i], S += w[i] * y[i];
  const double mean = S / W;
  double q = 0, q2 = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    q += w[i] * (y[i] - mean) * (y[i] - mean);
    q2 += w[i] * w[i] * (y[i] - mean) * (y[i] - mean);
  }
  EXPECT_NEAR(hd::variance(a), 5.0 / 4.0 * q / W, 1e-15);
  EXPECT_NEAR(hd::mean_se2(a), 5.0 / 4.0 * q2 / (W * W), 1e-15);
}

// ---- describe_sample on hand-made Samples ----------------------------------------------------

struct Contribution {
  std::int32_t firm;
  double y;
  double w = 1.0;
  double x0 = 1.0;
  double x1 = 1.0;
};

struct CellSpec {
  std::int32_t cohort;
  std::vector<Contribution> members, controls;
};

Sample make_sample(const std::vector<CellSpec>& cells, std::size_t firms, bool weighted = false) {
  Sample s;
  s.metric_names = {"emp"};
  s.growth.resize(1);
  s.start.resize(1);
  s.end.resize(1);
  s.weight.resize(1);
  s.weighted = weighted;
  for (std::size_t f = 0; f < firms; ++f) s.firm_ids.push_back("f" + std::to_string(f));
  s.firm_cluster.assign(firms, -1);
  auto add = [&](const Contribution& c) {
    s.firm.push_back(c.firm);
    s.stratum.push_back(-1);
    s.growth[0].push_back(c.y);
    s.start[0].push_back(c.x0);
    s.end[0].push_back(c.x1);
    s.weight[0].push_back(std::isnan(c.y) ? 0.0 : c.w);
  };
  for (const CellSpec& spec : cells) {
    Cell cell;
    cell.cohort = spec.cohort;
    cell.member_begin = static_cast<std::uint32_t>(s.firm.size());
    for (const auto& c : spec.members) add(c);
    cell.member_end = static_cast<std::uint32_t>(s.firm.size());
    for (const auto& c : spec.controls) add(c);
    cell.control_end = static_cast<std::uint32_t>(s.firm.size());
    s.cells.push_back(cell);
  }
  return s;
}

DesignOptions cohort_options() {
  return DesignOptions{};
}

const Estimate& result(const Description& d, std::int32_t cohort, Statistic statistic) {
  for (const Estimate& e : d.results) {
    if (e.cohort == cohort && e.statistic == statistic) return e;
  }
  ADD_FAILURE() << "no result";
  static Estimate none;
  return none;
}

TEST(Describe, OneCohortAggregateWelchIsWelch) {
  const std::vector<double> m = {0.1, 0.4, 0.35, 0.2}, c = {0.05, 0.0, 0.15};
  const Sample s = make_sample(
      {{2004, {{0, m[0]}, {1, m[1]}, {2, m[2]}, {3, m[3]}}, {{4, c[0]}, {5, c[1]}, {6, c[2]}}}}, 7);
  const Description d = describe_sample(s, cohort_options());
  const Estimate& cell = result(d, 2004, Statistic::welch_t);
  const Estimate& all = result(d, kAllCohorts, Statistic::welch_t);
  // By hand: means 0.2625 and 0.0666..., s2 = 0.0189583.. and 0.0058333..
  const double mm = 1.05 / 4, mc = 0.2 / 3;
  double sm = 0, sc = 0;
  for (double v : m) sm += (v - mm) * (v - mm);
  for (double v : c) sc += (v - mc) * (v - mc);
  const double welch = (mm - mc) / std::sqrt(sm / 3 / 4 + sc / 2 / 3);
  EXPECT_NEAR(cell.value, welch, 1e-12);
  EXPECT_NEAR(all.value, cell.value, 1e-12 * std::abs(cell.value));
  EXPECT_EQ(all.status, "ok");
  EXPECT_NEAR(result(d, kAllCohorts, Statistic::mean_diff).value, mm - mc, 1e-15);
  EXPECT_EQ(all.n_member, 4u);
  EXPECT_EQ(all.n_control, 3u);
}

TEST(Describe, OneCohortAggregateWelchIsWelchWithWeights) {
  const Sample s = make_sample({{2004,
                                 {{0, 0.1, 2.0}, {1, 0.4, 0.5}, {2, 0.35, 1.0}},
                                 {{3, 0.05, 3.0}, {4, 0.0, 1.0}, {5, 0.15, 0.25}, {6, -0.1, 1.0}}}},
                               7, true);
  const Description d = describe_sample(s, cohort_options());
  const Estimate& cell = result(d, 2004, Statistic::welch_t);
  EXPECT_EQ(cell.status, "ok");
  EXPECT_NEAR(result(d, kAllCohorts, Statistic::welch_t).value, cell.value,
              1e-12 * std::abs(cell.value));
}

TEST(Describe, TwoCohortAggregateCountsAReusedControlOnce) {
  // Cohort 1: members {1, 3}, controls X=0, Y=2. Cohort 2: members {4, 6, 8}, controls X=1, Z=3.
  // Firms: a1 a2 b1 b2 b3 = 0..4, X = 5, Y = 6, Z = 7.
  const Sample s = make_sample({{2001, {{0, 1}, {1, 3}}, {{5, 0}, {6, 2}}},
                                {2002, {{2, 4}, {3, 6}, {4, 8}}, {{5, 1}, {7, 3}}}},
                               8);
  const Description d = describe_sample(s, cohort_options());
  EXPECT_DOUBLE_EQ(result(d, 2001, Statistic::mean_diff).value, 1.0);
  EXPECT_DOUBLE_EQ(result(d, 2002, Statistic::mean_diff).value, 4.0);
  const Estimate& mean = result(d, kAllCohorts, Statistic::mean_diff);
  EXPECT_DOUBLE_EQ(mean.value, 0.4 * 1 + 0.6 * 4);  // weights n_member: 2/5, 3/5
  EXPECT_EQ(mean.n_member, 5u);
  EXPECT_EQ(mean.n_control, 3u);  // X, Y, Z
  // Influence values IF_f = sum_g w_g s (y - mean) / sqrt(n (n - 1)):
  //   a1, a2, Y: 0.4/sqrt2 each (squared 0.08); b1, b3: 1.2/sqrt6 (0.24); b2: 0;
  //   Z: 0.6/sqrt2 (0.18); X: 0.4/sqrt2 + 0.6/sqrt2 (0.5, not 0.08 + 0.18: X is one firm).
  // SE^2 = 0.08 * 3 + 0.24 * 2 + 0.18 + 0.5 = 1.4.
  EXPECT_NEAR(result(d, kAllCohorts, Statistic::welch_t).value, 2.8 / std::sqrt(1.4), 1e-14);
  // The other statistics average the per-cohort values with the same weights.
  EXPECT_DOUBLE_EQ(result(d, kAllCohorts, Statistic::median_diff).value, 0.4 * 1 + 0.6 * 4);
}

TEST(Describe, StatusesInsteadOfBareNaN) {
  const Sample s = make_sample(
      {{2001, {{0, 1}, {1, 1}}, {{4, 1}, {5, 1}}},                     // zero variance
       {2002, {{2, 0.5}}, {}},                                         // no controls
       {2003, {{3, 0.5, 1.0, 0.0, 2.0}}, {{6, 0.1, 1.0, 0.0, 2.0}}}},  // zero base, one firm each
      7);
  const Description d = describe_sample(s, cohort_options());
  EXPECT_EQ(result(d, 2001, Statistic::mean_diff).status, "ok");
  EXPECT_EQ(result(d, 2001, Statistic::mean_diff).value, 0.0);
  EXPECT_EQ(result(d, 2001, Statistic::welch_t).status, "zero_variance");
  for (int st = 0; st < kStatisticCount; ++st) {
    const Estimate& e = result(d, 2002, static_cast<Statistic>(st));
    EXPECT_EQ(e.status, "empty_group");
    EXPECT_TRUE(std::isnan(e.value));
    EXPECT_EQ(e.n_member, 1u);
    EXPECT_EQ(e.n_control, 0u);
  }
  EXPECT_EQ(result(d, 2003, Statistic::agg_diff).status, "zero_base");
  EXPECT_EQ(result(d, 2003, Statistic::welch_t).status, "too_few_firms");
  // Aggregates skip cohorts without a value: mean_diff over 2001 (n 2) and 2003 (n 1).
  const Estimate& mean = result(d, kAllCohorts, Statistic::mean_diff);
  EXPECT_DOUBLE_EQ(mean.value, (2 * 0.0 + 1 * 0.4) / 3);
  EXPECT_EQ(mean.n_member, 3u);
  EXPECT_EQ(result(d, kAllCohorts, Statistic::agg_diff).n_member, 2u);  // 2001 only
  // welch_t's aggregate is over 2001 alone (2003 has no standard error), whose groups are
  // constant.
  EXPECT_EQ(result(d, kAllCohorts, Statistic::welch_t).status, "zero_variance");
}

TEST(Describe, GroupSummaries) {
  const Sample s =
      make_sample({{kWindowCohort,
                    {{0, 0.3, 1, 10, 13}, {1, kNaN}, {2, 0.1, 1, 20, 22}, {3, 0.2, 1, 30, 36}},
                    {{4, -0.5, 1, 4, 2}, {5, 0.5, 1, 2, 3}}}},
                  6);
  DesignOptions window;
  window.from = 2000;
  window.to = 2001;
  window.growth = GrowthType::pct;
  const Description d = describe_sample(s, window);
  ASSERT_EQ(d.groups.size(), 2u);
  const GroupSummary& m = d.groups[0];
  EXPECT_EQ(m.group, Group::member);
  EXPECT_EQ(m.cohort, kWindowCohort);
  EXPECT_EQ(m.n, 3u);
  EXPECT_EQ(m.weight_sum, 3.0);
  EXPECT_NEAR(m.mean, 0.2, 1e-15);
  EXPECT_NEAR(m.sd, 0.1, 1e-15);
  EXPECT_EQ(m.median, 0.2);
  EXPECT_NEAR(m.trimmed_mean, 0.2, 1e-15);  // trim 0.1 of 3: floor(0.3) = 0 cut
  EXPECT_DOUBLE_EQ(m.agg_growth, 71.0 / 60.0 - 1.0);
  EXPECT_EQ(m.min, 0.1);
  EXPECT_EQ(m.max, 0.3);
  const GroupSummary& c = d.groups[1];
  EXPECT_EQ(c.n, 2u);
  EXPECT_EQ(c.median, 0.0);
  EXPECT_DOUBLE_EQ(c.agg_growth, 5.0 / 6.0 - 1.0);
  EXPECT_EQ(d.results.size(), 5u);
  EXPECT_DOUBLE_EQ(result(d, kWindowCohort, Statistic::trimmed_mean_diff).value, 0.2);
}

TEST(Describe, WeightedTrimCutsMassFractionally) {
  // Weighted sample with unit weights: cut 0.1 * 4 = 0.4 from each tail, not floor(0.4) = 0.
  const Sample s =
      make_sample({{kWindowCohort, {{0, 0}, {1, 10}, {2, 20}, {3, 100}}, {{4, 0}}}}, 5, true);
  DesignOptions window;
  window.from = 0;
  window.to = 1;
  const Description d = describe_sample(s, window);
  EXPECT_DOUBLE_EQ(d.groups[0].trimmed_mean, (10 + 20 + 0.6 * 100) / 3.2);
}

TEST(StatisticNames, RoundTrip) {
  for (int s = 0; s < kStatisticCount; ++s) {
    const auto statistic = static_cast<Statistic>(s);
    EXPECT_EQ(parse_statistic(statistic_name(statistic)), statistic);
  }
  EXPECT_EQ(statistic_name(Statistic::welch_t), "welch_t");
  EXPECT_EQ(parse_statistic("mean_diff"), Statistic::mean_diff);
  EXPECT_FALSE(parse_statistic("mean").has_value());
}

}  // namespace
}  // namespace klynge
