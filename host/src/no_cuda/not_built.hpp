// The one line every CUDA entry point of a build without the CUDA backend answers with.
#pragma once

#include "klynge/error.hpp"

namespace klynge::cuda {

[[noreturn]] inline void not_built() {
  throw_usage_error(
      "--device cuda: this klynge was built without the CUDA backend (nvcc was not found at "
      "build time); use --device cpu, or rebuild on a machine with the CUDA toolkit");
}

}  // namespace klynge::cuda
