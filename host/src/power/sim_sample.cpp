#include "sim_sample.hpp"

#include <limits>
#include <string>

#include "klynge/build_sample.hpp"
#include "klynge/panel.hpp"

namespace klynge::power {

namespace {

// The Panel the reader would make of the simulate CSV (metrics, membership; the columns the
// window design does not use are left out). Firm indices count up in order of appearance, as
// the reader numbers them.
Panel to_panel(const sim::SimPanel& sp) {
  Panel panel;
  panel.path = "simulated panel";
  const std::size_t rows = sp.rows();
  panel.data_lines = rows;
  panel.firm.resize(rows);
  panel.year.assign(sp.year.begin(), sp.year.end());
  panel.line.resize(rows);
  panel.member.resize(rows);
  panel.member_source = "member";
  for (int m = 0; m < sim::kMetrics; ++m) {
    panel.metric_names.emplace_back(sim::kMetricNames[m]);
    panel.metric.push_back(sp.metric[m]);
  }
  std::uint32_t previous = std::numeric_limits<std::uint32_t>::max();
  for (std::size_t r = 0; r < rows; ++r) {
    if (sp.firm[r] != previous) {
      previous = sp.firm[r];
      panel.firm_ids.push_back(std::to_string(sim::kFirstFirmId + sp.firm[r]));
    }
    panel.firm[r] = static_cast<std::int32_t>(panel.firm_ids.size() - 1);
    panel.line[r] = static_cast<std::int64_t>(r) + 2;  // line 1 is the CSV header
    panel.member[r] = static_cast<std::int8_t>(sp.member[r]);
  }
  return panel;
}

}  // namespace

DesignOptions window_design(int from, int to) {
  DesignOptions design;
  design.growth = GrowthType::log;
  design.from = from;
  design.to = to;
  return design;
}

Sample simulated_sample(const sim::SimSpec& spec, const DesignOptions& design) {
  return build_sample(to_panel(sim::simulate_panel(spec)), design);
}

}  // namespace klynge::power
