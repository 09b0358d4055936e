// The simulated cohort Sample made from per-firm records (klynge/sim_cohort.hpp) is
// build_sample's Sample of the simulated panel read with its entry years, bit for bit, whatever
// the spec, horizon, offset, extra cohorts, growth type, strata or thread count (docs/power.md
// "Cohort design on simulated panels").
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/design_window.hpp"
#include "common/sim_cohort_expect.hpp"
#include "common/sim_specs.hpp"
#include "common/sim_window_expect.hpp"
#include "klynge/build_sample.hpp"
#include "klynge/error.hpp"
#include "klynge/sim_cohort.hpp"
#include "klynge/sim_window.hpp"

namespace klynge {
namespace {

using test::balanced;
using test::cohorts;
using test::expect_same_sample;

using Strata = std::vector<std::string>;

Sample reference(const sim::SimSpec& spec, const DesignOptions& design, const Strata& strata = {}) {
  return build_sample(sim::to_panel(sim::simulate_panel(spec), strata, true), design);
}

Sample from_records(const sim::SimSpec& spec, const DesignOptions& design,
                    const Strata& strata = {}) {
  return sim::simulated_cohort_sample(spec, design, BackendChoice{}, strata);
}

void expect_same_as_reference(const sim::SimSpec& spec, const DesignOptions& design,
                              const std::string& what, const Strata& strata = {}) {
  expect_same_sample(from_records(spec, design, strata), reference(spec, design, strata), what);
}

std::string name(const DesignOptions& d) {
  return "horizon " + std::to_string(d.horizon) + " offset " + std::to_string(d.offset);
}

// The simulate defaults: births, exits, zeros and missing cells, members entering 2009..2017,
// panel 2008..2020. Windows inside the panel, reaching past its end (missing_end drops) and
// starting before its first year (missing_start), and never-members born late or gone early
// (not observed in some windows: left out of those cells).
TEST(SimCohortSample, EqualsBuildSampleOnTheDefaultModel) {
  sim::SimSpec spec;
  spec.firms = 3000;
  spec.threads = 2;
  for (const DesignOptions& d : {cohorts(3), cohorts(1, -1), cohorts(5, 2), cohorts(2, -3),
                                 cohorts(12), cohorts(4, 20), cohorts(3, -30)}) {
    const Sample s = from_records(spec, d);
    EXPECT_EQ(s.cells.size(), 9u) << name(d);  // one per entry year some member drew
    expect_same_as_reference(spec, d, name(d));
  }
}

// Cohorts asked for without members (a cell of controls alone) and beyond the panel (no row in
// the window: an empty cell), as `analyze --cohorts` makes them.
TEST(SimCohortSample, EqualsBuildSampleWithExtraCohorts) {
  sim::SimSpec spec;
  spec.firms = 1200;
  spec.seed = 4;
  spec.entry_first = 2011;
  spec.entry_last = 2013;
  DesignOptions d = cohorts(3);
  d.extra_cohorts = {2009, 2012, 2030, 1990};
  const Sample s = from_records(spec, d);
  ASSERT_EQ(s.cells.size(), 6u);
  EXPECT_EQ(s.cells.front().cohort, 1990);
  EXPECT_EQ(s.cells.front().control_end, 0u);
  expect_same_as_reference(spec, d, "extra cohorts");
}

TEST(SimCohortSample, EqualsBuildSampleAcrossSizesSharesPremiumsAndRates) {
  for (const auto& [what, spec] : test::varied_specs()) {
    expect_same_as_reference(spec, cohorts(3), what);
    expect_same_as_reference(spec, cohorts(2, -1), what + " offset -1");
  }
  sim::SimSpec none;  // no member at all: no cohort, no cell
  none.firms = 300;
  none.member_share = 0.001;
  none.seed = 8;
  EXPECT_TRUE(from_records(none, cohorts(3)).cells.empty());
  expect_same_as_reference(none, cohorts(3), "no member");
}

// Every growth type reads the same endpoints; `level` allows horizon 0.
TEST(SimCohortSample, EqualsBuildSampleForEveryGrowthType) {
  sim::SimSpec spec;
  spec.firms = 2000;
  spec.zero_share = 0.2;
  spec.seed = 11;
  for (GrowthType g :
       {GrowthType::log, GrowthType::cagr, GrowthType::pct, GrowthType::dhs, GrowthType::level})
    expect_same_as_reference(spec, cohorts(3, 0, g),
                             "growth " + std::to_string(static_cast<int>(g)));
  expect_same_as_reference(spec, cohorts(0, 0, GrowthType::level), "level, horizon 0");
}

// The datasets of `klynge power --entry-years 2011:2015` (no births or exits, the panel spans
// every cohort's window), with windows that start at, before and after the entry.
TEST(SimCohortSample, EqualsBuildSampleForPowerDatasets) {
  for (const int offset : {0, -1, 2})
    for (const std::uint32_t d : {0u, 1u, 400u}) {
      const sim::SimSpec spec = test::power_cohort_dataset(3000, {0.02, 0.05, 0.0}, d, offset);
      expect_same_as_reference(
          spec, cohorts(3, offset),
          "dataset " + std::to_string(d) + " offset " + std::to_string(offset));
    }
}

// Industry, region and size class as stratum columns, read at each cohort window's start year:
// a never-member is in several cells, its stratum read at each cell's own start year (its size
// class can change), and windows that start before a firm's birth give it the all-NA stratum.
// Balanced, the controls' weights and the members dropped for want of controls are
// build_sample's too, cohort by cohort.
TEST(SimCohortSample, EqualsBuildSampleWithStrataAndBalance) {
  sim::SimSpec spec;
  spec.firms = 2500;
  spec.seed = 21;
  spec.birth_share = 0.3;
  spec.missing_share = 0.05;
  for (const Strata& strata : test::stratum_sets())
    for (const DesignOptions& d : {cohorts(3), cohorts(2, -2), cohorts(4, 6)}) {
      const std::string what =
          strata[0] + (strata.size() > 1 ? "," + strata[1] : "") + " " + name(d);
      expect_same_as_reference(spec, d, what, strata);
      expect_same_as_reference(spec, balanced(d), what + " balanced", strata);
    }
  // Few firms: strata with members and no controls in their cohort, whose members balancing drops.
  spec.firms = 80;
  spec.member_share = 0.5;
  const Sample small = from_records(spec, balanced(cohorts(3)), {"nace", "region"});
  EXPECT_FALSE(small.unmatched.empty());
  expect_same_as_reference(spec, balanced(cohorts(3)), "80 firms", {"nace", "region"});
  sim::SimSpec dataset = test::power_cohort_dataset(4000, {0.02, 0.05, 0.0}, 3);
  dataset.home_share = 0.6;
  expect_same_as_reference(dataset, balanced(cohorts(3)), "power dataset", {"nace"});
}

TEST(SimCohortSample, RecordsDoNotDependOnTheThreadCount) {
  sim::SimSpec spec;
  spec.firms = 3001;
  spec.birth_share = 0.4;
  const hd::sim::SimParams params = sim::make_params(spec);
  const sim::CohortFirms one = sim::cohort_firms(params, 1);
  const sim::CohortFirms two = sim::cohort_firms(params, 2);
  EXPECT_EQ(one.span, 13u);  // 2008..2020
  EXPECT_TRUE(test::same_records(one, two));
}

TEST(SimCohortSample, RefusesWhatACohortSampleCannotBe) {
  sim::SimSpec spec;
  spec.firms = 10;
  try {
    from_records(spec, test::window(2010, 2012));
    FAIL() << "window design accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::internal);
  }
  try {
    from_records(spec, balanced(cohorts(3)));
    FAIL() << "--balance without strata accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    EXPECT_NE(std::string(e.what()).find("--balance"), std::string::npos);
  }
  for (const Strata& strata : {Strata{"employees"}, Strata{"nace", "nace"}, Strata{""}}) {
    try {
      from_records(spec, cohorts(3), strata);
      FAIL() << "--strata " << strata[0] << " accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::usage);
      EXPECT_NE(std::string(e.what()).find("--strata"), std::string::npos);
    }
  }
  try {
    from_records(spec, cohorts(0));  // horizon 0 is only for level growth
    FAIL() << "horizon 0 accepted for log growth";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
  }
}

}  // namespace
}  // namespace klynge
