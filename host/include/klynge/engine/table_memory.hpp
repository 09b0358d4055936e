// Whether a replicate table fits this machine's memory, asked before it is allocated: a B so
// large that keys x B values cannot be held is the user's request to lower, not an internal
// error (exit 64 with the sizes instead of "out of memory" and 70).
#pragma once

#include <cstdint>
#include <string_view>

namespace klynge::engine {

// Throws Error(usage) naming `flag` (--bootstrap, --permutations) when `keys` x `count` values
// (and as many standard errors when `with_se`) would take more than the machine's physical
// memory.
void check_replicate_table_fits(std::string_view flag, std::uint64_t keys, std::uint64_t count,
                                bool with_se);

// The machine's physical memory in bytes (0 when it cannot be read: then nothing is refused).
std::uint64_t physical_memory_bytes();

}  // namespace klynge::engine
