// Plumbing shared by the launchers: device choice, uploads of the host-built arrays, and the
// batch size of a launch (how many replicates run at once) with shrinking on out-of-memory.
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cuda_check.hpp"
#include "device_buffer.hpp"
#include "klynge/backend.hpp"
#include "klynge/engine/batch_fit.hpp"

namespace klynge::cuda {

// Selects choice.gpu among the visible devices, or fails with one clear line (exit 64).
inline void use_device(const BackendChoice& choice) {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess || count == 0) {
    cudaGetLastError();
    throw Error(ExitCode::usage, "--device cuda: no usable CUDA device (see `klynge info`)");
  }
  if (choice.gpu < 0 || choice.gpu >= count)
    throw Error(ExitCode::usage, "--gpu " + std::to_string(choice.gpu) + ": only " +
                                     std::to_string(count) +
                                     " CUDA device(s) visible (CUDA_VISIBLE_DEVICES applies)");
  KLYNGE_CUDA_CHECK(cudaSetDevice(choice.gpu));
}

// Owns the device copies of a view's arrays; upload() returns the device pointer of a copy.
class Uploads {
 public:
  template <typename T>
  const T* upload(const std::vector<T>& host) {
    if (host.empty()) return nullptr;
    auto buffer = std::make_shared<DeviceBuffer<T>>(host);
    const T* p = buffer->data();
    keep_.push_back(std::move(buffer));
    return p;
  }

 private:
  std::vector<std::shared_ptr<void>> keep_;
};

// Replicates per launch: the requested batch, else as many as fit in this thread's share of
// half the free memory at `bytes_per_replicate` each (engine::batch_that_fits).
inline std::uint64_t initial_batch(const BackendChoice& choice, std::uint64_t count,
                                   std::size_t bytes_per_replicate) {
  if (count == 0) return 0;
  if (choice.batch > 0) return std::min<std::uint64_t>(choice.batch, count);
  std::size_t free_bytes = 0, total = 0;
  KLYNGE_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total));
  return engine::batch_that_fits(free_bytes, bytes_per_replicate, count, choice.sharers);
}

// Allocates per-batch scratch; on cudaErrorMemoryAllocation halves the batch and tries again
// (the error is cleared), so a large B never fails for memory while one replicate fits.
template <typename Allocate>
std::uint64_t allocate_shrinking(std::uint64_t batch, Allocate&& allocate) {
  for (;;) {
    const cudaError_t status = allocate(batch);
    if (status == cudaSuccess) return batch;
    if (status != cudaErrorMemoryAllocation || batch == 1)
      check(status, "scratch allocation", __FILE__, __LINE__);
    cudaGetLastError();
    batch = (batch + 1) / 2;
  }
}

// Copies a keys x n block (row pitch n) into a host table of keys x count at column `column`.
inline void copy_rows(const double* device, std::uint64_t n, std::size_t keys,
                      std::vector<double>& host, std::uint64_t count, std::uint64_t column) {
  if (keys == 0 || n == 0) return;
  // cudaMemcpy2D refuses pitches above the device's memPitch (2^31 - 1 bytes on current cards):
  // a range of more than 2^28 replicates goes row by row.
  constexpr std::uint64_t kMaxPitch = 2147483647u;
  if (count * sizeof(double) > kMaxPitch || n * sizeof(double) > kMaxPitch) {
    for (std::size_t k = 0; k < keys; ++k)
      KLYNGE_CUDA_CHECK(cudaMemcpy(host.data() + k * count + column, device + k * n,
                                   n * sizeof(double), cudaMemcpyDeviceToHost));
    return;
  }
  KLYNGE_CUDA_CHECK(cudaMemcpy2D(host.data() + column, count * sizeof(double), device,
                                 n * sizeof(double), n * sizeof(double), keys,
                                 cudaMemcpyDeviceToHost));
}

inline unsigned blocks_for(std::uint64_t threads, unsigned per_block) {
  return static_cast<unsigned>((threads + per_block - 1) / per_block);
}

}  // namespace klynge::cuda

namespace klynge::cuda {

// Untyped device memory that can be (re)allocated with a status instead of an exception, for
// allocate_shrinking.
class RawDeviceMemory {
 public:
  RawDeviceMemory() = default;
  RawDeviceMemory(const RawDeviceMemory&) = delete;
  RawDeviceMemory& operator=(const RawDeviceMemory&) = delete;
  ~RawDeviceMemory() { release(); }

  cudaError_t allocate(std::size_t bytes) {
    release();
    if (bytes == 0) return cudaSuccess;
    const cudaError_t status = device_allocate(&data_, bytes, &pooled_);
    if (status != cudaSuccess) data_ = nullptr;
    return status;
  }
  template <typename T>
  T* as(std::size_t byte_offset = 0) const {
    return reinterpret_cast<T*>(static_cast<char*>(data_) + byte_offset);
  }

 private:
  void release() {
    device_release(data_, pooled_);
    data_ = nullptr;
  }
  void* data_ = nullptr;
  bool pooled_ = false;
};

}  // namespace klynge::cuda
