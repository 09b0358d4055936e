// Which pool firm is firm j of a `klynge power --pool` dataset (docs/power.md "Your own control
// pool"): an unbiased uniform index into the pool, keyed by
//   DrawKey{stream = dataset, purpose = kPurposePoolFirm, index = attempt, block = j / 4},
// word j % 4. Attempt 0 is the draw; a rejected bounded draw retries on attempt 1, 2, ... of
// the same word, so a rejection never shifts a later draw. Draw j is thus a pure function of
// (seed, dataset, j, pool size): the same for any thread, shard or grid point, and the first n
// draws of a dataset are the same whatever --firms asks for.
//
// Written once for host and device (no allocation, no exceptions, no std containers), like
// sim_dgp.hpp, so datasets could be drawn on the device too.
#pragma once

#include <cstdint>

#include "klynge/hd/bootstrap_draws.hpp"
#include "klynge/hd/macros.hpp"
#include "klynge/hd/philox.hpp"

namespace klynge::hd {

// "Pool" in ASCII: far from the bootstrap (0x42...), permutation (0x50000001) and retry
// (0x52..., 0x53...) purposes and from the simulate variables (1..20), which share the dataset
// streams with it.
inline constexpr std::uint32_t kPurposePoolFirm = 0x506F6F6Cu;
// "PooC": with a stratified member profile (docs/power.md "Members selected on strata"), member
// draw j picks a profile member with kPurposePoolFirm (whose stratum cell it takes) and then a
// firm of that cell with this purpose, keyed the same way.
inline constexpr std::uint32_t kPurposePoolCellFirm = 0x506F6F43u;
// "PooY", "PooW": in the cohort design (docs/power.md "Cohort design") member draw j takes its
// entry cohort with the first and then a firm with a row in that cohort's window with the
// second, keyed the same way.
inline constexpr std::uint32_t kPurposePoolCohort = 0x506F6F59u;
inline constexpr std::uint32_t kPurposePoolWindowFirm = 0x506F6F57u;

// Index in [0, size) of draw `draw` of `dataset` for `purpose`; size >= 1.
KLYNGE_HD std::uint32_t pool_index(std::uint64_t seed, std::uint32_t dataset, std::uint32_t purpose,
                                   std::uint64_t draw, std::uint32_t size) {
  const auto block = static_cast<std::uint32_t>(draw >> 2);
  for (std::uint32_t attempt = 0;; ++attempt) {
    const Words4 w = philox_words(seed, DrawKey{dataset, purpose, attempt, block});
    const BoundedTry t = bounded_try(w.w[draw & 3u], size);
    if (t.accepted) return t.value;
  }
}

// Index in [0, pool_size) of draw `draw` of `dataset`; pool_size >= 1.
KLYNGE_HD std::uint32_t pool_firm(std::uint64_t seed, std::uint32_t dataset, std::uint64_t draw,
                                  std::uint32_t pool_size) {
  return pool_index(seed, dataset, kPurposePoolFirm, draw, pool_size);
}

}  // namespace klynge::hd
