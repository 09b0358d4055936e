// Peers: R coin's exact and blocked tests (tests/data/peers/permutation_reference.json, made by
// scripts/peers/permutation_reference.R). coin's statistic (the member sum, summed over blocks)
// is a monotone function of klynge's overall mean difference when group sizes are fixed within
// blocks, so the one-sided p-values estimate the same quantity.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "klynge/p_values.hpp"
#include "klynge/permutation.hpp"
#include "permutation_test_sample.hpp"

namespace klynge {
namespace {

nlohmann::json reference() {
  std::ifstream in(std::string(KLYNGE_TEST_DATA_DIR) + "/peers/permutation_reference.json");
  EXPECT_TRUE(in.good());
  return nlohmann::json::parse(in);
}

TEST(PermutationPeers, MouseExactEqualsCoinExact) {
  const nlohmann::json ref = reference()["mouse"];
  const Sample s = test::make_sample({test::CellSpec{kWindowCohort,
                                                     {ref["treatment"].get<std::vector<double>>()},
                                                     {ref["control"].get<std::vector<double>>()},
                                                     {},
                                                     {},
                                                     {},
                                                     {}}});
  PermutationSpec spec;
  spec.statistic = Statistic::mean_diff;
  spec.permutations = 99999;
  const PermutationTable t = run_permutations(s, test::window_options(), spec);
  ASSERT_TRUE(t.exact);
  // coin prints 17 significant digits of b / 11440.
  EXPECT_NEAR(permutation_p_values(t, Alternative::greater)[0].p,
              ref["coin_exact_greater"].get<double>(), 1e-15);
  EXPECT_NEAR(permutation_p_values(t, Alternative::less)[0].p, ref["coin_exact_less"].get<double>(),
              1e-15);
  // 1613 of the 11440 relabelings (the observed one included) have a member sum >= 608.
  EXPECT_EQ(extreme_counts(t)[0].greater, 1613u);
}

TEST(PermutationPeers, StratifiedMonteCarloAgreesWithCoinBlocked) {
  const nlohmann::json ref = reference()["blocked"];
  const auto value = ref["value"].get<std::vector<double>>();
  const auto member = ref["member"].get<std::vector<int>>();
  const auto block = ref["block"].get<std::vector<int>>();
  test::CellSpec cell;
  cell.members = {{}};
  cell.controls = {{}};
  for (std::size_t i = 0; i < value.size(); ++i) {
    (member[i] ? cell.members[0] : cell.controls[0]).push_back(value[i]);
    (member[i] ? cell.member_strata : cell.control_strata).push_back(block[i]);
  }
  const Sample s = test::make_sample({cell});
  PermutationSpec spec;
  spec.scheme = PermScheme::strata;
  spec.statistic = Statistic::mean_diff;
  spec.permutations = 99999;
  const PermutationTable t = run_permutations(s, test::window_options(), spec);
  ASSERT_FALSE(t.exact);
  const PValue p = permutation_p_values(t, Alternative::greater)[0];
  const double exact = ref["coin_exact_greater"].get<double>();
  // coin's exact p is inside our 99% interval ...
  EXPECT_LE(p.ci_low, exact);
  EXPECT_GE(p.ci_high, exact);
  // ... and our p and coin's approximate p (10^6 resamples) agree within 4 Monte Carlo SEs.
  const double approx = ref["coin_approx_greater"].get<double>();
  const double se = std::sqrt(exact * (1 - exact) * (1.0 / 99999 + 1.0 / 1e6));
  EXPECT_NEAR(p.p, approx, 4 * se);
  // Shuffling across all firms instead ignores the blocks and gives a different answer here
  // (the blocks have different means), which the exact blocked p rules out.
  spec.scheme = PermScheme::all;
  const PValue all = permutation_p_values(run_permutations(s, test::window_options(), spec),
                                          Alternative::greater)[0];
  EXPECT_GT(std::fabs(all.p - exact), 4 * se);
}

}  // namespace
}  // namespace klynge
