// Bootstrap draws from raw Philox words (DESIGN.md §2): unbiased bounded integers, Poisson(1)
// counts and Exp(1) variates. Integer arithmetic wherever a draw picks an index, so a draw is
// the same on every compiler and device.
//
// Where a draw lives. Inside replicate r of analysis a, the draws of one purpose form one word
// sequence: position p is word p % 4 of the Philox block
//   DrawKey{stream = a, purpose, index = r, block = p / 4}.
// Multinomial index draws put draw j of resample group g at position offset_g + j (groups laid
// end to end); Poisson counts put unit u at position u; Exp(1) weights use positions 2u, 2u + 1.
// A rejected bounded draw never shifts a later draw: attempt k >= 1 of the draw at position p
// takes word p % 4 of DrawKey{a, kPurposeRetry + k, r, p / 4}. Draw j is thus a pure function
// of (seed, analysis, replicate, j) alone, whatever order or thread computes it.
//
// No allocation, no exceptions, no std containers: KLYNGE_HD makes these __host__ __device__.
#pragma once

#include <cmath>
#include <cstdint>

#include "klynge/hd/macros.hpp"
#include "klynge/hd/philox.hpp"

namespace klynge::hd {

// Purposes of bootstrap draws (the `purpose` word of DrawKey).
inline constexpr std::uint32_t kPurposeBootstrapIndex = 0x42000001u;  // multinomial indices
inline constexpr std::uint32_t kPurposeBootstrapPoisson = 0x42000002u;
inline constexpr std::uint32_t kPurposeBootstrapExp = 0x42000003u;
inline constexpr std::uint32_t kPurposeRetry = 0x52000000u;  // + attempt (1, 2, ...)

// Lemire's multiply-shift on one word: m = word * n; the candidate is m >> 32 and it is
// accepted unless (m mod 2^32) < (2^32 mod n). Accepted candidates are exactly uniform on
// [0, n): every value has floor(2^32 / n) accepted words. n must be >= 1.
struct BoundedTry {
  std::uint32_t value;
  bool accepted;
};

KLYNGE_HD BoundedTry bounded_try(std::uint32_t word, std::uint32_t n) {
  const std::uint64_t m = static_cast<std::uint64_t>(word) * n;
  const std::uint32_t low = static_cast<std::uint32_t>(m);
  // The threshold 2^32 mod n (computed in 32 bits as (2^32 - n) mod n) is below n, so the
  // division is needed only in the rare case low < n.
  const bool accepted = low >= n || low >= (0u - n) % n;
  return BoundedTry{static_cast<std::uint32_t>(m >> 32), accepted};
}

// Word p % 4 of block p / 4 for a purpose.
KLYNGE_HD std::uint32_t draw_word(std::uint64_t seed, std::uint32_t analysis, std::uint32_t purpose,
                                  std::uint32_t replicate, std::uint64_t position) {
  const Words4 w = philox_words(
      seed, DrawKey{analysis, purpose, replicate, static_cast<std::uint32_t>(position >> 2)});
  return w.w[position & 3u];
}

// Finishes a bounded draw whose first word was rejected: attempts 1, 2, ... read their own
// words (see the header), so only this draw pays for the rejection. The chance of k
// rejections is below (n / 2^32)^k.
KLYNGE_HD std::uint32_t bounded_retry(std::uint64_t seed, std::uint32_t analysis,
                                      std::uint32_t replicate, std::uint64_t position,
                                      std::uint32_t n) {
  for (std::uint32_t attempt = 1;; ++attempt) {
    const BoundedTry t =
        bounded_try(draw_word(seed, analysis, kPurposeRetry + attempt, replicate, position), n);
    if (t.accepted) return t.value;
  }
}

// Poisson(1) from one word by inversion: the count is the number of thresholds
// T_k = round(2^32 * P(X <= k)), k = 0 .. 11, that the word reaches (e^-1 * sum_{j<=k} 1/j!).
// P(X <= 12) rounds to 2^32, so counts stop at 12 (P(X > 12) is below 2^-32). Exact up to the
// 2^-32 rounding of each threshold; always exactly one word.
KLYNGE_HD std::uint32_t poisson1_u32(std::uint32_t word) {
  constexpr std::uint32_t kThreshold[12] = {1580030169u, 3160060337u, 3950075422u, 4213413783u,
                                            4279248374u, 4292415292u, 4294609778u, 4294923276u,
                                            4294962463u, 4294966817u, 4294967253u, 4294967292u};
  std::uint32_t k = 0;
  while (k < 12 && word >= kThreshold[k]) ++k;
  return k;
}

// Exp(1) from two words: -ln(u) with u uniform on the open interval (0, 1) (uniform_open01),
// so the value is finite and positive. Always exactly two words.
KLYNGE_HD double exp1_from_words(std::uint32_t hi, std::uint32_t lo) {
  return -::log(uniform_open01(hi, lo));
}

// Sequential reader of one purpose's words in a replicate, fetching each Philox block once.
// Positions must be read in increasing order for the caching to help; any order is correct.
struct WordStream {
  std::uint64_t seed;
  std::uint32_t analysis;
  std::uint32_t purpose;
  std::uint32_t replicate;
  std::uint64_t cached_block;
  Words4 cached;

  KLYNGE_HD std::uint32_t at(std::uint64_t position) {
    const std::uint64_t block = position >> 2;
    if (block != cached_block) {
      cached = philox_words(
          seed, DrawKey{analysis, purpose, replicate, static_cast<std::uint32_t>(block)});
      cached_block = block;
    }
    return cached.w[position & 3u];
  }
};

KLYNGE_HD WordStream word_stream(std::uint64_t seed, std::uint32_t analysis, std::uint32_t purpose,
                                 std::uint32_t replicate) {
  return WordStream{seed, analysis, purpose, replicate, ~std::uint64_t{0}, Words4{{0, 0, 0, 0}}};
}

// Unbiased uniform index in [0, n) for the draw at `position` of the index purpose.
KLYNGE_HD std::uint32_t bounded_index(WordStream& s, std::uint64_t position, std::uint32_t n) {
  const BoundedTry t = bounded_try(s.at(position), n);
  if (t.accepted) return t.value;
  return bounded_retry(s.seed, s.analysis, s.replicate, position, n);
}

// Philox 4x32-10 of the consecutive blocks [first_block, first_block + count) of one
// (seed, stream, purpose, index), as words out[4 * b + i]: bit-identical to philox_words block
// by block (tested). Four blocks run interleaved, so the CPU overlaps their multiply chains
// (about 1.7x the throughput of one block at a time on x86-64).
KLYNGE_HD void philox_blocks(std::uint64_t seed, std::uint32_t stream, std::uint32_t purpose,
                             std::uint32_t index, std::uint32_t first_block, std::uint32_t count,
                             std::uint32_t* out) {
  constexpr std::uint32_t kLanes = 4;
  for (std::uint32_t base = 0; base < count; base += kLanes) {
    std::uint32_t c0[kLanes], c1[kLanes], c2[kLanes], c3[kLanes];
    for (std::uint32_t l = 0; l < kLanes; ++l) {
      c0[l] = first_block + base + l;
      c1[l] = index;
      c2[l] = purpose;
      c3[l] = stream;
    }
    std::uint32_t k0 = static_cast<std::uint32_t>(seed);
    std::uint32_t k1 = static_cast<std::uint32_t>(seed >> 32);
    for (int round = 0; round < 10; ++round) {
      for (std::uint32_t l = 0; l < kLanes; ++l) {
        const std::uint64_t p0 = static_cast<std::uint64_t>(0xD2511F53u) * c0[l];
        const std::uint64_t p1 = static_cast<std::uint64_t>(0xCD9E8D57u) * c2[l];
        const std::uint32_t n0 = static_cast<std::uint32_t>(p1 >> 32) ^ c1[l] ^ k0;
        const std::uint32_t n2 = static_cast<std::uint32_t>(p0 >> 32) ^ c3[l] ^ k1;
        c1[l] = static_cast<std::uint32_t>(p1);
        c3[l] = static_cast<std::uint32_t>(p0);
        c0[l] = n0;
        c2[l] = n2;
      }
      k0 += 0x9E3779B9u;  // the Weyl key schedule of Random123's philox4x32
      k1 += 0xBB67AE85u;
    }
    const std::uint32_t n = count - base < kLanes ? count - base : kLanes;
    for (std::uint32_t l = 0; l < n; ++l) {
      out[4 * (base + l) + 0] = c0[l];
      out[4 * (base + l) + 1] = c1[l];
      out[4 * (base + l) + 2] = c2[l];
      out[4 * (base + l) + 3] = c3[l];
    }
  }
}

// Every unit u of [begin + first, begin + end) with its Poisson(1) count c > 0, in order, as
// sink(u - begin, c): word u of the replicate's kPurposeBootstrapPoisson stream, the word
// for_each_draw reads for u. Words in runs from philox_blocks.
template <typename Sink>
KLYNGE_HD void poisson_units(std::uint64_t seed, std::uint32_t analysis, std::uint32_t replicate,
                             std::uint32_t begin, std::uint32_t first, std::uint32_t end,
                             Sink&& sink) {
  constexpr std::uint32_t kRun = 256;
  std::uint32_t words[kRun + 8];
  for (std::uint32_t j0 = first; j0 < end; j0 += kRun) {
    const std::uint32_t len = end - j0 < kRun ? end - j0 : kRun;
    const std::uint64_t p0 = static_cast<std::uint64_t>(begin) + j0;
    const std::uint64_t first_block = p0 >> 2, last_block = (p0 + len - 1) >> 2;
    philox_blocks(seed, analysis, kPurposeBootstrapPoisson, replicate,
                  static_cast<std::uint32_t>(first_block),
                  static_cast<std::uint32_t>(last_block - first_block + 1), words);
    const std::uint32_t* w = words + (p0 & 3u);
    for (std::uint32_t j = 0; j < len; ++j) {
      const std::uint32_t c = poisson1_u32(w[j]);
      if (c > 0) sink(j0 + j, c);
    }
  }
}

// Every unit u of [begin + first, begin + end) with its Exp(1) draw e (words 2u and 2u + 1 of
// the replicate's kPurposeBootstrapExp stream, as for_each_draw reads them), in order, as
// sink(u - begin, e). Words in runs from philox_blocks (two units per Philox block).
template <typename Sink>
KLYNGE_HD void exp_units(std::uint64_t seed, std::uint32_t analysis, std::uint32_t replicate,
                         std::uint32_t begin, std::uint32_t first, std::uint32_t end, Sink&& sink) {
  constexpr std::uint32_t kRun = 128;  // units: 2 * kRun words
  std::uint32_t words[2 * kRun + 8];
  for (std::uint32_t j0 = first; j0 < end; j0 += kRun) {
    const std::uint32_t len = end - j0 < kRun ? end - j0 : kRun;
    const std::uint64_t p0 = 2 * (static_cast<std::uint64_t>(begin) + j0);
    const std::uint64_t first_block = p0 >> 2, last_block = (p0 + 2 * len - 1) >> 2;
    philox_blocks(seed, analysis, kPurposeBootstrapExp, replicate,
                  static_cast<std::uint32_t>(first_block),
                  static_cast<std::uint32_t>(last_block - first_block + 1), words);
    const std::uint32_t* w = words + (p0 & 3u);
    for (std::uint32_t j = 0; j < len; ++j) sink(j0 + j, exp1_from_words(w[2 * j], w[2 * j + 1]));
  }
}

}  // namespace klynge::hd
