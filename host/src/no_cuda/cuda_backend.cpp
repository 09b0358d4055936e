// Linked only into builds without the CUDA backend: --device cuda fails with one clear line.
#include "klynge/engine/cuda_backend.hpp"

#include "not_built.hpp"

namespace klynge::cuda {

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
