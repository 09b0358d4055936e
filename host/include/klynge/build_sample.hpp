// The design stage (DESIGN.md §1-2, docs/estimands.md): a validated Panel and the design
// options become the Sample of member and control growth contributions, grouped into cells.
#pragma once

#include <cstddef>
#include <cstdint>

#include "klynge/design.hpp"
#include "klynge/panel.hpp"
#include "klynge/sample.hpp"

namespace klynge {

// Checks the options on their own; throws Error(ExitCode::usage) naming the flag:
// --from without --to (or the reverse), from > to (from == to only for level growth),
// --horizon < 1 (< 0 for level) in the cohort design, --trim outside [0, 0.5).
void validate_design_options(const DesignOptions& options);

// Builds the Sample. Throws Error(ExitCode::usage) for invalid options (as above), for the
// cohort design on a panel without an entry-year column, and for --balance on a panel
// without stratum columns. The panel is taken as the reader guarantees it (no duplicate
// (firm, year), metrics >= 0 or NaN, entry and cluster constant within a firm, weight > 0 or
// NaN). Runs in O(rows log rows + contributions x metrics).
Sample build_sample(const Panel& panel, const DesignOptions& options);

// The cell of cohort g in the cohort design: window [g + offset, g + offset + horizon], no
// contributions yet. Throws Error(ExitCode::usage) when a window year is out of range. Shared
// with the simulated cohort Sample (klynge/sim_cohort.hpp), which lays out cells the same way.
Cell cohort_cell(std::int32_t cohort, const DesignOptions& options);

// `n` as a contribution index; throws Error(ExitCode::usage) when a design has more than
// 2^32 - 1 contributions (the Sample's cells index them with 32 bits).
std::uint32_t contribution_index(std::size_t n);

}  // namespace klynge
