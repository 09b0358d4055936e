// klynge: entry point. Wires the subcommands and turns every failure into one clear line on
// stderr and a documented exit code (README "Exit codes").
#include <cstdio>
#include <exception>
#include <new>
#include <string>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "config_reader.hpp"
#include "klynge/engine/mpi_ranks.hpp"
#include "klynge/error.hpp"
#include "klynge/version.hpp"
#include "output_paths.hpp"

int main(int argc, char** argv) {
  // MPI starts only under an MPI launcher (mpirun, srun); one rank of one otherwise.
  klynge::MpiSession mpi(argc, argv);
  CLI::App app{
      "klynge: do cluster members grow faster than comparable non-members, and how sure is that?"};
  app.set_version_flag("--version", std::string(klynge::kVersion));
  app.require_subcommand(1);
  app.fallthrough();
  // `klynge analyze --config FILE`: falls through to the app, whose config file holds one
  // section per subcommand ([analyze], [describe], [power]), as --print-config writes it. Keys that
  // name no flag are errors, never silently ignored (config_reader.hpp).
  klynge::cli::read_config_files(
      app,
      "Read flags from a TOML file ([analyze], [describe] or [power] section, as "
      "--print-config writes it); flags on the command line take precedence");
  klynge::cli::add_describe_command(app);
  klynge::cli::add_analyze_command(app);
  klynge::cli::add_simulate_command(app);
  klynge::cli::add_plot_command(app);
  klynge::cli::add_merge_command(app);
  klynge::cli::add_power_command(app);
  klynge::cli::add_info_command(app);

  std::string config_file;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc) config_file = argv[i + 1];
    if (arg.rfind("--config=", 0) == 0) config_file = arg.substr(9);
  }
  if (!config_file.empty()) klynge::cli::note_config_file(config_file);
  try {
    app.parse(argc, argv);
  } catch (const CLI::FileError& e) {
    // The --config file (the only file CLI11 opens) is missing or unreadable.
    fmt::print(stderr, "klynge: error: --config: {}\n", e.what());
    return static_cast<int>(klynge::ExitCode::no_input);
  } catch (const CLI::ConfigError& e) {
    fmt::print(stderr, "klynge: error: --config {}: {}\n", config_file, e.what());
    return static_cast<int>(klynge::ExitCode::usage);
  } catch (const CLI::ParseError& e) {
    // --help and --version end parsing with exit code 0: CLI11 prints them.
    if (e.get_exit_code() == 0) return app.exit(e);
    // Every other parse error (unknown or repeated flag, bad value, missing subcommand) is a
    // usage error like any other: one line, exit code 64, and where to find the flags.
    const auto parsed = app.get_subcommands();
    fmt::print(stderr, "klynge: error: {} (klynge {}--help lists the flags)\n", e.what(),
               parsed.empty() ? std::string() : parsed.back()->get_name() + " ");
    return static_cast<int>(klynge::ExitCode::usage);
  } catch (const klynge::Error& e) {
    fmt::print(stderr, "klynge: error: {}\n", e.what());
    return static_cast<int>(e.code());
  } catch (const std::bad_alloc&) {
    fmt::print(stderr,
               "klynge: error: out of memory (a smaller --bootstrap, --permutations or input "
               "needs less)\n");
    return static_cast<int>(klynge::ExitCode::internal);
  } catch (const std::exception& e) {
    fmt::print(stderr, "klynge: internal error: {}\n", e.what());
    return static_cast<int>(klynge::ExitCode::internal);
  }
  return 0;
}
