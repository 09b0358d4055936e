// `klynge describe`: ingest and design, no resampling. Prints what the data say (group sizes,
// growth, member-minus-control statistics, drops) and optionally writes the JSON report.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "klynge/build_sample.hpp"
#include "klynge/io/output_file.hpp"
#include "klynge/io/read_panel.hpp"
#include "klynge/report/describe_report.hpp"
#include "klynge/statistics.hpp"
#include "panel_flags.hpp"

namespace klynge::cli {

namespace {

struct DescribeFlags {
  PanelFlags panel;
  std::string json_path;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void run_describe(const DescribeFlags& flags) {
  // Flag combinations are checked before the (possibly long) read.
  const ReadOptions read = read_options(flags.panel);
  const DesignOptions design = design_options(flags.panel);

  auto t0 = std::chrono::steady_clock::now();
  const Panel panel = read_panel(flags.panel.input, read);
  const double read_s = seconds_since(t0);
  t0 = std::chrono::steady_clock::now();
  const Sample sample = build_sample(panel, design);
  const double design_s = seconds_since(t0);
  t0 = std::chrono::steady_clock::now();
  const Description description = describe_sample(sample, design);
  const double stats_s = seconds_since(t0);

  const DescribeInputs inputs{panel, read, design, sample, description};
  const bool json_to_stdout = flags.json_path == "-";
  if (!json_to_stdout) fmt::print("{}", describe_table(inputs));
  if (!flags.json_path.empty()) {
    nlohmann::ordered_json report = describe_json(inputs);
    // Timings live outside "results" so two runs' results compare equal.
    report["timing"] = {{"read_s", read_s}, {"design_s", design_s}, {"statistics_s", stats_s}};
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
      "describe", "Read a panel, apply the design and print member vs control growth (no resampling)");
  add_panel_flags(*cmd, flags->panel);
  cmd->add_option("--json", flags->json_path, "Also write the report as JSON to FILE ('-' = stdout only)")
      ->group("Output");
  cmd->callback([flags] { run_describe(*flags); });
}

}  // namespace klynge::cli
