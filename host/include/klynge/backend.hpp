// Which backend runs the replicates of an analysis (DESIGN.md §2). Both compute the same
// replicates from the same seed; the choice never changes which draws a replicate makes.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace klynge {

enum class Backend { cpu, cuda };

struct BackendChoice {
  Backend backend = Backend::cpu;
  int gpu = 0;  // CUDA device index among the visible devices (CUDA_VISIBLE_DEVICES applies)
  // CUDA: replicates per launch; 0 = as many as fit in half the free device memory. An
  // allocation failure halves it and retries. Results never depend on it (tested).
  std::uint64_t batch = 0;
  // CUDA: host threads that launch on the device at the same time (power's datasets); each
  // launch's batch takes at most its share of the free memory. Results never depend on it.
  std::uint32_t sharers = 1;
};

std::string_view backend_name(Backend backend);

}  // namespace klynge
