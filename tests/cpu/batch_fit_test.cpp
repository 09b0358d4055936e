// The CUDA launchers' batch size without --batch (engine::batch_that_fits): checked here on the
// CPU because no GPU test can make the free memory small or the host threads many.
#include "klynge/engine/batch_fit.hpp"

#include <gtest/gtest.h>

namespace klynge::engine {
namespace {

TEST(BatchFit, TakesHalfTheFreeMemoryForOneThread) {
  // 1 000 bytes free, 10 per replicate: half is 500 bytes, 50 replicates.
  EXPECT_EQ(batch_that_fits(1000, 10, 999, 1), 50u);
  EXPECT_EQ(batch_that_fits(1000, 10, 20, 1), 20u);  // never more than the range
}

TEST(BatchFit, SharesHalfTheFreeMemoryAmongTheThreadsThatLaunch) {
  // Eight threads launching at once together take half the memory, not half each.
  EXPECT_EQ(batch_that_fits(16000, 10, 1u << 20, 8), 100u);
  std::uint64_t together = 0;
  for (int t = 0; t < 8; ++t) together += batch_that_fits(16000, 10, 1u << 20, 8) * 10;
  EXPECT_LE(together, 8000u);
  EXPECT_EQ(batch_that_fits(16000, 10, 1u << 20, 0), batch_that_fits(16000, 10, 1u << 20, 1));
}

TEST(BatchFit, AlwaysAtLeastOneReplicateAndNeverAboveTheLaunchLimit) {
  EXPECT_EQ(batch_that_fits(100, 1000, 999, 4), 1u);  // shrinking on failure takes over
  EXPECT_EQ(batch_that_fits(0, 8, 999, 1), 1u);
  EXPECT_EQ(batch_that_fits(std::uint64_t{1} << 40, 8, std::uint64_t{1} << 30, 1), kMaxBatch);
  EXPECT_EQ(batch_that_fits(1000, 0, 7, 1), 7u);  // a zero size cannot divide by zero
  EXPECT_EQ(batch_that_fits(1000, 10, 0, 1), 0u);
}

}  // namespace
}  // namespace klynge::engine
