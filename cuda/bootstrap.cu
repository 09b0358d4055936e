// The CUDA bootstrap launcher, twin of host/src/cpu/bootstrap.cpp: the host-built arrays are
// uploaded once, then batches of replicates run on the device (path chosen by the host from
// the data). The fused path runs one replicate per GPU thread through the same functor the
// OpenMP loop calls; the count path one replicate per warp through the same functor run by a
// team of 32 lanes (hd/team.hpp; the CPU runs it with one lane). The dense path (unweighted
// window design, the common case) spreads each replicate over many warps
// (hd/dense_items.hpp): one warp per chunked group draws the chunk tree, one warp per work item
// (a chunk, or a whole small group) sums its draws' rows with the lanes sharing the Philox
// blocks, one thread per replicate adds the items in order and computes the statistics. The
// draws are the CPU's (Bayesian Exp(1) draws up to the last bits of CUDA's and glibc's log);
// sums differ only in order (tests/gpu/bootstrap_matches_cpu.cpp: 1e-12).
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "cuda_check.hpp"
#include "device_arrays.hpp"
#include "klynge/engine/cuda_backend.hpp"
#include "klynge/hd/bootstrap_fused.hpp"
#include "klynge/hd/bootstrap_replicate.hpp"
#include "klynge/hd/dense_items.hpp"

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
    s.doubles = hd::fused_scratch_doubles(d.fused_view);
    s.moments = 0;
  }
  s.doubles = std::max<std::size_t>(s.doubles, 1);
  return s;
}

// Writes one replicate's key values into the key-major output block (row pitch n).
__device__ void store_keys(std::uint64_t j, std::uint32_t n, std::uint32_t keys, const double* vals,
                           const double* se, double* values, double* welch_se) {
  for (std::uint32_t k = 0; k < keys; ++k) {
    values[k * static_cast<std::uint64_t>(n) + j] = vals[k];
    welch_se[k * static_cast<std::uint64_t>(n) + j] = se[k];
  }
}

// The fused path: one thread per replicate.
__global__ void fused_kernel(hd::BootView v, hd::FusedView fv, std::uint32_t first, std::uint32_t n,
                             BootScratchShape shape, double* scratch, std::uint32_t keys,
                             double* key_tmp, double* values, double* welch_se) {
  const std::uint64_t j = static_cast<std::uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (j >= n) return;
  double* vals = key_tmp + j * 2 * keys;
  double* se = vals + keys;
  hd::fused_replicate(v, fv, first + static_cast<std::uint32_t>(j), scratch + j * shape.doubles,
                      vals, se);
  store_keys(j, n, keys, vals, se, values, welch_se);
}

constexpr unsigned kWarp = 32;
constexpr unsigned kFullMask = 0xFFFFFFFFu;

// A plane's ones counted by the 32 lanes of a warp, each lane its share of the Philox blocks,
// added by a butterfly so every lane gets the total (integers: order-free).
struct WarpPlaneCounter {
  std::uint32_t lane;
  KLYNGE_HD std::uint32_t operator()(const hd::NodeWords& at, std::uint64_t position,
                                     std::uint32_t bits) const {
#if defined(__CUDA_ARCH__)
    std::uint32_t ones = hd::plane_ones_of_lane(at, position, bits, lane, kWarp);
    for (int offset = 16; offset > 0; offset >>= 1)
      ones += __shfl_xor_sync(kFullMask, ones, offset);
    return ones;
#else
    return hd::SerialPlaneCounter{}(at, position, bits);  // nvcc's host pass; never called
#endif
  }
};

// The 32 lanes of a warp as a team (hd/team.hpp). sum() is the butterfly whose order
// hd::butterfly_sum writes down; scans are only taken of integers. The bodies exist for the
// device pass only (nvcc's host pass compiles the templates that call them, never runs them).
struct WarpTeam {
  std::uint32_t lane_;
  KLYNGE_HD std::uint32_t lane() const { return lane_; }
  KLYNGE_HD std::uint32_t lanes() const { return kWarp; }
  KLYNGE_HD void sync() const {
#if defined(__CUDA_ARCH__)
    __syncwarp();  // also orders the lanes' memory accesses
#endif
  }
  KLYNGE_HD double sum(double x) const {
#if defined(__CUDA_ARCH__)
    for (int offset = kWarp / 2; offset > 0; offset >>= 1)
      x += __shfl_xor_sync(kFullMask, x, offset);
#endif
    return x;
  }
  KLYNGE_HD double scan(double x) const {
#if defined(__CUDA_ARCH__)
    double inclusive = x;
    for (unsigned offset = 1; offset < kWarp; offset <<= 1) {
      const double below = __shfl_up_sync(kFullMask, inclusive, offset);
      if (lane_ >= offset) inclusive += below;
    }
    return inclusive - x;
#else
    return 0.0 * x;
#endif
  }
  KLYNGE_HD std::uint32_t first_lane(bool flag) const {
#if defined(__CUDA_ARCH__)
    const unsigned set = __ballot_sync(kFullMask, flag);
    return set ? static_cast<std::uint32_t>(__ffs(set) - 1) : kWarp;
#else
    return flag ? 0u : kWarp;
#endif
  }
  KLYNGE_HD double broadcast(double x, std::uint32_t from) const {
#if defined(__CUDA_ARCH__)
    return __shfl_sync(kFullMask, x, static_cast<int>(from));
#else
    (void)from;
    return x;
#endif
  }
  KLYNGE_HD void add(double* p, double x) const {
#if defined(__CUDA_ARCH__)
    // Integer counts, or at most two Bayesian weights per firm (its member unit and its control
    // unit): either way the same bits in any order.
    atomicAdd(p, x);
#else
    *p += x;
#endif
  }
};

KLYNGE_HD WarpPlaneCounter plane_counter_of(const WarpTeam& team) {
  return WarpPlaneCounter{team.lane_};
}

// The count path (medians, trimmed means, aggregate growth, cohort designs, cluster units): one
// warp per replicate running the shared functor with a WarpTeam (hd::team_bootstrap_replicate):
// the lanes share the draws (the same Philox words as one thread), the gathers and the sums of
// every segment, and place medians and trimming cuts exactly. Each replicate's scratch (a count
// and an influence per firm, a segment's counts) is the warp's alone.
__global__ void count_warp_kernel(hd::BootView v, std::uint32_t first, std::uint32_t n,
                                  BootScratchShape shape, double* scratch, hd::Moments* moments,
                                  std::uint32_t keys, bool want_se, double* key_tmp, double* values,
                                  double* welch_se) {
  const std::uint64_t j =
      (static_cast<std::uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x) / kWarp;
  const std::uint32_t lane = threadIdx.x % kWarp;
  if (j >= n) return;  // the whole warp: blockDim is a multiple of 32
  double* my = scratch + j * shape.doubles;
  hd::BootScratch sc;
  sc.firm_count = my;
  sc.influence = my + shape.firms;
  sc.seg_counts = my + 2 * shape.firms;
  sc.sorted_counts = sc.seg_counts + shape.segment;
  sc.cell_values = sc.sorted_counts + shape.segment;
  sc.cell_se = sc.cell_values + shape.cells * hd::kBootStatistics;
  sc.member_units = sc.cell_se + shape.cells;
  sc.cell_moments = moments + j * shape.moments;
  double* vals = key_tmp + j * 2 * keys;
  double* se = vals + keys;
  const WarpTeam team{lane};
  if (!want_se && lane == 0)
    for (std::uint32_t k = 0; k < keys; ++k) se[k] = hd::nan_value();
  hd::team_bootstrap_replicate(v, first + static_cast<std::uint32_t>(j), sc, vals,
                               want_se ? se : nullptr, team);
  team.sync();  // lane 0 wrote vals and se
  if (lane == 0) store_keys(j, n, keys, vals, se, values, welch_se);
}

// ---- The dense path, warp-cooperative (hd/dense_items.hpp) -------------------------------------

// Step 1: one warp per (replicate, chunked group) writes the group's chunk counts.
__global__ void dense_tree_kernel(hd::BootView v, hd::DenseItemsView iv, std::uint32_t first,
                                  std::uint32_t n, std::uint32_t* counts) {
  const std::uint64_t warp =
      (static_cast<std::uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x) / kWarp;
  const std::uint32_t lane = threadIdx.x % kWarp;
  const std::uint64_t j = warp / iv.chunked_count;
  if (j >= n) return;  // the whole warp: blockDim is a multiple of 32
  const std::uint32_t group = iv.chunked[warp % iv.chunked_count];
  hd::dense_leaf_counts(v, iv, group, first + static_cast<std::uint32_t>(j), WarpPlaneCounter{lane},
                        lane == 0, counts + j * iv.count);
}

// Step 2: one block per (tile of kTileReplicates replicates, item), one warp per replicate at a
// time. An item's rows — a chunk, or a whole group of at most kChunkUnits units (at most
// kChunkUnits x kStagedRowDoubles doubles: 48 KB) — are staged in shared memory once and serve
// every replicate of the tile, so the random gathers hit shared memory instead of L2; larger
// small groups, and records of more than four metrics, are read where they are. The lanes' draws
// and their fixed shuffle order are the same either way (hd::dense_item_lane_sums_from), so staging
// changes no bit of the result.
constexpr unsigned kTileWarps = 8;
// Doubles per staged row: kM values, or kM (d, w) pairs of a weighted sample while they fit the
// 48 KB of static shared memory (up to three metrics; weighted rows of four are read in place).
template <std::uint32_t kM>
constexpr std::uint32_t kStagedRowDoubles = 2 * kM < 6 ? 2 * kM : 6;
constexpr std::uint32_t kTileReplicates = 64;
constexpr std::uint32_t kMaxGridY = 65535;

template <std::uint32_t kM>
__global__ void dense_items_kernel(hd::BootView v, hd::DenseView dv, hd::DenseItemsView iv,
                                   std::uint32_t first, std::uint32_t n, std::uint32_t item_first,
                                   const std::uint32_t* counts, double* partial) {
  const std::uint32_t item = item_first + blockIdx.y;
  const std::uint32_t tile_first = blockIdx.x * kTileReplicates;
  const std::uint32_t tile_end = min(n, tile_first + kTileReplicates);
  const unsigned warp = threadIdx.x / kWarp, lane = threadIdx.x % kWarp;
  __shared__ double staged[kM > 0 ? hd::kChunkUnits * kStagedRowDoubles<kM> : 1];
  const std::uint32_t row = hd::dense_row_doubles(dv);
  const hd::DenseItem it = iv.items[item];
  const double* rows = dv.d + static_cast<std::uint64_t>(v.group_unit_begin[it.group]) * row;
  std::uint32_t rows_first = 0;
  const hd::ChunkRows c = hd::chunk_rows(v, iv, item);
  if (kM > 0 && row <= kStagedRowDoubles<kM> && c.size <= hd::kChunkUnits) {  // block-uniform
    const double* from = dv.d + (c.group_begin + c.first) * row;
    for (std::uint32_t x = threadIdx.x; x < c.size * row; x += blockDim.x) staged[x] = from[x];
    __syncthreads();
    rows = staged;
    rows_first = c.first;
  }
  const std::uint32_t width = hd::dense_item_width(dv);
  for (std::uint32_t j = tile_first + warp; j < tile_end; j += kTileWarps) {
    const std::uint32_t draws =
        hd::dense_item_draws(v, iv, item, counts + static_cast<std::uint64_t>(j) * iv.count);
    double sums[hd::kFusedAccumulators * hd::kDenseMaxMetrics + 1];
    hd::dense_item_lane_sums_from<kM>(v, dv, iv, item, draws, first + j, lane, kWarp, rows,
                                      rows_first, sums);
    double* out = partial + (static_cast<std::uint64_t>(j) * iv.count + item) * width;
    for (std::uint32_t k = 0; k < width; ++k) {
      double x = sums[k];
      for (int offset = 16; offset > 0; offset >>= 1) x += __shfl_down_sync(kFullMask, x, offset);
      if (lane == 0) out[k] = x;
    }
  }
}

// Step 2 for every item of replicates [first, first + n): grids of at most kMaxGridY items.
void launch_dense_items(const hd::BootView& v, const hd::DenseView& dv,
                        const hd::DenseItemsView& iv, std::uint32_t first, std::uint32_t n,
                        const std::uint32_t* counts, double* partial) {
  const unsigned tiles = (n + kTileReplicates - 1) / kTileReplicates;
  for (std::uint32_t item_first = 0; item_first < iv.count; item_first += kMaxGridY) {
    const dim3 grid(tiles, std::min(kMaxGridY, iv.count - item_first));
    const unsigned threads = kTileWarps * kWarp;
    switch (dv.metrics) {
      case 1:
        dense_items_kernel<1><<<grid, threads>>>(v, dv, iv, first, n, item_first, counts, partial);
        break;
      case 2:
        dense_items_kernel<2><<<grid, threads>>>(v, dv, iv, first, n, item_first, counts, partial);
        break;
      case 3:
        dense_items_kernel<3><<<grid, threads>>>(v, dv, iv, first, n, item_first, counts, partial);
        break;
      case 4:
        dense_items_kernel<4><<<grid, threads>>>(v, dv, iv, first, n, item_first, counts, partial);
        break;
      default:
        dense_items_kernel<0><<<grid, threads>>>(v, dv, iv, first, n, item_first, counts, partial);
        break;
    }
    KLYNGE_CUDA_CHECK(cudaGetLastError());
  }
}

// Step 3: one thread per replicate adds its items in order and computes the statistics.
__global__ void dense_finish_kernel(hd::BootView v, hd::FusedView fv, hd::DenseView dv,
                                    hd::DenseItemsView iv, std::uint32_t n, const double* partial,
                                    std::size_t acc_doubles, double* acc, std::uint32_t keys,
                                    double* key_tmp, double* values, double* welch_se) {
  const std::uint64_t j = static_cast<std::uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (j >= n) return;
  double* vals = key_tmp + j * 2 * keys;
  double* se = vals + keys;
  hd::dense_items_finish(v, fv, dv, iv, partial + j * iv.count * hd::dense_item_width(dv),
                         acc + j * acc_doubles, vals, se);
  store_keys(j, n, keys, vals, se, values, welch_se);
}

// Device copies of every array the views point to, made once per analysis (per BootData) and
// kept in BootData::device for its later ranges (checkpoint chunks, ranks' parts).
struct DeviceBootData {
  int gpu = -1;
  Uploads up;
  hd::BootView v{};
  hd::FusedView fv{};
  hd::DenseView dv{};
  hd::DenseItemsView iv{};
};

const DeviceBootData& device_copies(const engine::BootData& d, const BackendChoice& choice) {
  if (auto cached = std::static_pointer_cast<DeviceBootData>(d.device);
      cached && cached->gpu == choice.gpu)
    return *cached;
  auto dev = std::make_shared<DeviceBootData>();
  Uploads& up = dev->up;
  dev->gpu = choice.gpu;
  hd::BootView& v = dev->v;
  v = d.view;
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
  dev->fv = d.fused_view;
  dev->dv = d.dense_view;
  dev->iv = d.items_view;
  if (d.fused) {
    dev->fv.unit_record_begin = up.upload(d.unit_record_begin);
    dev->fv.records = up.upload(d.records);
    dev->fv.center = up.upload(d.center);
  }
  if (d.dense) {
    dev->dv.d = up.upload(d.dense_d);
    dev->dv.group_segment = up.upload(d.group_segment);
    dev->iv.items = up.upload(d.dense_items);
    dev->iv.group_first = up.upload(d.group_first_item);
    dev->iv.chunked = up.upload(d.chunked_groups);
  }
  d.device = dev;
  return *dev;
}

// The dense path's batches: step 1 (if any group is chunked), 2 and 3 per batch.
void dense_items_range(const hd::BootView& v, const hd::FusedView& fv, const hd::DenseView& dv,
                       const hd::DenseItemsView& iv, std::size_t acc_doubles, std::size_t keys,
                       const BackendChoice& choice, std::uint64_t first, std::uint64_t count,
                       std::vector<double>& values, std::vector<double>& welch_se) {
  const std::size_t width = hd::dense_item_width(dv);
  const std::size_t per_replicate = iv.count * (sizeof(std::uint32_t) + width * sizeof(double)) +
                                    acc_doubles * sizeof(double) + 4 * keys * sizeof(double);
  if (iv.count == 0) {  // no units: no statistic (and no division by the item count below)
    std::fill(values.begin(), values.end(), std::numeric_limits<double>::quiet_NaN());
    std::fill(welch_se.begin(), welch_se.end(), std::numeric_limits<double>::quiet_NaN());
    return;
  }
  constexpr unsigned kThreads = 128;
  // A launch has at most 2^31 - 1 blocks of kThreads threads, one warp per item.
  const std::uint64_t max_batch =
      std::max<std::uint64_t>(1, ((std::uint64_t{1} << 31) - 1) * (kThreads / kWarp) / iv.count);
  RawDeviceMemory counts, partial, acc, key_tmp, out;
  std::uint64_t batch = std::min(initial_batch(choice, count, per_replicate), max_batch);
  batch = allocate_shrinking(batch, [&](std::uint64_t b) {
    cudaError_t s = counts.allocate(b * iv.count * sizeof(std::uint32_t));
    if (s == cudaSuccess) s = partial.allocate(b * iv.count * width * sizeof(double));
    if (s == cudaSuccess) s = acc.allocate(b * acc_doubles * sizeof(double));
    if (s == cudaSuccess) s = key_tmp.allocate(b * 2 * keys * sizeof(double));
    if (s == cudaSuccess) s = out.allocate(b * 2 * keys * sizeof(double));
    return s;
  });
  for (std::uint64_t done = 0; done < count; done += batch) {
    const std::uint64_t n = std::min(batch, count - done);
    const auto first_replicate = static_cast<std::uint32_t>(first + done);
    const auto n32 = static_cast<std::uint32_t>(n);
    if (iv.chunked_count > 0) {
      // Chunks without draws are never written: start from zero.
      KLYNGE_CUDA_CHECK(cudaMemset(counts.as<void>(), 0, n * iv.count * sizeof(std::uint32_t)));
      dense_tree_kernel<<<blocks_for(n * iv.chunked_count * kWarp, kThreads), kThreads>>>(
          v, iv, first_replicate, n32, counts.as<std::uint32_t>());
      KLYNGE_CUDA_CHECK(cudaGetLastError());
    }
    launch_dense_items(v, dv, iv, first_replicate, n32, counts.as<std::uint32_t>(),
                       partial.as<double>());
    double* dev_values = out.as<double>();
    double* dev_se = dev_values + n * keys;
    dense_finish_kernel<<<blocks_for(n, kThreads), kThreads>>>(
        v, fv, dv, iv, n32, partial.as<double>(), acc_doubles, acc.as<double>(),
        static_cast<std::uint32_t>(keys), key_tmp.as<double>(), dev_values, dev_se);
    KLYNGE_CUDA_CHECK(cudaGetLastError());
    copy_rows(dev_values, n, keys, values, count, done);
    copy_rows(dev_se, n, keys, welch_se, count, done);
  }
}

}  // namespace

void stage_bootstrap(const engine::BootData& d, const BackendChoice& choice) {
  use_device(choice);
  device_copies(d, choice);
  // The copies ran on this thread's stream; the kernels will run on another thread's.
  KLYNGE_CUDA_CHECK(cudaStreamSynchronize(cudaStreamPerThread));
}

void bootstrap_range(const engine::BootData& d, const BackendChoice& choice, std::uint64_t first,
                     std::uint64_t count, std::vector<double>& values,
                     std::vector<double>& welch_se) {
  const std::size_t keys = d.keys.size();
  values.assign(keys * count, 0.0);
  welch_se.assign(keys * count, 0.0);
  if (count == 0 || keys == 0) return;
  use_device(choice);
  const int path = d.dense ? kDensePath : d.fused ? kFusedPath : kCountPath;
  const DeviceBootData& dev = device_copies(d, choice);
  const hd::BootView& v = dev.v;
  const hd::FusedView& fv = dev.fv;

  const BootScratchShape shape = scratch_shape(d, path);
  if (path == kDensePath) {
    dense_items_range(v, fv, dev.dv, dev.iv, shape.doubles, keys, choice, first, count, values,
                      welch_se);
    return;
  }
  const std::size_t per_replicate = shape.doubles * sizeof(double) +
                                    shape.moments * sizeof(hd::Moments) + 4 * keys * sizeof(double);
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
    const auto first32 = static_cast<std::uint32_t>(first + done);
    const auto n32 = static_cast<std::uint32_t>(n);
    if (path == kFusedPath)
      fused_kernel<<<blocks_for(n, kThreads), kThreads>>>(
          v, fv, first32, n32, shape, scratch.as<double>(), static_cast<std::uint32_t>(keys),
          key_tmp.as<double>(), dev_values, dev_se);
    else
      count_warp_kernel<<<blocks_for(n * kWarp, kThreads), kThreads>>>(
          v, first32, n32, shape, scratch.as<double>(), moments.as<hd::Moments>(),
          static_cast<std::uint32_t>(keys), d.replicate_se, key_tmp.as<double>(), dev_values,
          dev_se);
    KLYNGE_CUDA_CHECK(cudaGetLastError());
    copy_rows(dev_values, n, keys, values, count, done);
    copy_rows(dev_se, n, keys, welch_se, count, done);
  }
}

}  // namespace klynge::cuda
