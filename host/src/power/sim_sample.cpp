#include "sim_sample.hpp"

#include "klynge/sim_cohort.hpp"

namespace klynge::power {

DesignOptions window_design(int from, int to) {
  DesignOptions design;
  design.growth = GrowthType::log;
  design.from = from;
  design.to = to;
  return design;
}

Sample simulated_cohort_sample(const sim::SimSpec& spec, DesignOptions design,
                               const BackendChoice& backend,
                               const std::vector<std::string>& strata) {
  design.extra_cohorts.clear();
  return sim::simulated_cohort_sample(spec, design, backend, strata);
}

}  // namespace klynge::power
