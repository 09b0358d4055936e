// The cohort aggregate of welch_t (docs/estimands.md §7) is over the cohorts whose mean
// difference has a standard error (>= 2 valid firms in each group): a cohort with one valid
// member is left out, not allowed to void the aggregate. describe, the bootstrap's replicate
// functor and the permutation functor apply the same rule; the permutation test's exact p is
// checked against a brute-force enumeration that drops such cells per relabeling (a voided
// replicate would count as extreme and make the test conservative).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "klynge/bootstrap.hpp"
#include "klynge/p_values.hpp"
#include "klynge/permutation.hpp"
#include "klynge/statistics.hpp"
#include "permutation_test_sample.hpp"

namespace klynge {
namespace {

using test::CellSpec;
using test::make_sample;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

CellSpec cell(std::int32_t cohort, std::vector<double> members, std::vector<double> controls) {
  return CellSpec{cohort, {std::move(members)}, {std::move(controls)}, {}, {}, {}, {}};
}

// Two cohorts with a standard error, and (with_single) a third whose one member gives it a
// mean difference but no standard error.
Sample three_cohorts(bool with_single) {
  std::vector<CellSpec> cells = {cell(2010, {0.31, 0.12, 0.25}, {0.02, 0.11, -0.04, 0.07}),
                                 cell(2011, {0.4, 0.18}, {0.1, 0.0, 0.23})};
  if (with_single) cells.push_back(cell(2012, {0.9}, {0.1, 0.3}));
  return make_sample(cells);
}

const Estimate& aggregate(const Description& d, Statistic statistic) {
  for (const Estimate& e : d.results)
    if (e.cohort == kAllCohorts && e.statistic == statistic) return e;
  throw std::logic_error("no aggregate");
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

TEST(WelchAggregate, DescribeLeavesOutCohortsWithoutStandardError) {
  const DesignOptions o = test::cohort_options();
  const Description with = describe_sample(three_cohorts(true), o);
  const Description without = describe_sample(three_cohorts(false), o);
  const Estimate& t = aggregate(with, Statistic::welch_t);
  EXPECT_EQ(t.status, "ok");
  EXPECT_TRUE(same_bits(t.value, aggregate(without, Statistic::welch_t).value))
      << t.value << " vs " << aggregate(without, Statistic::welch_t).value;
  EXPECT_EQ(t.n_member, 5u);
  // The mean difference still averages every cohort with a value, the single member's too.
  const Estimate& mean = aggregate(with, Statistic::mean_diff);
  EXPECT_EQ(mean.n_member, 6u);
  EXPECT_GT(mean.value, aggregate(without, Statistic::mean_diff).value);
  // Only cohorts without a standard error: too few firms, not "no cohort".
  const Description singles =
      describe_sample(make_sample({cell(2010, {0.3}, {0.1, 0.2}), cell(2011, {0.2}, {0.0})}), o);
  EXPECT_EQ(aggregate(singles, Statistic::welch_t).status, "too_few_firms");
  EXPECT_EQ(aggregate(singles, Statistic::mean_diff).status, "ok");
}

TEST(WelchAggregate, BootstrapIdentityReplicateIsDescribe) {
  const DesignOptions o = test::cohort_options();
  const Sample s = three_cohorts(true);
  BootstrapSpec spec;
  spec.statistics = {Statistic::mean_diff, Statistic::welch_t};
  const ReplicateTable t = identity_replicate(s, o, spec);
  const Description d = describe_sample(s, o);
  bool checked_aggregate = false;
  for (std::size_t k = 0; k < t.keys.size(); ++k) {
    for (const Estimate& e : d.results) {
      if (e.metric != t.keys[k].metric || e.cohort != t.keys[k].cohort ||
          e.statistic != t.keys[k].statistic)
        continue;
      if (e.status == "ok") {
        EXPECT_TRUE(same_bits(t.values[k], e.value))
            << k << ": " << t.values[k] << " vs " << e.value;
      } else {
        EXPECT_TRUE(std::isnan(t.values[k])) << k;
      }
      if (e.cohort == kAllCohorts) {
        checked_aggregate = true;
        // mean_diff's standard error would need the single member's cohort: none.
        if (e.statistic == Statistic::mean_diff) EXPECT_TRUE(std::isnan(t.welch_se[k]));
      }
    }
  }
  EXPECT_TRUE(checked_aggregate);
}

// The permutation statistic of the aggregate: sum_g u_g d_g / sqrt(sum_g u_g^2 se2_g) over the
// cells with >= 2 valid members and controls (u_g valid members, d_g the mean difference,
// se2_g Welch's squared SE); NaN entries are missing values, moved with their firms.
double brute_aggregate(const std::vector<std::vector<double>>& cells,
                       const std::vector<std::vector<int>>& is_member) {
  double sum = 0.0, se2 = 0.0;
  for (std::size_t c = 0; c < cells.size(); ++c) {
    std::vector<double> m, k;
    for (std::size_t i = 0; i < cells[c].size(); ++i) {
      if (std::isnan(cells[c][i])) continue;
      (is_member[c][i] ? m : k).push_back(cells[c][i]);
    }
    if (m.size() < 2 || k.size() < 2) continue;
    const auto mean = [](const std::vector<double>& v) {
      double s = 0.0;
      for (double x : v) s += x;
      return s / static_cast<double>(v.size());
    };
    const auto var_of_mean = [&](const std::vector<double>& v) {
      const double mu = mean(v);
      double s = 0.0;
      for (double x : v) s += (x - mu) * (x - mu);
      return s / static_cast<double>(v.size() - 1) / static_cast<double>(v.size());
    };
    const double u = static_cast<double>(m.size());
    sum += u * (mean(m) - mean(k));
    se2 += u * u * (var_of_mean(m) + var_of_mean(k));
  }
  return se2 > 0.0 ? sum / std::sqrt(se2) : kNaN;
}

// Every way to mark `members` of `n` positions, as 0/1 vectors.
std::vector<std::vector<int>> markings(std::size_t n, std::size_t members) {
  std::vector<std::vector<int>> out;
  std::vector<int> mark(n, 0);
  std::fill(mark.end() - static_cast<std::ptrdiff_t>(members), mark.end(), 1);
  do out.push_back(mark);
  while (std::next_permutation(mark.begin(), mark.end()));
  return out;
}

TEST(WelchAggregate, PermutationDropsCellsARelabelingLeavesWithoutStandardError) {
  // Cohort 2010 carries a clear effect; in 2011 most relabelings put a missing value among
  // the two pseudo-members, leaving that cell one valid member (12 of 15 markings).
  const std::vector<std::vector<double>> members = {{1.0, 1.1, 1.2, 1.3}, {0.5, 0.6}};
  const std::vector<std::vector<double>> controls = {{0.0, 0.1, -0.1, 0.2, 0.05},
                                                     {0.1, kNaN, kNaN, kNaN}};
  const Sample s =
      make_sample({cell(2010, members[0], controls[0]), cell(2011, members[1], controls[1])});
  const DesignOptions o = test::cohort_options();
  PermutationSpec spec;
  spec.statistic = Statistic::welch_t;
  spec.permutations = 10000;
  const PermutationTable t = run_permutations(s, o, spec);
  ASSERT_TRUE(t.exact);
  ASSERT_EQ(t.count, 126u * 15u);
  const std::size_t key = 2;  // cells 2010, 2011, then the aggregate
  ASSERT_EQ(t.keys[key].cohort, kAllCohorts);

  std::vector<std::vector<double>> values(2);
  for (int c = 0; c < 2; ++c) {
    values[c] = members[c];
    values[c].insert(values[c].end(), controls[c].begin(), controls[c].end());
  }
  std::vector<std::vector<int>> observed(2);
  for (int c = 0; c < 2; ++c) {
    observed[c].assign(values[c].size(), 0);
    std::fill(observed[c].begin(),
              observed[c].begin() + static_cast<std::ptrdiff_t>(members[c].size()), 1);
  }
  const double t_obs = brute_aggregate(values, observed);
  EXPECT_NEAR(t.observed[key], t_obs, 1e-12 * std::abs(t_obs));
  std::uint64_t greater = 0, less = 0, voided = 0;
  const double tol = 100.0 * std::numeric_limits<double>::epsilon() * std::abs(t_obs);
  for (const auto& a : markings(values[0].size(), members[0].size()))
    for (const auto& b : markings(values[1].size(), members[1].size())) {
      const double v = brute_aggregate(values, {a, b});
      if (std::isnan(v)) {
        ++voided;
        ++greater;
        ++less;
        continue;
      }
      if (v >= t_obs - tol) ++greater;
      if (v <= t_obs + tol) ++less;
    }
  EXPECT_EQ(voided, 0u);
  const ExtremeCounts counts = extreme_counts(t)[key];
  EXPECT_EQ(counts.greater, greater);
  EXPECT_EQ(counts.less, less);
  // The effect is found: before the rule, 12 of 15 markings of 2011 voided the replicate and
  // p_greater was at least 0.8.
  const PValue p = permutation_p_values(t, Alternative::greater)[key];
  EXPECT_LT(p.p, 0.05);
  EXPECT_EQ(p.p, static_cast<double>(greater) / static_cast<double>(t.count));
}

}  // namespace
}  // namespace klynge
