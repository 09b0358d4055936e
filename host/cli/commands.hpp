// One function per subcommand; each lives in its own <command>.cpp and registers its flags
// and its callback on the app. main.cpp only wires them together.
#pragma once

#include <CLI/CLI.hpp>

namespace klynge::cli {

void add_describe_command(CLI::App& app);
void add_analyze_command(CLI::App& app);
void add_simulate_command(CLI::App& app);
void add_info_command(CLI::App& app);
void add_plot_command(CLI::App& app);
void add_merge_command(CLI::App& app);
void add_power_command(CLI::App& app);

}  // namespace klynge::cli
