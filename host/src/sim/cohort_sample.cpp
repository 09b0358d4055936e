// Simulated cohort records -> the cohort design's Sample, in build_sample's layout
// (design/build_sample.cpp: lay_out_cells' cohort branch; the growth, drops and strata in
// sample_layout.cpp, shared with the window design's records), so that the Sample of a
// simulated dataset is the one `analyze --entry` would build from its CSV. A simulated member
// always has an entry year, so no member is dropped for want of one.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

#include "klynge/build_sample.hpp"
#include "klynge/error.hpp"
#include "klynge/sim_cohort.hpp"
#include "klynge/sim_window.hpp"
#include "sample_layout.hpp"

namespace klynge::sim {

namespace {

// Whether firm i has a row with a year in [from, to] (build_sample's RowIndex::observed).
bool observed(const CohortFirms& records, std::size_t i, std::int32_t from, std::int32_t to) {
  const std::int64_t first = std::max<std::int64_t>(from, records.first_year);
  const std::int64_t last =
      std::min<std::int64_t>(to, static_cast<std::int64_t>(records.first_year) + records.span - 1);
  for (std::int64_t y = first; y <= last; ++y)
    if (records.year_of(i, y)->row) return true;
  return false;
}

// The cohorts: every entry year of a member with a row, and the extra ones asked for, ascending.
std::vector<std::int32_t> cohorts_of(const CohortFirms& records, const DesignOptions& design) {
  std::vector<std::int32_t> cohorts(design.extra_cohorts.begin(), design.extra_cohorts.end());
  for (const SimCohortFirm& f : records.firms)
    if (f.in_panel && f.member) cohorts.push_back(f.entry_year);
  std::sort(cohorts.begin(), cohorts.end());
  cohorts.erase(std::unique(cohorts.begin(), cohorts.end()), cohorts.end());
  return cohorts;
}

}  // namespace

const SimFirmYear* CohortFirms::year_of(std::size_t i, std::int64_t year) const {
  const std::int64_t k = year - first_year;
  if (k < 0 || k >= static_cast<std::int64_t>(span)) return nullptr;
  return &years[i * span + static_cast<std::size_t>(k)];
}

Sample cohort_sample(const CohortFirms& records, const DesignOptions& design, int threads,
                     const std::vector<std::string>& strata) {
  validate_design_options(design);
  if (!is_cohort_design(design))
    throw Error(ExitCode::internal, "simulated cohort sample: the design has --from/--to");
  check_stratum_names(strata);
  if (design.balance && strata.empty())
    throw_usage_error("--balance needs stratum columns (--strata)");

  const std::vector<SimCohortFirm>& firms = records.firms;
  std::vector<std::uint8_t> in_panel(firms.size());
  for (std::size_t i = 0; i < firms.size(); ++i) in_panel[i] = firms[i].in_panel;
  std::vector<std::int32_t> panel_index;
  Sample s = panel_sample(in_panel, panel_index);

  // Per cohort: its members in firm order, then the never-members with a row in its window.
  std::vector<std::uint32_t> source;  // per contribution: the simulated firm
  for (const std::int32_t g : cohorts_of(records, design)) {
    Cell cell = cohort_cell(g, design);
    cell.member_begin = contribution_index(source.size());
    for (std::size_t i = 0; i < firms.size(); ++i)
      if (firms[i].in_panel && firms[i].member && firms[i].entry_year == g)
        source.push_back(static_cast<std::uint32_t>(i));
    cell.member_end = contribution_index(source.size());
    for (std::size_t i = 0; i < firms.size(); ++i)
      if (firms[i].in_panel && !firms[i].member && observed(records, i, cell.from, cell.to))
        source.push_back(static_cast<std::uint32_t>(i));
    cell.control_end = contribution_index(source.size());
    s.cells.push_back(cell);
  }

  const std::size_t n = source.size();
  s.firm.resize(n);
  for (std::size_t c = 0; c < n; ++c) s.firm[c] = panel_index[source[c]];
  s.start.assign(kMetrics, std::vector<double>(n));
  s.end.assign(kMetrics, std::vector<double>(n));
  std::vector<StratumRow> rows(strata.empty() ? 0 : n);
  for (const Cell& cell : s.cells)
    for (std::uint32_t c = cell.member_begin; c < cell.control_end; ++c) {
      const SimFirmYear* x0 = records.year_of(source[c], cell.from);
      const SimFirmYear* x1 = records.year_of(source[c], cell.to);
      for (int m = 0; m < kMetrics; ++m) {
        s.start[m][c] = x0 ? x0->value[m] : std::numeric_limits<double>::quiet_NaN();
        s.end[m][c] = x1 ? x1->value[m] : std::numeric_limits<double>::quiet_NaN();
      }
      if (!rows.empty()) {
        const SimCohortFirm& f = firms[source[c]];
        rows[c] = StratumRow{x0 && x0->row, f.nace, f.region,
                             x0 ? x0->value[0] : std::numeric_limits<double>::quiet_NaN()};
      }
    }
  s.stratum.assign(n, -1);
  if (!strata.empty()) assign_strata(rows, strata, s);
  finish_sample(s, design, threads);
  return s;
}

}  // namespace klynge::sim
