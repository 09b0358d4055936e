// Checks of `klynge power --pool` datasets against build_sample: a dataset is built in memory
// from the pool's growth values, and must be exactly what build_sample makes of a panel of the
// drawn firms.
#pragma once

#include "klynge/panel.hpp"
#include "klynge/sample.hpp"

namespace klynge::test {

// A panel of a cohort-design dataset's firms: every row of the pool firm each draw took (the
// firm id of draw j is "<pool id>#j", its rows those of <pool id> in `source`), the members
// marked with the entry year of the cell they are in; the metric columns of `source` and its
// first stratum column (nace), read back with entry_year as the entry column.
Panel drawn_cohort_panel(const Panel& source, const Sample& dataset);

// Every field of the two Samples equal (values bit for bit, NaN equal to NaN; stratum cells by
// their labels), each difference one failure.
void expect_same_sample(const Sample& got, const Sample& expected);

}  // namespace klynge::test
