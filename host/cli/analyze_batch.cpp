#include "analyze_batch.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <future>

#include "analyze_comparison.hpp"
#include "klynge/batch.hpp"
#include "klynge/build_sample.hpp"
#include "klynge/error.hpp"
#include "klynge/io/read_panel.hpp"
#include "klynge/report/batch_report.hpp"
#include "klynge/report/replicates_csv.hpp"
#include "klynge/report/text_layout.hpp"
#include "plot_script.hpp"
#include "report_provenance.hpp"
#include "stopwatch.hpp"
#include "warning_lines.hpp"

namespace klynge::cli {

namespace {

// Everything one comparison's report needs, kept until the batch-wide adjustment is known.
struct Comparison {
  Panel panel;
  Sample sample;
  Description description;
  ComparisonEngines engines;  // built (and staged on a GPU) ahead of the run
  ComparisonRun run;
  BatchTag tag;
  ComparisonFacts facts;
};

std::string cluster_column_name(const PanelFlags& panel) {
  return panel.cluster.empty() ? "cluster" : panel.cluster;
}

bool batch_by_cluster(const AnalyzeFlags& flags) {
  return flags.by_cluster || (!flags.by.empty() && flags.by == cluster_column_name(flags.panel));
}

// The reports read only names and counts; the per-row and per-contribution arrays of a finished
// comparison are released so a batch of many values holds one comparison's data at a time.
void release_bulk(Comparison& c) {
  Panel& p = c.panel;
  std::vector<std::int64_t>().swap(p.line);
  std::vector<std::vector<double>>().swap(p.metric);
  std::vector<std::int8_t>().swap(p.member);
  std::vector<std::int32_t>().swap(p.entry);
  std::vector<std::int32_t>().swap(p.firm);
  std::vector<double>().swap(p.weight);
  if (p.cluster) std::vector<std::int32_t>().swap(p.cluster->code);
  for (CategoricalColumn& s : p.strata) std::vector<std::int32_t>().swap(s.code);
  Sample& s = c.sample;
  for (auto* v :
       {&s.growth, &s.start, &s.end, &s.weight, &s.unbalanced_weight, &s.unbalanced_growth})
    std::vector<std::vector<double>>().swap(*v);
  std::vector<std::int32_t>().swap(s.firm);
  std::vector<std::int32_t>().swap(s.stratum);
  c.engines = ComparisonEngines();
}

}  // namespace

void check_batch_flags(const AnalyzeFlags& flags) {
  if (flags.by_cluster && !flags.by.empty())
    throw_usage_error("--by-cluster and --by: choose one batch column");
  if ((flags.by_cluster || !flags.by.empty()) && flags.unit == "cluster")
    throw_usage_error(
        "--unit cluster resamples whole clusters, and a batch comparison has the members of "
        "one value only: use --unit firm with --by-cluster/--by");
}

void run_analyze_batch(const AnalyzeFlags& flags, const AnalyzeSettings& settings,
                       const CLI::App& cmd, io::OutputFile* replicates_out,
                       ReplicateSource& source) {
  const bool by_cluster = batch_by_cluster(flags);
  // A --by column is read as one more stratum column and left out of each comparison's panel
  // (unless --strata names it too), so it never shapes strata or balancing by accident.
  PanelFlags read_flags = flags.panel;
  std::string extra_stratum;
  auto& strata = read_flags.columns.strata;
  if (!by_cluster && std::find(strata.begin(), strata.end(), flags.by) == strata.end()) {
    strata.push_back(flags.by);
    extra_stratum = flags.by;
  }
  const ReadOptions read = read_options(read_flags);
  ReadOptions reported = read;  // what the report records: the strata the user named
  reported.columns.strata = flags.panel.columns.strata;
  const DesignOptions design = design_options(flags.panel);

  Stopwatch clock;
  const Panel panel = read_panel(flags.panel.input, read);
  const double read_s = clock.lap();
  const CategoricalColumn* column = nullptr;
  if (by_cluster) {
    if (!panel.cluster)
      throw Error(ExitCode::bad_data,
                  panel.path + ": --by-cluster: the panel has no cluster column '" +
                      cluster_column_name(flags.panel) + "' (name it with --cluster)");
    column = &*panel.cluster;
  } else {
    for (const CategoricalColumn& c : panel.strata)
      if (c.name == flags.by) column = &c;
  }
  if (!column) throw Error(ExitCode::internal, "--by " + flags.by + ": column was not read");
  const BatchSplit split = split_batch(panel, *column);
  if (split.values.empty())
    throw Error(ExitCode::bad_data, panel.path + ": column '" + column->name +
                                        "': no member firm has a value, nothing to compare");
  const std::string tag_column = by_cluster ? "cluster" : column->name;

  std::vector<Comparison> comparisons(split.values.size());
  double design_s = 0.0, statistics_s = 0.0;
  // Comparison i's panel, sample and point statistics (no replicates). Touches only
  // comparisons[i] and reads the shared panel and split, so it can run beside comparison i - 1.
  struct Prepared {
    double design_s = 0.0, statistics_s = 0.0;
  };
  auto prepare = [&](std::size_t i) {
    Comparison& c = comparisons[i];
    const std::string& value = split.labels[static_cast<std::size_t>(split.values[i])];
    c.tag = {by_cluster, tag_column, value};
    c.facts = {value, comparison_analysis_id(column->name, value),
               split.members_with(split.values[i]), split.controls()};
    Stopwatch watch;
    Prepared t;
    c.panel = comparison_panel(panel, split, split.values[i], extra_stratum);
    c.sample = build_sample(c.panel, design);
    t.design_s = watch.lap();
    c.description = describe_sample(c.sample, design);
    t.statistics_s = watch.lap();
    c.engines = prepare_engines(c.sample, design, settings, flags, c.facts.analysis, true);
    return t;
  };
  if (replicates_out) write_replicates_header(*replicates_out, tag_column);
  // The batch streams: while comparison i's replicates run, comparison i + 1 is prepared on
  // another thread - its sample, its engines' arrays and, on a GPU, their device copies (the
  // next upload overlaps the current kernels). At most two comparisons' bulk data are held at
  // a time.
  std::future<Prepared> next;
  if (!split.values.empty()) next = std::async(std::launch::async, prepare, 0);
  for (std::size_t i = 0; i < split.values.size(); ++i) {
    const Prepared t = next.get();
    design_s += t.design_s;
    statistics_s += t.statistics_s;
    if (i + 1 < split.values.size()) next = std::async(std::launch::async, prepare, i + 1);
    Comparison& c = comparisons[i];
    const std::string& value = c.tag.value;
    c.run = run_comparison(c.sample, design, c.description, settings, flags, c.facts.analysis,
                           fmt::format("[{}/{} {}]", i + 1, split.values.size(), value), source,
                           &c.engines);
    if (replicates_out)
      write_replicates_rows(*replicates_out, c.sample.metric_names, c.run.table, &value);
    release_bulk(c);
  }

  if (source.is_partial()) return;  // a shard or a non-root MPI rank: no results here

  std::vector<PermutationInference*> tests;
  for (Comparison& c : comparisons)
    if (c.run.permutation) tests.push_back(&*c.run.permutation);
  if (!tests.empty()) adjust_across_batch(tests);

  // A report on standard output keeps the text tables off it.
  const bool json_to_stdout =
      flags.json_path == "-" || flags.csv_path == "-" || flags.replicates_path == "-";
  nlohmann::ordered_json merged;
  std::string csv;
  double bootstrap_s = 0.0, jackknife_s = 0.0, intervals_s = 0.0, permutation_s = 0.0;
  std::vector<std::string> warnings;
  for (std::size_t i = 0; i < comparisons.size(); ++i) {
    const Comparison& c = comparisons[i];
    const DescribeInputs describe{c.panel, reported, design, c.sample, c.description};
    const AnalyzeInputs inputs{describe, settings, c.run.analyzed,
                               c.run.permutation ? &*c.run.permutation : nullptr};
    if (!json_to_stdout) {
      fmt::print("\n{}", wrap_lines(fmt::format("=== {} {}: {} member firms against {} control "
                                                "firms ===\n",
                                                tag_column, c.tag.value, c.facts.firms_member,
                                                c.facts.firms_control)));
      fmt::print("{}", analyze_table(inputs));
      if (c.run.permutation) fmt::print("{}", permutation_table(c.sample, *c.run.permutation));
    }
    for (const std::string& w : analyze_warnings(inputs))
      warnings.push_back(fmt::format("{} {}: {}", tag_column, c.tag.value, w));
    if (!flags.json_path.empty() || !flags.plot_path.empty()) {
      nlohmann::ordered_json report = comparison_json(inputs, c.run);
      if (i == 0)
        merged = start_batch_report(report, by_cluster, column->name, split.members_without_value);
      append_comparison(merged, std::move(report), c.tag, c.facts);
    }
    if (!flags.csv_path.empty()) csv += tag_csv(analyze_csv(inputs), c.tag, i == 0);
    bootstrap_s += c.run.bootstrap_s;
    jackknife_s += c.run.jackknife_s;
    intervals_s += c.run.intervals_s;
    if (c.run.permutation) permutation_s += c.run.permutation->seconds;
  }
  // The members left out first: the one warning about the comparisons themselves.
  if (split.members_without_value > 0)
    warnings.insert(warnings.begin(),
                    fmt::format("{} member firms have no value in column '{}' and are in no "
                                "comparison",
                                split.members_without_value, column->name));
  print_warnings(warnings, !flags.json_path.empty());

  if (!merged.is_null()) {
    merged["input"] = {{"path", panel.path},
                       {"rows", panel.rows()},
                       {"firms", panel.firms()},
                       {"bytes", panel.bytes}};
    if (split.members_without_value > 0)
      merged["warnings"].push_back(
          fmt::format("{} member firms have no value in column '{}' and are in no comparison",
                      split.members_without_value, column->name));
    merged["provenance"] = provenance_json(
        report_provenance(cmd, panel, flags.seed, settings.device, settings.threads));
    merged["timing"] = {{"read_s", read_s},
                        {"design_s", design_s},
                        {"statistics_s", statistics_s},
                        {"bootstrap_s", bootstrap_s},
                        {"jackknife_s", jackknife_s},
                        {"intervals_s", intervals_s},
                        {"permutation_s", permutation_s}};
    if (!flags.json_path.empty()) {
      io::OutputFile out(flags.json_path);
      out.write(merged.dump(2) + "\n");
      out.commit();
    }
    if (!flags.plot_path.empty())
      plot_report(merged, json_to_stdout ? "" : flags.json_path, flags.plot_path);
  }
  if (!flags.csv_path.empty()) {
    io::OutputFile out(flags.csv_path);
    out.write(csv);
    out.commit();
  }
  if (replicates_out) replicates_out->commit();
}

}  // namespace klynge::cli
