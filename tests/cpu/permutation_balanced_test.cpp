// The permutation test of a balanced comparison (--balance) recomputes the balance factors for
// every relabeling (docs/permutation.md "Weights"). Checked against a brute force that builds
// each relabeled dataset as a Sample, balances it with balance_cell (the code `analyze
// --balance` runs) and describes it: the exact enumeration's values are those datasets'
// estimates, for both schemes, every statistic, both paths, with and without sampling weights.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "klynge/balance.hpp"
#include "klynge/permutation.hpp"
#include "klynge/statistics.hpp"
#include "permutation_test_sample.hpp"

namespace klynge {
namespace {

// Firms in the engine's contribution order (observed members first). Two metrics; NaN = dropped
// for that metric. Strata: 0 and 1 matched; 2 members only; 3 controls only; in 4 the controls
// have no value for metric 1, so its member is unmatched there unless a relabeling makes a
// control of it.
struct Firm {
  double y0, y1;
  std::int32_t stratum;
  double weight;
};

const std::vector<Firm> kFirms = {
    // members
    {0.031, 0.050, 0, 1.0},
    {0.012, -0.020, 0, 2.0},
    {0.048, 0.011, 1, 1.5},
    {-0.004, 0.027, 1, 0.5},
    {0.022, NAN, 2, 1.0},
    {0.090, 0.064, 2, 3.0},
    {0.015, 0.033, 4, 1.0},
    // controls
    {0.005, 0.010, 0, 1.0},
    {-0.010, 0.004, 0, 2.5},
    {0.020, -0.015, 1, 1.0},
    {0.001, NAN, 1, 1.0},
    {-0.030, 0.021, 1, 0.75},
    {0.040, 0.002, 3, 1.0},
    {0.013, 0.019, 3, 2.0},
    {0.007, NAN, 4, 1.0},
    {-0.021, NAN, 4, 1.0},
};
constexpr std::size_t kObservedMembers = 7;
constexpr std::int32_t kStrata = 5;

// For --perm-scheme all, whose C(16, 7) relabelings would make the brute force slow under the
// sanitizers: 5 members and 6 controls (C(11, 5) = 462), the same kinds of strata.
const std::vector<Firm> kFewerFirms = {kFirms[0],  kFirms[1],  kFirms[2], kFirms[4],
                                       kFirms[6],  kFirms[7],  kFirms[9], kFirms[10],
                                       kFirms[12], kFirms[14], kFirms[15]};
constexpr std::size_t kFewerObservedMembers = 5;
// Members the larger group (7 of 11, C(11, 4) = 330): relabelings then draw the controls, and
// the fast path takes the members' sums as the complement.
const std::vector<Firm> kMajorityFirms = {kFirms[0], kFirms[1],  kFirms[2], kFirms[3],
                                          kFirms[4], kFirms[5],  kFirms[6], kFirms[7],
                                          kFirms[9], kFirms[12], kFirms[14]};
constexpr std::size_t kMajorityObservedMembers = 7;

struct Firms {
  const std::vector<Firm>& firm;
  std::size_t observed_members;
};

Firms firms_for(PermScheme scheme, bool majority = false) {
  if (scheme == PermScheme::strata) return Firms{kFirms, kObservedMembers};
  return majority ? Firms{kMajorityFirms, kMajorityObservedMembers}
                  : Firms{kFewerFirms, kFewerObservedMembers};
}

// The balanced Sample of the firms with `member[i]` as labels (members, then controls, each in
// firm order: the order the engine sums them in).
Sample balanced_sample(const Firms& firms, const std::vector<bool>& member, bool weighted) {
  const std::vector<Firm>& kFirms = firms.firm;
  test::CellSpec cell;
  cell.members.resize(2);
  cell.controls.resize(2);
  std::vector<double> weights;
  for (int group = 0; group < 2; ++group)
    for (std::size_t i = 0; i < kFirms.size(); ++i) {
      if (member[i] != (group == 0)) continue;
      auto& values = group == 0 ? cell.members : cell.controls;
      values[0].push_back(kFirms[i].y0);
      values[1].push_back(kFirms[i].y1);
      (group == 0 ? cell.member_strata : cell.control_strata).push_back(kFirms[i].stratum);
      weights.push_back(kFirms[i].weight);
    }
  Sample s = test::make_sample({cell});
  for (std::int32_t st = 0; st < kStrata; ++st)
    s.stratum_labels.push_back("s" + std::to_string(st));
  for (auto& w : s.weight)
    for (std::size_t i = 0; i < w.size(); ++i)
      if (w[i] > 0.0 && weighted) w[i] = weights[i];
  s.weighted = true;
  for (std::size_t m = 0; m < s.metrics(); ++m) balance_cell(s, m, 0);
  return s;
}

std::vector<bool> observed_labels(const Firms& firms) {
  std::vector<bool> member(firms.firm.size(), false);
  for (std::size_t i = 0; i < firms.observed_members; ++i) member[i] = true;
  return member;
}

// Every relabeling of the scheme: within each stratum (strata) or over all firms (all), the
// member count kept.
void each_relabeling(const Firms& firms, PermScheme scheme,
                     const std::function<void(const std::vector<bool>&)>& f) {
  const std::vector<Firm>& kFirms = firms.firm;
  std::vector<std::vector<std::size_t>> blocks;
  if (scheme == PermScheme::all) {
    blocks.emplace_back();
    for (std::size_t i = 0; i < kFirms.size(); ++i) blocks[0].push_back(i);
  } else {
    for (std::int32_t st = 0; st < kStrata; ++st) {
      blocks.emplace_back();
      for (std::size_t i = 0; i < kFirms.size(); ++i)
        if (kFirms[i].stratum == st) blocks.back().push_back(i);
    }
  }
  const std::vector<bool> observed = observed_labels(firms);
  std::vector<bool> member(kFirms.size(), false);
  std::function<void(std::size_t)> block = [&](std::size_t b) {
    if (b == blocks.size()) return f(member);
    const auto& pos = blocks[b];
    std::size_t members = 0;
    for (std::size_t i : pos) members += observed[i] ? 1 : 0;
    std::vector<bool> pick(pos.size(), false);
    std::fill(pick.begin(), pick.begin() + static_cast<std::ptrdiff_t>(members), true);
    do {
      for (std::size_t j = 0; j < pos.size(); ++j) member[pos[j]] = pick[j];
      block(b + 1);
    } while (std::prev_permutation(pick.begin(), pick.end()));
  };
  block(0);
}

double estimate_of(const Sample& s, Statistic statistic, std::size_t metric) {
  for (const Estimate& e : describe_sample(s, test::window_options()).results)
    if (e.statistic == statistic && e.metric == metric) return e.value;
  ADD_FAILURE() << "no estimate";
  return NAN;
}

struct Case {
  PermScheme scheme;
  Statistic statistic;
  bool fast;
  bool weighted;
  bool majority = false;  // --perm-scheme all: members the larger group
};

class BalancedPermutation : public ::testing::TestWithParam<Case> {};

TEST_P(BalancedPermutation, ExactEnumerationIsTheRelabeledDatasetsBalancedEstimates) {
  const Case c = GetParam();
  PermutationSpec spec;
  spec.statistic = c.statistic;
  spec.scheme = c.scheme;
  spec.fast = c.fast;
  spec.permutations = 20000;
  spec.threads = 2;
  const Firms firms = firms_for(c.scheme, c.majority);
  const Sample observed = balanced_sample(firms, observed_labels(firms), c.weighted);
  const PermutationTable t = run_permutations(observed, test::window_options(), spec);
  ASSERT_TRUE(t.exact);
  // The general path sums the balanced Sample's weights in its order: describe's value bit for
  // bit. The fast path's shifted block sums agree to rounding.
  const bool fast_path =
      c.fast && (c.statistic == Statistic::mean_diff || c.statistic == Statistic::welch_t);
  for (std::size_t m = 0; m < 2; ++m) {
    const double want = estimate_of(observed, c.statistic, m);
    if (fast_path)
      EXPECT_NEAR(t.observed[m], want, 1e-12 * std::fabs(want)) << m;
    else if (c.statistic == Statistic::mean_diff || c.statistic == Statistic::welch_t)
      EXPECT_EQ(t.observed[m], want) << m;
    else
      EXPECT_NEAR(t.observed[m], want, 1e-15) << m;
  }

  std::vector<std::vector<double>> brute(2);
  each_relabeling(firms, c.scheme, [&](const std::vector<bool>& member) {
    const Sample s = balanced_sample(firms, member, c.weighted);
    for (std::size_t m = 0; m < 2; ++m) brute[m].push_back(estimate_of(s, c.statistic, m));
  });
  ASSERT_EQ(brute[0].size(), t.count);
  for (std::size_t m = 0; m < 2; ++m) {
    std::vector<double> engine(t.values.begin() + static_cast<std::ptrdiff_t>(m * t.count),
                               t.values.begin() + static_cast<std::ptrdiff_t>((m + 1) * t.count));
    const auto nan_last = [](double a, double b) {
      return std::isnan(b) ? !std::isnan(a) : !std::isnan(a) && a < b;
    };
    std::sort(engine.begin(), engine.end(), nan_last);
    std::sort(brute[m].begin(), brute[m].end(), nan_last);
    int defined = 0;
    for (std::size_t r = 0; r < t.count; ++r) {
      if (std::isnan(brute[m][r])) {
        EXPECT_TRUE(std::isnan(engine[r])) << "metric " << m << " rank " << r;
        continue;
      }
      ++defined;
      ASSERT_NEAR(engine[r], brute[m][r], 1e-12 * (1.0 + std::fabs(brute[m][r])))
          << "metric " << m << " rank " << r;
    }
    EXPECT_GT(defined, static_cast<int>(t.count) / 4);  // most relabelings have a value
  }
}

std::vector<Case> cases() {
  std::vector<Case> out;
  for (PermScheme scheme : {PermScheme::strata, PermScheme::all})
    for (Statistic st : {Statistic::mean_diff, Statistic::welch_t, Statistic::median_diff,
                         Statistic::trimmed_mean_diff, Statistic::agg_diff})
      for (bool weighted : {false, true}) {
        out.push_back(Case{scheme, st, false, weighted});
        if (st == Statistic::mean_diff || st == Statistic::welch_t)
          out.push_back(Case{scheme, st, true, weighted});
        if (scheme == PermScheme::all && st != Statistic::agg_diff)
          out.push_back(Case{scheme, st, st == Statistic::mean_diff, weighted, true});
      }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Cases, BalancedPermutation, ::testing::ValuesIn(cases()),
                         [](const auto& info) {
                           const Case& c = info.param;
                           return std::string(perm_scheme_name(c.scheme)) + "_" +
                                  std::string(statistic_name(c.statistic)) +
                                  (c.fast ? "_fast" : "_general") +
                                  (c.weighted ? "_weighted" : "") + (c.majority ? "_majority" : "");
                         });

// Monte Carlo replicates of the fast and general paths see the same relabelings: the same
// balanced values to rounding (the fast path is what the GPU's warp kernel runs).
TEST(BalancedPermutation, FastPathAgreesWithGeneralPathInMonteCarlo) {
  for (int set = 0; set < 3; ++set)  // strata; all, members fewer; all, members more
    for (Statistic st : {Statistic::mean_diff, Statistic::welch_t}) {
      const PermScheme scheme = set == 0 ? PermScheme::strata : PermScheme::all;
      const Firms firms = firms_for(scheme, set == 2);
      const Sample s = balanced_sample(firms, observed_labels(firms), true);
      PermutationSpec spec;
      spec.statistic = st;
      spec.scheme = scheme;
      spec.permutations = 100;
      const PermutationTable fast =
          run_permutations(s, test::window_options(), spec, false, 0, 100);
      spec.fast = false;
      const PermutationTable general =
          run_permutations(s, test::window_options(), spec, false, 0, 100);
      ASSERT_EQ(fast.values.size(), general.values.size());
      for (std::size_t i = 0; i < fast.values.size(); ++i) {
        if (std::isnan(general.values[i])) {
          EXPECT_TRUE(std::isnan(fast.values[i])) << i;
          continue;
        }
        EXPECT_NEAR(fast.values[i], general.values[i], 1e-12 * (1 + std::fabs(general.values[i])))
            << i;
      }
    }
}

}  // namespace
}  // namespace klynge
