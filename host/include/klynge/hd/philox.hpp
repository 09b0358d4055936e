// Counter-based random numbers (DESIGN.md §2): every draw is a pure function of
// (seed, stream, purpose, index, block) through Philox 4x32-10 from Random123.
// No state is carried, so any thread, block, rank or resumed run computes the same draws.
#pragma once

#include <Random123/philox.h>

#include <cstdint>

#include "klynge/hd/macros.hpp"

namespace klynge::hd {

// Four independent 32-bit words.
struct Words4 {
  std::uint32_t w[4];
};

// Where a block of draws belongs. `stream` separates analyses (or simulated datasets),
// `purpose` separates uses (bootstrap indices, permutation keys, a simulated variable),
// `index` is the replicate (or firm), `block` counts blocks of four words within it.
struct DrawKey {
  std::uint32_t stream;
  std::uint32_t purpose;
  std::uint32_t index;
  std::uint32_t block;
};

// The raw Philox 4x32-10 bijection, exposed for the known-answer tests.
KLYNGE_HD Words4 philox4x32_10(const std::uint32_t counter[4], const std::uint32_t key[2]) {
  r123::Philox4x32 rng;
  r123::Philox4x32::ctr_type c = {{counter[0], counter[1], counter[2], counter[3]}};
  r123::Philox4x32::key_type k = {{key[0], key[1]}};
  r123::Philox4x32::ctr_type r = rng(c, k);
  return Words4{{r.v[0], r.v[1], r.v[2], r.v[3]}};
}

// Four words for (seed, key). The 64-bit seed is the Philox key; the draw key is the counter.
KLYNGE_HD Words4 philox_words(std::uint64_t seed, DrawKey at) {
  const std::uint32_t key[2] = {static_cast<std::uint32_t>(seed),
                                static_cast<std::uint32_t>(seed >> 32)};
  const std::uint32_t counter[4] = {at.block, at.index, at.purpose, at.stream};
  return philox4x32_10(counter, key);
}

// A double uniform on the open interval (0, 1) from two words: 52 random bits k, returned as
// (k + 0.5) / 2^52. With 52 bits, k + 0.5 is exact in a double, so neither 0 nor 1 can occur
// (log() and Box-Muller stay finite) and the grid is symmetric about 1/2.
KLYNGE_HD double uniform_open01(std::uint32_t hi, std::uint32_t lo) {
  const std::uint64_t k = (static_cast<std::uint64_t>(hi) << 20) | (lo >> 12);
  return (static_cast<double>(k) + 0.5) * (1.0 / 4503599627370496.0);
}

}  // namespace klynge::hd
