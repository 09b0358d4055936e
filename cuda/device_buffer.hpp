// Owning device memory for trivially copyable elements; every allocation and copy checked.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <vector>

#include "cuda_check.hpp"

namespace klynge::cuda {

template <typename T>
class DeviceBuffer {
 public:
  explicit DeviceBuffer(std::size_t n) : size_(n) {
    if (n > 0) KLYNGE_CUDA_CHECK(cudaMalloc(&data_, n * sizeof(T)));
  }
  explicit DeviceBuffer(const std::vector<T>& host) : DeviceBuffer(host.size()) {
    if (size_ > 0)
      KLYNGE_CUDA_CHECK(cudaMemcpy(data_, host.data(), size_ * sizeof(T), cudaMemcpyHostToDevice));
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  ~DeviceBuffer() {
    if (data_) cudaFree(data_);  // cannot throw from a destructor; a failure here is reported
                                 // by the next checked call
  }

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
};

}  // namespace klynge::cuda
