// A team of lanes (a GPU warp) run lane by lane on the CPU: the lanes' shares of a plane, a
// chunk and a small group add up to exactly one thread's draws (hd/bootstrap_lanes.hpp), and the
// dense replicate cut into items (hd/dense_items.hpp) gives the dense replicate's statistics.
// The CUDA kernels run these same functions, one lane per thread.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "common/bitwise_equal.hpp"
#include "common/large_sample.hpp"
#include "klynge/engine/boot_data.hpp"
#include "klynge/hd/bootstrap_lanes.hpp"
#include "klynge/hd/dense_items.hpp"
#include "klynge/hd/dense_weighted.hpp"

namespace klynge {
namespace {

// A plane counter that deals the words out to `lanes` lanes and adds their shares, as a warp
// does with a reduction.
struct TeamCounter {
  std::uint32_t lanes;
  std::uint32_t operator()(const hd::NodeWords& at, std::uint64_t position,
                           std::uint32_t bits) const {
    std::uint32_t ones = 0;
    for (std::uint32_t lane = 0; lane < lanes; ++lane)
      ones += hd::plane_ones_of_lane(at, position, bits, lane, lanes);
    return ones;
  }
};

TEST(BootstrapLanes, PlaneSharesAddUpToTheCount) {
  const hd::NodeWords at{5, 2, hd::kPurposeBootstrapTree | 3u, 8};
  for (std::uint64_t position : {0ull, 1ull, 3ull, 6ull, 129ull}) {
    for (std::uint32_t bits : {1u, 31u, 32u, 33u, 100u, 4096u, 70001u}) {
      std::uint64_t p = position;
      const std::uint32_t one_thread = hd::count_random_ones(at, &p, bits);
      for (std::uint32_t lanes : {1u, 5u, 32u})
        ASSERT_EQ(TeamCounter{lanes}(at, position, bits), one_thread)
            << position << " " << bits << " " << lanes;
    }
  }
}

TEST(BootstrapLanes, TeamSplitsEqualOneThread) {
  for (std::uint32_t r = 0; r < 50; ++r) {
    const hd::NodeWords at{9, 1, hd::kPurposeBootstrapTree | 77u, r};
    for (const auto [t, a, total] :
         {std::array<std::uint32_t, 3>{100000, 65536, 100000}, {2048, 1024, 2048}, {9, 2, 3}}) {
      EXPECT_EQ(hd::binomial_split(at, t, a, total, TeamCounter{32}),
                hd::binomial_split(at, t, a, total))
          << r << " " << t;
    }
  }
}

// Per-unit counts of one thread's draws of a chunked group, chunk by chunk, against the
// union of the lanes' draws of each chunk.
TEST(BootstrapLanes, ChunkDrawsOfTheLanesAreTheChunkDraws) {
  constexpr std::uint32_t m = 9500, begin = 40;  // the last chunk holds 284 units
  for (std::uint32_t r = 0; r < 20; ++r) {
    std::vector<std::uint32_t> one(m, 0), team(m, 0);
    hd::for_each_chunked_index(3, 4, r, begin, m, [&](std::uint32_t i) { ++one[i]; });
    hd::for_each_leaf(
        3, 4, r, begin, m, TeamCounter{32},
        [&](std::uint32_t leaf, std::uint32_t chunk, std::uint32_t size, std::uint32_t draws) {
          auto sink = [&](std::uint32_t i) { ++team[i]; };
          for (std::uint32_t lane = 0; lane < 32; ++lane)
            hd::chunk_draws_of_lane(3, 4, r, begin, leaf, chunk, size, draws, lane, 32, sink);
        });
    ASSERT_EQ(one, team) << r;
  }
}

TEST(BootstrapLanes, GroupDrawsOfTheLanesAreTheGroupDraws) {
  for (const auto [begin, m] : {std::array<std::uint32_t, 2>{0, 5000}, {7, 13}, {1, 1}, {3, 4}}) {
    std::vector<std::uint32_t> one(m, 0), team(m, 0);
    hd::WordStream s = hd::word_stream(6, 2, hd::kPurposeBootstrapIndex, 11);
    for (std::uint32_t j = 0; j < m; ++j) ++one[hd::bounded_index(s, begin + j, m)];
    auto sink = [&](std::uint32_t i) { ++team[i]; };
    for (std::uint32_t lane = 0; lane < 32; ++lane)
      hd::group_draws_of_lane(6, 2, 11, begin, m, lane, 32, sink);
    EXPECT_EQ(one, team) << begin << " " << m;
  }
}

// Poisson weights: the run reader, the lanes' shares and for_each_draw's WordStream give every
// unit the same count, at any offsets (unaligned to Philox blocks, partial runs).
TEST(BootstrapLanes, PoissonUnitsOfTheLanesAreThePoissonUnits) {
  for (const auto [begin, first, end] : {std::array<std::uint32_t, 3>{0, 0, 5000},
                                         {7, 3, 1030},
                                         {1, 0, 1},
                                         {3, 2, 4},
                                         {1021, 1024, 2048}}) {
    const std::uint32_t m = end;
    std::vector<std::uint32_t> stream(m, 0), runs(m, 0), team(m, 0);
    hd::WordStream s = hd::word_stream(6, 2, hd::kPurposeBootstrapPoisson, 11);
    for (std::uint32_t u = first; u < end; ++u) stream[u] = hd::poisson1_u32(s.at(begin + u));
    hd::poisson_units(6, 2, 11, begin, first, end,
                      [&](std::uint32_t u, std::uint32_t c) { runs[u] += c; });
    auto sink = [&](std::uint32_t u, std::uint32_t c) { team[u] += c; };
    for (std::uint32_t lane = 0; lane < 32; ++lane)
      hd::poisson_units_of_lane(6, 2, 11, begin, first, end, lane, 32, sink);
    EXPECT_EQ(runs, stream) << begin << " " << first << " " << end;
    EXPECT_EQ(team, stream) << begin << " " << first << " " << end;
  }
}

// The dense-path BootData of test::large_sample (5 000 members unless told, 12 000 controls,
// 2 metrics; weighted: unequal sampling weights).
engine::BootData large_dense_data(Scheme scheme, std::uint64_t seed, std::uint32_t members = 5000,
                                  bool weighted = false) {
  const Sample sample = test::large_sample(weighted, members, 12000);
  DesignOptions design;
  design.from = 2015;
  design.to = 2018;
  BootstrapSpec spec;
  spec.scheme = scheme;
  spec.statistics = {Statistic::mean_diff, Statistic::welch_t};
  spec.seed = seed;
  engine::BootData d;
  engine::build_boot_data(sample, design, spec, d);
  return d;
}

struct KeyValues {
  std::vector<double> values, se;
};

// Bayesian weights: the run reader and the lanes' shares give every unit for_each_draw's Exp(1)
// draw (words 2u and 2u + 1), bit for bit, at any offsets.
TEST(BootstrapLanes, ExpUnitsOfTheLanesAreTheExpUnits) {
  for (const auto [begin, first, end] : {std::array<std::uint32_t, 3>{0, 0, 5000},
                                         {7, 3, 1030},
                                         {1, 0, 1},
                                         {3, 2, 4},
                                         {1021, 1024, 2048}}) {
    std::vector<double> stream(end, 0.0), runs(end, 0.0), team(end, 0.0);
    hd::WordStream s = hd::word_stream(6, 2, hd::kPurposeBootstrapExp, 11);
    for (std::uint32_t u = first; u < end; ++u) {
      const std::uint64_t p = 2 * (static_cast<std::uint64_t>(begin) + u);
      stream[u] = hd::exp1_from_words(s.at(p), s.at(p + 1));
    }
    hd::exp_units(6, 2, 11, begin, first, end, [&](std::uint32_t u, double e) { runs[u] += e; });
    auto sink = [&](std::uint32_t u, double e) { team[u] += e; };
    for (std::uint32_t lane = 0; lane < 32; ++lane)
      hd::exp_units_of_lane(6, 2, 11, begin, first, end, lane, 32, sink);
    EXPECT_TRUE(test::bitwise_equal(runs, stream)) << begin << " " << first << " " << end;
    EXPECT_TRUE(test::bitwise_equal(team, stream)) << begin << " " << first << " " << end;
  }
}

// Steps 1-3 of hd/dense_items.hpp for replicate r, every item's 32 lanes run one after the other.
KeyValues lane_by_lane_items(const engine::BootData& d, std::uint32_t r) {
  const hd::DenseItemsView& iv = d.items_view;
  const std::uint32_t M = d.dense_view.metrics;
  std::vector<std::uint32_t> counts(iv.count, 0);
  for (std::uint32_t k = 0; k < iv.chunked_count; ++k)
    hd::dense_leaf_counts(d.view, iv, iv.chunked[k], r, TeamCounter{32}, true, counts.data());
  const std::uint32_t width = hd::dense_item_width(d.dense_view);
  std::vector<double> partial(iv.count * width, 0.0), lane_sums(width);
  for (std::uint32_t item = 0; item < iv.count; ++item) {
    const std::uint32_t draws = hd::dense_item_draws(d.view, iv, item, counts.data());
    for (std::uint32_t lane = 0; lane < 32; ++lane) {
      hd::dense_item_lane_sums_any(d.view, d.dense_view, iv, item, draws, r, lane, 32,
                                   lane_sums.data());
      for (std::uint32_t k = 0; k < width; ++k) partial[item * width + k] += lane_sums[k];
    }
  }
  KeyValues out{std::vector<double>(d.keys.size()), std::vector<double>(d.keys.size())};
  std::vector<double> acc(hd::fused_scratch_doubles(d.fused_view));
  hd::dense_items_finish(d.view, d.fused_view, d.dense_view, iv, partial.data(), acc.data(),
                         out.values.data(), out.se.data());
  return out;
}

KeyValues dense_replicate(const engine::BootData& d, std::uint32_t r) {
  KeyValues out{std::vector<double>(d.keys.size()), std::vector<double>(d.keys.size())};
  std::vector<double> acc(hd::fused_scratch_doubles(d.fused_view));
  if (d.dense_view.weighted)
    hd::dense_weighted_replicate(d.view, d.fused_view, d.dense_view, r, acc.data(),
                                 out.values.data(), out.se.data());
  else
    hd::dense_replicate(d.view, d.fused_view, d.dense_view, r, acc.data(), out.values.data(),
                        out.se.data());
  return out;
}

void expect_close(const KeyValues& got, const KeyValues& want, const std::string& what) {
  for (std::size_t k = 0; k < want.values.size(); ++k) {
    EXPECT_NEAR(got.values[k], want.values[k], 1e-12 * (1.0 + std::abs(want.values[k])))
        << what << " key " << k;
    if (!std::isnan(want.se[k])) EXPECT_NEAR(got.se[k], want.se[k], 1e-12 * want.se[k]) << what;
  }
}

// Steps 1-3 of hd/dense_items.hpp with 32 lanes against dense_replicate, on a sample with one
// small group (members) and one chunked group (controls), for 1 and 2 metrics' worth of keys.
TEST(BootstrapLanes, DenseItemsGiveTheDenseReplicate) {
  const engine::BootData d = large_dense_data(Scheme::groups, 21);
  ASSERT_TRUE(d.dense);
  ASSERT_EQ(d.items_view.chunked_count, 1u);
  ASSERT_EQ(d.items_view.count, 1u + 12u);
  for (std::uint32_t r = 0; r < 8; ++r)
    expect_close(lane_by_lane_items(d, r), dense_replicate(d, r), "replicate " + std::to_string(r));
}

// The dense replicate against the record (fused) path, the reference before the dense rows
// served it, to 1e-12, and the items run lane by lane against the dense replicate, for `count`
// replicates.
void expect_dense_is_fused(const engine::BootData& d, std::uint32_t count) {
  for (std::uint32_t r = 0; r < count; ++r) {
    KeyValues fused{std::vector<double>(d.keys.size()), std::vector<double>(d.keys.size())};
    std::vector<double> acc(hd::fused_scratch_doubles(d.fused_view));
    hd::fused_replicate(d.view, d.fused_view, r, acc.data(), fused.values.data(), fused.se.data());
    ASSERT_FALSE(std::isnan(fused.values[0]));
    const KeyValues dense = dense_replicate(d, r);
    expect_close(dense, fused, "dense vs fused, replicate " + std::to_string(r));
    expect_close(lane_by_lane_items(d, r), dense, "items vs dense, replicate " + std::to_string(r));
  }
}

// Poisson and Bayesian weights on the dense path (Poisson: counts c per unit, c * x once;
// Bayesian: raw Exp(1) sums scaled by m / total once per group), items of kChunkUnits units of
// each group, no tree.
TEST(BootstrapLanes, WeightedDenseItemsGiveTheFusedReplicate) {
  for (Scheme scheme : {Scheme::poisson, Scheme::bayesian}) {
    SCOPED_TRACE(std::string(scheme_name(scheme)));
    const engine::BootData d = large_dense_data(scheme, 23);
    ASSERT_TRUE(d.dense);
    ASSERT_EQ(d.items_view.chunked_count, 0u);
    ASSERT_EQ(d.items_view.count, 5u + 12u);
    expect_dense_is_fused(d, 8);
  }
}

// Weighted samples (sampling weights or balance factors): rows of (d, w) pairs, every scheme,
// members in a small group (5 000) or chunked (9 000).
TEST(BootstrapLanes, WeightedSampleDenseItemsGiveTheFusedReplicate) {
  for (Scheme scheme : {Scheme::groups, Scheme::poisson, Scheme::bayesian})
    for (std::uint32_t members : {5000u, 9000u}) {
      SCOPED_TRACE(std::string(scheme_name(scheme)) + ", " + std::to_string(members));
      const engine::BootData d = large_dense_data(scheme, 29, members, true);
      ASSERT_TRUE(d.dense);
      ASSERT_EQ(d.dense_view.weighted, 1u);
      expect_dense_is_fused(d, 4);
    }
}

// The GPU stages an item's rows in shared memory (cuda/bootstrap.cu, dense_items_kernel): the
// lanes' sums from a copy of exactly the item's rows equal the sums from the rows in place, bit
// for bit, for every chunk (the last one partial), every whole group of at most kChunkUnits
// units, and every lane. Under the sanitizers (CI) a read outside the staged copy would also
// fail.
void staged_rows_check(Scheme scheme, std::uint32_t members, bool weighted) {
  SCOPED_TRACE(std::string(scheme_name(scheme)) + ", " + std::to_string(members) + " members" +
               (weighted ? ", weighted" : ""));
  const bool every_unit = scheme == Scheme::poisson || scheme == Scheme::bayesian;
  const bool small_members = members <= hd::kChunkUnits;
  const engine::BootData d = large_dense_data(scheme, 8, members, weighted);
  ASSERT_TRUE(d.dense);
  const hd::DenseItemsView& iv = d.items_view;
  const hd::DenseView& dv = d.dense_view;
  const std::uint32_t M = dv.metrics;
  std::uint32_t chunk_units = 0, partial_chunks = 0;
  for (std::uint32_t r = 0; r < 3; ++r) {
    std::vector<std::uint32_t> counts(iv.count, 0);
    for (std::uint32_t k = 0; k < iv.chunked_count; ++k)
      hd::dense_leaf_counts(d.view, iv, iv.chunked[k], r, TeamCounter{32}, true, counts.data());
    for (std::uint32_t item = 0; item < iv.count; ++item) {
      const hd::ChunkRows c = hd::chunk_rows(d.view, iv, item);
      if (iv.items[item].chunk == hd::kWholeGroup) {  // staged too when it fits
        ASSERT_EQ(c.first, 0u);
        if (c.size > hd::kChunkUnits) continue;
      }
      ASSERT_LE(c.size, hd::kChunkUnits);
      if (r == 0) {
        chunk_units += c.size;
        partial_chunks += c.size < hd::kChunkUnits ? 1 : 0;
      }
      const std::uint32_t row = hd::dense_row_doubles(dv);
      const double* from = dv.d + (c.group_begin + c.first) * row;
      const std::vector<double> staged(from, from + static_cast<std::size_t>(c.size) * row);
      const std::uint32_t draws = hd::dense_item_draws(d.view, iv, item, counts.data());
      std::vector<double> in_place(hd::dense_item_width(dv)), from_stage(hd::dense_item_width(dv));
      for (std::uint32_t lane = 0; lane < 32; ++lane) {
        hd::dense_item_lane_sums_any(d.view, dv, iv, item, draws, r, lane, 32, in_place.data());
        hd::dense_item_lane_sums_from<0>(d.view, dv, iv, item, draws, r, lane, 32, staged.data(),
                                         c.first, from_stage.data());
        ASSERT_TRUE(test::bitwise_equal(from_stage, in_place))
            << "item " << item << " lane " << lane;
      }
    }
  }
  // The staged items cover the control group exactly, and the members too when they are
  // chunked (Poisson or Bayesian weights) or few enough to stage whole.
  const bool members_staged = every_unit || small_members;
  EXPECT_EQ(chunk_units, 12000u + (members_staged ? members : 0u));
  EXPECT_EQ(partial_chunks, 1u + (members_staged && members % hd::kChunkUnits != 0 ? 1u : 0u));
}

TEST(BootstrapLanes, StagedChunkRowsGiveTheSameSums) {
  for (Scheme scheme : {Scheme::groups, Scheme::poisson, Scheme::bayesian})
    for (std::uint32_t members : {5000u, 700u})
      for (bool weighted : {false, true}) staged_rows_check(scheme, members, weighted);
}

}  // namespace
}  // namespace klynge
