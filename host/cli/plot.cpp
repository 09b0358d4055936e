// `klynge plot REPORT.json -o FILE.png|svg`: a forest plot of an analyze report, or, with
// --replicates and --result, the bootstrap distribution of one result (scripts/klynge_plot.py).
#include <memory>

#include "commands.hpp"
#include "plot_script.hpp"

namespace klynge::cli {

namespace {

struct PlotFlags {
  std::string report;
  std::string output;
  std::string statistic;
  std::string cohort;
  std::string interval;
  std::string replicates;
  int result = -1;
};

void run_plot(const PlotFlags& f) {
  check_plot_path("-o", f.output);
  std::vector<std::string> args = {f.report, "-o", f.output};
  if (!f.statistic.empty()) args.insert(args.end(), {"--statistic", f.statistic});
  if (!f.cohort.empty()) args.insert(args.end(), {"--cohort", f.cohort});
  if (!f.interval.empty()) args.insert(args.end(), {"--interval", f.interval});
  if (!f.replicates.empty())
    args.insert(args.end(), {"--replicates", f.replicates, "--result", std::to_string(f.result)});
  run_plot_script(args);
}

}  // namespace

void add_plot_command(CLI::App& app) {
  auto flags = std::make_shared<PlotFlags>();
  CLI::App* cmd = app.add_subcommand(
      "plot", "Draw an analyze report: forest plot, or one result's replicate distribution");
  cmd->add_option("report", flags->report, "JSON report of `klynge analyze --json`")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("-o,--output", flags->output, "Picture to write: FILE.png or FILE.svg")
      ->required();
  cmd->add_option("--statistic", flags->statistic,
                  "Forest plot: the statistic shown (default: the report's first)");
  cmd->add_option("--cohort", flags->cohort,
                  "Forest plot: only this cohort's rows (e.g. all: the cohort aggregates)");
  cmd->add_option("--interval", flags->interval,
                  "Interval method drawn (default: percentile, else bca, else the first)")
      ->check(CLI::IsMember({"percentile", "basic", "normal", "bca", "studentized"}));
  CLI::Option* reps = cmd->add_option(
      "--replicates", flags->replicates,
      "Replicates file of `analyze --save-replicates`: draw the histogram of --result");
  CLI::Option* result =
      cmd->add_option("--result", flags->result, "Index of the result row (0-based) to draw")
          ->check(CLI::Range(0, std::numeric_limits<int>::max()).description("INDEX >= 0"));
  reps->needs(result);
  result->needs(reps);
  cmd->callback([flags] { run_plot(*flags); });
}

}  // namespace klynge::cli
