// Permutation draws: Floyd's subset sampler is uniform over relabelings (exact chi-square on
// tiny blocks, and a deliberately weakened sampler that the same test rejects), draws are
// pure functions of their position, and exact-mode unranking enumerates every subset once in
// lexicographic order.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <numeric>
#include <set>
#include <vector>

#include "klynge/hd/permutation_draws.hpp"

namespace klynge {
namespace {

// Bitmask of the positions marked `drawn` by Floyd's sampler in replicate r.
std::uint32_t floyd_mask(std::uint32_t n, std::uint32_t k, std::uint32_t r, bool weakened) {
  std::vector<std::uint32_t> pos(n);
  std::iota(pos.begin(), pos.end(), 0u);
  std::vector<std::uint8_t> label(n, 0);
  hd::WordStream s = hd::word_stream(20240917, 3, hd::kPurposePermutation, r);
  if (!weakened) {
    // The sampler the engine uses: Floyd on a bitmap, collected in position order.
    std::uint64_t taken[1] = {0};
    std::vector<std::uint32_t> chosen(k);
    hd::floyd_bits(s, 0, n, k, taken);
    EXPECT_EQ(hd::collect_bits(taken, n, pos.data(), chosen.data()), k);
    EXPECT_EQ(taken[0], 0u);  // cleared for the next block
    for (std::uint32_t i = 1; i < k; ++i) EXPECT_LT(chosen[i - 1], chosen[i]);
    for (std::uint32_t c : chosen) label[c] = 1;
  } else {
    // Weakened on purpose: draws t from {0..j-1} instead of {0..j} (an off-by-one that still
    // returns k distinct positions, but position j can enter only on a collision).
    for (std::uint32_t i = 0; i < k; ++i) {
      const std::uint32_t j = n - k + i;
      const std::uint32_t t = j == 0 ? 0 : hd::permutation_bounded(s, i, j);
      if (label[t])
        label[j] = 1;
      else
        label[t] = 1;
    }
  }
  std::uint32_t mask = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    if (label[i]) mask |= 1u << i;
  }
  return mask;
}

// Pearson chi-square of the subset frequencies against uniform over all C(n, k) subsets.
double subset_chi_square(std::uint32_t n, std::uint32_t k, std::uint32_t replicates, bool weakened,
                         std::size_t* distinct) {
  std::map<std::uint32_t, double> hits;
  for (std::uint32_t r = 0; r < replicates; ++r) {
    const std::uint32_t mask = floyd_mask(n, k, r, weakened);
    EXPECT_EQ(static_cast<std::uint32_t>(__builtin_popcount(mask)), k);
    hits[mask] += 1.0;
  }
  const double cells = static_cast<double>(hd::binomial_capped(n, k, 1u << 30));
  const double expected = replicates / cells;
  double chi2 = 0.0;
  for (const auto& [mask, h] : hits) chi2 += (h - expected) * (h - expected) / expected;
  chi2 += (cells - static_cast<double>(hits.size())) * expected;  // subsets never drawn
  *distinct = hits.size();
  return chi2;
}

// N = 6, k = 2: 15 subsets, 14 df; the 99.9% quantile of chi-square(14) is 36.12.
TEST(PermutationDraws, FloydIsUniformOverSubsetsChiSquare) {
  std::size_t distinct = 0;
  const double chi2 = subset_chi_square(6, 2, 150000, false, &distinct);
  EXPECT_EQ(distinct, 15u);
  EXPECT_LT(chi2, 36.12) << chi2;
  // N = 7, k = 3: 35 subsets, 34 df; 99.9% quantile 65.25.
  const double chi2b = subset_chi_square(7, 3, 140000, false, &distinct);
  EXPECT_EQ(distinct, 35u);
  EXPECT_LT(chi2b, 65.25) << chi2b;
}

// The same statistic, same seed and threshold, rejects the weakened sampler by far: the test
// has the power to see a biased sampler.
TEST(PermutationDraws, WeakenedSamplerFailsTheSameChiSquare) {
  std::size_t distinct = 0;
  const double chi2 = subset_chi_square(6, 2, 150000, true, &distinct);
  EXPECT_GT(chi2, 36.12 * 10) << chi2;
}

// Drawing the larger group's complement: with m = 4 members of 6, the controls (k = 2) are
// drawn, and the member sets are uniform too (the complement map is a bijection).
TEST(PermutationDraws, ComplementDrawIsUniform) {
  std::map<std::uint32_t, double> hits;
  constexpr std::uint32_t replicates = 60000;
  for (std::uint32_t r = 0; r < replicates; ++r) {
    std::vector<std::uint32_t> pos = {0, 1, 2, 3, 4, 5};
    std::vector<std::uint8_t> label(6, 1);  // everyone a member, then draw 2 controls
    hd::WordStream s = hd::word_stream(7, 0, hd::kPurposePermutation, r);
    std::uint64_t taken[1] = {0};
    std::uint32_t chosen[2];
    hd::floyd_bits(s, 0, 6, 2, taken);
    hd::collect_bits(taken, 6, pos.data(), chosen);
    for (std::uint32_t c : chosen) label[c] = 0;
    std::uint32_t mask = 0;
    for (std::uint32_t i = 0; i < 6; ++i) mask |= label[i] ? (1u << i) : 0u;
    ASSERT_EQ(__builtin_popcount(mask), 4);
    hits[mask] += 1.0;
  }
  ASSERT_EQ(hits.size(), 15u);
  double chi2 = 0.0;
  for (const auto& [m, h] : hits)
    chi2 += (h - replicates / 15.0) * (h - replicates / 15.0) / (replicates / 15.0);
  EXPECT_LT(chi2, 36.12);
}

// Bitmaps wider than one word: 200 positions, k = 70; collect_bits lists exactly the set bits
// through the position map, in order, and clears them.
TEST(PermutationDraws, FloydBitsAcrossWords) {
  std::vector<std::uint32_t> pos(200);
  for (std::uint32_t i = 0; i < 200; ++i) pos[i] = 1000 + 3 * i;
  std::uint64_t taken[4] = {0, 0, 0, 0};
  hd::WordStream s = hd::word_stream(5, 0, hd::kPurposePermutation, 9);
  hd::floyd_bits(s, 0, 200, 70, taken);
  int bits = 0;
  for (std::uint64_t w : taken) bits += __builtin_popcountll(w);
  EXPECT_EQ(bits, 70);
  std::vector<std::uint32_t> chosen(70);
  ASSERT_EQ(hd::collect_bits(taken, 200, pos.data(), chosen.data()), 70u);
  for (std::uint32_t i = 1; i < 70; ++i) EXPECT_LT(chosen[i - 1], chosen[i]);
  for (std::uint32_t c : chosen) EXPECT_EQ((c - 1000) % 3, 0u);
  for (std::uint64_t w : taken) EXPECT_EQ(w, 0u);
}

TEST(PermutationDraws, BoundedDrawIsAPureFunctionOfPosition) {
  const std::uint32_t n = 2147483649u;  // about half the words are rejected
  hd::WordStream s = hd::word_stream(99, 1, hd::kPurposePermutation, 5);
  for (std::uint64_t p = 0; p < 64; ++p) {
    const std::uint32_t v = hd::permutation_bounded(s, p, n);
    hd::WordStream alone = hd::word_stream(99, 1, hd::kPurposePermutation, 5);
    EXPECT_EQ(hd::permutation_bounded(alone, p, n), v);
    EXPECT_LT(v, n);
  }
}

TEST(PermutationDraws, BinomialCapped) {
  EXPECT_EQ(hd::binomial_capped(16, 7, 1u << 30), 11440u);
  EXPECT_EQ(hd::binomial_capped(6, 2, 100), 15u);
  EXPECT_EQ(hd::binomial_capped(5, 0, 100), 1u);
  EXPECT_EQ(hd::binomial_capped(5, 6, 100), 0u);
  EXPECT_EQ(hd::binomial_capped(60, 30, 1000), 1001u);  // saturates at cap + 1
  EXPECT_EQ(hd::binomial_capped(62, 31, std::uint64_t{1} << 62), 465428353255261088ull);
}

// Unranking lists every k-subset once, in lexicographic order of the sorted position lists.
TEST(PermutationDraws, UnrankEnumeratesSubsetsLexicographically) {
  for (std::uint32_t n : {1u, 5u, 7u, 9u}) {
    for (std::uint32_t k = 0; k <= n; ++k) {
      std::vector<std::uint8_t> select(n, 0);
      std::fill(select.begin(), select.begin() + k, 1);  // lexicographically first subset
      const std::uint64_t total = hd::binomial_capped(n, k, 1u << 30);
      std::vector<std::uint32_t> pos(n);
      std::iota(pos.begin(), pos.end(), 0u);
      std::uint64_t r = 0;
      do {
        std::vector<std::uint8_t> label(n, 0);
        hd::unrank_subset(r, pos.data(), n, k, label.data(), 1);
        ASSERT_EQ(label, select) << n << " " << k << " rank " << r;
        ++r;
      } while (std::prev_permutation(select.begin(), select.end()));
      EXPECT_EQ(r, total);
    }
  }
}

// Larger blocks: consecutive ranks give strictly increasing subsets in lexicographic order,
// so the C(n, k) ranks are C(n, k) distinct subsets; the last rank is the last subset.
TEST(PermutationDraws, UnrankIsStrictlyIncreasingOnLargerBlocks) {
  for (auto [n, k] : {std::pair<std::uint32_t, std::uint32_t>{60, 3}, {200, 2}, {25, 12}}) {
    std::vector<std::uint32_t> pos(n);
    std::iota(pos.begin(), pos.end(), 0u);
    const std::uint64_t total = hd::binomial_capped(n, k, 1ull << 40);
    std::vector<std::uint32_t> prev, cur(k);
    const std::uint64_t step = total > 50000 ? total / 50000 : 1;
    for (std::uint64_t r = 0; r < total; r += step) {
      hd::unrank_subset(r, pos.data(), n, k, nullptr, 1, cur.data());
      for (std::uint32_t i = 1; i < k; ++i) ASSERT_LT(cur[i - 1], cur[i]);
      if (!prev.empty())
        ASSERT_TRUE(std::lexicographical_compare(prev.begin(), prev.end(), cur.begin(), cur.end()))
            << r;
      prev = cur;
    }
    hd::unrank_subset(total - 1, pos.data(), n, k, nullptr, 1, cur.data());
    EXPECT_EQ(cur.front(), n - k);
    hd::unrank_subset(0, pos.data(), n, k, nullptr, 1, cur.data());
    EXPECT_EQ(cur.back(), k - 1);
  }
}

}  // namespace
}  // namespace klynge
