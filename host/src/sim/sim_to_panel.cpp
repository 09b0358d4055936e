// The reference path of a simulated dataset: its in-memory panel as the Panel the reader would
// make of the simulate CSV (no file in between), which build_sample then takes like any panel.
#include <limits>
#include <string>

#include "klynge/sim_window.hpp"

namespace klynge::sim {

// The metrics and membership; the columns the window design does not use are left out. Firm
// indices count up in order of appearance, as the reader numbers them.
Panel to_panel(const SimPanel& sp) {
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
  return panel;
}

}  // namespace klynge::sim
