// Simulated cohort records on the GPU against the CPU loop on the same spec, bit for bit, and
// the Sample `klynge power --entry-years --device cuda` builds from them against build_sample
// of the simulated panel. Skipped when no GPU is usable.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/sim_cohort_expect.hpp"
#include "common/sim_specs.hpp"
#include "common/sim_window_expect.hpp"
#include "klynge/build_sample.hpp"
#include "klynge/device_info.hpp"
#include "klynge/engine/cuda_sim_cohort.hpp"
#include "klynge/error.hpp"
#include "klynge/sim_cohort.hpp"
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

// Births, exits, zeros, missing cells, unequal noise: every branch of the process; and a
// `klynge power` dataset.
std::vector<sim::SimSpec> specs() {
  std::vector<sim::SimSpec> out = test::device_specs();
  out.push_back(test::power_cohort_dataset(50000, {0.02, 0.02, 0.02}, 17));
  return out;
}

sim::CohortFirms device_records(const hd::sim::SimParams& params) {
  sim::CohortFirms records;
  records.first_year = params.first_year;
  records.span = hd::sim::sim_years(params);
  cuda::sim_cohort_firms(params, gpu(), records.firms, records.years);
  return records;
}

TEST(SimCohortMatchesCpu, RecordsAreTheHostsBitForBit) {
  if (no_gpu()) GTEST_SKIP() << query_cuda().problem;
  for (const sim::SimSpec& spec : specs()) {
    const hd::sim::SimParams params = sim::make_params(spec);
    EXPECT_TRUE(test::same_records(device_records(params), sim::cohort_firms(params, 0)))
        << "seed " << spec.seed;
  }
}

TEST(SimCohortMatchesCpu, SampleIsBuildSamplesOfTheSimulatedPanel) {
  if (no_gpu()) GTEST_SKIP() << query_cuda().problem;
  for (const sim::SimSpec& spec : specs()) {
    const DesignOptions design = test::cohorts(3);
    const Sample want = build_sample(sim::to_panel(sim::simulate_panel(spec), {}, true), design);
    test::expect_same_sample(sim::simulated_cohort_sample(spec, design, gpu()), want,
                             "seed " + std::to_string(spec.seed));
    DesignOptions balanced = design;
    balanced.balance = true;
    const std::vector<std::string> strata = {"nace", "region"};
    test::expect_same_sample(
        sim::simulated_cohort_sample(spec, balanced, gpu(), strata),
        build_sample(sim::to_panel(sim::simulate_panel(spec), strata, true), balanced),
        "seed " + std::to_string(spec.seed) + " balanced on nace, region");
  }
}

TEST(SimCohortMatchesCpu, EmptyDatasetAndBadGpuIndex) {
  if (no_gpu()) GTEST_SKIP() << query_cuda().problem;
  sim::SimSpec spec;
  hd::sim::SimParams params = sim::make_params(spec);
  params.firms = 0;
  EXPECT_TRUE(device_records(params).firms.empty());
  params.firms = 10;
  BackendChoice bad = gpu();
  bad.gpu = 1 << 20;
  std::vector<hd::sim::SimCohortFirm> firms;
  std::vector<hd::sim::SimFirmYear> years;
  try {
    cuda::sim_cohort_firms(params, bad, firms, years);
    FAIL() << "a GPU index beyond the visible devices was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
  }
}

}  // namespace
}  // namespace klynge
