// Linked only into builds without the CUDA backend: --device cuda fails with one clear line.
#include "klynge/engine/cuda_sim_cohort.hpp"

#include "not_built.hpp"

namespace klynge::cuda {

void sim_cohort_firms(const hd::sim::SimParams&, const BackendChoice&,
                      std::vector<hd::sim::SimCohortFirm>&, std::vector<hd::sim::SimFirmYear>&) {
  not_built();
}

}  // namespace klynge::cuda
