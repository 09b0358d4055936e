// What this build can run on: the CUDA backend's presence and the visible devices.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace klynge {

struct CudaDevice {
  int index = 0;
  std::string name;
  std::size_t memory_bytes = 0;
  int compute_major = 0;
  int compute_minor = 0;
};

struct CudaStatus {
  bool built = false;           // the CUDA backend was compiled into this binary
  int runtime_version = 0;      // cudaRuntimeGetVersion, 0 when not built
  int driver_version = 0;       // cudaDriverGetVersion, 0 when no driver
  std::string problem;          // why no device is usable (empty when some are)
  std::vector<CudaDevice> devices;
};

// Never throws: a machine without a driver or device reports it in `problem`.
CudaStatus query_cuda();

}  // namespace klynge
