// The processes that compute one run's replicate tables together: one process alone, or the
// ranks of an MPI job. A chunk [first, first + n) of a table is split into contiguous parts,
// one per member; the root (rank 0) receives every part. Members must make the same calls in
// the same order (they run the same pipeline on the same input).
#pragma once

#include <cstdint>
#include <memory>
#include <utility>

#include "klynge/engine/replicate_store.hpp"

namespace klynge {

class ReplicateTeam {
 public:
  virtual ~ReplicateTeam() = default;
  virtual bool root() const { return true; }
  // This member's part of the chunk [first, first + n).
  virtual std::pair<std::uint64_t, std::uint64_t> my_part(std::uint64_t first,
                                                          std::uint64_t n) const {
    return {first, first + n};
  }
  // `mine` (this member's part of the chunk [first, first + n)) reaches the root's `store`;
  // on the other members `store` is left untouched.
  virtual void gather(StoredRange mine, std::uint64_t first, std::uint64_t n,
                      ReplicateStore& store) {
    (void)first;
    (void)n;
    store.add(std::move(mine));
  }
  // The root's value, on every member.
  virtual std::uint64_t from_root(std::uint64_t value) { return value; }
  // True on every member when it is true on any.
  virtual bool any(bool value) { return value; }
};

// One process alone.
ReplicateTeam& single_process_team();

}  // namespace klynge
