// A simulated panel as the design stage sees it: the simulate model's in-memory panel turned
// into a Panel (no file in between) and built into the window-design Sample.
#pragma once

#include "klynge/design.hpp"
#include "klynge/sample.hpp"
#include "klynge/simulate.hpp"

namespace klynge::power {

DesignOptions window_design(int from, int to);

// build_sample over the panel of `spec` (log growth over [from, to]).
Sample simulated_sample(const sim::SimSpec& spec, const DesignOptions& design);

}  // namespace klynge::power
