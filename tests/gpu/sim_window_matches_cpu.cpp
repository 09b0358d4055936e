// Simulated window records on the GPU against the CPU loop on the same spec, bit for bit, and
// the Sample `klynge power --device cuda` builds from them against build_sample of the
// simulated panel. Skipped when no GPU is usable.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/design_window.hpp"
#include "common/sim_specs.hpp"
#include "common/sim_window_expect.hpp"
#include "klynge/build_sample.hpp"
#include "klynge/device_info.hpp"
#include "klynge/engine/cuda_sim_window.hpp"
#include "klynge/error.hpp"
#include "klynge/sim_window.hpp"

namespace klynge {
namespace {

bool no_gpu() {
  return query_cuda().devices.empty();
}

BackendChoice gpu() {
  BackendChoice choice;
  choice.backend = Backend::cuda;
  return choice;
}

using test::window;

// Births, exits, zeros, missing cells, unequal noise: every branch of the process; and a
// `klynge power` dataset.
std::vector<sim::SimSpec> specs() {
  std::vector<sim::SimSpec> out = test::device_specs();
  out.push_back(test::power_dataset(50000, {0.02, 0.02, 0.02}, 17));
  return out;
}

TEST(SimWindowMatchesCpu, RecordsAreTheHostsBitForBit) {
  if (no_gpu()) GTEST_SKIP() << query_cuda().problem;
  for (const sim::SimSpec& spec : specs()) {
    const hd::sim::SimParams params = sim::make_params(spec);
    for (const sim::SimWindow w : {sim::SimWindow{2011, 2015}, sim::SimWindow{2017, 2020}}) {
      const auto host = sim::window_firms(params, w, 0);
      const auto device = cuda::sim_window_firms(params, w, gpu());
      ASSERT_EQ(device.size(), host.size());
      for (std::size_t i = 0; i < host.size(); ++i)
        ASSERT_TRUE(test::same_record(device[i], host[i]))
            << "seed " << spec.seed << " window " << w.from << ":" << w.to << " firm " << i;
    }
  }
}

TEST(SimWindowMatchesCpu, SampleIsBuildSamplesOfTheSimulatedPanel) {
  if (no_gpu()) GTEST_SKIP() << query_cuda().problem;
  for (const sim::SimSpec& spec : specs()) {
    const DesignOptions design = window(2017, 2020);
    const Sample want = build_sample(sim::to_panel(sim::simulate_panel(spec)), design);
    test::expect_same_sample(sim::simulated_window_sample(spec, design, gpu()), want,
                             "seed " + std::to_string(spec.seed));
    // Industry and region as strata, balanced: the records' nace, region and start row.
    DesignOptions balanced = design;
    balanced.balance = true;
    const std::vector<std::string> strata = {"nace", "region"};
    test::expect_same_sample(
        sim::simulated_window_sample(spec, balanced, gpu(), strata),
        build_sample(sim::to_panel(sim::simulate_panel(spec), strata), balanced),
        "seed " + std::to_string(spec.seed) + " balanced on nace, region");
  }
}

TEST(SimWindowMatchesCpu, EmptyDatasetAndBadGpuIndex) {
  if (no_gpu()) GTEST_SKIP() << query_cuda().problem;
  sim::SimSpec spec;
  hd::sim::SimParams params = sim::make_params(spec);
  params.firms = 0;
  EXPECT_TRUE(cuda::sim_window_firms(params, sim::SimWindow{2010, 2012}, gpu()).empty());
  params.firms = 10;
  BackendChoice bad = gpu();
  bad.gpu = 1 << 20;
  try {
    cuda::sim_window_firms(params, sim::SimWindow{2010, 2012}, bad);
    FAIL() << "a GPU index beyond the visible devices was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
  }
}

}  // namespace
}  // namespace klynge
