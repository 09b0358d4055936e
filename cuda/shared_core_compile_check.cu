// Compiles the shared host/device replicate functors for the device on every build with nvcc,
// so CI (which has nvcc but no GPU) proves the one-source-two-compilers promise of DESIGN.md §2
// before the CUDA launchers exist. The kernels below are never launched; the CUDA backend
// issue replaces them with real launchers that the GPU tests compare against the CPU.
#include <cstdint>

#include "klynge/hd/bootstrap_fused.hpp"
#include "klynge/hd/bootstrap_replicate.hpp"
#include "klynge/hd/permutation_replicate.hpp"

namespace klynge::cuda {

__global__ void compile_check_bootstrap(hd::BootView view, hd::FusedView fused,
                                        hd::DenseView dense, hd::BootScratch scratch,
                                        double* acc, double* values, double* se) {
  const std::uint32_t replicate = blockIdx.x * blockDim.x + threadIdx.x;
  hd::bootstrap_replicate(view, replicate, scratch, values, se);
  hd::fused_replicate(view, fused, replicate, acc, values, se);
  hd::dense_replicate(view, fused, dense, replicate, acc, values, se);
}

__global__ void compile_check_permutation(hd::PermView view, hd::PermScratch scratch,
                                          double* values) {
  const std::uint64_t index = blockIdx.x * static_cast<std::uint64_t>(blockDim.x) + threadIdx.x;
  hd::permutation_replicate(view, index, false, scratch, values);
}

}  // namespace klynge::cuda
