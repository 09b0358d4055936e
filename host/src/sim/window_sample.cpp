// Simulated window records -> the window design's Sample, in build_sample's layout
// (design/build_sample.cpp: lay_out_cells; the growth, drops and strata in sample_layout.cpp,
// shared with the cohort design's records), so that the Sample
// of a simulated dataset is the one `analyze --from --to` would build from its CSV. What a
// panel could have and a simulated one has not (weights, clusters, unknown membership) takes
// build_sample's values for its absence. Its stratum columns are the simulated industry and
// region (`nace`, `region`), read at the start year's row as build_sample reads them.
#include <cmath>
#include <cstdint>
#include <string>

#include "klynge/build_sample.hpp"
#include "klynge/error.hpp"
#include "klynge/sim_window.hpp"
#include "sample_layout.hpp"

namespace klynge::sim {

namespace {

// Contribution order: observed members in firm order, then observed non-members.
struct Layout {
  std::vector<std::uint32_t> source;  // per contribution: the simulated firm
  std::uint32_t members = 0;
};

Layout lay_out(const std::vector<SimWindowFirm>& firms) {
  Layout layout;
  for (const std::uint8_t group_member : {1, 0}) {
    for (std::size_t i = 0; i < firms.size(); ++i)
      if (firms[i].in_panel && firms[i].observed && firms[i].member == group_member)
        layout.source.push_back(static_cast<std::uint32_t>(i));
    if (group_member == 1) layout.members = static_cast<std::uint32_t>(layout.source.size());
  }
  return layout;
}

}  // namespace

std::string_view stratum_value(std::string_view name, std::uint32_t nace, std::uint32_t region,
                               double employees) {
  if (name == "nace") return nace_code(nace);
  if (name == "region") return region_name(region);
  return std::isnan(employees) ? std::string_view()
                               : size_class(static_cast<std::int64_t>(employees));
}

void check_stratum_names(const std::vector<std::string>& names) {
  for (std::size_t k = 0; k < names.size(); ++k) {
    if (names[k] != "nace" && names[k] != "region" && names[k] != "size_class")
      throw_usage_error("--strata " + names[k] +
                        ": a simulated panel's stratum columns are nace, region and size_class");
    for (std::size_t j = 0; j < k; ++j)
      if (names[j] == names[k]) throw_usage_error("--strata names " + names[k] + " twice");
  }
}

Sample window_sample(const std::vector<SimWindowFirm>& firms, const DesignOptions& design,
                     int threads, const std::vector<std::string>& strata) {
  validate_design_options(design);
  if (is_cohort_design(design))
    throw Error(ExitCode::internal, "simulated window sample: the design has no --from/--to");
  check_stratum_names(strata);
  if (design.balance && strata.empty())
    throw_usage_error("--balance needs stratum columns (--strata)");

  const Layout layout = lay_out(firms);
  const SimWindow window = window_of(design);
  const std::size_t n = layout.source.size();

  std::vector<std::uint8_t> in_panel(firms.size());
  for (std::size_t i = 0; i < firms.size(); ++i) in_panel[i] = firms[i].in_panel;
  std::vector<std::int32_t> panel_index;
  Sample s = panel_sample(in_panel, panel_index);
  s.cells.push_back(Cell{kWindowCohort, window.from, window.to, 0, layout.members,
                         static_cast<std::uint32_t>(n)});
  s.firm.resize(n);
  for (std::size_t c = 0; c < n; ++c) s.firm[c] = panel_index[layout.source[c]];
  for (int m = 0; m < kMetrics; ++m) {
    std::vector<double>& start = s.start.emplace_back(n);
    std::vector<double>& end = s.end.emplace_back(n);
    for (std::size_t c = 0; c < n; ++c) {
      start[c] = firms[layout.source[c]].start[m];
      end[c] = firms[layout.source[c]].end[m];
    }
  }
  s.stratum.assign(n, -1);
  if (!strata.empty()) {
    std::vector<StratumRow> rows(n);
    for (std::size_t c = 0; c < n; ++c) {
      const SimWindowFirm& rec = firms[layout.source[c]];
      rows[c] = StratumRow{rec.start_row != 0, rec.nace, rec.region, rec.start[0]};
    }
    assign_strata(rows, strata, s);
  }
  finish_sample(s, design, threads);
  return s;
}

}  // namespace klynge::sim
