// Multiplicity control over the keys of one run (all metrics x cohorts): Westfall–Young maxT
// step-down adjusted p-values from the joint permutation distribution, Holm and
// Benjamini–Hochberg. NaN p-values (keys without a value) are left out of the family and stay
// NaN. docs/permutation.md, "Multiplicity".
#pragma once

#include <cstdint>
#include <vector>

#include "klynge/permutation.hpp"

namespace klynge {

// Holm (1979) step-down: sorted ascending, adj_(i) = max_{j <= i} min(1, (K - j + 1) p_(j)).
std::vector<double> holm_adjust(const std::vector<double>& p);

// Benjamini–Hochberg (1995) step-up: adj_(i) = min_{j >= i} min(1, K / j p_(j)).
std::vector<double> bh_adjust(const std::vector<double>& p);

// Westfall–Young maxT step-down (Westfall & Young 1993, Algorithm 2.8). Per key k the observed
// statistic s_k is T_k (greater), -T_k (less) or |T_k| (two-sided); keys are ordered by s
// descending, s_(1) >= ... >= s_(K). In every replicate j the successive maxima
// u_(i) = max_{l >= i} s_(l),j are compared with s_(i) (tie rule of p_values.hpp; a NaN
// replicate value counts as +infinity). adj_(i) = (#{j: u_(i) >= s_(i)} + 1) / (B + 1)
// (Monte Carlo) or #{...} / B (exact, the observed relabeling among the B), then made
// monotone: adj_(i) = max(adj_(i - 1), adj_(i)). values is row-major key x replicate.
std::vector<double> maxt_adjust(const std::vector<double>& observed,
                                const std::vector<double>& values, std::uint64_t replicates,
                                bool exact, Alternative alternative);

std::vector<double> maxt_adjust(const PermutationTable& table, Alternative alternative);

}  // namespace klynge
