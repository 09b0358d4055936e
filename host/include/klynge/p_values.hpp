// Permutation p-values (DESIGN.md §1 "Inference"; docs/permutation.md): counts of replicates at
// least as extreme as the observed statistic, Monte Carlo p = (b + 1) / (B + 1) or exact
// p = b / B, two-sided = 2 min(one-sided) capped at 1, and a 99% Clopper–Pearson interval of
// every Monte Carlo p.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "klynge/permutation.hpp"

namespace klynge {

// Ties: a replicate value T counts as >= T_obs when T >= T_obs - tol and as <= T_obs when
// T <= T_obs + tol, tol = 100 eps |T_obs|. A replicate without a value (NaN) counts as at least
// as extreme in every direction (conservative).
double tie_tolerance(double observed);
bool at_least(double value, double observed);  // value >= observed, with ties
bool at_most(double value, double observed);   // value <= observed, with ties

struct ExtremeCounts {
  std::uint64_t greater = 0;  // replicates with T >= T_obs (ties and NaN included)
  std::uint64_t less = 0;     // replicates with T <= T_obs
  std::uint64_t replicates = 0;
};

// Counts per key of a table (exact tables: every relabeling, the observed one included).
// Counts of consecutive ranges add up.
std::vector<ExtremeCounts> extreme_counts(const PermutationTable& table);

struct PValue {
  double p = 0.0;                      // NaN when the observed statistic has no value
  double ci_low = 0.0, ci_high = 0.0;  // 99% Clopper–Pearson; [p, p] when exact
  bool exact = false;
  std::uint64_t count = 0;  // b of the side(s) used: the smaller one for two-sided
  std::uint64_t replicates = 0;
  std::string_view method() const { return exact ? "exact" : "monte_carlo"; }
};

// Clopper–Pearson interval for a binomial proportion, x successes of n, level `level`.
std::pair<double, double> clopper_pearson(std::uint64_t x, std::uint64_t n, double level);

// p-value from counts. Monte Carlo: one-sided p = (b + 1) / (B + 1) and the interval is the
// Clopper–Pearson interval of the exact permutation p from b of B (times 2, capped at 1, for
// two-sided). Exact: p = b / B with a degenerate interval.
PValue permutation_p_value(const ExtremeCounts& counts, bool exact, Alternative alternative,
                           bool observed_finite = true);

std::vector<PValue> permutation_p_values(const PermutationTable& table, Alternative alternative);

}  // namespace klynge
