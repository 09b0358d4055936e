// A team of lanes that run one replicate together: a GPU warp (cuda/bootstrap.cu's WarpTeam), or
// one CPU thread (SerialTeam). The count path's functions (hd/group_stats.hpp,
// hd/bootstrap_replicate.hpp) are written once against this interface, so the CPU reference and
// the warp kernel execute the same code: lane l of L takes entries l, l + L, ... (or the l-th
// contiguous block) and the team combines the lanes' partial results.
//
// A team provides
//   lane(), lanes()      this lane, the team's size (a power of two);
//   sync()               every lane's earlier writes to the replicate's scratch are seen by
//                        every lane afterwards;
//   sum(x)               the lanes' x added in the fixed butterfly order of butterfly_sum (the
//                        same total on every lane);
//   scan(x)              the sum of x over the lanes below this one (only ever used on
//                        integer-valued doubles, where any order is exact);
//   first_lane(flag)     the lowest lane whose flag is set (lanes() when none);
//   broadcast(x, from)   lane `from`'s x;
//   add(p, x)            *p += x where lanes may add to the same place (integer-valued x only,
//                        so the order does not matter);
// and plane_counter_of(team) (found by argument-dependent lookup) counts a chunk tree's plane of
// random bits with the team (hd/bootstrap_chunked.hpp).
// With one lane every operation is the identity and every loop runs in index order: SerialTeam
// computes exactly what the sequential code computed before teams existed.
#pragma once

#include <cstdint>

#include "klynge/hd/macros.hpp"

namespace klynge::hd {

// Adds partials[0 .. lanes) in the order of a warp butterfly (shuffle xor lanes/2, ..., 1): at
// step o lane l < o adds lane l + o. Every lane of a butterfly ends with this value, because
// x + y == y + x in IEEE arithmetic. Overwrites partials.
KLYNGE_HD double butterfly_sum(double* partials, std::uint32_t lanes) {
  for (std::uint32_t o = lanes / 2; o > 0; o >>= 1)
    for (std::uint32_t l = 0; l < o; ++l) partials[l] = partials[l] + partials[l + o];
  return partials[0];
}

// Lane `lane` of `lanes` owns entries [team_block_begin(lane), team_block_begin(lane + 1)) of n
// when a scan needs contiguous blocks (the sorted-value scans of medians and trimmed means).
KLYNGE_HD std::uint32_t team_block_begin(std::uint32_t lane, std::uint32_t lanes, std::uint32_t n) {
  return static_cast<std::uint32_t>(static_cast<std::uint64_t>(lane) * n / lanes);
}

struct SerialTeam {
  KLYNGE_HD std::uint32_t lane() const { return 0; }
  KLYNGE_HD std::uint32_t lanes() const { return 1; }
  KLYNGE_HD void sync() const {}
  KLYNGE_HD double sum(double x) const { return x; }
  KLYNGE_HD double scan(double) const { return 0.0; }
  KLYNGE_HD std::uint32_t first_lane(bool flag) const { return flag ? 0u : 1u; }
  KLYNGE_HD double broadcast(double x, std::uint32_t) const { return x; }
  KLYNGE_HD void add(double* p, double x) const { *p += x; }
};

}  // namespace klynge::hd
