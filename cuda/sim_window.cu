// The CUDA twin of sim::window_firms (host/src/sim/window_firms.cpp): one thread per firm runs
// hd::sim::sim_window_firm, the same functor as the CPU loop, and the records come back to the
// host, which lays out the Sample with the CPU path's code (sim::window_sample).
//
// This file is compiled with --fmad=false (CMakeLists.txt): nvcc would otherwise fuse the
// process's multiply-adds, which the host compiler does not, and the simulated levels would
// differ from the host's in the last bits before they are rounded to the values the panel holds.
#include <cstdint>

#include "cuda_check.hpp"
#include "device_arrays.hpp"
#include "device_buffer.hpp"
#include "klynge/engine/cuda_sim_window.hpp"

namespace klynge::cuda {

namespace {

// The parameters travel by value as the kernel's argument (below the 4 KiB argument limit).
static_assert(sizeof(hd::sim::SimParams) < 4000, "SimParams must fit a kernel argument");

__global__ void sim_window_kernel(hd::sim::SimParams params, hd::sim::SimWindow window,
                                  hd::sim::SimWindowFirm* out) {
  const std::uint64_t i = blockIdx.x * static_cast<std::uint64_t>(blockDim.x) + threadIdx.x;
  if (i >= params.firms) return;
  out[i] = hd::sim::sim_window_firm(params, window, static_cast<std::uint32_t>(i));
}

}  // namespace

std::vector<hd::sim::SimWindowFirm> sim_window_firms(const hd::sim::SimParams& params,
                                                     const hd::sim::SimWindow& window,
                                                     const BackendChoice& choice) {
  std::vector<hd::sim::SimWindowFirm> firms;
  if (params.firms == 0) return firms;
  use_device(choice);
  DeviceBuffer<hd::sim::SimWindowFirm> d_firms(params.firms);
  constexpr unsigned kThreads = 128;
  sim_window_kernel<<<blocks_for(params.firms, kThreads), kThreads>>>(params, window,
                                                                      d_firms.data());
  KLYNGE_CUDA_CHECK(cudaGetLastError());
  d_firms.copy_to(firms);  // waits for this thread's stream only, not other threads' datasets
  return firms;
}

}  // namespace klynge::cuda
