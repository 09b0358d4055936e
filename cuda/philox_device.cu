#include "cuda_check.hpp"
#include "device_buffer.hpp"
#include "philox_device.hpp"

namespace klynge::cuda {

namespace {

__global__ void raw_philox_kernel(const hd::Words4* counters, const std::uint64_t* keys,
                                  hd::Words4* out, std::size_t n) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= n) return;
  const std::uint32_t key[2] = {static_cast<std::uint32_t>(keys[i]),
                                static_cast<std::uint32_t>(keys[i] >> 32)};
  out[i] = hd::philox4x32_10(counters[i].w, key);
}

__global__ void philox_stream_kernel(std::uint64_t seed, std::uint32_t stream,
                                     std::uint32_t purpose, std::uint32_t block,
                                     hd::Words4* out, std::uint32_t n) {
  const std::uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  out[i] = hd::philox_words(seed, hd::DrawKey{stream, purpose, i, block});
}

unsigned blocks_for(std::size_t n, unsigned threads) {
  return static_cast<unsigned>((n + threads - 1) / threads);
}

}  // namespace

std::vector<hd::Words4> philox4x32_10_on_device(const std::vector<hd::Words4>& counters,
                                                const std::vector<std::uint64_t>& keys) {
  const std::size_t n = counters.size();
  std::vector<hd::Words4> result(n);
  if (n == 0) return result;
  DeviceBuffer<hd::Words4> d_counters(counters), d_out(n);
  DeviceBuffer<std::uint64_t> d_keys(keys);
  constexpr unsigned kThreads = 256;
  raw_philox_kernel<<<blocks_for(n, kThreads), kThreads>>>(d_counters.data(), d_keys.data(),
                                                            d_out.data(), n);
  KLYNGE_CUDA_CHECK(cudaGetLastError());
  d_out.copy_to(result);
  return result;
}

std::vector<hd::Words4> philox_stream_on_device(std::uint64_t seed, std::uint32_t stream,
                                                std::uint32_t purpose, std::uint32_t block,
                                                std::uint32_t count) {
  std::vector<hd::Words4> result(count);
  if (count == 0) return result;
  DeviceBuffer<hd::Words4> d_out(count);
  constexpr unsigned kThreads = 256;
  philox_stream_kernel<<<blocks_for(count, kThreads), kThreads>>>(seed, stream, purpose, block,
                                                                   d_out.data(), count);
  KLYNGE_CUDA_CHECK(cudaGetLastError());
  d_out.copy_to(result);
  return result;
}

}  // namespace klynge::cuda
