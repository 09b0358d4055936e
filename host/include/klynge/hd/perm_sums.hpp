// The sums a permutation replicate keeps per group (the fast path of
// hd/permutation_replicate.hpp): moments of the valid entries about a center, and their
// reduction over the lanes of a warp in one fixed order that the CPU reproduces exactly.
//
// Why a fixed lane order: the CUDA backend draws one block's relabeling with a warp, then each
// of the kPermLanes lanes sums the records of one contiguous segment of the block's Floyd steps
// (lane_segment_begin) and lane_tree_sum adds the lanes. The CPU sums the same segments and
// adds them with the same function, so both backends produce bit-identical statistics and
// therefore identical permutation counts (DESIGN.md §2, reproducibility). Contiguous segments
// (not steps lane, lane + 32, ...) keep the CPU's running sums in registers.
#pragma once

#include <cstdint>

#include "klynge/hd/group_stats.hpp"
#include "klynge/hd/macros.hpp"

namespace klynge::hd {

inline constexpr std::uint32_t kPermLanes = 32;

// Sums of one group's valid entries, with d = y - center: units, W = sum w, sum w d,
// sum w d^2, sum w^2 d^2, sum w^2 d, sum w^2 (the moments of group_stats.hpp, shifted).
struct PermSums {
  double u, w, s1, s2, a, b, f;
};

// Branch-free: an invalid entry is a record (0, 0), which adds exact zeros except to u.
KLYNGE_HD void sums_add(PermSums& s, double w, double d) {
  s.u += w > 0.0 ? 1.0 : 0.0;
  s.w += w;
  s.s1 += w * d;
  s.s2 += w * d * d;
  s.a += w * w * d * d;
  s.b += w * w * d;
  s.f += w * w;
}

KLYNGE_HD PermSums sums_sub(const PermSums& x, const PermSums& y) {
  return PermSums{x.u - y.u, x.w - y.w, x.s1 - y.s1, x.s2 - y.s2, x.a - y.a, x.b - y.b, x.f - y.f};
}

KLYNGE_HD PermSums sums_plus(const PermSums& x, const PermSums& y) {
  return PermSums{x.u + y.u, x.w + y.w, x.s1 + y.s1, x.s2 + y.s2, x.a + y.a, x.b + y.b, x.f + y.f};
}

// The sums of the same entries with every weight multiplied by f (units unchanged).
KLYNGE_HD PermSums sums_scale(const PermSums& x, double f) {
  const double ff = f * f;
  return PermSums{x.u, x.w * f, x.s1 * f, x.s2 * f, x.a * ff, x.b * ff, x.f * ff};
}

// Moments from shifted sums (the same algebra as moments(): mean = center + delta, the
// second moments corrected for delta). Empty (sum_w = 0) when no unit is left.
KLYNGE_HD Moments sums_moments(const PermSums& s, double center) {
  Moments m{s.u, 0.0, nan_value(), nan_value(), nan_value()};
  if (!(s.u > 0.5) || !(s.w > 0.0)) return m;
  m.sum_w = s.w;
  const double delta = s.s1 / s.w;
  m.mean = center + delta;
  const double m2 = s.s2 - s.s1 * delta;
  const double m2_ww = s.a - 2.0 * delta * s.b + delta * delta * s.f;
  m.m2 = m2 > 0.0 ? m2 : 0.0;
  m.m2_ww = m2_ww > 0.0 ? m2_ww : 0.0;
  return m;
}

// Lane l of a block of k steps sums steps [lane_segment_begin(l, k), lane_segment_begin(l + 1, k)).
KLYNGE_HD std::uint32_t lane_segment_begin(std::uint32_t lane, std::uint32_t k) {
  return static_cast<std::uint32_t>(static_cast<std::uint64_t>(lane) * k / kPermLanes);
}

// Adds the kPermLanes partial sums lanes[l * metrics + m] into lanes[0 * metrics + m], in the
// order of a warp butterfly (shuffle xor 16, 8, 4, 2, 1): at step o lane l (< o) adds lane
// l + o. Every lane of a butterfly ends with the value lane 0 gets here (x + y == y + x in IEEE
// arithmetic), so a warp may reduce either way.
KLYNGE_HD void lane_tree_sum(PermSums* lanes, std::uint32_t metrics) {
  for (std::uint32_t o = kPermLanes / 2; o > 0; o >>= 1)
    for (std::uint32_t l = 0; l < o; ++l)
      for (std::uint32_t m = 0; m < metrics; ++m)
        lanes[l * metrics + m] = sums_plus(lanes[l * metrics + m], lanes[(l + o) * metrics + m]);
}

}  // namespace klynge::hd
