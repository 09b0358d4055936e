// The ReplicateSource kinds behind scale-out (issue 7, docs/scale-out.md):
//  - ShardSource: `analyze --shard i/K` computes part i of every table (contiguous ranges,
//    [i*N/K, (i+1)*N/K)) and keeps it for the shard report.
//  - StoredSource: `klynge merge` hands out the tables joined from the shards' reports.
//  - CheckpointSource: `analyze --checkpoint DIR` computes every table in chunks of about a
//    second, saves finished ranges to DIR at most every `every_s` seconds (and on a stop
//    signal, then exits 75), and on a rerun resumes from what DIR holds.
// Replicates depend only on (seed, analysis, replicate), so all of them give the tables of a
// single uninterrupted run, bit for bit.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "klynge/engine/replicate_source.hpp"
#include "klynge/engine/replicate_store.hpp"
#include "klynge/engine/replicate_team.hpp"

namespace klynge {

struct ShardIndex {
  std::uint32_t index = 0;  // 0-based
  std::uint32_t count = 1;
};

// "i/K" with 1 <= i <= K (1-based on the command line, as Slurm's array indices usually are
// written) -> {i - 1, K}; Error(usage) otherwise.
ShardIndex parse_shard(const std::string& text);

// Part `shard` of [0, total): [total * i / K, total * (i + 1) / K).
std::pair<std::uint64_t, std::uint64_t> shard_range(std::uint64_t total, ShardIndex shard);

class ShardSource : public ReplicateSource {
 public:
  explicit ShardSource(ShardIndex shard) : shard_(shard) {}
  ReplicateTable bootstrap(const PreparedBootstrap& prepared, std::uint64_t B) override;
  PermutationTable permutations(const PreparedPermutations& prepared,
                                const PermutationPlan& plan) override;
  bool is_partial() const override { return true; }
  const ReplicateStore& store() const { return store_; }

 private:
  ShardIndex shard_;
  ReplicateStore store_;
};

class StoredSource : public ReplicateSource {
 public:
  StoredSource(ReplicateStore store, std::string source)
      : store_(std::move(store)), source_(std::move(source)) {}
  ReplicateTable bootstrap(const PreparedBootstrap& prepared, std::uint64_t B) override;
  PermutationTable permutations(const PreparedPermutations& prepared,
                                const PermutationPlan& plan) override;

 private:
  ReplicateStore store_;
  std::string source_;
};

// Splits every table over a team (MPI ranks: make_mpi_team()); the root gets whole tables,
// the others their parts. With a checkpoint directory, tables are computed in chunks of about
// a second; the root saves finished ranges to DIR at most every `every_s` seconds (and when a
// member received a stop signal: then every member exits 75), and on a rerun the team resumes
// from what DIR holds.
class CheckpointSource : public ReplicateSource {
 public:
  // Reads DIR/checkpoint.json (or, if that is unreadable, DIR/checkpoint.prev.json) when
  // present; Error(usage) when it belongs to another run (fingerprint differs). An empty dir:
  // no checkpoint, the whole table in one chunk.
  CheckpointSource(std::string dir, nlohmann::ordered_json fingerprint, double every_s,
                   ReplicateTeam& team = single_process_team());
  bool is_partial() const override { return !team_.root(); }
  ReplicateTable bootstrap(const PreparedBootstrap& prepared, std::uint64_t B) override;
  PermutationTable permutations(const PreparedPermutations& prepared,
                                const PermutationPlan& plan) override;
  // Writes the checkpoint now (also done at the end of every table).
  void save();
  std::uint64_t resumed_replicates() const { return resumed_; }

 private:
  // After a chunk: save when due or when a stop was requested (then throw exit 75).
  void after_chunk();
  std::uint64_t next_chunk(std::uint64_t left, double last_chunk_s);

  template <typename Compute>
  void compute_table(TableKind kind, std::uint32_t analysis, std::uint64_t total,
                     Compute&& compute);

  ReplicateTeam& team_;
  std::string dir_;
  nlohmann::ordered_json fingerprint_;
  double every_s_;
  ReplicateStore store_;
  double last_save_ = 0.0;
  std::uint64_t chunk_ = 64;
  std::uint64_t resumed_ = 0;
};

// The report section a shard writes and merge reads: {"index", "count", "fingerprint",
// "replicates"}.
nlohmann::ordered_json shard_json(ShardIndex shard, const nlohmann::ordered_json& fingerprint,
                                  const ReplicateStore& store);

}  // namespace klynge
