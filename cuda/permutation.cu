// The CUDA permutation launcher, twin of host/src/cpu/permutation.cpp: the host-built blocks,
// cells and records are uploaded once (cached in PermData::device). Monte Carlo replicates of
// the fast path (mean_diff, welch_t) run one warp per replicate: the 32 lanes take the steps of
// Floyd's sampler a batch at a time (hd::floyd_batch_take), each lane summing the records it
// takes, and the lanes' sums are added in the order the CPU adds them (hd/perm_sums.hpp).
// Everything else (exact enumeration, median, trimmed mean, agg_diff) runs one replicate per
// GPU thread through the same functor as the OpenMP loop. Either way a relabeling is a pure
// function of (seed, analysis, replicate) or of its rank and the statistics are the CPU's bit
// for bit (tests/gpu/permutation_matches_cpu.cpp).
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

using hd::PermScratchArrays;
using hd::PermScratchShape;

// Worker j's scratch: the layout the CPU backend uses (hd/perm_scratch.hpp).
__device__ hd::PermScratch scratch_of(const PermScratchShape& shape,
                                      const PermScratchArrays& arrays, std::uint64_t j) {
  return hd::perm_scratch_of(shape, arrays, j);
}

constexpr unsigned kFullMask = 0xFFFFFFFFu;

// Word `first + lane` of replicate r's permutation stream, for all 32 lanes at once: the (at
// most 9) Philox blocks the 32 positions span are computed by one lane each and handed out by
// shuffles, instead of every lane computing a whole block for one word.
__device__ std::uint32_t warp_permutation_word(const hd::PermView& v, std::uint32_t r,
                                               std::uint64_t first, unsigned lane) {
  const std::uint64_t first_block = first >> 2;
  const unsigned spanned = static_cast<unsigned>(((first + 31) >> 2) - first_block) + 1;
  hd::Words4 mine{{0, 0, 0, 0}};
  if (lane < spanned)
    mine = hd::philox_words(v.seed, hd::DrawKey{v.analysis, hd::kPurposePermutation, r,
                                                static_cast<std::uint32_t>(first_block + lane)});
  const std::uint64_t position = first + lane;
  const int from = static_cast<int>((position >> 2) - first_block);
  const std::uint32_t w0 = __shfl_sync(kFullMask, mine.w[0], from);
  const std::uint32_t w1 = __shfl_sync(kFullMask, mine.w[1], from);
  const std::uint32_t w2 = __shfl_sync(kFullMask, mine.w[2], from);
  const std::uint32_t w3 = __shfl_sync(kFullMask, mine.w[3], from);
  switch (position & 3u) {
    case 0:
      return w0;
    case 1:
      return w1;
    case 2:
      return w2;
    default:
      return w3;
  }
}

// Block b of replicate r with the whole warp: Floyd's steps a batch of 32 at a time (lane l
// taking step base + l), the takes listed in sc.chosen; then lane l sums the records of its
// segment of the steps (kM metrics in registers; kM == 0: v.metrics in the slot's lane
// scratch) and lane 0 adds the lanes with hd::lane_tree_sum, the CPU's order. Leaves the
// block's drawn sums in sc.drawn_sums[0..M) and the bitmap clear.
template <std::uint32_t kM>
__device__ void warp_floyd_sums(const hd::PermView& v, std::uint32_t r, std::uint32_t b,
                                const hd::BlockShape& sh, const hd::PermScratch& sc,
                                unsigned lane) {
  const std::uint64_t offset = v.block_draw_offset[b];
  const std::uint32_t n = sh.n, k = sh.k;
  auto* taken = reinterpret_cast<unsigned long long*>(sc.taken);
  for (std::uint32_t base = 0; base < k; base += hd::kFloydBatch) {
    const std::uint32_t i = base + lane;
    const bool active = i < k;
    const std::uint32_t j_first = n - k + base;
    const std::uint32_t j = j_first + lane;
    const std::uint32_t word = warp_permutation_word(v, r, offset + base, lane);
    std::uint32_t t = 0;
    if (active) {
      const hd::BoundedTry try_t = hd::bounded_try(word, j + 1);
      t = try_t.accepted ? try_t.value
                         : hd::permutation_retry(v.seed, v.analysis, r, offset + i, j + 1);
    }
    // Read from L2 (__ldcg): the bits were set by atomics, which L1 does not see.
    const bool in_set = active && ((__ldcg(taken + (t >> 6)) >> (t & 63u)) & 1u) != 0;
    const unsigned in_set_mask = __ballot_sync(kFullMask, in_set);
    const unsigned active_mask = __ballot_sync(kFullMask, active);
    const unsigned same_t = __match_any_sync(kFullMask, t) & active_mask;
    const bool simple = !active || hd::floyd_batch_simple(t, j_first, __popc(same_t) > 1);
    std::uint32_t take;
    if (__all_sync(kFullMask, simple)) {
      take = in_set ? j : t;
    } else {
      std::uint32_t batch_t[hd::kFloydBatch];
      for (unsigned l = 0; l < hd::kFloydBatch; ++l) batch_t[l] = __shfl_sync(kFullMask, t, l);
      take = hd::floyd_batch_take(batch_t, in_set_mask, j_first, lane);
    }
    if (active) {
      atomicOr(taken + (take >> 6), 1ull << (take & 63u));
      sc.chosen[i] = take;
    }
    __syncwarp();  // the next batch reads this batch's bits
  }

  const std::uint32_t M = kM > 0 ? kM : v.metrics;
  hd::PermSums acc[kM > 0 ? kM : 1];
  hd::PermSums* a = kM > 0 ? acc : sc.drawn_sums + lane * M;
  for (std::uint32_t m = 0; m < M; ++m) a[m] = hd::PermSums{0, 0, 0, 0, 0, 0, 0};
  const double* rec = v.rec + static_cast<std::size_t>(v.block_begin[b]) * M * 2;
  const std::uint32_t end = hd::lane_segment_begin(lane + 1, k);
  for (std::uint32_t i = hd::lane_segment_begin(lane, k); i < end; ++i) {
    const std::uint32_t take = sc.chosen[i];
    const double* x = rec + static_cast<std::size_t>(take) * M * 2;
    for (std::uint32_t m = 0; m < M; ++m) hd::sums_add(a[m], x[2 * m + 1], x[2 * m]);
    taken[take >> 6] = 0;  // every bit of the word is this block's: all are cleared
  }
  if (kM > 0)
    for (std::uint32_t m = 0; m < M; ++m) sc.drawn_sums[lane * M + m] = acc[m];
  __syncwarp();
  if (lane == 0) hd::lane_tree_sum(sc.drawn_sums, M);
  __syncwarp();
}

// Monte Carlo replicates [first, first + n) of the fast path, one warp each (warp slots loop
// over the replicates; each slot has its own scratch).
template <std::uint32_t kM>
__global__ void permutation_warp_kernel(hd::PermView v, std::uint64_t first, std::uint64_t n,
                                        std::uint64_t slots, PermScratchShape shape,
                                        PermScratchArrays arrays, std::uint32_t keys,
                                        double* key_tmp, double* values) {
  const unsigned lane = threadIdx.x & 31u;
  const std::uint64_t slot =
      (static_cast<std::uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x) >> 5;
  if (slot >= slots) return;  // the grid's last block may have more warps than slots
  const hd::PermScratch sc = scratch_of(shape, arrays, slot);
  double* vals = key_tmp + slot * keys;
  const std::uint32_t member_entries = v.metrics * v.cells;
  for (std::uint64_t j = slot; j < n; j += slots) {
    const auto r = static_cast<std::uint32_t>(first + j);
    for (std::uint32_t x = lane; x < member_entries; x += 32)
      sc.member_sums[x] = hd::PermSums{0, 0, 0, 0, 0, 0, 0};
    __syncwarp();
    for (std::uint32_t b = 0; b < v.blocks; ++b) {
      const hd::BlockShape sh = hd::block_shape(v, b);
      warp_floyd_sums<kM>(v, r, b, sh, sc, lane);
      // Balanced with blocks wider than the groups: lane 0 adds the takes (sc.chosen, in Floyd's
      // step order, as the CPU lists them) to their groups' sums.
      if (lane == 0) {
        if (v.group_sums)
          hd::add_group_members(v, b, sh, sc.chosen, sc.member_sums);
        else
          hd::add_block_members(v, b, sh, sc.drawn_sums, sc.member_sums);
      }
      __syncwarp();
    }
    if (lane == 0) {
      // welch_t's cohort aggregate needs the drawn positions: lane 0 replays the takes.
      if (v.firm_se) hd::mark_drawn(v, r, 0, sc);
      hd::statistics_from_member_sums(v, sc, vals);
      if (v.firm_se) hd::unmark_drawn(v, sc);
      for (std::uint32_t k = 0; k < keys; ++k) values[k * n + j] = vals[k];
    }
    __syncwarp();
  }
}

// One replicate (or exact rank) per thread, any path.
__global__ void permutation_kernel(hd::PermView v, bool exact, std::uint64_t first, std::uint64_t n,
                                   PermScratchShape shape, PermScratchArrays arrays,
                                   std::uint32_t keys, double* key_tmp, double* values) {
  const std::uint64_t j = static_cast<std::uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (j >= n) return;
  const hd::PermScratch sc = scratch_of(shape, arrays, j);
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
  v.cell_group_begin = up.upload(d.cell_group_begin);
  v.group_of = up.upload(d.group_of);
  v.position_group = up.upload(d.position_group);
  v.group_totals = v.group_sums ? up.upload(d.group_totals) : v.block_totals;  // as on the host
  v.contribution_firm = up.upload(d.contribution_firm);
  v.firm_slots = up.upload(d.firm_slots);
  v.position_slots = up.upload(d.position_slots);
  v.pair_sums = up.upload(d.pair_sums);
  d.device = dev;
  return dev->v;
}

}  // namespace

namespace {

// The scratch of `count` threads or warp slots (allocated with a status, for
// allocate_shrinking), Floyd's bitmaps and the drawn marks cleared.
struct PermScratchBuffers {
  RawDeviceMemory label, taken, doubles, sums, chosen, key_tmp;

  cudaError_t allocate(const PermScratchShape& shape, std::uint64_t count, std::size_t keys) {
    cudaError_t s = label.allocate(count * shape.label);
    if (s == cudaSuccess) s = taken.allocate(count * shape.words() * sizeof(std::uint64_t));
    if (s == cudaSuccess) s = doubles.allocate(count * shape.doubles() * sizeof(double));
    if (s == cudaSuccess) s = sums.allocate(count * shape.sums() * sizeof(hd::PermSums));
    if (s == cudaSuccess) s = chosen.allocate(count * shape.chosen * sizeof(std::uint32_t));
    if (s == cudaSuccess) s = key_tmp.allocate(count * keys * sizeof(double));
    // Floyd's bitmaps and the drawn marks must start clear; every replicate leaves them clear.
    if (s == cudaSuccess)
      s = cudaMemset(taken.as<void>(), 0, count * shape.words() * sizeof(std::uint64_t));
    return s;
  }
  PermScratchArrays arrays() const {
    return PermScratchArrays{label.as<std::uint8_t>(), taken.as<std::uint64_t>(),
                             doubles.as<double>(), sums.as<hd::PermSums>(),
                             chosen.as<std::uint32_t>()};
  }
};

constexpr unsigned kThreads = 128;
static_assert(kThreads % 32 == 0, "the warp kernel gives each warp of a block its own slot");

// permutation_warp_kernel<kM> for M metrics (up to four in registers).
template <typename... Args>
void launch_warp_kernel(std::uint32_t metrics, unsigned grid, Args... args) {
  switch (metrics) {
    case 1:
      permutation_warp_kernel<1><<<grid, kThreads>>>(args...);
      break;
    case 2:
      permutation_warp_kernel<2><<<grid, kThreads>>>(args...);
      break;
    case 3:
      permutation_warp_kernel<3><<<grid, kThreads>>>(args...);
      break;
    case 4:
      permutation_warp_kernel<4><<<grid, kThreads>>>(args...);
      break;
    default:
      permutation_warp_kernel<0><<<grid, kThreads>>>(args...);
      break;
  }
}

// Monte Carlo replicates of the fast path: one warp per replicate, with as many warp slots (each
// with its own scratch, reused replicate after replicate) as keep the device busy.
void warp_range(const engine::PermData& d, const hd::PermView& v, const BackendChoice& choice,
                const PermScratchShape& shape, std::uint64_t first, std::uint64_t count,
                std::vector<double>& values) {
  const std::size_t keys = d.keys.size();
  RawDeviceMemory out;
  std::uint64_t batch = initial_batch(choice, count, 2 * keys * sizeof(double));
  batch = allocate_shrinking(
      batch, [&](std::uint64_t b) { return out.allocate(b * keys * sizeof(double)); });
  int sms = 1;
  KLYNGE_CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, choice.gpu));
  constexpr std::uint64_t kSlotsPerSm = 32;  // half of an SM's resident warps
  PermScratchBuffers scratch;
  const std::uint64_t slots = allocate_shrinking(
      std::min<std::uint64_t>(batch, static_cast<std::uint64_t>(std::max(sms, 1)) * kSlotsPerSm),
      [&](std::uint64_t s) { return scratch.allocate(shape, s, keys); });
  const PermScratchArrays arrays = scratch.arrays();
  const auto k = static_cast<std::uint32_t>(keys);
  for (std::uint64_t done = 0; done < count; done += batch) {
    const std::uint64_t n = std::min(batch, count - done);
    const std::uint64_t used = std::min(slots, n);
    const unsigned grid = blocks_for(used * 32, kThreads);
    double* tmp = scratch.key_tmp.as<double>();
    double* o = out.as<double>();
    launch_warp_kernel(v.metrics, grid, v, first + done, n, used, shape, arrays, k, tmp, o);
    KLYNGE_CUDA_CHECK(cudaGetLastError());
    copy_rows(o, n, keys, values, count, done);
  }
}

// Everything else: one replicate (or exact rank) per thread.
void thread_range(const engine::PermData& d, const hd::PermView& v, const BackendChoice& choice,
                  const PermScratchShape& shape, bool exact, std::uint64_t first,
                  std::uint64_t count, std::vector<double>& values) {
  const std::size_t keys = d.keys.size();
  const std::size_t per_replicate = shape.bytes() + 2 * keys * sizeof(double);
  PermScratchBuffers scratch;
  RawDeviceMemory out;
  std::uint64_t batch = initial_batch(choice, count, per_replicate);
  batch = allocate_shrinking(batch, [&](std::uint64_t b) {
    cudaError_t s = scratch.allocate(shape, b, keys);
    if (s == cudaSuccess) s = out.allocate(b * keys * sizeof(double));
    return s;
  });
  const PermScratchArrays arrays = scratch.arrays();
  for (std::uint64_t done = 0; done < count; done += batch) {
    const std::uint64_t n = std::min(batch, count - done);
    permutation_kernel<<<blocks_for(n, kThreads), kThreads>>>(
        v, exact, first + done, n, shape, arrays, static_cast<std::uint32_t>(keys),
        scratch.key_tmp.as<double>(), out.as<double>());
    KLYNGE_CUDA_CHECK(cudaGetLastError());
    copy_rows(out.as<double>(), n, keys, values, count, done);
  }
}

}  // namespace

void stage_permutations(const engine::PermData& d, const BackendChoice& choice) {
  use_device(choice);
  device_copies(d, choice);
  // The copies ran on this thread's stream; the kernels will run on another thread's.
  KLYNGE_CUDA_CHECK(cudaStreamSynchronize(cudaStreamPerThread));
}

void permutation_range(const engine::PermData& d, const BackendChoice& choice, bool exact,
                       std::uint64_t first, std::uint64_t count, std::vector<double>& values) {
  const std::size_t keys = d.keys.size();
  values.assign(keys * count, 0.0);
  if (count == 0 || keys == 0) return;
  use_device(choice);
  const hd::PermView& v = device_copies(d, choice);
  const PermScratchShape shape = engine::perm_scratch_shape(d);
  if (d.view.fast && !exact)
    warp_range(d, v, choice, shape, first, count, values);
  else
    thread_range(d, v, choice, shape, exact, first, count, values);
}

}  // namespace klynge::cuda
