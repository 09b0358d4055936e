#include "commands.hpp"
namespace klynge::cli {
void add_describe_command(CLI::App& app) { app.add_subcommand("describe", "(being built)"); }
}  // namespace klynge::cli
