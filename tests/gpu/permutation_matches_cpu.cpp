// Permutation replicates on the GPU against the CPU reference on the same seed: Monte Carlo and
// exact, fast and general paths, every statistic, both schemes, and forced small batches.
// Skipped when no GPU is usable.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "common/run_klynge.hpp"
#include "cpu/permutation_test_sample.hpp"
#include "klynge/build_sample.hpp"
#include "klynge/design.hpp"
#include "klynge/device_info.hpp"
#include "klynge/io/read_panel.hpp"
#include "klynge/permutation.hpp"

namespace klynge {
namespace {

bool no_gpu() { return query_cuda().devices.empty(); }

void expect_close(const PermutationTable& gpu, const PermutationTable& cpu,
                  const std::string& what) {
  ASSERT_EQ(gpu.values.size(), cpu.values.size()) << what;
  EXPECT_EQ(gpu.exact, cpu.exact) << what;
  for (std::size_t i = 0; i < cpu.values.size(); ++i) {
    if (std::isnan(cpu.values[i])) {
      ASSERT_TRUE(std::isnan(gpu.values[i])) << what << " entry " << i;
      continue;
    }
    ASSERT_NEAR(gpu.values[i], cpu.values[i], 1e-12 * std::fabs(cpu.values[i]))
        << what << " entry " << i;
  }
}

void compare(const Sample& sample, const DesignOptions& design, PermutationSpec spec, bool exact,
             std::uint64_t first, std::uint64_t count, const std::string& what) {
  const PermutationTable cpu = run_permutations(sample, design, spec, exact, first, count);
  spec.backend.backend = Backend::cuda;
  const PermutationTable gpu = run_permutations(sample, design, spec, exact, first, count);
  expect_close(gpu, cpu, what);
  spec.backend.batch = 5;
  const PermutationTable batched = run_permutations(sample, design, spec, exact, first, count);
  EXPECT_EQ(batched.values, gpu.values) << what << " (batches of 5)";
}

TEST(PermutationMatchesCpu, MonteCarloEveryStatisticAndScheme) {
  if (no_gpu()) GTEST_SKIP() << query_cuda().problem;
  for (bool cohort : {false, true}) {
    ReadOptions read;
    read.columns.entry = "entry_year";
    read.columns.strata = {"nace"};
    const Panel panel = read_panel(test::example_file("firms.csv"), read);
    DesignOptions design;
    if (!cohort) {
      design.from = 2012;
      design.to = 2015;
    }
    const Sample sample = build_sample(panel, design);
    for (Statistic st : {Statistic::welch_t, Statistic::mean_diff, Statistic::median_diff,
                         Statistic::trimmed_mean_diff, Statistic::agg_diff})
      for (PermScheme scheme : {PermScheme::all, PermScheme::strata})
        for (bool fast : {true, false}) {
          PermutationSpec spec;
          spec.statistic = st;
          spec.scheme = scheme;
          spec.fast = fast;
          spec.seed = 99;
          compare(sample, design, spec, false, 3, 200,
                  std::string(cohort ? "cohort " : "window ") + std::string(statistic_name(st)) +
                      (scheme == PermScheme::all ? " all" : " strata") +
                      (fast ? " fast" : " general"));
        }
  }
}

// The mouse data of Efron & Tibshirani: all C(16, 7) = 11 440 relabelings, ranks split oddly.
TEST(PermutationMatchesCpu, ExactEnumeration) {
  if (no_gpu()) GTEST_SKIP() << query_cuda().problem;
  const Sample mouse = test::make_sample({test::CellSpec{
      kWindowCohort, {{94, 197, 16, 38, 99, 141, 23}}, {{52, 104, 146, 10, 51, 30, 40, 27, 46}}}});
  for (Statistic st : {Statistic::welch_t, Statistic::mean_diff, Statistic::median_diff})
    for (bool fast : {true, false}) {
      PermutationSpec spec;
      spec.statistic = st;
      spec.fast = fast;
      compare(mouse, test::window_options(), spec, true, 17, 11440 - 17,
              std::string("exact ") + std::string(statistic_name(st)));
    }
}

}  // namespace
}  // namespace klynge
