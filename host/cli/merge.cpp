// `klynge merge PART... --json OUT`: joins the shard reports of `analyze --shard i/K` (Slurm job
// arrays) into the report one run would have written. Every replicate is a pure function of
// (seed, analysis, replicate), so the joined tables are those of a single run, bit for bit;
// merge then runs analyze's own inference and reporting on them (re-reading the input, whose
// SHA-256 must match). Refuses shards of different runs, repeated or missing parts.
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "commands.hpp"
#include "klynge/engine/distributed_sources.hpp"
#include "klynge/error.hpp"
#include "klynge/io/output_file.hpp"
#include "klynge/report/sha256.hpp"
#include "replicate_source_choice.hpp"

namespace klynge::cli {

namespace {

struct MergeFlags {
  std::vector<std::string> parts;
  std::string json_path, csv_path, plot_path, input;
  bool quiet = false;
};

struct ShardReport {
  std::string path;
  std::uint32_t index = 0, count = 0;
  nlohmann::json fingerprint, configuration, replicates;
  std::string input;
};

[[noreturn]] void bad(const std::string& path, const std::string& what) {
  throw Error(ExitCode::bad_data, path + ": " + what);
}

ShardReport read_shard(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ExitCode::no_input, path + ": cannot read the shard report");
  io::note_input(path);  // the merged report may not replace a shard
  std::ostringstream text;
  text << in.rdbuf();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::exception&) {
    bad(path, "not JSON (a klynge shard report is written by `analyze --shard i/K --json`)");
  }
  if (!j.is_object() || !j.contains("shard") || !j["shard"].is_object())
    bad(path, "not a klynge shard report (no \"shard\" object)");
  const nlohmann::json& s = j["shard"];
  ShardReport r;
  r.path = path;
  // A whole number: nlohmann would read 2.5 as shard 2 and -1 as 4294967295.
  const auto whole = [&](const char* key) {
    if (!s.contains(key) || !s[key].is_number_unsigned())
      bad(path, fmt::format("shard {} is {}, not a whole number 1, 2, ...", key,
                            s.contains(key) ? s[key].dump() : "missing"));
    return s[key].get<std::uint32_t>();
  };
  r.index = whole("index");
  r.count = whole("count");
  try {
    r.fingerprint = s.at("fingerprint");
    r.replicates = s.at("replicates");
    r.configuration = j.at("configuration");
    r.input = j.at("input").at("path").get<std::string>();
  } catch (const nlohmann::json::exception&) {
    bad(path, "shard report is incomplete (index, count, fingerprint, replicates, "
              "configuration and input are needed)");
  }
  if (r.count == 0 || r.index < 1 || r.index > r.count)
    bad(path, fmt::format("shard index {}/{} is impossible", r.index, r.count));
  return r;
}

// The shards' effective configuration as an [analyze] TOML section, without the flags merge
// sets itself (input, outputs) and those that only concerned the shard jobs.
std::string configuration_toml_of(const nlohmann::json& config) {
  static const char* kSkip[] = {"input", "json",     "csv",        "plot",
                                "save-replicates", "shard", "checkpoint", "checkpoint-every",
                                "print-config",    "quiet", "progress-every", "device", "gpu"};
  std::string out = "[analyze]\n";
  for (auto it = config.begin(); it != config.end(); ++it) {
    bool skip = false;
    for (const char* k : kSkip) skip = skip || it.key() == k;
    if (skip) continue;
    // JSON's strings, numbers, booleans and arrays of them are valid TOML values.
    out += it.key() + " = " + it.value().dump() + "\n";
  }
  return out;
}

void run_merge(const MergeFlags& flags) {
  if (flags.json_path.empty() && flags.csv_path.empty() && flags.plot_path.empty())
    throw_usage_error("merge: name an output (--json, --csv or --plot)");
  std::vector<ShardReport> shards;
  for (const std::string& p : flags.parts) shards.push_back(read_shard(p));
  const ShardReport& first = shards.front();
  std::map<std::uint32_t, const ShardReport*> by_index;
  for (const ShardReport& s : shards) {
    if (s.fingerprint != first.fingerprint)
      bad(s.path, "belongs to a different run than " + first.path +
                      " (input file, settings, seed or klynge version differ)");
    if (s.count != first.count)
      bad(s.path, fmt::format("is part of {} shards, {} of {}", s.count, first.path, first.count));
    const auto [it, inserted] = by_index.emplace(s.index, &s);
    if (!inserted)
      bad(s.path, fmt::format("shard {}/{} is given twice (also {})", s.index, s.count,
                              it->second->path));
  }
  for (std::uint32_t i = 1; i <= first.count; ++i)
    if (!by_index.count(i))
      throw Error(ExitCode::bad_data,
                  fmt::format("merge: shard {}/{} is missing (given: {} of {})", i, first.count,
                              shards.size(), first.count));

  ReplicateStore store;
  for (const ShardReport& s : shards) store.absorb(ReplicateStore::from_json(s.replicates, s.path));
  store.check_complete("merge");

  const std::string input = flags.input.empty() ? first.input : flags.input;
  if (!std::filesystem::exists(input))
    throw Error(ExitCode::no_input,
                input + ": the input of the shards is not there (give its path with --input)");
  if (sha256_file(input) != first.fingerprint.value("input_sha256", std::string()))
    throw Error(ExitCode::bad_data,
                input + ": its SHA-256 differs from the file the shards read; merge needs the "
                        "same input");

  // Analyze's own pipeline, on the joined tables: same code, same report.
  const std::string config_path = (std::filesystem::temp_directory_path() /
                                   fmt::format("klynge-merge-{}.toml", ::getpid()))
                                      .string();
  {
    io::OutputFile out(config_path);
    out.write(configuration_toml_of(first.configuration));
    out.commit();
  }
  std::vector<std::string> args = {"klynge", "analyze", "--config", config_path,
                                   "--input", input,    "--quiet"};
  if (!flags.json_path.empty()) args.insert(args.end(), {"--json", flags.json_path});
  if (!flags.csv_path.empty()) args.insert(args.end(), {"--csv", flags.csv_path});
  if (!flags.plot_path.empty()) args.insert(args.end(), {"--plot", flags.plot_path});
  StoredSource source(std::move(store), "merge");
  CLI::App analyze_app{"klynge (merge)"};
  analyze_app.set_config("--config");
  analyze_app.allow_config_extras(CLI::config_extras_mode::error);
  analyze_app.fallthrough();
  analyze_app.require_subcommand(1);
  add_analyze_command(analyze_app);
  override_replicate_source(&source);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  try {
    analyze_app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (...) {
    override_replicate_source(nullptr);
    std::filesystem::remove(config_path);
    throw;
  }
  override_replicate_source(nullptr);
  std::filesystem::remove(config_path);
}

}  // namespace

void add_merge_command(CLI::App& app) {
  auto flags = std::make_shared<MergeFlags>();
  CLI::App* cmd = app.add_subcommand(
      "merge", "Join the shard reports of `analyze --shard i/K` into the report of one run");
  cmd->add_option("parts", flags->parts, "Shard reports (part_*.json), all K of them")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--json", flags->json_path, "Write the merged report as JSON to FILE")
      ->group("Output");
  cmd->add_option("--csv", flags->csv_path, "Also write the tidy CSV to FILE")->group("Output");
  cmd->add_option("--plot", flags->plot_path, "Also draw the forest plot (PNG or SVG)")
      ->group("Output");
  cmd->add_option("--input", flags->input,
                  "The panel the shards read, when it has moved (its SHA-256 must match)");
  cmd->callback([flags] { run_merge(*flags); });
}

}  // namespace klynge::cli
