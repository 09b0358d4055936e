// What the simulated window and cohort Samples (window_sample.cpp, cohort_sample.cpp) share of
// build_sample's layout (design/build_sample.cpp): the panel's firms and their ids, the stratum
// cells read at each contribution's start-year row, and the growth, weights, drop table and
// balance computed from the laid-out endpoints. A simulated panel has no weights, clusters or
// unknown membership; these take build_sample's values for their absence.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "klynge/design.hpp"
#include "klynge/sample.hpp"

namespace klynge::sim {

// A Sample with the simulate model's metric names and the panel's firms: those with a row
// (in_panel[i] != 0), ids kFirstFirmId + i in firm order, no clusters. `panel_index` gets, per
// simulated firm, its index among the panel's firms (-1 when it has no row).
Sample panel_sample(const std::vector<std::uint8_t>& in_panel,
                    std::vector<std::int32_t>& panel_index);

// What the stratum columns read at a contribution's start-year row.
struct StratumRow {
  bool row = false;  // the firm has a row at its cell's start year (else every column is NA)
  std::uint32_t nace = 0;
  std::uint32_t region = 0;
  double employees = std::numeric_limits<double>::quiet_NaN();  // size_class is NA when NaN
};

// Per contribution its stratum cell, numbered as build_sample numbers them: cells sorted by
// their values column by column, "NA" last; labels "nace=10, region=Oslo". `strata` as
// check_stratum_names accepts them; `rows` has one entry per contribution.
void assign_strata(const std::vector<StratumRow>& rows, const std::vector<std::string>& strata,
                   Sample& s);

// With s.cells, s.firm, s.stratum and s.start, s.end (every metric) laid out: the growth of
// design.growth over each cell's window, weight 1 (0 and NaN growth where it failed), the drops
// per metric, cell, group and reason in build_sample's order and, with design.balance, the
// balance of every cell (its unmatched members counted last, as build_sample counts them).
void finish_sample(Sample& s, const DesignOptions& design, int threads);

}  // namespace klynge::sim
