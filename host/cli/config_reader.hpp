// The --config file reader: CLI11's TOML reader, after a pass over the file that catches what it
// would misread or report only as "INI was not able to parse X": a table given twice (CLI11
// merges the two; TOML forbids it), a section that is no subcommand (a typo such as [analyse]),
// a key before any section, and a key that is no flag of its section's subcommand. Each becomes
// one line naming the line number (exit code 64). A UTF-8 byte-order mark, which editors on
// Windows write, is skipped; a '#' inside a quoted value is part of the value (CLI11 took it
// for a comment); a TOML array over several lines is read.
#pragma once

#include <istream>
#include <vector>

#include <CLI/CLI.hpp>

namespace klynge::cli {

class ConfigReader : public CLI::ConfigTOML {
 public:
  // `app` holds the subcommands whose sections the file may have; it outlives the reader.
  // Comments are removed before CLI11 reads a line, so its comment character is one that text
  // files do not hold.
  explicit ConfigReader(const CLI::App& app) : app_(&app) { comment('\0'); }
  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override;

 private:
  const CLI::App* app_;
};

// Makes `app` read --config files with ConfigReader; keys that name no flag are errors.
void read_config_files(CLI::App& app, const std::string& description);

}  // namespace klynge::cli
