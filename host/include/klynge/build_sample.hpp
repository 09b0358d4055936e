// The design stage (DESIGN.md §1-2, docs/estimands.md): a validated Panel and the design
// options become the Sample of member and control growth contributions, grouped into cells.
#pragma once

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

}  // namespace klynge
