// Permutation draws (DESIGN.md §1 "Permutation", §2): a uniformly random relabeling of each
// block without a shuffled array, and the enumeration of every relabeling for exact tests.
// Choices and the uniformity argument: docs/permutation.md.
//
// A block of n positions whose observed labeling has m members is relabeled by choosing which
// k = min(m, n - m) positions get the smaller group's label (the "drawn" label); the others
// get the other one. Monte Carlo: Robert Floyd's subset sampler (Bentley & Floyd, CACM 1987):
//   for j = n - k .. n - 1:  t = uniform{0..j};  take t unless already taken, else take j.
// By induction every k-subset comes out with probability 1 / C(n, k) exactly, given exactly
// uniform integer draws (bounded_try from hd/bootstrap_draws.hpp: Lemire's multiply-shift with
// rejection). k draws and O(k) work per block; "already taken" is read from the caller's label
// array, so no O(n) scratch is built per replicate.
//
// Where a draw lives: block b's draws are positions offset_b .. offset_b + k_b - 1 of the
// purpose kPurposePermutation word sequence of the replicate (blocks laid end to end). A
// rejected draw retries on DrawKey{a, kPurposePermutationRetry + attempt, r, p / 4}, word p % 4,
// so a rejection never shifts another draw: draw p is a pure function of (seed, analysis,
// replicate, p) whatever thread computes it.
//
// Exact mode: the k-subsets of a block in lexicographic order, unranked by the combinatorial
// number system; the blocks combine in mixed radix (the first block is the most significant
// digit). Rank r of the product is relabeling number r.
//
// No allocation, no exceptions, no std containers: KLYNGE_HD makes these __host__ __device__.
#pragma once

#include <cstdint>

#include "klynge/hd/bootstrap_draws.hpp"
#include "klynge/hd/macros.hpp"

namespace klynge::hd {

inline constexpr std::uint32_t kPurposePermutation = 0x50000001u;
inline constexpr std::uint32_t kPurposePermutationRetry = 0x53000000u;  // + attempt (1, 2, ...)

// The attempts after a rejected first word (rare: probability below n / 2^32), kept out of
// line so that the accepted case stays small enough to inline.
#if defined(__CUDACC__)
__host__ __device__ __noinline__ inline
#else
[[gnu::noinline]] inline
#endif
    std::uint32_t
    permutation_retry(std::uint64_t seed, std::uint32_t analysis, std::uint32_t replicate,
                      std::uint64_t position, std::uint32_t n) {
  for (std::uint32_t attempt = 1;; ++attempt) {
    const BoundedTry r = bounded_try(
        draw_word(seed, analysis, kPurposePermutationRetry + attempt, replicate, position), n);
    if (r.accepted) return r.value;
  }
}

// Unbiased uniform integer in [0, n) for the permutation draw at `position`.
KLYNGE_HD std::uint32_t permutation_bounded(WordStream& s, std::uint64_t position,
                                            std::uint32_t n) {
  const BoundedTry t = bounded_try(s.at(position), n);
  return t.accepted ? t.value : permutation_retry(s.seed, s.analysis, s.replicate, position, n);
}

// Floyd's sampler on block-local indices: sets k of the bits [0, n) of `taken` (which must be
// all clear on entry), reading draws offset .. offset + k - 1 of s. A bitmap of the block
// (n / 8 bytes: 13 KB for 10^5 firms) stays in L1 cache, so the membership tests are cheap.
KLYNGE_HD void floyd_bits(WordStream& s, std::uint64_t offset, std::uint32_t n, std::uint32_t k,
                          std::uint64_t* taken) {
  for (std::uint32_t i = 0; i < k; ++i) {
    const std::uint32_t j = n - k + i;
    const std::uint32_t t = permutation_bounded(s, offset + i, j + 1);
    const std::uint32_t take = (taken[t >> 6] >> (t & 63u)) & 1u ? j : t;
    taken[take >> 6] |= std::uint64_t{1} << (take & 63u);
  }
}

// Floyd's sampler a batch of kFloydBatch steps at a time (the CUDA backend gives each step of a
// batch to one lane of a warp; docs/permutation.md, "Within a replicate, on the GPU"). The
// batch's draws do not depend on the takes, so every lane draws its own t; what a lane cannot
// see alone is whether an earlier step of the same batch took its t. Step l of a batch whose
// first step has j = j_first draws t[l] in [0, j_first + l]; bit l of in_set says whether
// t[l] was taken before the batch. The step takes t[l] unless it was taken before the batch or
// by an earlier step of the batch, else j_first + l: exactly the sequential sampler's take.
// O(lane^2) compares; the device calls it only for the rare batches that need it
// (floyd_batch_simple false somewhere in the batch).
inline constexpr std::uint32_t kFloydBatch = 32;

KLYNGE_HD std::uint32_t floyd_batch_take(const std::uint32_t* t, std::uint32_t in_set,
                                         std::uint32_t j_first, std::uint32_t lane) {
  std::uint32_t take[kFloydBatch];
  for (std::uint32_t l = 0; l <= lane; ++l) {
    bool hit = ((in_set >> l) & 1u) != 0;
    for (std::uint32_t e = 0; e < l && !hit; ++e) hit = take[e] == t[l];
    take[l] = hit ? j_first + l : t[l];
  }
  return take[lane];
}

// True when step l's take needs no other step of its batch: t is below every j of the batch
// (so it is no earlier step's j) and no other step drew the same t (known to the caller, on
// the device from a warp match). Then the take is in_set ? j : t.
KLYNGE_HD bool floyd_batch_simple(std::uint32_t t, std::uint32_t j_first, bool duplicate) {
  return t < j_first && !duplicate;
}

KLYNGE_HD std::uint32_t lowest_bit(std::uint64_t x) {
#if defined(__CUDA_ARCH__)
  return static_cast<std::uint32_t>(__ffsll(static_cast<long long>(x)) - 1);
#else
  return static_cast<std::uint32_t>(__builtin_ctzll(x));
#endif
}

// Writes pos[t] for every set bit t of `taken` (n bits) to chosen[0..), in increasing t, and
// clears the bitmap. Returns the number written. O(n / 64 + set bits); the increasing order
// makes the later gathers run forward through memory.
KLYNGE_HD std::uint32_t collect_bits(std::uint64_t* taken, std::uint32_t n,
                                     const std::uint32_t* pos, std::uint32_t* chosen) {
  std::uint32_t c = 0;
  const std::uint32_t words = (n + 63u) >> 6;
  for (std::uint32_t w = 0; w < words; ++w) {
    std::uint64_t x = taken[w];
    if (x == 0) continue;
    taken[w] = 0;
    while (x != 0) {
      chosen[c++] = pos[(w << 6) + lowest_bit(x)];
      x &= x - 1;
    }
  }
  return c;
}

KLYNGE_HD std::uint64_t gcd_u64(std::uint64_t a, std::uint64_t b) {
  while (b != 0) {
    const std::uint64_t r = a % b;
    a = b;
    b = r;
  }
  return a;
}

// C(n, k), saturating at `cap` (any value > cap is returned as cap + 1). cap < 2^63.
// Step i turns c = C(n - k + i - 1, i - 1) into C(n - k + i, i) = c * a / i with a = n - k + i;
// dividing c and i by their gcd first keeps every product exact in 64 bits (i / g divides a).
KLYNGE_HD std::uint64_t binomial_capped(std::uint64_t n, std::uint64_t k, std::uint64_t cap) {
  if (k > n) return 0;
  if (k > n - k) k = n - k;
  std::uint64_t c = 1;
  for (std::uint64_t i = 1; i <= k; ++i) {
    const std::uint64_t a = n - k + i;
    const std::uint64_t g = gcd_u64(c, i);
    const std::uint64_t factor = a / (i / g);
    const std::uint64_t base = c / g;
    if (base > cap / factor) return cap + 1;
    c = base * factor;
    if (c > cap) return cap + 1;
  }
  return c;
}

// The k-subset of rank r (0 <= r < C(n, k)) in lexicographic order of the sorted position
// lists, marked with `drawn` in label[pos[.]]. Rank 0 is {0, 1, ..., k - 1}.
// When chosen != nullptr, the chosen entries pos[.] are also written to chosen[0..k), in
// increasing position order. label may be nullptr (only chosen is written); pos may be
// nullptr when only chosen is written, which then gets the block-local indices x themselves.
//
// Through the combinatorial number system: with r' = C(n, k) - 1 - r there are unique
// c_1 > c_2 > ... > c_k >= 0 with r' = sum_i C(c_i, k - i + 1), and the subset of lexicographic
// rank r is {n - 1 - c_1 < n - 1 - c_2 < ...}. Each c_i is found by binary search, so a rank
// costs O(k^2 log n), not O(n).
KLYNGE_HD void unrank_subset(std::uint64_t r, const std::uint32_t* pos, std::uint32_t n,
                             std::uint32_t k, std::uint8_t* label, std::uint8_t drawn,
                             std::uint32_t* chosen = nullptr) {
  constexpr std::uint64_t kCap = ~std::uint64_t{0} >> 1;
  std::uint64_t rest = binomial_capped(n, k, kCap) - 1 - r;
  std::uint64_t upper = n;  // c_i < upper
  for (std::uint32_t i = 0; i < k; ++i) {
    const std::uint32_t kk = k - i;
    // Largest c in [kk - 1, upper - 1] with C(c, kk) <= rest (C(kk - 1, kk) = 0 always fits).
    std::uint64_t lo = kk - 1, hi = upper - 1;
    while (lo < hi) {
      const std::uint64_t mid = lo + (hi - lo + 1) / 2;
      if (binomial_capped(mid, kk, kCap) <= rest)
        lo = mid;
      else
        hi = mid - 1;
    }
    rest -= binomial_capped(lo, kk, kCap);
    upper = lo;
    const std::uint32_t x = n - 1 - static_cast<std::uint32_t>(lo);
    if (label) label[pos[x]] = drawn;
    if (chosen) chosen[i] = pos ? pos[x] : x;
  }
}

}  // namespace klynge::hd
