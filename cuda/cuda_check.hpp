// Every CUDA runtime call goes through KLYNGE_CUDA_CHECK: a failure becomes one clear
// klynge::Error with exit code 70 naming the call site, never a silent wrong answer.
#pragma once

#include <cuda_runtime.h>

#include <string>

#include "klynge/error.hpp"

namespace klynge::cuda {

inline void check(cudaError_t status, const char* what, const char* file, int line) {
  if (status == cudaSuccess) return;
  throw Error(ExitCode::internal, std::string("CUDA error in ") + what + " (" + file + ":" +
                                      std::to_string(line) + "): " + cudaGetErrorString(status));
}

}  // namespace klynge::cuda

#define KLYNGE_CUDA_CHECK(call) ::klynge::cuda::check((call), #call, __FILE__, __LINE__)
