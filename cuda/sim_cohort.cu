// The CUDA twin of sim::cohort_firms (host/src/sim/cohort_firms.cpp): one thread per firm runs
// hd::sim::sim_cohort_firm, the same functor as the CPU loop, writing the firm's attributes and
// its run of years; the records come back to the host, which lays out the Sample with the CPU
// path's code (sim::cohort_sample).
//
// Compiled with --fmad=false (CMakeLists.txt), as cuda/sim_window.cu and for the same reason:
// fused multiply-adds would change the simulated levels' last bits before they are rounded.
#include <cstdint>

#include "cuda_check.hpp"
#include "device_arrays.hpp"
#include "device_buffer.hpp"
#include "klynge/engine/cuda_sim_cohort.hpp"

namespace klynge::cuda {

namespace {

static_assert(sizeof(hd::sim::SimParams) < 4000, "SimParams must fit a kernel argument");

__global__ void sim_cohort_kernel(hd::sim::SimParams params, std::uint32_t span,
                                  hd::sim::SimCohortFirm* firms, hd::sim::SimFirmYear* years) {
  const std::uint64_t i = blockIdx.x * static_cast<std::uint64_t>(blockDim.x) + threadIdx.x;
  if (i >= params.firms) return;
  firms[i] = hd::sim::sim_cohort_firm(params, static_cast<std::uint32_t>(i), years + i * span);
}

}  // namespace

void sim_cohort_firms(const hd::sim::SimParams& params, const BackendChoice& choice,
                      std::vector<hd::sim::SimCohortFirm>& firms,
                      std::vector<hd::sim::SimFirmYear>& years) {
  firms.clear();
  years.clear();
  if (params.firms == 0) return;
  use_device(choice);
  const std::uint32_t span = hd::sim::sim_years(params);
  DeviceBuffer<hd::sim::SimCohortFirm> d_firms(params.firms);
  DeviceBuffer<hd::sim::SimFirmYear> d_years(static_cast<std::size_t>(params.firms) * span);
  constexpr unsigned kThreads = 128;
  sim_cohort_kernel<<<blocks_for(params.firms, kThreads), kThreads>>>(params, span, d_firms.data(),
                                                                      d_years.data());
  KLYNGE_CUDA_CHECK(cudaGetLastError());
  d_firms.copy_to(firms);  // waits for this thread's stream only, not other threads' datasets
  d_years.copy_to(years);
}

}  // namespace klynge::cuda
