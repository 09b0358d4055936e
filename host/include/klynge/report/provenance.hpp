// Provenance of a JSON report (docs/report-schema.md "provenance"): which build computed it,
// on what, from which file (path and SHA-256) and with which effective configuration, so a
// reader can reproduce it. Kept under its own key, apart from "results", so two runs' results
// compare equal whatever machine or build produced them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace klynge {

struct Provenance {
  std::string command;                // the subcommand: "describe", "analyze"
  std::string input_path;             // as given
  std::string input_sha256;           // of the file's bytes as stored
  std::optional<std::uint64_t> seed;  // describe draws nothing: none
  std::string device;                 // the backend that ran: "cpu" (describe: "none")
  int threads = 0;                    // threads actually used
  nlohmann::ordered_json configuration = nlohmann::ordered_json::object();  // flag -> value
};

// "unknown" when the build was not configured from a git checkout.
std::string git_revision();

nlohmann::ordered_json provenance_json(const Provenance& provenance);

}  // namespace klynge
