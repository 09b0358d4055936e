// The permutation engine: exact enumeration against an independent brute force on the mouse
// data, observed statistics against describe, blocks and joint relabelings, Monte Carlo p
// inside its 99% interval of the exact p, and the reproducibility contract (threads, splits).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <set>

#include "klynge/error.hpp"
#include "klynge/hd/permutation_replicate.hpp"
#include "klynge/multiplicity.hpp"
#include "klynge/p_values.hpp"
#include "klynge/permutation.hpp"
#include "klynge/statistics.hpp"
#include "permutation_test_sample.hpp"

namespace klynge {
namespace {

using test::CellSpec;
using test::kMouseControl;
using test::kMouseTreatment;
using test::make_sample;

Sample mouse_sample() {
  return make_sample({CellSpec{kWindowCohort, {kMouseTreatment}, {kMouseControl}, {}, {}, {}, {}}});
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

void expect_same_table(const PermutationTable& a, const PermutationTable& b) {
  ASSERT_EQ(a.values.size(), b.values.size());
  ASSERT_EQ(a.count, b.count);
  for (std::size_t i = 0; i < a.values.size(); ++i)
    ASSERT_TRUE(same_bits(a.values[i], b.values[i]))
        << i << ": " << a.values[i] << " " << b.values[i];
  for (std::size_t k = 0; k < a.observed.size(); ++k)
    ASSERT_TRUE(same_bits(a.observed[k], b.observed[k]));
}

// Brute force over all 7-subsets of the 16 mice, with textbook formulas written here: counts
// of subsets whose statistic is >= (<=) the observed one, ties within 100 eps |T_obs|.
struct Brute {
  std::uint64_t greater = 0, less = 0, total = 0;
};

Brute mouse_brute_force(Statistic statistic) {
  std::vector<double> all = kMouseTreatment;
  all.insert(all.end(), kMouseControl.begin(), kMouseControl.end());
  const int n = 16, nm = 7;
  auto stat = [&](unsigned mask) {
    double sm = 0, sc = 0;
    for (int i = 0; i < n; ++i) (mask >> i & 1u ? sm : sc) += all[i];
    const double mm = sm / nm, mc = sc / (n - nm);
    if (statistic == Statistic::mean_diff) return mm - mc;
    double qm = 0, qc = 0;
    for (int i = 0; i < n; ++i) {
      if (mask >> i & 1u)
        qm += (all[i] - mm) * (all[i] - mm);
      else
        qc += (all[i] - mc) * (all[i] - mc);
    }
    const double vm = qm / (nm - 1), vc = qc / (n - nm - 1);
    return (mm - mc) / std::sqrt(vm / nm + vc / (n - nm));
  };
  const double obs = stat((1u << nm) - 1);
  const double tol = 100 * std::numeric_limits<double>::epsilon() * std::fabs(obs);
  Brute b;
  for (unsigned mask = 0; mask < (1u << n); ++mask) {
    if (__builtin_popcount(mask) != nm) continue;
    const double t = stat(mask);
    b.greater += t >= obs - tol;
    b.less += t <= obs + tol;
    ++b.total;
  }
  return b;
}

class MouseExact : public ::testing::TestWithParam<Statistic> {};

TEST_P(MouseExact, EngineEnumerationEqualsBruteForce) {
  const Sample s = mouse_sample();
  PermutationSpec spec;
  spec.statistic = GetParam();
  spec.permutations = 20000;
  const PermutationPlan plan = plan_permutations(s, test::window_options(), spec);
  ASSERT_TRUE(plan.exact);
  EXPECT_EQ(plan.relabelings, 11440u);
  const PermutationTable t = run_permutations(s, test::window_options(), spec);
  ASSERT_TRUE(t.exact);
  ASSERT_EQ(t.count, 11440u);
  const Brute b = mouse_brute_force(GetParam());
  ASSERT_EQ(b.total, 11440u);
  const auto counts = extreme_counts(t);
  ASSERT_EQ(counts.size(), 1u);
  EXPECT_EQ(counts[0].greater, b.greater);
  EXPECT_EQ(counts[0].less, b.less);
  for (Alternative alt : {Alternative::greater, Alternative::less, Alternative::two_sided}) {
    const PValue p = permutation_p_values(t, alt)[0];
    EXPECT_EQ(p.method(), "exact");
    const double B = 11440.0;
    const double want = alt == Alternative::greater ? b.greater / B
                        : alt == Alternative::less
                            ? b.less / B
                            : std::min(1.0, 2.0 * std::min(b.greater, b.less) / B);
    EXPECT_TRUE(same_bits(p.p, want)) << p.p << " vs " << want;
    EXPECT_EQ(p.ci_low, p.p);
    EXPECT_EQ(p.ci_high, p.p);
  }
  // Every relabeling appears once: the member sums over ranks are all C(16,7) subsets; the
  // observed labeling (rank 0: the first seven positions are the members) is among them.
  EXPECT_TRUE(same_bits(t.value(0, 0), t.observed[0]));
}

// Monte Carlo with B below the number of relabelings: p = (b + 1)/(B + 1) and the exact p
// lies inside the reported 99% Clopper-Pearson interval.
TEST_P(MouseExact, MonteCarloPCoversTheExactP) {
  const Sample s = mouse_sample();
  PermutationSpec spec;
  spec.statistic = GetParam();
  spec.permutations = 9999;
  ASSERT_FALSE(plan_permutations(s, test::window_options(), spec).exact);
  const PermutationTable t = run_permutations(s, test::window_options(), spec);
  ASSERT_FALSE(t.exact);
  ASSERT_EQ(t.count, 9999u);
  const Brute b = mouse_brute_force(GetParam());
  const auto counts = extreme_counts(t)[0];
  for (Alternative alt : {Alternative::greater, Alternative::less, Alternative::two_sided}) {
    const PValue p = permutation_p_values(t, alt)[0];
    EXPECT_EQ(p.method(), "monte_carlo");
    const double exact = alt == Alternative::greater ? b.greater / 11440.0
                         : alt == Alternative::less
                             ? b.less / 11440.0
                             : std::min(1.0, 2.0 * std::min(b.greater, b.less) / 11440.0);
    EXPECT_LE(p.ci_low, exact);
    EXPECT_GE(p.ci_high, exact);
    if (alt == Alternative::greater) EXPECT_EQ(p.p, (counts.greater + 1.0) / 10000.0);
  }
}

INSTANTIATE_TEST_SUITE_P(Statistics, MouseExact,
                         ::testing::Values(Statistic::mean_diff, Statistic::welch_t),
                         [](const auto& info) { return std::string(statistic_name(info.param)); });

// ---- a cohort design with strata and control firms shared across cohorts ----------------------

Sample cohort_sample(int metrics = 2) {
  // Three cohorts; controls are firms 100..111, each observed in two or three cohorts. Two
  // metrics; one contribution of metric 1 dropped (NaN). Metrics beyond two (for the record
  // widths of the fast path) are rescaled copies of metric 0 plus a metric-dependent wave.
  std::vector<CellSpec> cells;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (int g = 0; g < 3; ++g) {
    CellSpec c;
    c.cohort = 2010 + g;
    std::vector<double> m0, m1, c0, c1;
    for (int i = 0; i < 4 + g; ++i) {
      m0.push_back(0.05 * std::sin(1.0 + i * 2.1 + g) + 0.02);
      m1.push_back(i == 1 && g == 1 ? nan : 0.03 * std::cos(0.5 + i * 1.3 + g));
      c.member_strata.push_back(i % 2);
      c.member_firms.push_back(10 * g + i);
    }
    for (int f = 0; f < 12; ++f) {
      if ((f + g) % 4 == 0) continue;  // not observed in this cohort's window
      c0.push_back(0.04 * std::sin(0.3 + f * 0.77));
      c1.push_back(0.02 * std::cos(1.1 + f * 0.91));
      c.control_strata.push_back(f % 2);
      c.control_firms.push_back(100 + f);
    }
    c.members = {m0, m1};
    c.controls = {c0, c1};
    for (int k = 2; k < metrics; ++k) {
      std::vector<double> mk, ck;
      for (std::size_t i = 0; i < m0.size(); ++i) mk.push_back(k * m0[i] + 0.01 * std::sin(k + i));
      for (std::size_t i = 0; i < c0.size(); ++i) ck.push_back(k * c0[i] + 0.01 * std::cos(k * i));
      c.members.push_back(mk);
      c.controls.push_back(ck);
    }
    cells.push_back(c);
  }
  return make_sample(cells);
}

struct InvarianceCase {
  Statistic statistic;
  PermScheme scheme;
};

class PermutationInvariance : public ::testing::TestWithParam<InvarianceCase> {};

TEST_P(PermutationInvariance, ThreadsAndRangeSplitsAreBitIdentical) {
  const Sample s = cohort_sample();
  PermutationSpec spec;
  spec.statistic = GetParam().statistic;
  spec.scheme = GetParam().scheme;
  spec.seed = 4242;
  spec.threads = 1;
  const PermutationTable one = run_permutations(s, test::cohort_options(), spec, false, 0, 300);
  ASSERT_EQ(one.keys.size(), 8u);  // 2 metrics x (3 cohorts + aggregate)
  for (int threads : {2, 3}) {
    spec.threads = threads;
    expect_same_table(one, run_permutations(s, test::cohort_options(), spec, false, 0, 300));
  }
  spec.threads = 2;
  const PermutationTable a = run_permutations(s, test::cohort_options(), spec, false, 0, 117);
  const PermutationTable b = run_permutations(s, test::cohort_options(), spec, false, 117, 183);
  expect_same_table(one, merge_permutations(a, b));
  // Not degenerate: replicate values vary.
  std::set<double> distinct(one.values.begin(), one.values.begin() + 300);
  EXPECT_GT(distinct.size(), 50u);
}

INSTANTIATE_TEST_SUITE_P(Cases, PermutationInvariance,
                         ::testing::Values(InvarianceCase{Statistic::welch_t, PermScheme::all},
                                           InvarianceCase{Statistic::mean_diff, PermScheme::strata},
                                           InvarianceCase{Statistic::median_diff, PermScheme::all},
                                           InvarianceCase{Statistic::trimmed_mean_diff,
                                                          PermScheme::strata},
                                           InvarianceCase{Statistic::agg_diff, PermScheme::all}),
                         [](const auto& info) {
                           return std::string(statistic_name(info.param.statistic)) + "_" +
                                  std::string(perm_scheme_name(info.param.scheme));
                         });

// The observed statistic of every cell is describe's value: bit for bit on the general path
// (same reductions, same order), to rounding on the fast path (shifted sums).
class ObservedStatistics : public ::testing::TestWithParam<bool> {};

TEST_P(ObservedStatistics, CellsEqualDescribe) {
  const bool fast = GetParam();
  const Sample s = cohort_sample();
  const Description d = describe_sample(s, test::cohort_options());
  for (Statistic st : {Statistic::mean_diff, Statistic::median_diff, Statistic::trimmed_mean_diff,
                       Statistic::agg_diff, Statistic::welch_t}) {
    PermutationSpec spec;
    spec.statistic = st;
    spec.fast = fast;
    const PermutationTable t = run_permutations(s, test::cohort_options(), spec, false, 0, 1);
    int checked = 0;
    for (std::size_t k = 0; k < t.keys.size(); ++k) {
      for (const Estimate& e : d.results) {
        if (e.metric != t.keys[k].metric || e.cohort != t.keys[k].cohort || e.statistic != st)
          continue;
        if (e.cohort == kAllCohorts) {
          // Aggregates: welch_t studentized by the firms' influence, as describe; bit for bit
          // on the general path, to rounding on the fast path (hd/perm_firm_influence.hpp).
          if (st == Statistic::welch_t && !fast)
            EXPECT_TRUE(same_bits(t.observed[k], e.value))
                << k << ": " << t.observed[k] << " vs " << e.value;
          else
            EXPECT_NEAR(t.observed[k], e.value, 1e-12 * std::fabs(e.value) + 1e-14) << k;
        } else if (e.status == "ok") {
          const bool fast_path = fast && (st == Statistic::mean_diff || st == Statistic::welch_t);
          if (fast_path)
            EXPECT_NEAR(t.observed[k], e.value, 1e-12 * std::fabs(e.value) + 1e-15);
          else
            EXPECT_TRUE(same_bits(t.observed[k], e.value))
                << statistic_name(st) << " key " << k << ": " << t.observed[k] << " vs " << e.value;
        }
        ++checked;
      }
    }
    EXPECT_EQ(checked, 8);
  }
}

INSTANTIATE_TEST_SUITE_P(Paths, ObservedStatistics, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "fast" : "general"; });

// The fast path (sums over the drawn group) sees the same relabelings as the general path
// (labels over whole cells): same values to rounding in every replicate, Monte Carlo and
// exact, with blocks where members are drawn and blocks where controls are.
TEST(PermutationEngine, FastPathAgreesWithGeneralPath) {
  Sample weighted = cohort_sample();  // sampling weights travel with their contributions
  for (auto& w : weighted.weight)
    for (std::size_t i = 0; i < w.size(); ++i)
      if (w[i] > 0.0) w[i] = 0.5 + 0.25 * static_cast<double>(i % 7);
  weighted.weighted = true;
  // 2, 3 and 4 metrics run record widths fixed at compile time; 5 the general width.
  for (const Sample& s :
       {cohort_sample(), weighted, cohort_sample(3), cohort_sample(4), cohort_sample(5)})
    for (Statistic st : {Statistic::mean_diff, Statistic::welch_t}) {
      for (PermScheme scheme : {PermScheme::all, PermScheme::strata}) {
        PermutationSpec spec;
        spec.statistic = st;
        spec.scheme = scheme;
        spec.threads = 2;
        const PermutationTable fast =
            run_permutations(s, test::cohort_options(), spec, false, 0, 200);
        spec.fast = false;
        const PermutationTable general =
            run_permutations(s, test::cohort_options(), spec, false, 0, 200);
        ASSERT_EQ(fast.values.size(), general.values.size());
        for (std::size_t i = 0; i < fast.values.size(); ++i) {
          if (std::isnan(general.values[i])) {
            EXPECT_TRUE(std::isnan(fast.values[i])) << i;
            continue;
          }
          ASSERT_NEAR(fast.values[i], general.values[i], 1e-11 * (1 + std::fabs(general.values[i])))
              << i;
        }
      }
    }
  // Exact, stratified, members drawn in one block and controls in the other.
  const Sample small = make_sample({CellSpec{
      kWindowCohort, {{1, 2, 10, 11}}, {{3, 4, 5, 20}}, {0, 0, 1, 1}, {0, 0, 0, 1}, {}, {}}});
  PermutationSpec spec;
  spec.scheme = PermScheme::strata;
  spec.statistic = Statistic::welch_t;
  spec.permutations = 1000;
  const PermutationTable fast = run_permutations(small, test::window_options(), spec);
  spec.fast = false;
  const PermutationTable general = run_permutations(small, test::window_options(), spec);
  ASSERT_TRUE(fast.exact);
  ASSERT_EQ(fast.count, 10u * 3u);
  for (std::size_t i = 0; i < fast.values.size(); ++i)
    EXPECT_NEAR(fast.values[i], general.values[i], 1e-12 * (1 + std::fabs(general.values[i])));
}

// Control firms in more than 64 cohort cells: the fast path's firm walk reads which of a firm's
// slots are drawn slot by slot instead of from one word of the marks. Same values as the general
// path, weighted (full slot records) and not (records kept as a alone).
TEST(PermutationEngine, FastPathAgreesWithGeneralPathForFirmsInManyCells) {
  std::vector<CellSpec> cells;
  for (int g = 0; g < 90; ++g) {
    CellSpec c;
    c.cohort = 1950 + g;
    for (int i = 0; i < 2; ++i) c.member_firms.push_back(1000 + 2 * g + i);
    std::vector<double> m0 = {0.03 * std::sin(g), 0.02 + 0.01 * std::cos(2.0 * g)}, c0;
    for (int f = 0; f < 12; ++f) {
      if ((f + g) % 5 == 0) continue;  // 72 of the 90 cohorts per control firm
      c0.push_back(0.04 * std::sin(0.3 + f * 0.77 + 0.1 * g));
      c.control_firms.push_back(100 + f);
    }
    c.members = {m0};
    c.controls = {c0};
    cells.push_back(c);
  }
  Sample unit = make_sample(cells);
  Sample weighted = unit;
  for (auto& w : weighted.weight)
    for (std::size_t i = 0; i < w.size(); ++i) w[i] = 0.5 + 0.25 * static_cast<double>(i % 7);
  weighted.weighted = true;
  for (const Sample& s : {unit, weighted}) {
    PermutationSpec spec;
    spec.statistic = Statistic::welch_t;
    const PermutationTable fast = run_permutations(s, test::cohort_options(), spec, false, 0, 50);
    spec.fast = false;
    const PermutationTable general =
        run_permutations(s, test::cohort_options(), spec, false, 0, 50);
    ASSERT_EQ(fast.values.size(), general.values.size());
    for (std::size_t i = 0; i < fast.values.size(); ++i)
      ASSERT_NEAR(fast.values[i], general.values[i], 1e-11 * (1 + std::fabs(general.values[i])))
          << i;
  }
}

// welch_t's cohort aggregate over every relabeling of two cohorts that share three control
// firms: the weighted mean difference divided by the firms' influence SE (each firm's influence
// summed over both cohorts), computed here from the labels directly. Both paths enumerate the
// same 15 x 15 relabelings; the sorted aggregates must match the direct computation.
TEST(PermutationEngine, CohortWelchAggregateIsStudentizedByTheFirmsInfluence) {
  const std::vector<double> a_members{0.31, 0.12}, a_controls{0.05, -0.02, 0.11, 0.07};
  const std::vector<double> b_members{0.22, 0.27}, b_controls{-0.02, 0.11, 0.07, -0.09};
  const Sample s = make_sample(
      {CellSpec{2010, {a_members}, {a_controls}, {}, {}, {0, 1}, {100, 101, 102, 103}},
       CellSpec{2011, {b_members}, {b_controls}, {}, {}, {2, 3}, {101, 102, 103, 104}}});
  struct Cell {
    std::vector<double> y;
    std::vector<int> firm;
  };
  const std::vector<Cell> cells{
      {{0.31, 0.12, 0.05, -0.02, 0.11, 0.07}, {0, 1, 100, 101, 102, 103}},
      {{0.22, 0.27, -0.02, 0.11, 0.07, -0.09}, {2, 3, 101, 102, 103, 104}}};
  // The aggregate with members chosen[c] (bit masks over each cell's six contributions).
  const auto aggregate = [&](const std::array<unsigned, 2>& chosen) {
    double total = 0.0, sum = 0.0;
    std::map<int, double> influence;
    std::array<double, 2> mean[2];
    std::array<double, 2> units[2];
    for (int c = 0; c < 2; ++c)
      for (int g = 0; g < 2; ++g) {
        double n = 0.0, sy = 0.0;
        for (int i = 0; i < 6; ++i)
          if ((((chosen[c] >> i) & 1u) != 0) == (g == 0)) {
            n += 1.0;
            sy += cells[c].y[i];
          }
        mean[c][g] = sy / n;
        units[c][g] = n;
      }
    for (int c = 0; c < 2; ++c) {
      total += units[c][0];
      sum += units[c][0] * (mean[c][0] - mean[c][1]);
    }
    for (int c = 0; c < 2; ++c)
      for (int i = 0; i < 6; ++i) {
        const int g = ((chosen[c] >> i) & 1u) != 0 ? 0 : 1;
        const double n = units[c][g];
        const double omega = units[c][0] / total;
        influence[cells[c].firm[i]] +=
            (g == 0 ? omega : -omega) * std::sqrt(n / (n - 1.0)) / n * (cells[c].y[i] - mean[c][g]);
      }
    double se2 = 0.0;
    for (const auto& [firm, v] : influence) se2 += v * v;
    return (sum / total) / std::sqrt(se2);
  };
  std::vector<double> expected;
  for (unsigned a = 0; a < 64; ++a)
    for (unsigned b = 0; b < 64; ++b)
      if (std::popcount(a) == 2 && std::popcount(b) == 2) expected.push_back(aggregate({a, b}));
  std::sort(expected.begin(), expected.end());
  ASSERT_EQ(expected.size(), 225u);
  for (const bool fast : {true, false}) {
    PermutationSpec spec;
    spec.fast = fast;
    spec.permutations = 1000;
    const PermutationTable t = run_permutations(s, test::cohort_options(), spec);
    ASSERT_TRUE(t.exact);
    ASSERT_EQ(t.count, 225u);
    ASSERT_EQ(t.keys.size(), 3u);  // two cohorts and the aggregate
    std::vector<double> got(t.values.begin() + 2 * t.count, t.values.begin() + 3 * t.count);
    std::sort(got.begin(), got.end());
    for (std::size_t i = 0; i < got.size(); ++i)
      EXPECT_NEAR(got[i], expected[i], 1e-12 * (1.0 + std::fabs(expected[i])))
          << (fast ? "fast " : "general ") << i;
    // Observed: the labels as given (members first in each cell).
    EXPECT_NEAR(t.observed[2], aggregate({3u, 3u}), 1e-12);
  }
}

// Within-block relabeling keeps each block's member count; blocks never straddle cells; every
// metric of a contribution shares its label in a replicate (checked through the functor).
TEST(PermutationEngine, BlocksKeepMemberCountsAndLabelsAreShared) {
  const Sample s = cohort_sample();
  for (PermScheme scheme : {PermScheme::all, PermScheme::strata}) {
    PermutationSpec spec;
    spec.scheme = scheme;
    const PermutationPlan plan = plan_permutations(s, test::cohort_options(), spec);
    EXPECT_EQ(plan.blocks, scheme == PermScheme::all ? 3u : 6u);
    EXPECT_FALSE(plan.exact);
  }
  // Metric 1 is an affine image of metric 0 (y1 = 3 y0 + 0.01): the mean difference of metric 1
  // is three times that of metric 0 in every replicate only if both see the same labels.
  std::vector<double> m0 = {0.1, -0.2, 0.05, 0.3, 0.0},
                      c0 = {0.02, -0.1, 0.2, 0.15, -0.05, 0.07, 0.11};
  auto affine = [](std::vector<double> v) {
    for (double& x : v) x = 3 * x + 0.01;
    return v;
  };
  const Sample joint =
      make_sample({CellSpec{kWindowCohort, {m0, affine(m0)}, {c0, affine(c0)}, {}, {}, {}, {}}});
  PermutationSpec spec;
  spec.statistic = Statistic::mean_diff;
  spec.permutations = 500;  // C(12, 5) = 792 > 500: Monte Carlo
  const PermutationTable t = run_permutations(joint, test::window_options(), spec);
  ASSERT_FALSE(t.exact);
  for (std::uint64_t j = 0; j < t.count; ++j)
    ASSERT_NEAR(t.value(1, j), 3 * t.value(0, j), 1e-12) << j;
}

// Strata blocks: exact enumeration multiplies the blocks' counts; every relabeling keeps the
// per-stratum member counts, so the member-sum distribution is the convolution of the blocks'.
TEST(PermutationEngine, StratifiedExactEnumeration) {
  // Stratum 0: members {1, 2}, controls {3, 4, 5} -> C(5, 2) = 10; stratum 1: member {10},
  // controls {20, 30} -> 3. 30 relabelings.
  const Sample s = make_sample({CellSpec{
      kWindowCohort, {{1, 2, 10}}, {{3, 4, 5, 20, 30}}, {0, 0, 1}, {0, 0, 0, 1, 1}, {}, {}}});
  PermutationSpec spec;
  spec.scheme = PermScheme::strata;
  spec.statistic = Statistic::mean_diff;
  spec.permutations = 30;
  const PermutationPlan plan = plan_permutations(s, test::window_options(), spec);
  ASSERT_TRUE(plan.exact);
  EXPECT_EQ(plan.relabelings, 30u);
  const PermutationTable t = run_permutations(s, test::window_options(), spec);
  // mean_diff = S_m / 3 - (75 - S_m) / 5 with S_m the member sum: enumerate the sums.
  std::multiset<double> want, got;
  const std::vector<double> s0 = {1, 2, 3, 4, 5}, s1 = {10, 20, 30};
  for (int a = 0; a < 5; ++a)
    for (int b = a + 1; b < 5; ++b)
      for (int c = 0; c < 3; ++c) want.insert(s0[a] + s0[b] + s1[c]);
  for (std::uint64_t j = 0; j < t.count; ++j) {
    const double sm = (t.value(0, j) + 75.0 / 5) / (1.0 / 3 + 1.0 / 5);
    got.insert(std::round(sm));
  }
  EXPECT_EQ(got, want);
  // Scheme all would allow C(8, 3) = 56.
  spec.scheme = PermScheme::all;
  EXPECT_EQ(plan_permutations(s, test::window_options(), spec).relabelings, 56u);
  EXPECT_FALSE(plan_permutations(s, test::window_options(), spec).exact);
}

TEST(PermutationEngine, ZeroPermutationsIsNeverExactAndBadRangesThrow) {
  const Sample s = mouse_sample();
  PermutationSpec spec;
  spec.permutations = 0;
  EXPECT_FALSE(plan_permutations(s, test::window_options(), spec).exact);
  EXPECT_THROW(run_permutations(s, test::window_options(), spec, true, 11000, 441), Error);
}

}  // namespace
}  // namespace klynge
