#include "replicate_source_choice.hpp"

#include "configuration.hpp"
#include "klynge/engine/mpi_ranks.hpp"
#include "klynge/error.hpp"
#include "klynge/report/sha256.hpp"
#include "klynge/version.hpp"

namespace klynge::cli {

namespace {

ReplicateSource* g_override = nullptr;

// Flags that never change a replicate or a reported number.
constexpr const char* kNotInFingerprint[] = {"input",
                                             "json",
                                             "csv",
                                             "plot",
                                             "save-replicates",
                                             "quiet",
                                             "progress-every",
                                             "threads",
                                             "device",
                                             "gpu",
                                             "shard",
                                             "checkpoint",
                                             "checkpoint-every",
                                             "print-config"};

}  // namespace

nlohmann::ordered_json run_fingerprint(const CLI::App& cmd, const std::string& input) {
  nlohmann::ordered_json config = configuration_json(cmd);
  for (const char* key : kNotInFingerprint) config.erase(key);
  nlohmann::ordered_json f;
  f["klynge_version"] = std::string(kVersion);
  f["input_sha256"] = sha256_file(input);  // before the panel is read (checkpoints)
  f["configuration"] = config;
  return f;
}

void override_replicate_source(ReplicateSource* source) {
  g_override = source;
}

SourceChoice choose_replicate_source(const AnalyzeFlags& flags, const CLI::App& cmd) {
  SourceChoice c;
  const bool mpi = mpi_ranks().size > 1;
  const bool shard = !flags.shard.empty();
  const bool checkpoint = !flags.checkpoint_dir.empty();
  if (g_override) {
    c.source = g_override;
    return c;
  }
  if (shard && mpi)
    throw_usage_error(
        "--shard splits the work over separate jobs; under MPI the ranks split it "
        "already: use one or the other");
  if (shard && checkpoint)
    throw_usage_error(
        "--shard and --checkpoint cannot be combined (a shard is a short job: "
        "rerun it instead)");
  if (shard && (flags.json_path.empty() || flags.json_path == "-"))
    throw_usage_error("--shard writes a shard report: name it with --json part_i.json");
  if (shard &&
      (!flags.csv_path.empty() || !flags.plot_path.empty() || !flags.replicates_path.empty()))
    throw_usage_error(
        "--shard writes only the shard report (--json); --csv, --plot and "
        "--save-replicates belong to `klynge merge`");
  if (mpi) {  // the ranks split every table; with --checkpoint, rank 0 saves for all
    if (checkpoint && !(flags.checkpoint_seconds > 0.0))
      throw_usage_error("--checkpoint-every must be > 0");
    c.owned = std::make_unique<CheckpointSource>(
        flags.checkpoint_dir,
        checkpoint ? run_fingerprint(cmd, flags.panel.input) : nlohmann::ordered_json(),
        flags.checkpoint_seconds, mpi_team());
  } else if (shard) {
    c.shard_index = parse_shard(flags.shard);
    auto s = std::make_unique<ShardSource>(c.shard_index);
    c.shard = s.get();
    c.owned = std::move(s);
  } else if (checkpoint) {
    if (!(flags.checkpoint_seconds > 0.0)) throw_usage_error("--checkpoint-every must be > 0");
    c.owned = std::make_unique<CheckpointSource>(
        flags.checkpoint_dir, run_fingerprint(cmd, flags.panel.input), flags.checkpoint_seconds);
  }
  c.source = c.owned ? c.owned.get() : &local_replicates();
  return c;
}

}  // namespace klynge::cli
