#include "klynge/engine/distributed_sources.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "klynge/engine/boot_data.hpp"
#include "klynge/engine/stop_signal.hpp"
#include "klynge/error.hpp"
#include "klynge/io/output_file.hpp"

namespace klynge {

namespace {

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

ShardIndex parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  auto number = [&](const std::string& s) -> long long {
    if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos)
      return -1;
    return std::stoll(s);
  };
  const long long i = slash == std::string::npos ? -1 : number(text.substr(0, slash));
  const long long k = slash == std::string::npos ? -1 : number(text.substr(slash + 1));
  if (i < 1 || k < 1 || i > k)
    throw_usage_error("--shard '" + text + "': expected i/K with 1 <= i <= K (e.g. 2/8)");
  return ShardIndex{static_cast<std::uint32_t>(i - 1), static_cast<std::uint32_t>(k)};
}

std::pair<std::uint64_t, std::uint64_t> shard_range(std::uint64_t total, ShardIndex shard) {
  // total * i / K without overflowing 64 bits: (q * K + r) * i / K = q * i + r * i / K, with
  // r < K < 2^32 and i <= K, so r * i < 2^64.
  const std::uint64_t q = total / shard.count, r = total % shard.count;
  const auto at = [&](std::uint64_t i) { return q * i + r * i / shard.count; };
  return {at(shard.index), at(shard.index + 1)};
}

// ---- ShardSource ------------------------------------------------------------------------------

ReplicateTable ShardSource::bootstrap(const PreparedBootstrap& prepared, std::uint64_t B) {
  const auto [lo, hi] = shard_range(B, shard_);
  ReplicateTable t = prepared.run(lo, hi - lo);
  store_.add(t, prepared.spec().analysis, B);
  return t;
}

PermutationTable ShardSource::permutations(const PreparedPermutations& prepared,
                                           const PermutationPlan& plan) {
  const auto [lo, hi] = shard_range(plan.replicates, shard_);
  PermutationTable t = prepared.run(plan.exact, lo, hi - lo);
  store_.add(t, prepared.spec().analysis, plan.replicates);
  return t;
}

nlohmann::ordered_json shard_json(ShardIndex shard, const nlohmann::ordered_json& fingerprint,
                                  const ReplicateStore& store) {
  nlohmann::ordered_json j;
  j["index"] = shard.index + 1;
  j["count"] = shard.count;
  j["fingerprint"] = fingerprint;
  j["replicates"] = store.to_json();
  return j;
}

// ---- StoredSource -----------------------------------------------------------------------------

ReplicateTable StoredSource::bootstrap(const PreparedBootstrap& prepared, std::uint64_t B) {
  return store_.bootstrap_table(prepared.spec().analysis, B, prepared.data().keys, source_);
}

PermutationTable StoredSource::permutations(const PreparedPermutations& prepared,
                                            const PermutationPlan& plan) {
  // Keys and observed statistics without computing any replicate: a zero-length range.
  const PermutationTable shape = prepared.run(plan.exact, 0, 0);
  PermutationTable t = store_.permutation_table(prepared.spec().analysis, plan.replicates,
                                                shape.keys, plan.exact, source_);
  t.observed = shape.observed;
  t.total = plan.exact ? plan.relabelings : 0;
  return t;
}

// ---- CheckpointSource -------------------------------------------------------------------------

namespace {

constexpr const char* kCheckpointFile = "checkpoint.json";
constexpr const char* kPreviousFile = "checkpoint.prev.json";

std::optional<nlohmann::json> read_json_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // a torn or foreign file: the previous checkpoint is tried instead
  }
}

}  // namespace

CheckpointSource::CheckpointSource(std::string dir, nlohmann::ordered_json fingerprint,
                                   double every_s, ReplicateTeam& team)
    : team_(team), dir_(std::move(dir)), fingerprint_(std::move(fingerprint)), every_s_(every_s) {
  last_save_ = now_s();
  if (dir_.empty() || !team_.root()) {
    if (!dir_.empty()) install_stop_handlers();
    return;
  }
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec || !std::filesystem::is_directory(dir_))
    throw Error(ExitCode::cant_create, "--checkpoint " + dir_ + ": cannot create the directory");
  const std::filesystem::path d(dir_);
  std::optional<nlohmann::json> saved = read_json_file(d / kCheckpointFile);
  std::string from = (d / kCheckpointFile).string();
  if (!saved) {
    saved = read_json_file(d / kPreviousFile);
    from = (d / kPreviousFile).string();
  }
  if (saved) {
    if (!saved->is_object() || !saved->contains("fingerprint") ||
        (*saved)["fingerprint"] != nlohmann::json(fingerprint_))  // key order aside
      throw_usage_error("--checkpoint " + dir_ +
                        ": it holds the checkpoint of a different run (input, settings or "
                        "version differ); remove it or choose another directory");
    store_ = ReplicateStore::from_json((*saved)["replicates"], from);
  } else if (std::filesystem::exists(d / kCheckpointFile) ||
             std::filesystem::exists(d / kPreviousFile)) {
    // Both files there but unreadable: the run starts over, and says so (the results are the
    // same; only the saved work is lost).
    fmt::print(stderr,
               "klynge: warning: --checkpoint {}: neither {} nor {} can be read; starting from "
               "the first replicate\n",
               dir_, kCheckpointFile, kPreviousFile);
  }
  install_stop_handlers();
}

void CheckpointSource::save() {
  if (dir_.empty() || !team_.root()) return;
  store_.compact();
  nlohmann::ordered_json j;
  j["fingerprint"] = fingerprint_;
  j["replicates"] = store_.to_json();
  const std::filesystem::path d(dir_);
  io::OutputFile out((d / kCheckpointFile).string());
  out.write(j.dump() + "\n");
  // The previous checkpoint is kept until the new one is in place: a crash in between leaves
  // checkpoint.prev.json, which the next run reads.
  std::error_code ec;
  if (std::filesystem::exists(d / kCheckpointFile))
    std::filesystem::rename(d / kCheckpointFile, d / kPreviousFile, ec);
  out.commit();
  last_save_ = now_s();
}

void CheckpointSource::after_chunk() {
  // Every member learns whether any received a stop signal, and the root's clock decides when
  // a save is due, so all members take the same branch.
  const bool stop = team_.any(stop_requested());
  const bool due = team_.from_root(now_s() - last_save_ >= every_s_ ? 1 : 0) != 0;
  if (stop) {
    save();
    throw Error(ExitCode::checkpointed,
                "stopped by a signal: the finished replicates are saved in " + dir_ +
                    "; rerun the same command to resume");
  }
  if (due) save();
}

std::uint64_t CheckpointSource::next_chunk(std::uint64_t left, double last_chunk_s) {
  // Chunks of about a second, so a stop signal is answered within a few seconds; the root's
  // timing decides for every member.
  if (last_chunk_s > 0.0) {
    const double scale = std::clamp(1.0 / last_chunk_s, 0.5, 2.0);
    chunk_ = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(chunk_ * scale));
  }
  return team_.from_root(std::min(chunk_, left));
}

template <typename Compute>
void CheckpointSource::compute_table(TableKind kind, std::uint32_t analysis, std::uint64_t total,
                                     Compute&& compute) {
  const std::uint64_t stored =
      team_.root() ? std::min(store_.prefix(kind, analysis, dir_), total) : 0;
  std::uint64_t done = team_.from_root(stored);
  resumed_ += done;
  if (dir_.empty()) {  // no checkpoint: one chunk, split over the team
    if (done < total) {
      const auto [lo, hi] = team_.my_part(done, total - done);
      team_.gather(compute(lo, hi - lo), done, total - done, store_);
    }
    return;
  }
  double last = 0.0;
  while (done < total) {
    const std::uint64_t n = next_chunk(total - done, last);
    const double t0 = now_s();
    const auto [lo, hi] = team_.my_part(done, n);
    team_.gather(compute(lo, hi - lo), done, n, store_);
    done += n;
    last = now_s() - t0;
    after_chunk();
  }
  save();
}

ReplicateTable CheckpointSource::bootstrap(const PreparedBootstrap& prepared, std::uint64_t B) {
  const std::uint32_t analysis = prepared.spec().analysis;
  const ReplicateTable shape = prepared.run(0, 0);
  compute_table(TableKind::bootstrap, analysis, B, [&](std::uint64_t first, std::uint64_t count) {
    ReplicateStore one;
    one.add(prepared.run(first, count), analysis, B);
    return one.take_only(TableKind::bootstrap, analysis, B, shape.keys.size(), first);
  });
  if (!team_.root()) return shape;  // a part only: the root reports
  return store_.bootstrap_table(analysis, B, shape.keys, dir_.empty() ? "gather" : dir_);
}

PermutationTable CheckpointSource::permutations(const PreparedPermutations& prepared,
                                                const PermutationPlan& plan) {
  const PermutationSpec& spec = prepared.spec();
  const PermutationTable shape = prepared.run(plan.exact, 0, 0);
  const std::uint64_t total = plan.replicates;
  compute_table(
      TableKind::permutation, spec.analysis, total, [&](std::uint64_t first, std::uint64_t count) {
        ReplicateStore one;
        one.add(prepared.run(plan.exact, first, count), spec.analysis, total);
        StoredRange r =
            one.take_only(TableKind::permutation, spec.analysis, total, shape.keys.size(), first);
        r.exact = plan.exact;
        r.observed = shape.observed;
        return r;
      });
  if (!team_.root()) return shape;
  PermutationTable t = store_.permutation_table(spec.analysis, total, shape.keys, plan.exact,
                                                dir_.empty() ? "gather" : dir_);
  t.observed = shape.observed;
  t.total = plan.exact ? plan.relabelings : 0;
  return t;
}

ReplicateTeam& single_process_team() {
  static ReplicateTeam alone;
  return alone;
}

}  // namespace klynge
