// Every bootstrap path on the GPU against the CPU reference on the same seed (DESIGN.md §2:
// CPU and GPU agree to 1e-12 relative on replicate statistics). Skipped when no GPU is usable.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <ostream>
#include <string>

#include "common/bitwise_equal.hpp"
#include "common/large_sample.hpp"
#include "common/one_cohort_panel.hpp"
#include "common/run_klynge.hpp"
#include "klynge/bootstrap.hpp"
#include "klynge/build_sample.hpp"
#include "klynge/design.hpp"
#include "klynge/device_info.hpp"
#include "klynge/io/read_panel.hpp"

namespace klynge {
namespace {

bool no_gpu() {
  return query_cuda().devices.empty();
}

struct Loaded {
  Panel panel;
  DesignOptions design;
  Sample sample;
};

// one_cohort: the members of 2012 only (a cohort design of one cell).
Loaded load(bool cohort, bool strata_columns, bool weighted = false, bool one_cohort = false) {
  ReadOptions read;
  read.columns.entry = "entry_year";
  if (strata_columns) read.columns.strata = {"nace"};
  const std::string path =
      one_cohort ? test::one_cohort_panel(2012) : test::example_file("firms.csv");
  Loaded l{read_panel(path, read), {}, {}};
  if (!cohort) {
    l.design.from = 2012;
    l.design.to = 2015;
  }
  l.sample = build_sample(l.panel, l.design);
  if (weighted) {  // sampling weights travel with their contributions (fused weighted path)
    for (auto& w : l.sample.weight)
      for (std::size_t i = 0; i < w.size(); ++i)
        if (w[i] > 0.0) w[i] = 0.5 + 0.25 * static_cast<double>(i % 7);
    l.sample.weighted = true;
  }
  return l;
}

void expect_close(const std::vector<double>& gpu, const std::vector<double>& cpu,
                  const std::string& what) {
  ASSERT_EQ(gpu.size(), cpu.size()) << what;
  for (std::size_t i = 0; i < cpu.size(); ++i) {
    if (std::isnan(cpu[i])) {
      ASSERT_TRUE(std::isnan(gpu[i])) << what << " entry " << i;
      continue;
    }
    // Relative to 1 + |value|: a difference near 0 summed in the warp's butterfly order differs
    // from the CPU's by rounding of the sums' scale, not of its own (the CPU team tests' rule).
    ASSERT_NEAR(gpu[i], cpu[i], 1e-12 * (1.0 + std::fabs(cpu[i]))) << what << " entry " << i;
  }
}

struct Case {
  const char* name;
  bool cohort, strata_columns, weighted;
  Scheme scheme;
  ResampleUnit unit;
  std::vector<Statistic> statistics;
  bool replicate_se = true;
  bool one_cohort = false;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name;
}

const std::vector<Statistic> kAll = {Statistic::mean_diff, Statistic::median_diff,
                                     Statistic::trimmed_mean_diff, Statistic::agg_diff,
                                     Statistic::welch_t};
const std::vector<Statistic> kMeanType = {Statistic::mean_diff, Statistic::welch_t};

class BootstrapMatchesCpu : public ::testing::TestWithParam<Case> {};

// Every scheme and statistic, window and cohort designs: count path (all statistics), fused
// and dense paths (mean-type statistics), and a forced small batch that must not change a bit.
TEST_P(BootstrapMatchesCpu, ReplicateStatistics) {
  if (no_gpu()) GTEST_SKIP() << query_cuda().problem;
  const Case& c = GetParam();
  const Loaded l = load(c.cohort, c.strata_columns, c.weighted, c.one_cohort);
  BootstrapSpec spec;
  spec.scheme = c.scheme;
  spec.unit = c.unit;
  spec.statistics = c.statistics;
  spec.replicate_se = c.replicate_se;
  spec.seed = 20261127;
  constexpr std::uint64_t first = 5, count = 300;
  const ReplicateTable cpu = run_bootstrap(l.sample, l.design, spec, first, count);
  spec.backend.backend = Backend::cuda;
  const ReplicateTable gpu = run_bootstrap(l.sample, l.design, spec, first, count);
  expect_close(gpu.values, cpu.values, std::string(c.name) + " values");
  expect_close(gpu.welch_se, cpu.welch_se, std::string(c.name) + " welch_se");
  spec.backend.batch = 7;  // batches of 7 replicates: the same numbers to the bit
  const ReplicateTable batched = run_bootstrap(l.sample, l.design, spec, first, count);
  // Bits, not ==: a NaN replicate (no value) must be NaN in both.
  EXPECT_TRUE(test::bitwise_equal(batched.values, gpu.values)) << c.name;
  EXPECT_TRUE(test::bitwise_equal(batched.welch_se, gpu.welch_se)) << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    Schemes, BootstrapMatchesCpu,
    ::testing::Values(
        Case{"window_groups_all", false, false, false, Scheme::groups, ResampleUnit::firm, kAll},
        Case{"window_groups_mean_dense", false, false, false, Scheme::groups, ResampleUnit::firm,
             kMeanType},
        Case{"window_weighted_dense", false, false, true, Scheme::groups, ResampleUnit::firm,
             kMeanType},
        Case{"window_poisson_dense", false, false, false, Scheme::poisson, ResampleUnit::firm,
             kMeanType},
        // Cluster units with mean-type statistics: the fused path (one thread per replicate).
        Case{"window_cluster_mean_fused", false, false, false, Scheme::groups,
             ResampleUnit::cluster, kMeanType},
        Case{"window_bayesian_all", false, false, false, Scheme::bayesian, ResampleUnit::firm,
             kAll},
        Case{"window_strata_all", false, true, false, Scheme::strata, ResampleUnit::firm, kAll},
        Case{"window_cluster_all", false, false, false, Scheme::groups, ResampleUnit::cluster,
             kAll},
        Case{"cohort_groups_all", true, false, false, Scheme::groups, ResampleUnit::firm, kAll},
        Case{"cohort_poisson_all", true, false, false, Scheme::poisson, ResampleUnit::firm, kAll},
        // The cohort design's fused path: with the aggregate's SE (a second pass over the
        // draws), weighted, and mean_diff alone without SEs (one pass).
        Case{"cohort_groups_mean_fused", true, false, false, Scheme::groups, ResampleUnit::firm,
             kMeanType},
        Case{"cohort_weighted_bayesian_mean_fused", true, false, true, Scheme::bayesian,
             ResampleUnit::firm, kMeanType},
        Case{"cohort_mean_no_se_fused",
             true,
             false,
             false,
             Scheme::groups,
             ResampleUnit::firm,
             {Statistic::mean_diff},
             false},
        // One cohort: one cell, but the aggregate's SE needs the fused path's second pass (the
        // dense rows, which serve one cell otherwise, have none).
        Case{"one_cohort_mean_fused", true, false, false, Scheme::groups, ResampleUnit::firm,
             kMeanType, true, true},
        Case{"one_cohort_poisson_mean_fused", true, false, false, Scheme::poisson,
             ResampleUnit::firm, kMeanType, true, true}),
    [](const auto& info) { return std::string(info.param.name); });

// Groups large enough for the chunked multinomial (hd/bootstrap_chunked.hpp): the dense path's
// warp-cooperative items (a small member group and a chunked control group), the count path
// (every statistic) and the weighted fused path, each against the CPU, and batches of 3.
TEST(BootstrapMatchesCpu, ChunkedGroups) {
  if (no_gpu()) GTEST_SKIP() << query_cuda().problem;
  DesignOptions design;
  design.from = 2015;
  design.to = 2018;
  struct Chunked {
    const char* name;
    bool weighted;
    std::uint32_t members;
    std::vector<Statistic> statistics;
    Scheme scheme;
  };
  // The dense items kernel stages chunks in shared memory for every scheme: multinomial chunks
  // of the tree, and 1 024-unit chunks of every group under Poisson and Bayesian weights; rows
  // of (d, w) pairs for weighted samples; a whole group of 700 members.
  for (const Chunked& c :
       {Chunked{"dense_items", false, 5000, kMeanType, Scheme::groups},
        Chunked{"dense_items_both_chunked", false, 9000, kMeanType, Scheme::groups},
        Chunked{"dense_items_poisson", false, 9000, kMeanType, Scheme::poisson},
        Chunked{"dense_items_bayesian", false, 9000, kMeanType, Scheme::bayesian},
        Chunked{"count_all", false, 9000, kAll, Scheme::groups},
        Chunked{"dense_items_weighted", true, 9000, kMeanType, Scheme::groups},
        Chunked{"dense_items_weighted_poisson", true, 700, kMeanType, Scheme::poisson}}) {
    const Sample sample = test::large_sample(c.weighted, c.members, 12000);
    BootstrapSpec spec;
    spec.scheme = c.scheme;
    spec.statistics = c.statistics;
    spec.seed = 20261127;
    constexpr std::uint64_t first = 3, count = 40;
    const ReplicateTable cpu = run_bootstrap(sample, design, spec, first, count);
    spec.backend.backend = Backend::cuda;
    const ReplicateTable gpu = run_bootstrap(sample, design, spec, first, count);
    expect_close(gpu.values, cpu.values, std::string(c.name) + " values");
    expect_close(gpu.welch_se, cpu.welch_se, std::string(c.name) + " welch_se");
    spec.backend.batch = 3;
    EXPECT_TRUE(
        test::bitwise_equal(run_bootstrap(sample, design, spec, first, count).values, gpu.values))
        << c.name;
  }
}

// --device cuda through the CLI: every interval endpoint within 1e-9 relative of --device
// cpu's (order statistics of replicates equal to 1e-12), every p-value identical, and the
// report names the backend that ran.
TEST(AnalyzeMatchesCpu, EndToEnd) {
  if (no_gpu()) GTEST_SKIP() << query_cuda().problem;
  const std::string dir = test::scratch_dir("gpu_analyze");
  auto run = [&](const std::string& device) {
    const std::string json = dir + "/" + device + ".json";
    const auto r = test::run_klynge({"analyze", "--input", test::example_file("firms.csv"),
                                     "--entry", "entry_year", "--bootstrap", "999",
                                     "--permutations", "999", "--device", device, "--json", json});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(test::read_file(json));
  };
  const nlohmann::json cpu = run("cpu"), gpu = run("cuda");
  EXPECT_EQ(cpu["settings"]["device"], "cpu");
  EXPECT_EQ(gpu["settings"]["device"], "cuda");
  ASSERT_EQ(cpu["results"].size(), gpu["results"].size());
  for (std::size_t i = 0; i < cpu["results"].size(); ++i) {
    const nlohmann::json& a = cpu["results"][i];
    const nlohmann::json& b = gpu["results"][i];
    EXPECT_EQ(a.value("p_value", nlohmann::json()), b.value("p_value", nlohmann::json())) << i;
    if (!a.contains("ci")) continue;
    for (auto it = a["ci"].begin(); it != a["ci"].end(); ++it)
      for (const char* end : {"low", "high"}) {
        const nlohmann::json& x = it.value()[end];
        const nlohmann::json& y = b["ci"][it.key()][end];
        if (x.is_null()) {
          EXPECT_TRUE(y.is_null()) << i << " " << it.key();
          continue;
        }
        EXPECT_NEAR(y.get<double>(), x.get<double>(), 1e-9 * std::fabs(x.get<double>()))
            << i << " " << it.key() << " " << end;
      }
  }
}

}  // namespace
}  // namespace klynge
