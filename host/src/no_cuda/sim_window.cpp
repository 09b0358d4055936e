// Linked only into builds without the CUDA backend: --device cuda fails with one clear line.
#include "klynge/engine/cuda_sim_window.hpp"

#include "not_built.hpp"

namespace klynge::cuda {

std::vector<hd::sim::SimWindowFirm> sim_window_firms(const hd::sim::SimParams&,
                                                     const hd::sim::SimWindow&,
                                                     const BackendChoice&) {
  not_built();
}

}  // namespace klynge::cuda
