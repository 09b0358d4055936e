// The CUDA backend's launchers (cuda/bootstrap.cu, cuda/permutation.cu): the same replicate
// functors as the CPU backend — spread over warps on the dense bootstrap path and the permutation
// fast path, one GPU thread per replicate otherwise (docs/cuda.md) — on the arrays the host built
// once (engine::BootData, engine::PermData). A build without CUDA links stubs
// (host/src/no_cuda/cuda_backend.cpp) that throw Error(usage) with one clear line.
//
// Results land in the tables' layout: values[k * count + j] for key k, replicate first + j.
// Every CUDA call is checked: a failure is Error(internal) (exit 70) naming the call.
#pragma once

#include <cstdint>
#include <vector>

#include "klynge/backend.hpp"
#include "klynge/engine/boot_data.hpp"
#include "klynge/engine/perm_data.hpp"

namespace klynge::cuda {

// Bootstrap replicates [first, first + count): values and welch_se, keys x count each.
void bootstrap_range(const engine::BootData& data, const BackendChoice& choice, std::uint64_t first,
                     std::uint64_t count, std::vector<double>& values,
                     std::vector<double>& welch_se);

// Makes the device copies of the arrays now (they are kept in data.device and serve every
// later range); the calling thread's default stream carries the copies, so another thread's
// kernels keep running meanwhile.
void stage_bootstrap(const engine::BootData& data, const BackendChoice& choice);
void stage_permutations(const engine::PermData& data, const BackendChoice& choice);

// Permutation replicates (or exact relabeling ranks) [first, first + count): keys x count.
void permutation_range(const engine::PermData& data, const BackendChoice& choice, bool exact,
                       std::uint64_t first, std::uint64_t count, std::vector<double>& values);

}  // namespace klynge::cuda
