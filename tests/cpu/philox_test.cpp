// Known answers for Philox 4x32-10 (the Random123 authors' published test vectors), so every
// backend that computes draws can be checked against the same numbers.
#include <gtest/gtest.h>

#include "common/philox_vectors.hpp"
#include "klynge/hd/philox.hpp"

namespace klynge {

TEST(Philox, KnownAnswers) {
  for (const test::PhiloxVector& v : test::kPhiloxVectors) {
    hd::Words4 got = hd::philox4x32_10(v.counter, v.key);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(got.w[i], v.expected[i]) << "word " << i;
  }
}

TEST(Philox, SeedIsTheKeyAndDrawKeyIsTheCounter) {
  const std::uint64_t seed = 0x299f31d0a4093822ULL;
  hd::Words4 got = hd::philox_words(seed, hd::DrawKey{0x03707344u, 0x13198a2eu, 0x85a308d3u, 0x243f6a88u});
  const test::PhiloxVector& pi = test::kPhiloxVectors[2];
  for (int i = 0; i < 4; ++i) EXPECT_EQ(got.w[i], pi.expected[i]);
}

TEST(Philox, UniformIsStrictlyInsideTheUnitInterval) {
  EXPECT_GT(hd::uniform_open01(0, 0), 0.0);
  EXPECT_LT(hd::uniform_open01(0xffffffffu, 0xffffffffu), 1.0);
  EXPECT_EQ(hd::uniform_open01(0x80000000u, 0), 0.5 + 0.5 / 4503599627370496.0);
  EXPECT_EQ(hd::uniform_open01(0xffffffffu, 0xffffffffu), 1.0 - 0.5 / 4503599627370496.0);
}

}  // namespace klynge
