// Launchers for the Philox stream on the device, used by the GPU known-answer tests: the
// device must produce exactly the words the host computes from the same header.
#pragma once

#include <cstdint>
#include <vector>

#include "klynge/hd/philox.hpp"

namespace klynge::cuda {

// Raw Philox 4x32-10 of each (counter, key) pair, computed on the current device.
std::vector<hd::Words4> philox4x32_10_on_device(const std::vector<hd::Words4>& counters,
                                                const std::vector<std::uint64_t>& keys);

// philox_words(seed, {stream, purpose, index = i, block}) for i in [0, count), on the device.
std::vector<hd::Words4> philox_stream_on_device(std::uint64_t seed, std::uint32_t stream,
                                                std::uint32_t purpose, std::uint32_t block,
                                                std::uint32_t count);

}  // namespace klynge::cuda
