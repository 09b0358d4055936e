#include "klynge/report/describe_report.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>

#include "klynge/growth_type.hpp"
#include "klynge/report/json_values.hpp"
#include "klynge/report/provenance.hpp"
#include "klynge/report/text_layout.hpp"
#include "klynge/version.hpp"

namespace klynge {

namespace {

using json = nlohmann::ordered_json;

json design_json(const DescribeInputs& in) {
  const DesignOptions& d = in.design;
  const ColumnMap& c = in.read.columns;
  json out;
  out["type"] = is_cohort_design(d) ? "cohort" : "window";
  out["growth"] = std::string(growth_type_name(d.growth));
  if (is_cohort_design(d)) {
    out["entry"] = c.entry.value_or("");
    out["horizon"] = d.horizon;
    out["offset"] = d.offset;
    out["cohort_weights"] = "members";
  } else {
    out["from"] = *d.from;
    out["to"] = *d.to;
  }
  out["metrics"] = c.metrics;
  out["id"] = c.id;
  out["year"] = c.year;
  out["member"] = c.member;
  out["cluster"] = in.panel.cluster ? json(in.panel.cluster->name) : json(nullptr);
  out["strata"] = c.strata;
  out["weight"] = c.weight ? json(*c.weight) : json(nullptr);
  out["balance"] = d.balance;
  out["trim"] = d.trim;
  return out;
}

json dropped_json(const std::array<std::uint64_t, kDropReasonCount>& dropped) {
  json out = json::object();
  for (int r = 0; r < kDropReasonCount; ++r)
    if (dropped[r] > 0) out[std::string(drop_reason_name(static_cast<DropReason>(r)))] = dropped[r];
  return out;
}

}  // namespace

json describe_json(const DescribeInputs& in) {
  const Sample& s = in.sample;
  json out;
  out["schema_version"] = kReportSchemaVersion;
  out["klynge_version"] = kVersion;
  out["git_revision"] = git_revision();
  out["input"] = {{"path", in.panel.path},
                  {"rows", in.panel.rows()},
                  {"firms", in.panel.firms()},
                  {"bytes", in.panel.bytes}};
  out["design"] = design_json(in);

  json groups = json::array();
  for (const GroupSummary& g : in.description.groups) {
    groups.push_back({{"metric", s.metric_names[g.metric]},
                      {"cohort", cohort_json(g.cohort)},
                      {"group", std::string(group_name(g.group))},
                      {"n", g.n},
                      {"weight_sum", number_or_null(g.weight_sum)},
                      {"mean", number_or_null(g.mean)},
                      {"sd", number_or_null(g.sd)},
                      {"median", number_or_null(g.median)},
                      {"trimmed_mean", number_or_null(g.trimmed_mean)},
                      {"agg_growth", number_or_null(g.agg_growth)},
                      {"min", number_or_null(g.min)},
                      {"max", number_or_null(g.max)},
                      {"dropped", dropped_json(g.dropped)}});
  }
  out["groups"] = std::move(groups);

  json results = json::array();
  for (const Estimate& e : in.description.results) {
    results.push_back({{"metric", s.metric_names[e.metric]},
                       {"cohort", cohort_json(e.cohort)},
                       {"statistic", std::string(statistic_name(e.statistic))},
                       {"estimate", number_or_null(e.value)},
                       {"n_member", e.n_member},
                       {"n_control", e.n_control},
                       {"status", e.status}});
  }
  out["results"] = std::move(results);

  json unmatched = json::array();
  for (const UnmatchedStratum& u : s.unmatched)
    unmatched.push_back({{"metric", u.metric},
                         {"cohort", cohort_json(u.cohort)},
                         {"stratum", u.stratum},
                         {"members", u.members}});
  out["unmatched_strata"] = std::move(unmatched);
  return out;
}

namespace {

// Rates are shown in percent (growth) and percentage points (differences); levels as they are.
struct Units {
  double scale;
  const char* growth_unit;
  const char* diff_unit;
};

Units units_for(GrowthType type) {
  if (type == GrowthType::level) return {1.0, "", ""};
  return {100.0, "%", "pp"};
}

std::string fixed(double value, double scale, int decimals = 2) {
  if (!std::isfinite(value)) return "-";
  return fmt::format("{:.{}f}", value * scale, decimals);
}

}  // namespace

std::string describe_table(const DescribeInputs& in) {
  const Sample& s = in.sample;
  const DesignOptions& d = in.design;
  const Units u = units_for(d.growth);
  std::string out;

  const std::string design =
      is_cohort_design(d)
          ? fmt::format("cohort design: window [entry{:+d}, entry{:+d}]", d.offset, d.offset + d.horizon)
          : fmt::format("window design: {}-{}", *d.from, *d.to);
  out += wrap_lines(fmt::format(
      "{}: {} rows, {} firms; {}; growth {}{}\n", in.panel.path, in.panel.rows(), in.panel.firms(),
      design, growth_type_name(d.growth),
      d.balance
          ? "; controls balanced on " + fmt::format("{}", fmt::join(in.read.columns.strata, " x "))
          : ""));
  if (d.growth != GrowthType::level)
    out +=
        "growth in % per year (pct: cumulative %), differences member - control in percentage "
        "points\n";

  // Index the statistics of each (metric, cohort) row.
  std::map<std::pair<std::size_t, std::int32_t>, std::map<Statistic, const Estimate*>> by_row;
  std::vector<std::pair<std::size_t, std::int32_t>> order;
  for (const Estimate& e : in.description.results) {
    auto key = std::make_pair(e.metric, e.cohort);
    if (!by_row.count(key)) order.push_back(key);
    by_row[key][e.statistic] = &e;
  }
  std::map<std::tuple<std::size_t, std::int32_t, Group>, const GroupSummary*> groups;
  for (const GroupSummary& g : in.description.groups) groups[{g.metric, g.cohort, g.group}] = &g;

  // 12 + 7 + 8 + 9 + 9 + 9 + 10 + 3 x 9 + 8 = 99 columns.
  out += fmt::format("\n{:<12}{:>7}{:>8}{:>9}{:>9}{:>9}{:>10}{:>9}{:>9}{:>9}{:>8}\n", "metric",
                     "cohort", "members", "controls", "mean M", "mean C", "mean diff", "median",
                     "trimmed", "agg", "welch t");
  for (const auto& key : order) {
    const auto& stats = by_row[key];
    auto value = [&](Statistic st) { return stats.count(st) ? stats.at(st)->value : NAN; };
    auto mean_of = [&](Group g) {
      auto it = groups.find({key.first, key.second, g});
      return it == groups.end() ? NAN : it->second->mean;
    };
    const Estimate* any = stats.begin()->second;
    out += fmt::format(
        "{:<12}{:>7}{:>8}{:>9}{:>9}{:>9}{:>10}{:>9}{:>9}{:>9}{:>8}\n",
        fit_label(s.metric_names[key.first], 12), cohort_text(key.second), any->n_member,
        any->n_control, fixed(mean_of(Group::member), u.scale),
        fixed(mean_of(Group::control), u.scale), fixed(value(Statistic::mean_diff), u.scale),
        fixed(value(Statistic::median_diff), u.scale),
        fixed(value(Statistic::trimmed_mean_diff), u.scale),
        fixed(value(Statistic::agg_diff), 100.0), fixed(value(Statistic::welch_t), 1.0));
  }
  out += "(agg: difference in aggregate growth sum(x1)/sum(x0) - 1, in percentage points)\n";

  // Nothing is dropped silently: one line per metric and group with the reasons.
  std::map<std::pair<std::string, Group>, std::map<std::string, std::uint64_t>> drops;
  for (const DropCount& dc : s.drops)
    drops[{dc.metric, dc.group}][std::string(drop_reason_name(dc.reason))] += dc.count;
  if (!drops.empty()) out += "\ndropped contributions (all cohorts):\n";
  for (const auto& [key, reasons] : drops) {
    std::string parts;
    for (const auto& [reason, count] : reasons)
      parts += fmt::format("{}{} {}", parts.empty() ? "" : ", ", count, reason);
    out += wrap_lines(
        fmt::format("  {:<14}{:<9}{}\n", fit_label(key.first, 14), group_name(key.second), parts),
        kTableWidth, 25);
  }
  for (const UnmatchedStratum& um : s.unmatched)
    out += wrap_lines(
        fmt::format("  unmatched stratum: {} cohort {}: {} ({} members without controls)\n",
                    um.metric, cohort_text(um.cohort), um.stratum, um.members),
        kTableWidth, 4);
  return out;
}

}  // namespace klynge
