// The example panel with the members of one entry year only (the others' rows dropped): a
// cohort design of one cohort, which has one cell like the window design but an aggregate whose
// welch_t and SE need the cohort path's second pass.
#pragma once

#include <string>

namespace klynge::test {

// Writes examples/firms.csv without the members that did not enter in `entry_year` to a
// scratch file and returns its path.
std::string one_cohort_panel(int entry_year);

}  // namespace klynge::test
