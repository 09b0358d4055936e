// Linked only into builds without the CUDA backend: --device cuda fails with one clear line.
#include "klynge/engine/cuda_backend.hpp"

#include "klynge/error.hpp"

namespace klynge::cuda {
namespace {

[[noreturn]] void not_built() {
  throw_usage_error(
      "--device cuda: this klynge was built without the CUDA backend (nvcc was not found at "
      "build time); use --device cpu, or rebuild on a machine with the CUDA toolkit");
}

}  // namespace

void bootstrap_range(const engine::BootData&, const BackendChoice&, std::uint64_t, std::uint64_t,
                     std::vector<double>&, std::vector<double>&) {
  not_built();
}

void stage_bootstrap(const engine::BootData&, const BackendChoice&) {
  not_built();
}

void stage_permutations(const engine::PermData&, const BackendChoice&) {
  not_built();
}

void permutation_range(const engine::PermData&, const BackendChoice&, bool, std::uint64_t,
                       std::uint64_t, std::vector<double>&) {
  not_built();
}

}  // namespace klynge::cuda
