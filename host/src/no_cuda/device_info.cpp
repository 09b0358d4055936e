// Linked only into builds without the CUDA backend.
#include "klynge/device_info.hpp"

namespace klynge {

CudaStatus query_cuda() {
  CudaStatus status;
  status.problem = "this klynge was built without the CUDA backend (nvcc was not found at build time)";
  return status;
}

}  // namespace klynge
