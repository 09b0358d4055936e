// The effective configuration of a subcommand: every flag with the value it ran with (given on
// the command line, read from --config, or the default). Printed as TOML by --print-config (and
// read back by --config: CLI11's config support, set up in main.cpp) and recorded in the JSON
// report's provenance.
#pragma once

#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace klynge::cli {

// Adds --print-config to a subcommand (not itself configurable).
void add_print_config_flag(CLI::App& cmd, bool& print_config);

// "[<subcommand>]" and one `key = value` line per flag; flags without a value and without a
// default (e.g. an unset --entry) are left out, so reading the text back sets exactly the same.
std::string configuration_toml(const CLI::App& cmd);

// The same as a JSON object: flag name -> value (arrays for list flags, booleans for switches,
// numbers where the value is a number).
nlohmann::ordered_json configuration_json(const CLI::App& cmd);

}  // namespace klynge::cli
