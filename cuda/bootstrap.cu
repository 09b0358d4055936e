// The CUDA bootstrap launcher, twin of host/src/cpu/bootstrap.cpp: the host-built arrays are
// uploaded once, then batches of replicates run one per GPU thread through the same functor
// the OpenMP loop calls (dense, fused or count path, chosen by the host from the data). A
// replicate is a pure function of (seed, analysis, replicate) and its sums run in the
// functor's fixed order, so each value equals the CPU's (tests/gpu/bootstrap_matches_cpu.cpp).
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "cuda_check.hpp"
#include "device_arrays.hpp"
#include "klynge/engine/cuda_backend.hpp"
#include "klynge/hd/bootstrap_fused.hpp"
#include "klynge/hd/bootstrap_replicate.hpp"

namespace klynge::cuda {
namespace {

enum BootPath : int { kCountPath = 0, kFusedPath = 1, kDensePath = 2 };

// Per-replicate scratch, in doubles, of the count path (BootScratch's arrays laid end to end)
// or of the fused/dense accumulators; the cell moments follow as their own array.
struct BootScratchShape {
  std::size_t firms, segment, cells, doubles, moments;
};

BootScratchShape scratch_shape(const engine::BootData& d, int path) {
  BootScratchShape s{};
  s.cells = std::max<std::size_t>(d.view.cells, 1);
  if (path == kCountPath) {
    s.firms = d.view.firms;
    s.segment = std::max<std::uint32_t>(d.max_segment, 1);
    s.doubles = 2 * s.firms + 2 * s.segment + s.cells * hd::kBootStatistics + 2 * s.cells;
    s.moments = 2 * s.cells;
  } else {
    s.doubles = static_cast<std::size_t>(d.fused_view.segments) * hd::kFusedAccumulators;
    s.moments = 0;
  }
  s.doubles = std::max<std::size_t>(s.doubles, 1);
  return s;
}

__global__ void bootstrap_kernel(hd::BootView v, hd::FusedView fv, hd::DenseView dv, int path,
                                 std::uint32_t first, std::uint32_t n, BootScratchShape shape,
                                 double* scratch, hd::Moments* moments, std::uint32_t keys,
                                 double* key_tmp, double* values, double* welch_se) {
  const std::uint64_t j = static_cast<std::uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (j >= n) return;
  const std::uint32_t replicate = first + static_cast<std::uint32_t>(j);
  double* my = scratch + j * shape.doubles;
  double* vals = key_tmp + j * 2 * keys;
  double* se = vals + keys;
  if (path == kDensePath) {
    hd::dense_replicate(v, fv, dv, replicate, my, vals, se);
  } else if (path == kFusedPath) {
    hd::fused_replicate(v, fv, replicate, my, vals, se);
  } else {
    hd::BootScratch sc;
    sc.firm_count = my;
    sc.influence = my + shape.firms;
    sc.seg_counts = my + 2 * shape.firms;
    sc.sorted_counts = sc.seg_counts + shape.segment;
    sc.cell_values = sc.sorted_counts + shape.segment;
    sc.cell_se = sc.cell_values + shape.cells * hd::kBootStatistics;
    sc.member_units = sc.cell_se + shape.cells;
    sc.cell_moments = moments + j * shape.moments;
    hd::bootstrap_replicate(v, replicate, sc, vals, se);
  }
  for (std::uint32_t k = 0; k < keys; ++k) {
    values[k * static_cast<std::uint64_t>(n) + j] = vals[k];
    welch_se[k * static_cast<std::uint64_t>(n) + j] = se[k];
  }
}

}  // namespace

void bootstrap_range(const engine::BootData& d, const BackendChoice& choice, std::uint64_t first,
                     std::uint64_t count, std::vector<double>& values,
                     std::vector<double>& welch_se) {
  const std::size_t keys = d.keys.size();
  values.assign(keys * count, 0.0);
  welch_se.assign(keys * count, 0.0);
  if (count == 0 || keys == 0) return;
  use_device(choice);
  const int path = d.dense ? kDensePath : d.fused ? kFusedPath : kCountPath;

  // Device copies of every array the views point to.
  Uploads up;
  hd::BootView v = d.view;
  v.seg_begin = up.upload(d.seg_begin);
  v.y = up.upload(d.y);
  v.w = up.upload(d.w);
  v.x0 = up.upload(d.x0);
  v.x1 = up.upload(d.x1);
  v.firm = up.upload(d.firm);
  v.ys = up.upload(d.ys);
  v.ws = up.upload(d.ws);
  v.sorted_firm = up.upload(d.sorted_firm);
  v.group_unit_begin = up.upload(d.group_unit_begin);
  v.unit_firm_begin = up.upload(d.unit_firm_begin);
  v.unit_firms = up.upload(d.unit_firms);
  hd::FusedView fv = d.fused_view;
  hd::DenseView dv = d.dense_view;
  if (d.fused) {
    fv.unit_record_begin = up.upload(d.unit_record_begin);
    fv.records = up.upload(d.records);
    fv.center = up.upload(d.center);
  }
  if (d.dense) {
    dv.d = up.upload(d.dense_d);
    dv.group_segment = up.upload(d.group_segment);
  }

  const BootScratchShape shape = scratch_shape(d, path);
  const std::size_t per_replicate = shape.doubles * sizeof(double) +
                                    shape.moments * sizeof(hd::Moments) +
                                    4 * keys * sizeof(double);
  RawDeviceMemory scratch, moments, key_tmp, out;
  std::uint64_t batch = initial_batch(choice, count, per_replicate);
  batch = allocate_shrinking(batch, [&](std::uint64_t b) {
    cudaError_t s = scratch.allocate(b * shape.doubles * sizeof(double));
    if (s == cudaSuccess) s = moments.allocate(b * shape.moments * sizeof(hd::Moments));
    if (s == cudaSuccess) s = key_tmp.allocate(b * 2 * keys * sizeof(double));
    if (s == cudaSuccess) s = out.allocate(b * 2 * keys * sizeof(double));
    return s;
  });
  // The count path's influence array must start zeroed (the functor leaves it zeroed).
  KLYNGE_CUDA_CHECK(cudaMemset(scratch.as<void>(), 0, batch * shape.doubles * sizeof(double)));

  constexpr unsigned kThreads = 128;
  for (std::uint64_t done = 0; done < count; done += batch) {
    const std::uint64_t n = std::min(batch, count - done);
    double* dev_values = out.as<double>();
    double* dev_se = dev_values + n * keys;
    bootstrap_kernel<<<blocks_for(n, kThreads), kThreads>>>(
        v, fv, dv, path, static_cast<std::uint32_t>(first + done), static_cast<std::uint32_t>(n),
        shape, scratch.as<double>(), moments.as<hd::Moments>(), static_cast<std::uint32_t>(keys),
        key_tmp.as<double>(), dev_values, dev_se);
    KLYNGE_CUDA_CHECK(cudaGetLastError());
    copy_rows(dev_values, n, keys, values, count, done);
    copy_rows(dev_se, n, keys, welch_se, count, done);
  }
}

}  // namespace klynge::cuda
