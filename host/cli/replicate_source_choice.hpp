// Which ReplicateSource `klynge analyze` uses (docs/scale-out.md): merged shards (set by
// `klynge merge`), MPI ranks (under mpirun/srun with more than one rank), one shard
// (--shard i/K), a checkpointed run (--checkpoint DIR), or the plain local computation.
#pragma once

#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "analyze_flags.hpp"
#include "klynge/engine/distributed_sources.hpp"
#include "klynge/engine/replicate_source.hpp"

namespace klynge::cli {

struct SourceChoice {
  std::unique_ptr<ReplicateSource> owned;
  ReplicateSource* source = nullptr;
  ShardSource* shard = nullptr;  // set for --shard: its report is written instead of results
  ShardIndex shard_index;
};

// What must agree between the parts of one run (shards, a checkpoint and its resumption):
// klynge's version, the input's SHA-256 and every flag that changes a replicate or a result
// (outputs, threads, devices and progress flags excluded).
nlohmann::ordered_json run_fingerprint(const CLI::App& cmd, const std::string& input);

// Error(usage) for impossible combinations (--shard with MPI or --checkpoint, --shard
// without --json).
SourceChoice choose_replicate_source(const AnalyzeFlags& flags, const CLI::App& cmd);

// `klynge merge` hands analyze the tables read from the shard reports.
void override_replicate_source(ReplicateSource* source);

}  // namespace klynge::cli
