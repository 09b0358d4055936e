#include "sim_sample.hpp"

#include "klynge/build_sample.hpp"
#include "klynge/sim_window.hpp"

namespace klynge::power {

DesignOptions window_design(int from, int to) {
  DesignOptions design;
  design.growth = GrowthType::log;
  design.from = from;
  design.to = to;
  return design;
}

Sample simulated_cohort_sample(const sim::SimSpec& spec, DesignOptions design,
                               const std::vector<std::string>& strata) {
  design.extra_cohorts.clear();
  return build_sample(sim::to_panel(sim::simulate_panel(spec), strata, true), design);
}

}  // namespace klynge::power
