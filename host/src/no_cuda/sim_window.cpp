// Linked only into builds without the CUDA backend: --device cuda fails with one clear line.
#include "klynge/engine/cuda_sim_window.hpp"

#include "klynge/error.hpp"

namespace klynge::cuda {

std::vector<hd::sim::SimWindowFirm> sim_window_firms(const hd::sim::SimParams&,
                                                     const hd::sim::SimWindow&,
                                                     const BackendChoice&) {
  throw_usage_error(
      "--device cuda: this klynge was built without the CUDA backend (nvcc was not found at "
      "build time); use --device cpu, or rebuild on a machine with the CUDA toolkit");
}

}  // namespace klynge::cuda
