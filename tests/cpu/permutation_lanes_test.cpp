// The CUDA permutation kernel's warp, run lane by lane on the CPU: Floyd's sampler taken a
// batch of 32 steps at a time (hd::floyd_batch_take, hd::floyd_batch_simple) makes exactly the
// sequential sampler's takes, and the lanes' sums added by hd::lane_tree_sum are what the warp's
// butterfly would give every lane and what the CPU's floyd_sums returns, bit for bit
// (hd/perm_sums.hpp). The kernel (cuda/permutation.cu) runs these same functions.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "klynge/hd/permutation_replicate.hpp"
#include "klynge/hd/philox.hpp"

namespace klynge {
namespace {

bool same_bits(const hd::PermSums& a, const hd::PermSums& b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

// One block of n positions with M metrics of records with wide-ranging magnitudes (so that a
// different summation order gives different bits), some entries invalid (0, 0).
struct OneBlock {
  std::uint32_t n, M;
  std::vector<std::uint32_t> begin{0, 0};
  std::vector<std::uint64_t> offset{0};
  std::vector<double> rec;
  hd::PermView view{};

  OneBlock(std::uint32_t n_, std::uint32_t M_) : n(n_), M(M_) {
    begin[1] = n;
    rec.assign(static_cast<std::size_t>(n) * M * 2, 0.0);
    for (std::uint32_t j = 0; j < n; ++j)
      for (std::uint32_t m = 0; m < M; ++m) {
        const hd::Words4 w = hd::philox_words(11, hd::DrawKey{m, 9, j, 0});
        if (w.w[2] % 17 == 0) continue;  // invalid for this metric
        const double u = hd::uniform_open01(w.w[0], w.w[1]);
        rec[(j * M + m) * 2] =
            std::log(u / (1.0 - u)) * std::ldexp(1.0, static_cast<int>(w.w[3] % 40));
        rec[(j * M + m) * 2 + 1] = 0.5 + (w.w[3] % 7);
      }
    view.block_begin = begin.data();
    view.block_draw_offset = offset.data();
    view.rec = rec.data();
    view.metrics = M;
    view.seed = 5;
    view.analysis = 2;
  }
};

struct WarpRun {
  std::vector<std::uint32_t> takes;
  std::vector<hd::PermSums> sums;  // [M]
  std::uint32_t batches_needing_neighbours = 0;
};

// The kernel's warp_floyd_sums, one lane after the other within each batch, then the lanes'
// segment sums.
WarpRun warp_floyd(const OneBlock& blk, std::uint32_t replicate, std::uint32_t k) {
  const hd::PermView& v = blk.view;
  const std::uint32_t n = blk.n, M = blk.M;
  WarpRun run;
  std::vector<std::uint64_t> taken((n + 63) / 64, 0);
  std::vector<hd::PermSums> lanes(hd::kPermLanes * M, hd::PermSums{0, 0, 0, 0, 0, 0, 0});
  hd::WordStream s = hd::word_stream(v.seed, v.analysis, hd::kPurposePermutation, replicate);
  for (std::uint32_t base = 0; base < k; base += hd::kFloydBatch) {
    const std::uint32_t count = std::min(hd::kFloydBatch, k - base);
    const std::uint32_t j_first = n - k + base;
    std::uint32_t t[hd::kFloydBatch] = {};
    std::uint32_t in_set = 0;
    for (std::uint32_t l = 0; l < count; ++l) {
      t[l] = hd::permutation_bounded(s, base + l, j_first + l + 1);
      if ((taken[t[l] >> 6] >> (t[l] & 63)) & 1) in_set |= 1u << l;
    }
    bool all_simple = true;
    for (std::uint32_t l = 0; l < count; ++l) {
      bool duplicate = false;
      for (std::uint32_t e = 0; e < count; ++e) duplicate = duplicate || (e != l && t[e] == t[l]);
      all_simple = all_simple && hd::floyd_batch_simple(t[l], j_first, duplicate);
    }
    run.batches_needing_neighbours += all_simple ? 0 : 1;
    for (std::uint32_t l = 0; l < count; ++l) {
      const std::uint32_t take = hd::floyd_batch_take(t, in_set, j_first, l);
      // The kernel's shortcut when every lane of the batch is simple.
      if (all_simple) EXPECT_EQ(take, (in_set >> l) & 1 ? j_first + l : t[l]);
      run.takes.push_back(take);
    }
    for (std::uint32_t l = 0; l < count; ++l)
      taken[run.takes[base + l] >> 6] |= 1ull << (run.takes[base + l] & 63);
  }
  // Second pass: lane l sums the records of its segment of the steps.
  for (std::uint32_t l = 0; l < hd::kPermLanes; ++l)
    for (std::uint32_t i = hd::lane_segment_begin(l, k); i < hd::lane_segment_begin(l + 1, k);
         ++i) {
      const double* r = blk.rec.data() + static_cast<std::size_t>(run.takes[i]) * M * 2;
      for (std::uint32_t m = 0; m < M; ++m) hd::sums_add(lanes[l * M + m], r[2 * m + 1], r[2 * m]);
    }
  hd::lane_tree_sum(lanes.data(), M);
  run.sums.assign(lanes.begin(), lanes.begin() + M);
  return run;
}

// The sequential sampler's takes, in step order.
std::vector<std::uint32_t> sequential_takes(const OneBlock& blk, std::uint32_t replicate,
                                            std::uint32_t k) {
  const std::uint32_t n = blk.n;
  std::vector<std::uint64_t> taken((n + 63) / 64, 0);
  hd::WordStream s =
      hd::word_stream(blk.view.seed, blk.view.analysis, hd::kPurposePermutation, replicate);
  std::vector<std::uint32_t> takes;
  for (std::uint32_t i = 0; i < k; ++i) {
    const std::uint32_t j = n - k + i;
    const std::uint32_t t = hd::permutation_bounded(s, i, j + 1);
    const std::uint32_t take = (taken[t >> 6] >> (t & 63)) & 1 ? j : t;
    taken[take >> 6] |= 1ull << (take & 63);
    takes.push_back(take);
  }
  return takes;
}

std::vector<hd::PermSums> cpu_floyd_sums(const OneBlock& blk, std::uint32_t replicate,
                                         std::uint32_t k) {
  std::vector<std::uint64_t> taken((blk.n + 63) / 64, 0);
  std::vector<hd::PermSums> out(hd::kPermLanes * blk.M);
  hd::WordStream s =
      hd::word_stream(blk.view.seed, blk.view.analysis, hd::kPurposePermutation, replicate);
  const hd::BlockShape sh{blk.n, k, k, 1};
  switch (blk.M) {
    case 3:
      hd::floyd_sums<3>(blk.view, s, 0, sh, taken.data(), out.data());
      break;
    default:
      hd::floyd_sums<0>(blk.view, s, 0, sh, taken.data(), out.data());
      break;
  }
  for (std::uint64_t w : taken) EXPECT_EQ(w, 0u) << "floyd_sums leaves its bitmap clear";
  out.resize(blk.M);
  return out;
}

TEST(PermutationLanes, BatchedTakesAreTheSequentialTakes) {
  // Half-full small blocks make in-batch conflicts common; large blocks make them rare.
  struct Case {
    std::uint32_t n, k;
  };
  std::uint32_t slow_batches = 0, batches = 0;
  for (const Case c : {Case{1, 1}, Case{2, 1}, Case{33, 16}, Case{40, 20}, Case{64, 32},
                       Case{100, 50}, Case{1000, 500}, Case{3000, 77}, Case{100000, 5000}}) {
    const OneBlock blk(c.n, 1);
    for (std::uint32_t r = 0; r < 40; ++r) {
      const WarpRun w = warp_floyd(blk, r, c.k);
      ASSERT_EQ(w.takes, sequential_takes(blk, r, c.k))
          << "n " << c.n << " k " << c.k << " r " << r;
      slow_batches += w.batches_needing_neighbours;
      batches += (c.k + 31) / 32;
    }
  }
  // Both branches of the kernel ran: batches resolved lane by lane, and batches that were not.
  EXPECT_GT(slow_batches, 100u);
  EXPECT_LT(slow_batches, batches);
}

TEST(PermutationLanes, WarpSumsAreTheCpuSumsBitForBit) {
  for (std::uint32_t M : {3u, 6u}) {
    const OneBlock blk(20000, M);
    for (std::uint32_t k : {1u, 31u, 32u, 33u, 999u, 10000u})
      for (std::uint32_t r = 0; r < 5; ++r) {
        const WarpRun w = warp_floyd(blk, r, k);
        const std::vector<hd::PermSums> cpu = cpu_floyd_sums(blk, r, k);
        for (std::uint32_t m = 0; m < M; ++m)
          ASSERT_TRUE(same_bits(w.sums[m], cpu[m])) << "M " << M << " k " << k << " r " << r;
      }
  }
}

TEST(PermutationLanes, TreeSumIsWhatEveryLaneOfTheButterflyGets) {
  const std::uint32_t M = 2;
  std::uint32_t order_mattered = 0;
  for (std::uint32_t trial = 0; trial < 50; ++trial) {
    std::vector<hd::PermSums> lanes(hd::kPermLanes * M);
    for (std::uint32_t x = 0; x < lanes.size(); ++x) {
      double f[7];
      for (int q = 0; q < 7; ++q) {
        const hd::Words4 w =
            hd::philox_words(trial, hd::DrawKey{x, 3, static_cast<std::uint32_t>(q), 0});
        f[q] = (hd::uniform_open01(w.w[0], w.w[1]) - 0.5) *
               std::ldexp(1.0, static_cast<int>(w.w[2] % 60));
      }
      lanes[x] = hd::PermSums{f[0], f[1], f[2], f[3], f[4], f[5], f[6]};
    }
    // The warp: at each step every lane adds its xor partner's value (own value first).
    std::vector<hd::PermSums> warp = lanes;
    for (std::uint32_t o = hd::kPermLanes / 2; o > 0; o >>= 1) {
      std::vector<hd::PermSums> next(warp.size());
      for (std::uint32_t l = 0; l < hd::kPermLanes; ++l)
        for (std::uint32_t m = 0; m < M; ++m)
          next[l * M + m] = hd::sums_plus(warp[l * M + m], warp[(l ^ o) * M + m]);
      warp = next;
    }
    // A plain left-to-right sum, to show that the order is visible in the bits.
    hd::PermSums serial{0, 0, 0, 0, 0, 0, 0};
    for (std::uint32_t l = 0; l < hd::kPermLanes; ++l) serial = hd::sums_plus(serial, lanes[l * M]);
    hd::lane_tree_sum(lanes.data(), M);
    for (std::uint32_t l = 0; l < hd::kPermLanes; ++l)
      for (std::uint32_t m = 0; m < M; ++m)
        ASSERT_TRUE(same_bits(warp[l * M + m], lanes[m])) << "trial " << trial << " lane " << l;
    order_mattered += same_bits(serial, lanes[0]) ? 0 : 1;
  }
  EXPECT_GT(order_mattered, 25u);
}

}  // namespace
}  // namespace klynge
