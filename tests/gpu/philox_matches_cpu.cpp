// The device computes the same Philox words as the host from the same header (DESIGN.md §2:
// known-answer tests shared by every backend). Skipped when no GPU is usable.
#include <gtest/gtest.h>

#include "common/philox_vectors.hpp"
#include "klynge/device_info.hpp"
#include "philox_device.hpp"

namespace klynge {

namespace {
bool no_gpu() { return query_cuda().devices.empty(); }
}  // namespace

TEST(PhiloxKnownAnswersMatchesCpu, PublishedVectors) {
  if (no_gpu()) GTEST_SKIP() << query_cuda().problem;
  std::vector<hd::Words4> counters;
  std::vector<std::uint64_t> keys;
  for (const auto& v : test::kPhiloxVectors) {
    counters.push_back(hd::Words4{{v.counter[0], v.counter[1], v.counter[2], v.counter[3]}});
    keys.push_back(v.key[0] | (std::uint64_t{v.key[1]} << 32));
  }
  const auto got = cuda::philox4x32_10_on_device(counters, keys);
  ASSERT_EQ(got.size(), std::size(test::kPhiloxVectors));
  for (std::size_t i = 0; i < got.size(); ++i)
    for (int w = 0; w < 4; ++w) EXPECT_EQ(got[i].w[w], test::kPhiloxVectors[i].expected[w]);
}

TEST(PhiloxStreamMatchesCpu, ManyIndices) {
  if (no_gpu()) GTEST_SKIP() << query_cuda().problem;
  const std::uint64_t seed = 20261127;
  const std::uint32_t n = 100000;
  const auto got = cuda::philox_stream_on_device(seed, 3, 7, 11, n);
  ASSERT_EQ(got.size(), n);
  for (std::uint32_t i = 0; i < n; ++i) {
    const hd::Words4 want = hd::philox_words(seed, hd::DrawKey{3, 7, i, 11});
    for (int w = 0; w < 4; ++w) ASSERT_EQ(got[i].w[w], want.w[w]) << "index " << i;
  }
}

}  // namespace klynge
