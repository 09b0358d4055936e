// The design of a simulated study's datasets. A window-design dataset's Sample is
// sim::simulated_window_sample of its spec with this design (klynge/sim_window.hpp): the
// build_sample Sample of the simulated panel, bit for bit, its firms simulated on the study's
// backend (with --device cuda on the device) and laid out on the host. A cohort-design
// dataset's is simulated_cohort_sample, made the same way (klynge/sim_cohort.hpp).
#pragma once

#include <string>
#include <vector>

#include "klynge/backend.hpp"
#include "klynge/design.hpp"
#include "klynge/sample.hpp"
#include "klynge/simulate.hpp"

namespace klynge::power {

// A simulated cohort-design dataset (docs/power.md "Cohort design on simulated panels"): the
// build_sample Sample of the simulated panel read with its members' entry years, the cohorts
// being the entry years its members drew (as `analyze` of the panel makes them: an entry year
// no member drew has no cell; `design.extra_cohorts`, which the pool's datasets use, is not).
// Its firms are simulated on `backend`, the Sample laid out on the host.
Sample simulated_cohort_sample(const sim::SimSpec& spec, DesignOptions design,
                               const BackendChoice& backend,
                               const std::vector<std::string>& strata);

}  // namespace klynge::power
