// The design of a simulated study's datasets. A dataset's Sample is
// sim::simulated_window_sample of its spec with this design (klynge/sim_window.hpp): the
// build_sample Sample of the simulated panel, bit for bit, its firms simulated on the study's
// backend (with --device cuda on the device) and laid out on the host.
#pragma once

#include "klynge/design.hpp"

namespace klynge::power {

// Annualised log growth over [from, to], members vs non-members.
DesignOptions window_design(int from, int to);

}  // namespace klynge::power
