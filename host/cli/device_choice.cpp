#include "device_choice.hpp"

#include <fmt/format.h>

#include "klynge/device_info.hpp"
#include "klynge/error.hpp"

namespace klynge::cli {

BackendChoice choose_backend(const std::string& device, int gpu) {
  BackendChoice choice;
  choice.gpu = gpu;
  if (device == "cpu") return choice;
  const CudaStatus cuda = query_cuda();
  const bool usable = cuda.built && gpu >= 0 && static_cast<std::size_t>(gpu) < cuda.devices.size();
  if (device == "cuda" && !usable) {
    if (!cuda.problem.empty()) throw_usage_error("--device cuda: " + cuda.problem);
    throw_usage_error(fmt::format("--gpu {}: only {} CUDA device(s) visible (CUDA_VISIBLE_DEVICES "
                                  "applies; see `klynge info`)",
                                  gpu, cuda.devices.size()));
  }
  if (usable) choice.backend = Backend::cuda;
  return choice;
}

}  // namespace klynge::cli
