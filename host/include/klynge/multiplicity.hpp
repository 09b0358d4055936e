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

// Simultaneous (sup-t) confidence band over a family of keys from their joint bootstrap
// distribution (Montiel Olea & Plagborg-Moller 2019): se_k = sd of key k's finite replicates;
// per replicate M_j = max_k |theta*_kj - theta_k| / se_k over the keys in the family (a
// replicate where a key has no value counts as M_j = +inf: conservative); c = the
// ceil(level * B)-th smallest M_j; band_k = theta_k -/+ c se_k. Keys whose estimate or se is
// not finite (or se = 0) are left out of the family and get a NaN band.
struct SupTBand {
  std::vector<double> low, high;
  double critical = 0.0;   // c (NaN when the family is empty)
  std::size_t family = 0;  // keys in the family
};
SupTBand sup_t_band(const std::vector<double>& estimates, const std::vector<double>& values,
                    std::uint64_t replicates, double level);

}  // namespace klynge
