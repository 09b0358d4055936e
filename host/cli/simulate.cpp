#include "commands.hpp"
namespace klynge::cli {
void add_simulate_command(CLI::App& app) { app.add_subcommand("simulate", "(being built)"); }
}  // namespace klynge::cli
