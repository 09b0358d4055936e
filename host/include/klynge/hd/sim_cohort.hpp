// What the cohort design needs of one simulated firm, computed straight from the simulate
// process (hd/sim_dgp.hpp) without materialising its panel: the firm's attributes (in the
// panel, member, entry year, industry, region) and, for every year of the panel, whether it
// has a row and its metric values. Unlike the window design, which reads two years, a cohort
// design reads each cohort's window [g + O, g + O + H] and asks whether a never-member has any
// row inside it, so a firm's whole run of years is kept (one 32-byte cell per year).
//
// Written once for host and device (no allocation, no exceptions, no std containers): the CPU
// runs it in an OpenMP loop over firms (host/src/sim/cohort_firms.cpp), the CUDA backend one
// thread per firm (cuda/sim_cohort.cu), and the host lays out the Sample from the records
// (klynge/sim_cohort.hpp), so both give the Sample build_sample makes of the simulated panel.
#pragma once

#include <cstdint>

#include "klynge/hd/macros.hpp"
#include "klynge/hd/sim_dgp.hpp"

namespace klynge::hd::sim {

// One firm-year: the metric values as the panel reader reads them (sim_cell_value), NaN where
// the firm has no row that year or the cell is missing, and whether the firm has a row.
struct SimFirmYear {
  double value[kMetrics];
  std::uint8_t row;
};

// One simulated firm's attributes: membership and the stratum columns are firm attributes, the
// same on every row (the entry year too: simulate writes it on every row of a member).
struct SimCohortFirm {
  std::int32_t entry_year;  // members only (0 for a never-member)
  std::uint8_t in_panel;    // the firm has a row (it is one of the panel's firms)
  std::uint8_t member;
  std::uint8_t nace;    // industry index (kNaceCount)
  std::uint8_t region;  // region index (kRegionCount)
};

static_assert(kNaceCount <= 256 && kRegionCount <= 256, "an index must fit a record's byte");

// Writes each visited row into its year's cell; a firm's rows run to its exit or the last year.
struct SimYearsVisitor {
  std::int32_t first_year;
  SimFirmYear* years;
  SimCohortFirm* firm;
  KLYNGE_HD bool operator()(const SimRow& r) {
    SimFirmYear& y = years[r.year - first_year];
    y.row = 1;
    for (int m = 0; m < kMetrics; ++m) y.value[m] = sim_cell_value(r, m);
    firm->in_panel = 1;
    return true;
  }
};

// The number of panel years of `p`: a firm's cells are years[0 .. sim_years(p)).
KLYNGE_HD std::uint32_t sim_years(const SimParams& p) {
  return static_cast<std::uint32_t>(p.last_year - p.first_year + 1);
}

// Firm i of the dataset of `p` (the same draws as sim_firm and sim_rows of that firm): returns
// its attributes and writes every one of its sim_years(p) cells, year first_year + k at years[k].
KLYNGE_HD SimCohortFirm sim_cohort_firm(const SimParams& p, std::uint32_t i, SimFirmYear* years) {
  const std::uint32_t span = sim_years(p);
  for (std::uint32_t k = 0; k < span; ++k) {
    for (int m = 0; m < kMetrics; ++m) years[k].value[m] = static_cast<double>(NAN);
    years[k].row = 0;
  }
  const SimFirm f = sim_firm(p, i);
  SimCohortFirm rec;
  rec.entry_year = f.member ? f.entry_year : 0;
  rec.in_panel = 0;
  rec.member = f.member ? 1 : 0;
  rec.nace = static_cast<std::uint8_t>(f.nace);
  rec.region = static_cast<std::uint8_t>(f.region);
  SimYearsVisitor visitor{p.first_year, years, &rec};
  sim_visit_rows(p, f, visitor);
  return rec;
}

}  // namespace klynge::hd::sim
