// Standard normal draws from one Philox block (DESIGN.md §2: randomness is a pure function of
// the draw key). A normal always consumes exactly one block of four words, so the position of
// every later draw never depends on the value of an earlier one.
#pragma once

#include <cmath>
#include <cstdint>

#include "klynge/hd/macros.hpp"
#include "klynge/hd/philox.hpp"

namespace klynge::hd {

struct NormalPair {
  double z0;
  double z1;
};

// Box-Muller on the two open-interval uniforms of a block: u1 from words 0-1, u2 from words 2-3.
// r = sqrt(-2 ln u1), z0 = r cos(2 pi u2), z1 = r sin(2 pi u2). Because u1 is in (0, 1),
// r is finite (|z| < 8.6) and never NaN.
KLYNGE_HD NormalPair normal_pair(Words4 w) {
  const double u1 = uniform_open01(w.w[0], w.w[1]);
  const double u2 = uniform_open01(w.w[2], w.w[3]);
  const double r = ::sqrt(-2.0 * ::log(u1));
  const double t = 6.283185307179586476925286766559 * u2;
  return NormalPair{r * ::cos(t), r * ::sin(t)};
}

// One standard normal from a block (the cosine half of Box-Muller).
KLYNGE_HD double std_normal(Words4 w) {
  const double u1 = uniform_open01(w.w[0], w.w[1]);
  const double u2 = uniform_open01(w.w[2], w.w[3]);
  return ::sqrt(-2.0 * ::log(u1)) * ::cos(6.283185307179586476925286766559 * u2);
}

// A uniform integer in [0, n) from one 32-bit word by multiply-and-shift: integer arithmetic
// only, so identical on every machine. Its bias is below n / 2^32 per value, which is
// irrelevant for simulated categories and years (n is at most a few thousand).
KLYNGE_HD std::uint32_t bounded_u32(std::uint32_t word, std::uint32_t n) {
  return static_cast<std::uint32_t>((static_cast<std::uint64_t>(word) * n) >> 32);
}

// True with probability p (p in [0, 1]) from one 32-bit word: word < p * 2^32.
// The threshold is exact in a double, so the decision is the same on every machine.
KLYNGE_HD bool bernoulli_u32(std::uint32_t word, double p) {
  return static_cast<double>(word) < p * 4294967296.0;
}

}  // namespace klynge::hd
