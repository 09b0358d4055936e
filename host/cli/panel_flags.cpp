#include "panel_flags.hpp"

#include "klynge/error.hpp"
#include "klynge/growth_type.hpp"

namespace klynge::cli {

void add_file_layout_flags(CLI::App& cmd, std::string& delimiter, ColumnMap& columns) {
  cmd.add_option("--delimiter", delimiter, "Field delimiter: auto, ',', ';' or tab")
      ->capture_default_str()
      ->group("Input");
  cmd.add_option("--id", columns.id, "Firm id column")->capture_default_str()->group("Columns");
  cmd.add_option("--year", columns.year, "Year column")->capture_default_str()->group("Columns");
}

char parse_delimiter(const std::string& text) {
  if (text == "auto") return 0;
  if (text == "," || text == "comma") return ',';
  if (text == ";" || text == "semicolon") return ';';
  if (text == "tab" || text == "\\t" || text == "\t") return '\t';
  throw_usage_error("--delimiter must be auto, ',', ';' or tab, not '" + text + "'");
}

void add_panel_flags(CLI::App& cmd, PanelFlags& f) {
  cmd.add_option("-i,--input", f.input, "Panel file: CSV/TSV, .gz compressed by extension")
      ->required()
      ->group("Input");
  add_file_layout_flags(cmd, f.delimiter, f.columns);
  cmd.add_option("--metrics", f.columns.metrics, "Metric columns (comma list)")
      ->delimiter(',')
      ->capture_default_str()
      ->group("Columns");
  cmd.add_option("--member", f.columns.member,
                 "Membership column (0/1, true/false, yes/no); derived from --cluster or "
                 "--entry when the file lacks it")
      ->capture_default_str()
      ->group("Columns");
  cmd.add_option("--cluster", f.cluster, "Cluster label column (default: 'cluster' if present)")
      ->group("Columns");
  cmd.add_option("--entry", f.entry, "Entry-year column (the year a member joined)")
      ->group("Columns");
  cmd.add_option("--strata", f.columns.strata, "Stratum columns for --balance (comma list)")
      ->delimiter(',')
      ->group("Columns");
  cmd.add_option("--weight", f.weight, "Sampling-weight column (> 0)")->group("Columns");

  cmd.add_option("--growth", f.growth, "Growth type: log, cagr, pct, dhs, level")
      ->capture_default_str()
      ->check(CLI::IsMember({"log", "cagr", "pct", "dhs", "level"}))
      ->group("Design");
  f.from_option = cmd.add_option("--from", f.from, "Window design: start year")->group("Design");
  f.to_option = cmd.add_option("--to", f.to, "Window design: end year")->group("Design");
  f.horizon_option =
      cmd.add_option("--horizon", f.horizon, "Cohort design: years from window start to end")
          ->capture_default_str()
          ->group("Design");
  f.offset_option = cmd.add_option("--offset", f.offset,
                                   "Cohort design: window start relative to the entry year "
                                   "(-1 = base year before entry)")
                        ->capture_default_str()
                        ->group("Design");
  cmd.add_flag("--balance", f.balance,
               "Reweight controls to the members' distribution over --strata cells, per cohort")
      ->group("Design");
  cmd.add_option("--trim", f.trim, "Share trimmed from each tail for trimmed_mean_diff")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.49))
      ->group("Design");
  cmd.add_option("--threads", f.threads, "CPU threads (0 = all)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber)
      ->group("Run");
}

ReadOptions read_options(const PanelFlags& f) {
  ReadOptions r;
  r.columns = f.columns;
  if (!f.cluster.empty()) r.columns.cluster = f.cluster;
  if (!f.entry.empty()) r.columns.entry = f.entry;
  if (!f.weight.empty()) r.columns.weight = f.weight;
  r.delimiter = parse_delimiter(f.delimiter);
  if (r.columns.metrics.empty()) throw_usage_error("--metrics needs at least one column");
  r.threads = f.threads;
  return r;
}

DesignOptions design_options(const PanelFlags& f) {
  DesignOptions d;
  d.growth = *parse_growth_type(f.growth);  // CLI11 already restricted the names
  const bool has_from = f.from_option->count() > 0, has_to = f.to_option->count() > 0;
  if (has_from != has_to) throw_usage_error("the window design needs both --from and --to");
  if (has_from) {
    if (!f.entry.empty() && (f.horizon_option->count() || f.offset_option->count()))
      throw_usage_error(
          "--from/--to (window design) cannot be combined with --horizon/--offset "
          "(cohort design)");
    d.from = f.from;
    d.to = f.to;
  } else if (f.entry.empty()) {
    throw_usage_error("choose a design: --from Y0 --to Y1 (window) or --entry COL (cohort)");
  }
  d.horizon = f.horizon;
  d.offset = f.offset;
  d.balance = f.balance;
  d.trim = f.trim;
  if (d.balance && f.columns.strata.empty()) throw_usage_error("--balance needs --strata");
  return d;
}

}  // namespace klynge::cli
