// `klynge describe`: ingest and design, no resampling. Prints what the data say (group sizes,
// growth, member-minus-control statistics, drops) and optionally writes the JSON report.
#include <fmt/format.h>

#include <cstdio>
#include <memory>

#include <omp.h>

#include "commands.hpp"
#include "configuration.hpp"
#include "klynge/io/output_file.hpp"
#include "klynge/report/describe_report.hpp"
#include "klynge/statistics.hpp"
#include "output_paths.hpp"
#include "prepared_sample.hpp"
#include "report_provenance.hpp"

namespace klynge::cli {

namespace {

struct DescribeFlags {
  PanelFlags panel;
  std::string json_path;
  bool print_config = false;
};

void run_describe(const DescribeFlags& flags, const CLI::App& cmd) {
  if (flags.print_config) {
    fmt::print("{}", configuration_toml(cmd));
    return;
  }
  check_output_paths({{"--input", flags.panel.input}, {"--json", flags.json_path}});
  const PreparedSample p = prepare_sample(flags.panel);
  const DescribeInputs inputs{p.panel, p.read, p.design, p.sample, p.description};
  const bool json_to_stdout = flags.json_path == "-";
  if (!json_to_stdout) fmt::print("{}", describe_table(inputs));
  if (!flags.json_path.empty()) {
    nlohmann::ordered_json report = describe_json(inputs);
    // Provenance and timings live outside "results" so two runs' results compare equal.
    const int threads = p.read.threads > 0 ? p.read.threads : omp_get_max_threads();
    report["provenance"] =
        provenance_json(report_provenance(cmd, p.panel, std::nullopt, "none", threads));
    report["timing"] = {
        {"read_s", p.read_s}, {"design_s", p.design_s}, {"statistics_s", p.statistics_s}};
    io::OutputFile out(flags.json_path);
    out.write(report.dump(2));
    out.write("\n");
    out.commit();
  }
}

}  // namespace

void add_describe_command(CLI::App& app) {
  auto flags = std::make_shared<DescribeFlags>();
  CLI::App* cmd = app.add_subcommand(
      "describe",
      "Read a panel, apply the design and print member vs control growth (no resampling)");
  add_panel_flags(*cmd, flags->panel);
  cmd->add_option("--json", flags->json_path,
                  "Also write the report as JSON to FILE ('-' = stdout only)")
      ->group("Output");
  add_print_config_flag(*cmd, flags->print_config);
  cmd->callback([flags, cmd] { run_describe(*flags, *cmd); });
}

}  // namespace klynge::cli
