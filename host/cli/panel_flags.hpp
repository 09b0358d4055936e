// Flags shared by every subcommand that reads a panel and applies a design (describe now,
// analyze later): the column map, the reader options and the design options.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "klynge/design.hpp"
#include "klynge/panel.hpp"

namespace klynge::cli {

struct PanelFlags {
  std::string input;
  std::string delimiter = "auto";
  ColumnMap columns;
  std::string cluster;  // empty: "cluster" when the file has it
  std::string entry;
  std::string weight;
  std::string growth = "log";
  int from = 0;
  int to = 0;
  int horizon = 3;
  int offset = 0;
  bool balance = false;
  double trim = 0.1;
  int threads = 0;

  CLI::Option* from_option = nullptr;
  CLI::Option* to_option = nullptr;
  CLI::Option* horizon_option = nullptr;
  CLI::Option* offset_option = nullptr;
};

void add_panel_flags(CLI::App& cmd, PanelFlags& flags);

// --delimiter, --id and --year alone (part of add_panel_flags), for a command that reads a panel
// beside its own flags (`power --pool`).
void add_file_layout_flags(CLI::App& cmd, std::string& delimiter, ColumnMap& columns);

// --delimiter's value as ReadOptions::delimiter (0 = sniff); throws Error(usage) otherwise.
char parse_delimiter(const std::string& text);

// Translate parsed flags; throw Error(usage) for combinations CLI11 cannot check.
ReadOptions read_options(const PanelFlags& flags);
DesignOptions design_options(const PanelFlags& flags);

}  // namespace klynge::cli
