// The draws of a resample group dealt out to a team of `lanes` threads (a GPU warp), lane
// `lane` taking every lanes-th Philox block. The team draws exactly the indices one thread
// draws (hd/bootstrap_draws.hpp, hd/bootstrap_chunked.hpp) — the same words, only their order
// across threads differs — so the CPU reference and a cooperative GPU kernel resample the
// same units. tests/cpu/bootstrap_lanes_test.cpp runs a team lane by lane on the CPU and
// checks that the union of the lanes' draws is the one thread's.
#pragma once

#include <cstdint>

#include "klynge/hd/bootstrap_chunked.hpp"
#include "klynge/hd/bootstrap_draws.hpp"
#include "klynge/hd/macros.hpp"
#include "klynge/hd/philox.hpp"

namespace klynge::hd {

KLYNGE_HD Words4 node_block(const NodeWords& at, std::uint64_t block) {
  return philox_words(
      at.seed, DrawKey{at.analysis, at.purpose, at.replicate, static_cast<std::uint32_t>(block)});
}

// This lane's share of count_random_ones(at, position, bits): the ones in the plane's words
// that lie in the lane's blocks. The lanes' shares add up to the whole count.
KLYNGE_HD std::uint32_t plane_ones_of_lane(const NodeWords& at, std::uint64_t position,
                                           std::uint32_t bits, std::uint32_t lane,
                                           std::uint32_t lanes) {
  const std::uint64_t words = (bits + 31) / 32;
  const std::uint64_t first_block = position >> 2, last_block = (position + words - 1) >> 2;
  std::uint32_t ones = 0;
  for (std::uint64_t b = first_block + lane; b <= last_block; b += lanes) {
    const Words4 w = node_block(at, b);
    for (std::uint32_t i = 0; i < 4; ++i) {
      const std::uint64_t p = 4 * b + i;
      if (p < position || p >= position + words) continue;
      const std::uint64_t k = p - position;  // word k of the plane holds bits 32k ..
      const std::uint64_t take = bits - 32 * k < 32 ? bits - 32 * k : 32;
      ones += popcount32(take == 32 ? w.w[i] : w.w[i] & ((1u << take) - 1u));
    }
  }
  return ones;
}

// This lane's draws among the `draws` of one chunk (chunk_draws): full chunks by blocks of 12
// draws (4 words of 3 fields), the partial chunk by single draws j = lane, lane + lanes, ...
template <typename Sink>
KLYNGE_HD void chunk_draws_of_lane(std::uint64_t seed, std::uint32_t analysis,
                                   std::uint32_t replicate, std::uint32_t begin, std::uint32_t leaf,
                                   std::uint32_t chunk, std::uint32_t size, std::uint32_t draws,
                                   std::uint32_t lane, std::uint32_t lanes, Sink& sink) {
  const std::uint32_t base = chunk << kChunkBits;
  const NodeWords at{seed, analysis, kPurposeBootstrapTree | (begin + leaf), replicate};
  if (size == kChunkUnits) {
    const std::uint32_t words = (draws + kChunkIndicesPerWord - 1) / kChunkIndicesPerWord;
    for (std::uint32_t b = lane; 4 * b < words; b += lanes) {
      const Words4 w = node_block(at, b);
      for (std::uint32_t i = 0; i < 4; ++i) {
        std::uint32_t word = w.w[i];
        for (std::uint32_t f = 0; f < kChunkIndicesPerWord; ++f) {
          const std::uint32_t j = (4 * b + i) * kChunkIndicesPerWord + f;
          if (j >= draws) return;  // the chunk's last draw: later blocks are not this lane's
          sink(base + (word & (kChunkUnits - 1u)));
          word >>= kChunkBits;
        }
      }
    }
    return;
  }
  for (std::uint32_t j = lane; j < draws; j += lanes) {
    BoundedTry t = bounded_try(node_block(at, j >> 2).w[j & 3u], size);
    for (std::uint64_t attempt = 1; !t.accepted; ++attempt) {
      const std::uint64_t p = j + (attempt << 31);
      t = bounded_try(node_block(at, p >> 2).w[p & 3u], size);
    }
    sink(base + t.value);
  }
}

// This lane's draws of a group drawn index by index (not chunked_group(m)): the draws at
// positions begin .. begin + m - 1 of the index purpose that lie in the lane's blocks.
template <typename Sink>
KLYNGE_HD void group_draws_of_lane(std::uint64_t seed, std::uint32_t analysis,
                                   std::uint32_t replicate, std::uint32_t begin, std::uint32_t m,
                                   std::uint32_t lane, std::uint32_t lanes, Sink& sink) {
  const std::uint64_t end = static_cast<std::uint64_t>(begin) + m;
  const std::uint64_t first_block = begin >> 2, last_block = (end - 1) >> 2;
  for (std::uint64_t b = first_block + lane; b <= last_block; b += lanes) {
    const Words4 w = philox_words(
        seed, DrawKey{analysis, kPurposeBootstrapIndex, replicate, static_cast<std::uint32_t>(b)});
    for (std::uint32_t i = 0; i < 4; ++i) {
      const std::uint64_t p = 4 * b + i;
      if (p < begin || p >= end) continue;
      const BoundedTry t = bounded_try(w.w[i], m);
      sink(t.accepted ? t.value : bounded_retry(seed, analysis, replicate, p, m));
    }
  }
}

// Lane `lane` of `lanes`' share of poisson_units(seed, analysis, replicate, begin, first, end):
// the Philox blocks (four units each) first block + lane, + lanes, ...; the lanes' units together
// are poisson_units's, each once, with the same counts: sink(unit - begin, c).
template <typename Sink>
KLYNGE_HD void poisson_units_of_lane(std::uint64_t seed, std::uint32_t analysis,
                                     std::uint32_t replicate, std::uint32_t begin,
                                     std::uint32_t first, std::uint32_t end, std::uint32_t lane,
                                     std::uint32_t lanes, Sink& sink) {
  const std::uint64_t lo = static_cast<std::uint64_t>(begin) + first;
  const std::uint64_t hi = static_cast<std::uint64_t>(begin) + end;
  if (lo >= hi) return;
  const std::uint64_t last_block = (hi - 1) >> 2;
  for (std::uint64_t b = (lo >> 2) + lane; b <= last_block; b += lanes) {
    const Words4 w = philox_words(seed, DrawKey{analysis, kPurposeBootstrapPoisson, replicate,
                                                static_cast<std::uint32_t>(b)});
    for (std::uint32_t i = 0; i < 4; ++i) {
      const std::uint64_t p = 4 * b + i;
      if (p < lo || p >= hi) continue;
      const std::uint32_t c = poisson1_u32(w.w[i]);
      if (c > 0) sink(static_cast<std::uint32_t>(p - begin), c);
    }
  }
}

// Lane `lane` of `lanes`' share of exp_units(seed, analysis, replicate, begin, first, end): the
// Philox blocks (two units each) first block + lane, + lanes, ...; together the lanes' units are
// exp_units's, each once, with the same draws: sink(unit - begin, e).
template <typename Sink>
KLYNGE_HD void exp_units_of_lane(std::uint64_t seed, std::uint32_t analysis,
                                 std::uint32_t replicate, std::uint32_t begin, std::uint32_t first,
                                 std::uint32_t end, std::uint32_t lane, std::uint32_t lanes,
                                 Sink& sink) {
  const std::uint64_t lo = static_cast<std::uint64_t>(begin) + first;
  const std::uint64_t hi = static_cast<std::uint64_t>(begin) + end;
  if (lo >= hi) return;
  const std::uint64_t last_block = (hi - 1) >> 1;
  for (std::uint64_t b = (lo >> 1) + lane; b <= last_block; b += lanes) {
    const Words4 w = philox_words(
        seed, DrawKey{analysis, kPurposeBootstrapExp, replicate, static_cast<std::uint32_t>(b)});
    for (std::uint32_t i = 0; i < 2; ++i) {
      const std::uint64_t u = 2 * b + i;
      if (u < lo || u >= hi) continue;
      sink(static_cast<std::uint32_t>(u - begin), exp1_from_words(w.w[2 * i], w.w[2 * i + 1]));
    }
  }
}

}  // namespace klynge::hd
