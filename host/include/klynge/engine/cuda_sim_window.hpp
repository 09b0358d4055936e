// The CUDA twin of sim::window_firms (cuda/sim_window.cu): one GPU thread per firm runs
// hd::sim::sim_window_firm, and the records come back to the host, which lays out the Sample
// with the same code as the CPU path (sim::window_sample). A build without CUDA links a stub
// (host/src/no_cuda/sim_window.cpp) that throws Error(usage) with one clear line.
// Every CUDA call is checked: a failure is Error(internal) (exit 70) naming the call.
#pragma once

#include <vector>

#include "klynge/backend.hpp"
#include "klynge/hd/sim_window.hpp"

namespace klynge::cuda {

// Record of every firm of the dataset of `params` (firm i at [i]), computed on choice.gpu.
std::vector<hd::sim::SimWindowFirm> sim_window_firms(const hd::sim::SimParams& params,
                                                     const hd::sim::SimWindow& window,
                                                     const BackendChoice& choice);

}  // namespace klynge::cuda
