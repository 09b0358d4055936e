// BootstrapSpec::replicate_se = false (what a power study without studentized intervals asks):
// the replicate values are the same bits as with SEs, on the count path (cohort design, where
// it skips the aggregate's influence pass) and on the dense path (window design), and every
// welch_se is NaN rather than a stale or partial number.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "common/run_klynge.hpp"
#include "klynge/bootstrap.hpp"
#include "klynge/build_sample.hpp"
#include "klynge/io/read_panel.hpp"

namespace klynge {
namespace {

void expect_same_values_without_se(const DesignOptions& design, const Panel& panel,
                                   const std::vector<Statistic>& statistics) {
  const Sample sample = build_sample(panel, design);
  BootstrapSpec with, without;
  with.statistics = without.statistics = statistics;
  with.threads = without.threads = 2;
  without.replicate_se = false;
  const ReplicateTable a = PreparedBootstrap(sample, design, with).run(0, 60);
  const ReplicateTable b = PreparedBootstrap(sample, design, without).run(0, 60);
  ASSERT_EQ(a.values.size(), b.values.size());
  EXPECT_EQ(std::memcmp(a.values.data(), b.values.data(), a.values.size() * sizeof(double)), 0);
  std::size_t finite_se = 0;
  for (const double se : a.welch_se) finite_se += std::isfinite(se) ? 1 : 0;
  EXPECT_GT(finite_se, 60u);  // the run with SEs has them
  ASSERT_EQ(b.welch_se.size(), a.welch_se.size());
  for (const double se : b.welch_se) EXPECT_TRUE(std::isnan(se));
}

Panel example_panel() {
  ReadOptions read;
  read.columns.entry = "entry_year";
  return read_panel(test::example_file("firms.csv"), read);
}

TEST(BootstrapReplicateSe, CohortDesignCountPathSameValuesWithoutSes) {
  expect_same_values_without_se(DesignOptions{}, example_panel(),
                                {Statistic::mean_diff, Statistic::median_diff});
}

// mean_diff alone in the window design takes the dense path; with a median, the count path.
TEST(BootstrapReplicateSe, WindowDesignSameValuesWithoutSes) {
  DesignOptions window;
  window.from = 2017;
  window.to = 2020;
  expect_same_values_without_se(window, example_panel(), {Statistic::mean_diff});
  expect_same_values_without_se(window, example_panel(),
                                {Statistic::mean_diff, Statistic::median_diff});
}

}  // namespace
}  // namespace klynge
