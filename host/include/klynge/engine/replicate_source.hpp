// Where an analysis gets its replicate tables (DESIGN.md §2, issue 7). Every replicate is a
// pure function of (seed, analysis, replicate), so the tables do not depend on how the ranges
// are split: computed here in one go (the default), one shard's part of every range
// (--shard i/K), gathered from MPI ranks, resumed from a checkpoint, or read back from shard
// reports by `klynge merge`. The analysis pipeline asks a source for each table in a fixed
// order and never needs to know which kind it has.
#pragma once

#include <cstdint>

#include "klynge/bootstrap.hpp"
#include "klynge/permutation.hpp"

namespace klynge {

class ReplicateSource {
 public:
  virtual ~ReplicateSource() = default;

  // The bootstrap replicates [0, B) of analysis prepared.spec().analysis (all of them, except
  // for a shard source, which returns its part; see is_partial()). The caller prepares the
  // arrays once and reuses them for the jackknife (jackknife.hpp).
  virtual ReplicateTable bootstrap(const PreparedBootstrap& prepared, std::uint64_t B);

  // The permutation replicates (or exact relabeling ranks) [0, plan.replicates) of
  // prepared.spec().analysis.
  virtual PermutationTable permutations(const PreparedPermutations& prepared,
                                        const PermutationPlan& plan);

  // True when the tables are only this process's part (a shard, or an MPI rank other than 0):
  // the caller must then not report inference from them.
  virtual bool is_partial() const { return false; }
};

// The default: computes every table here, in one range.
ReplicateSource& local_replicates();

}  // namespace klynge
