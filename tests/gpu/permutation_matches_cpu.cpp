// Permutation replicates on the GPU against the CPU reference on the same seed: Monte Carlo and
// exact, fast and general paths, every statistic, both schemes, balanced samples, and forced
// small batches.
// Bit for bit where no libm function is involved (every statistic but agg_diff): the kernels do
// the shared functors' operations in the CPU's order without FMA contraction (CMakeLists.txt),
// and the warp kernel of the fast path sums in the CPU's lane order (hd/perm_sums.hpp).
// Skipped when no GPU is usable.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>

#include "common/large_sample.hpp"
#include "common/run_klynge.hpp"
#include "cpu/permutation_test_sample.hpp"
#include "klynge/build_sample.hpp"
#include "klynge/design.hpp"
#include "klynge/device_info.hpp"
#include "klynge/io/read_panel.hpp"
#include "klynge/permutation.hpp"

namespace klynge {
namespace {

bool no_gpu() {
  return query_cuda().devices.empty();
}

// Equal bits, or both NaN (a NaN's payload may differ between the CPU and the GPU).
bool same_value(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::memcmp(&a, &b, sizeof a) == 0;
}

void expect_match(const PermutationTable& gpu, const PermutationTable& cpu, bool bitwise,
                  const std::string& what) {
  ASSERT_EQ(gpu.values.size(), cpu.values.size()) << what;
  EXPECT_EQ(gpu.exact, cpu.exact) << what;
  for (std::size_t i = 0; i < cpu.values.size(); ++i) {
    if (std::isnan(cpu.values[i])) {
      ASSERT_TRUE(std::isnan(gpu.values[i])) << what << " entry " << i;
      continue;
    }
    if (bitwise)
      ASSERT_TRUE(same_value(gpu.values[i], cpu.values[i]))
          << what << " entry " << i << ": " << gpu.values[i] << " vs " << cpu.values[i];
    else
      ASSERT_NEAR(gpu.values[i], cpu.values[i], 1e-12 * std::fabs(cpu.values[i]))
          << what << " entry " << i;
  }
}

void compare(const Sample& sample, const DesignOptions& design, PermutationSpec spec, bool exact,
             std::uint64_t first, std::uint64_t count, const std::string& what) {
  const PermutationTable cpu = run_permutations(sample, design, spec, exact, first, count);
  spec.backend.backend = Backend::cuda;
  const PermutationTable gpu = run_permutations(sample, design, spec, exact, first, count);
  const bool bitwise = spec.statistic != Statistic::agg_diff;  // agg_diff calls log()
  expect_match(gpu, cpu, bitwise, what);
  spec.backend.batch = 5;
  const PermutationTable batched = run_permutations(sample, design, spec, exact, first, count);
  expect_match(batched, gpu, true, what + " (batches of 5)");
}

TEST(PermutationMatchesCpu, MonteCarloEveryStatisticAndScheme) {
  if (no_gpu()) GTEST_SKIP() << query_cuda().problem;
  // Balanced samples too: every relabeling rebalanced (per block on the warp kernel).
  for (int variant = 0; variant < 4; ++variant) {
    const bool cohort = variant % 2 == 1, balanced = variant >= 2;
    ReadOptions read;
    read.columns.entry = "entry_year";
    read.columns.strata = {"nace"};
    const Panel panel = read_panel(test::example_file("firms.csv"), read);
    DesignOptions design;
    if (!cohort) {
      design.from = 2012;
      design.to = 2015;
    }
    design.balance = balanced;
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
                  std::string(cohort ? "cohort " : "window ") + (balanced ? "balanced " : "") +
                      std::string(statistic_name(st)) +
                      (scheme == PermScheme::all ? " all" : " strata") +
                      (fast ? " fast" : " general"));
        }
  }
}

// The warp kernel on large blocks (thousands of Floyd batches per replicate) and on records of
// one to six metrics (registers for up to four, the slot's lane scratch beyond).
TEST(PermutationMatchesCpu, WarpKernelLargeBlocksAndManyMetrics) {
  if (no_gpu()) GTEST_SKIP() << query_cuda().problem;
  const Sample two = test::large_sample(true, 3000, 60000);
  DesignOptions design;
  design.from = 2015;  // large_sample's window
  design.to = 2018;
  for (std::size_t metrics : {1u, 2u, 6u}) {
    Sample s = two;
    s.metric_names.resize(metrics);
    for (auto* v : {&s.growth, &s.start, &s.end, &s.weight}) v->resize(metrics);
    for (std::size_t m = 2; m < metrics; ++m) {
      s.metric_names[m] = "copy";
      s.metric_names[m] += std::to_string(m);
      s.growth[m] = two.growth[m % 2];
      for (double& g : s.growth[m]) g *= static_cast<double>(m);
      s.start[m] = two.start[m % 2];
      s.end[m] = two.end[m % 2];
      s.weight[m] = two.weight[m % 2];
    }
    for (Statistic st : {Statistic::welch_t, Statistic::mean_diff}) {
      PermutationSpec spec;
      spec.statistic = st;
      spec.seed = 4;
      compare(s, design, spec, false, 11, 300,
              std::to_string(metrics) + " metrics " + std::string(statistic_name(st)));
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
