// The CUDA permutation launcher, twin of host/src/cpu/permutation.cpp: the host-built blocks,
// cells and records are uploaded once; batches of replicates (or exact relabeling ranks) run
// one per GPU thread through the same functor as the OpenMP loop, each thread with its own
// bitmap and scratch. A relabeling is a pure function of (seed, analysis, replicate) or of its
// rank, so the relabelings are the CPU's and the statistics equal the CPU's
// (tests/gpu/permutation_matches_cpu.cpp).
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "cuda_check.hpp"
#include "device_arrays.hpp"
#include "klynge/engine/cuda_backend.hpp"
#include "klynge/hd/permutation_replicate.hpp"

namespace klynge::cuda {
namespace {

// Per-replicate scratch sizes, in elements of each array's type.
struct PermScratchShape {
  std::size_t label, taken, cell, sorted, cells, chosen, member_sums, drawn_sums;
  __host__ __device__ std::size_t doubles() const { return 2 * cell + 2 * sorted + 4 * cells; }
  __host__ __device__ std::size_t sums() const { return member_sums + drawn_sums; }
  std::size_t bytes() const {
    return label + taken * 8 + doubles() * 8 + sums() * sizeof(hd::PermSums) + chosen * 4;
  }
};

PermScratchShape scratch_shape(const engine::PermData& d) {
  const bool general = !d.view.fast;
  PermScratchShape s{};
  s.label = general ? std::max<std::size_t>(d.view.contributions, 1) : 1;
  s.taken = std::max<std::size_t>((d.longest_block + 63) / 64, 1);
  s.cell = general ? std::max<std::uint32_t>(d.longest_cell, 1) : 1;
  s.sorted = general ? std::max<std::uint32_t>(d.longest_sorted, 1) : 1;
  s.cells = std::max<std::uint32_t>(d.view.cells, 1);
  s.chosen = std::max<std::uint64_t>(d.total_draws, 1);
  s.member_sums = s.cells * std::max<std::uint32_t>(d.view.metrics, 1);
  s.drawn_sums = std::max<std::uint32_t>(d.view.metrics, 1);
  return s;
}

struct PermScratchArrays {
  std::uint8_t* label;
  std::uint64_t* taken;
  double* doubles;
  hd::PermSums* sums;
  std::uint32_t* chosen;
};

__global__ void permutation_kernel(hd::PermView v, bool exact, std::uint64_t first, std::uint64_t n,
                                   PermScratchShape shape, PermScratchArrays arrays,
                                   std::uint32_t keys, double* key_tmp, double* values) {
  const std::uint64_t j = static_cast<std::uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (j >= n) return;
  hd::PermScratch sc;
  sc.label = arrays.label + j * shape.label;
  sc.taken = arrays.taken + j * shape.taken;
  double* dbl = arrays.doubles + j * shape.doubles();
  sc.member_count = dbl;
  sc.control_count = dbl + shape.cell;
  sc.sorted_member = dbl + 2 * shape.cell;
  sc.sorted_control = sc.sorted_member + shape.sorted;
  sc.cell_value = sc.sorted_control + shape.sorted;
  sc.cell_units = sc.cell_value + shape.cells;
  sc.cell_se2 = sc.cell_units + shape.cells;
  sc.cell_diff = sc.cell_se2 + shape.cells;
  sc.chosen = arrays.chosen + j * shape.chosen;
  sc.member_sums = arrays.sums + j * shape.sums();
  sc.drawn_sums = sc.member_sums + shape.member_sums;
  double* vals = key_tmp + j * keys;
  hd::permutation_replicate(v, first + j, exact, sc, vals);
  for (std::uint32_t k = 0; k < keys; ++k) values[k * n + j] = vals[k];
}

// Device copies of every array the view points to, made once per analysis (per PermData) and
// kept in PermData::device for its later ranges (checkpoint chunks, ranks' parts).
struct DevicePermData {
  int gpu = -1;
  Uploads up;
  hd::PermView v{};
};

const hd::PermView& device_copies(const engine::PermData& d, const BackendChoice& choice) {
  if (auto cached = std::static_pointer_cast<DevicePermData>(d.device);
      cached && cached->gpu == choice.gpu)
    return cached->v;
  auto dev = std::make_shared<DevicePermData>();
  dev->gpu = choice.gpu;
  Uploads& up = dev->up;
  hd::PermView& v = dev->v;
  v = d.view;
  v.block_begin = up.upload(d.block_begin);
  v.block_pos = up.upload(d.block_pos);
  v.block_members = up.upload(d.block_members);
  v.block_draw_offset = up.upload(d.block_draw_offset);
  v.block_radix = up.upload(d.block_radix);
  v.cell_begin = up.upload(d.cell_begin);
  v.cell_end = up.upload(d.cell_end);
  v.y = up.upload(d.y);
  v.w = up.upload(d.w);
  v.x0 = up.upload(d.x0);
  v.x1 = up.upload(d.x1);
  v.sorted_begin = up.upload(d.sorted_begin);
  v.sorted_y = up.upload(d.sorted_y);
  v.sorted_w = up.upload(d.sorted_w);
  v.sorted_index = up.upload(d.sorted_index);
  v.rec = up.upload(d.rec);
  v.center = up.upload(d.center);
  v.cell_totals = up.upload(d.cell_totals);
  v.block_totals = up.upload(d.block_totals);
  v.block_cell = up.upload(d.block_cell);
  d.device = dev;
  return dev->v;
}

}  // namespace

void permutation_range(const engine::PermData& d, const BackendChoice& choice, bool exact,
                       std::uint64_t first, std::uint64_t count, std::vector<double>& values) {
  const std::size_t keys = d.keys.size();
  values.assign(keys * count, 0.0);
  if (count == 0 || keys == 0) return;
  use_device(choice);

  const hd::PermView& v = device_copies(d, choice);

  const PermScratchShape shape = scratch_shape(d);
  const std::size_t per_replicate = shape.bytes() + 2 * keys * sizeof(double);
  RawDeviceMemory label, taken, doubles, sums, chosen, key_tmp, out;
  std::uint64_t batch = initial_batch(choice, count, per_replicate);
  batch = allocate_shrinking(batch, [&](std::uint64_t b) {
    cudaError_t s = label.allocate(b * shape.label);
    if (s == cudaSuccess) s = taken.allocate(b * shape.taken * sizeof(std::uint64_t));
    if (s == cudaSuccess) s = doubles.allocate(b * shape.doubles() * sizeof(double));
    if (s == cudaSuccess) s = sums.allocate(b * shape.sums() * sizeof(hd::PermSums));
    if (s == cudaSuccess) s = chosen.allocate(b * shape.chosen * sizeof(std::uint32_t));
    if (s == cudaSuccess) s = key_tmp.allocate(b * keys * sizeof(double));
    if (s == cudaSuccess) s = out.allocate(b * keys * sizeof(double));
    return s;
  });
  // Floyd's bitmaps must start clear; every replicate leaves its bitmap clear again.
  KLYNGE_CUDA_CHECK(cudaMemset(taken.as<void>(), 0, batch * shape.taken * sizeof(std::uint64_t)));
  const PermScratchArrays arrays{label.as<std::uint8_t>(), taken.as<std::uint64_t>(),
                                 doubles.as<double>(), sums.as<hd::PermSums>(),
                                 chosen.as<std::uint32_t>()};

  constexpr unsigned kThreads = 128;
  for (std::uint64_t done = 0; done < count; done += batch) {
    const std::uint64_t n = std::min(batch, count - done);
    permutation_kernel<<<blocks_for(n, kThreads), kThreads>>>(
        v, exact, first + done, n, shape, arrays, static_cast<std::uint32_t>(keys),
        key_tmp.as<double>(), out.as<double>());
    KLYNGE_CUDA_CHECK(cudaGetLastError());
    copy_rows(out.as<double>(), n, keys, values, count, done);
  }
}

}  // namespace klynge::cuda
