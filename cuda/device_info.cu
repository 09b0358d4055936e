// Device discovery for `klynge info` and backend choice. Every CUDA call is checked; a missing
// driver or device is reported as a reason, never as a crash.
#include <cuda_runtime.h>

#include <string>

#include "klynge/device_info.hpp"

namespace klynge {

CudaStatus query_cuda() {
  CudaStatus status;
  status.built = true;
  cudaRuntimeGetVersion(&status.runtime_version);
  if (cudaDriverGetVersion(&status.driver_version) != cudaSuccess || status.driver_version == 0) {
    status.problem = "no NVIDIA driver found";
    return status;
  }
  int count = 0;
  cudaError_t err = cudaGetDeviceCount(&count);
  if (err != cudaSuccess) {
    status.problem = std::string("no usable CUDA device: ") + cudaGetErrorString(err);
    cudaGetLastError();  // clear the sticky-free error so later calls start clean
    return status;
  }
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, i) != cudaSuccess) {
      cudaGetLastError();  // clear it: a later launch check would report it as its own
      continue;
    }
    status.devices.push_back(CudaDevice{i, prop.name, prop.totalGlobalMem, prop.major, prop.minor});
  }
  if (status.devices.empty()) status.problem = "no CUDA device visible";
  return status;
}

}  // namespace klynge
