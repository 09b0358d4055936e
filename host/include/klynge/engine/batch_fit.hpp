// How many replicates one CUDA launch runs when --batch is not given: the arithmetic of the
// launchers' initial batch, kept free of CUDA so the CPU tests check it.
#pragma once

#include <algorithm>
#include <cstdint>

namespace klynge::engine {

// Launches never exceed 2^24 replicates: enough threads to fill any current device, far below
// the 2^31 threads of a one-dimensional grid.
inline constexpr std::uint64_t kMaxBatch = std::uint64_t{1} << 24;

// Replicates that fit in half of `free_bytes` shared by `sharers` host threads that launch on
// the same device at once (power runs one dataset per thread). Without the share, the first
// thread took half the memory and the next ones' uploads, which do not shrink, could fail.
// At least 1 (allocation failures then shrink the batch), at most `count` and kMaxBatch.
constexpr std::uint64_t batch_that_fits(std::uint64_t free_bytes, std::uint64_t bytes_per_replicate,
                                        std::uint64_t count, std::uint32_t sharers) {
  if (count == 0) return 0;
  const std::uint64_t share = free_bytes / 2 / std::max<std::uint32_t>(sharers, 1);
  const std::uint64_t fit = share / std::max<std::uint64_t>(bytes_per_replicate, 1);
  return std::clamp<std::uint64_t>(fit, 1, std::min(count, kMaxBatch));
}

}  // namespace klynge::engine
