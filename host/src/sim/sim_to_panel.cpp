// The reference path of a simulated dataset: its in-memory panel as the Panel the reader would
// make of the simulate CSV (no file in between), which build_sample then takes like any panel.
#include <limits>
#include <map>
#include <string>

#include "klynge/sim_window.hpp"

namespace klynge::sim {

namespace {

// The column as the reader makes it: labels numbered in order of first appearance, an empty
// cell (size_class where employees are missing, as simulate writes it) kNoLabel.
CategoricalColumn stratum_column(const SimPanel& sp, const std::string& name) {
  CategoricalColumn column;
  column.name = name;
  column.code.resize(sp.rows());
  std::map<std::string_view, std::int32_t> code_of;
  for (std::size_t r = 0; r < sp.rows(); ++r) {
    const std::string_view value = stratum_value(name, sp.nace[r], sp.region[r], sp.metric[0][r]);
    if (value.empty()) {
      column.code[r] = kNoLabel;
      continue;
    }
    const auto [it, added] =
        code_of.try_emplace(value, static_cast<std::int32_t>(column.labels.size()));
    if (added) column.labels.emplace_back(value);
    column.code[r] = it->second;
  }
  return column;
}

}  // namespace

// The metrics, membership and the stratum columns asked for; the columns the window design does
// not use are left out. Firm indices count up in order of appearance, as the reader numbers
// them.
Panel to_panel(const SimPanel& sp, const std::vector<std::string>& strata, bool entry_years) {
  check_stratum_names(strata);
  Panel panel;
  panel.path = "simulated panel";
  const std::size_t rows = sp.rows();
  panel.data_lines = rows;
  panel.firm.resize(rows);
  panel.year.assign(sp.year.begin(), sp.year.end());
  panel.line.resize(rows);
  panel.member.resize(rows);
  panel.member_source = "member";
  for (int m = 0; m < kMetrics; ++m) {
    panel.metric_names.emplace_back(kMetricNames[m]);
    panel.metric.push_back(sp.metric[m]);
  }
  std::uint32_t previous = std::numeric_limits<std::uint32_t>::max();
  for (std::size_t r = 0; r < rows; ++r) {
    if (sp.firm[r] != previous) {
      previous = sp.firm[r];
      panel.firm_ids.push_back(std::to_string(kFirstFirmId + sp.firm[r]));
    }
    panel.firm[r] = static_cast<std::int32_t>(panel.firm_ids.size() - 1);
    panel.line[r] = static_cast<std::int64_t>(r) + 2;  // line 1 is the CSV header
    panel.member[r] = static_cast<std::int8_t>(sp.member[r]);
  }
  if (entry_years) {
    panel.entry.resize(rows);
    for (std::size_t r = 0; r < rows; ++r)
      panel.entry[r] = sp.member[r] ? sp.entry_year[r] : kMissingYear;
  }
  for (const std::string& name : strata) panel.strata.push_back(stratum_column(sp, name));
  return panel;
}

}  // namespace klynge::sim
