// Owning device memory for trivially copyable elements; every allocation and copy checked.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <vector>

#include "cuda_check.hpp"

namespace klynge::cuda {

// Device memory is taken from the device's stream-ordered pool (cudaMallocAsync / cudaFreeAsync
// on the calling thread's default stream) where the device has one: cudaFree synchronises the
// whole device, so with plain cudaMalloc/cudaFree every host thread that finished a dataset
// (`power --device cuda`) or a batch comparison would wait for the other threads' kernels.
// Memory a thread allocated is usable by other threads' streams once that thread synchronised
// its stream (stage_bootstrap/stage_permutations do); a free is ordered after the freeing
// thread's own work, and every launcher waits for its kernels (the copy back) before returning.
inline bool device_has_memory_pools() {
  int device = 0, pools = 0;
  if (cudaGetDevice(&device) != cudaSuccess ||
      cudaDeviceGetAttribute(&pools, cudaDevAttrMemoryPoolsSupported, device) != cudaSuccess) {
    cudaGetLastError();
    return false;
  }
  return pools != 0;
}

// Returns the allocation's status (cudaErrorMemoryAllocation when it does not fit); *pooled says
// how to free it.
inline cudaError_t device_allocate(void** p, std::size_t bytes, bool* pooled) {
  *pooled = device_has_memory_pools();
  return *pooled ? cudaMallocAsync(p, bytes, cudaStreamPerThread) : cudaMalloc(p, bytes);
}

// Cannot throw (destructors): a failure here is reported by the next checked call.
inline void device_release(void* p, bool pooled) {
  if (!p) return;
  if (pooled)
    cudaFreeAsync(p, cudaStreamPerThread);
  else
    cudaFree(p);
}

template <typename T>
class DeviceBuffer {
 public:
  explicit DeviceBuffer(std::size_t n) : size_(n) {
    if (n > 0) {
      void* p = nullptr;
      KLYNGE_CUDA_CHECK(device_allocate(&p, n * sizeof(T), &pooled_));
      data_ = static_cast<T*>(p);
    }
  }
  explicit DeviceBuffer(const std::vector<T>& host) : DeviceBuffer(host.size()) {
    if (size_ > 0)
      KLYNGE_CUDA_CHECK(cudaMemcpy(data_, host.data(), size_ * sizeof(T), cudaMemcpyHostToDevice));
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  ~DeviceBuffer() { device_release(data_, pooled_); }

  T* data() { return data_; }
  std::size_t size() const { return size_; }

  // Synchronous copy back; waits for the kernels on the default stream.
  void copy_to(std::vector<T>& host) const {
    host.resize(size_);
    if (size_ > 0)
      KLYNGE_CUDA_CHECK(cudaMemcpy(host.data(), data_, size_ * sizeof(T), cudaMemcpyDeviceToHost));
  }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
  bool pooled_ = false;
};

}  // namespace klynge::cuda
