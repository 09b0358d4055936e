#include "sim_sample.hpp"

#include "klynge/sim_cohort.hpp"

namespace klynge::power {

Sample simulated_cohort_sample(const sim::SimSpec& spec, DesignOptions design,
                               const BackendChoice& backend,
                               const std::vector<std::string>& strata) {
  design.extra_cohorts.clear();
  return sim::simulated_cohort_sample(spec, design, backend, strata);
}

}  // namespace klynge::power
