// The simulated window Sample made from per-firm records (klynge/sim_window.hpp) is
// build_sample's Sample of the simulated panel, bit for bit, whatever the spec, window, growth
// type or thread count (docs/power.md "Design").
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/bitwise_equal.hpp"
#include "common/design_window.hpp"
#include "common/sim_specs.hpp"
#include "common/sim_window_expect.hpp"
#include "klynge/build_sample.hpp"
#include "klynge/error.hpp"
#include "klynge/sim_window.hpp"

namespace klynge {
namespace {

using test::balanced;
using test::expect_same_sample;
using test::window;

using Strata = std::vector<std::string>;

Sample reference(const sim::SimSpec& spec, const DesignOptions& design, const Strata& strata = {}) {
  return build_sample(sim::to_panel(sim::simulate_panel(spec), strata), design);
}

Sample from_records(const sim::SimSpec& spec, const DesignOptions& design,
                    const Strata& strata = {}) {
  return sim::simulated_window_sample(spec, design, BackendChoice{}, strata);
}

void expect_same_as_reference(const sim::SimSpec& spec, const DesignOptions& design,
                              const std::string& what, const Strata& strata = {}) {
  expect_same_sample(from_records(spec, design, strata), reference(spec, design, strata), what);
}

// The simulate defaults: births, exits, zeros and missing cells, staggered entry, selection.
TEST(SimWindowSample, EqualsBuildSampleOnTheDefaultModel) {
  sim::SimSpec spec;
  spec.firms = 3000;
  spec.threads = 2;
  for (const auto& [from, to] : {std::pair{2012, 2015}, {2008, 2020}, {2015, 2016}, {2019, 2020}})
    expect_same_as_reference(spec, window(from, to),
                             "window " + std::to_string(from) + ":" + std::to_string(to));
}

// Windows that start before the panel, end after it, or miss it: firms without a start or end
// row are dropped (missing_start / missing_end), firms without a row inside are left out.
TEST(SimWindowSample, EqualsBuildSampleForWindowsBeyondThePanel) {
  sim::SimSpec spec;
  spec.firms = 1500;
  spec.first_year = 2010;
  spec.last_year = 2016;
  spec.seed = 5;
  for (const auto& [from, to] :
       {std::pair{2005, 2012}, {2014, 2025}, {2000, 2030}, {2017, 2019}, {2001, 2009}}) {
    const std::string what = "window " + std::to_string(from) + ":" + std::to_string(to);
    expect_same_as_reference(spec, window(from, to), what);
  }
  const Sample none = from_records(spec, window(2017, 2019));
  EXPECT_EQ(none.contributions(), 0u);
  EXPECT_EQ(none.firm_ids.size(), 1500u);
}

TEST(SimWindowSample, EqualsBuildSampleAcrossSizesSharesPremiumsAndCells) {
  for (const auto& [what, spec] : test::varied_specs())
    expect_same_as_reference(spec, window(2011, 2016), what);
}

// Every growth type reads the same endpoints; `level` allows from == to.
TEST(SimWindowSample, EqualsBuildSampleForEveryGrowthType) {
  sim::SimSpec spec;
  spec.firms = 2000;
  spec.zero_share = 0.2;
  spec.seed = 11;
  for (GrowthType g :
       {GrowthType::log, GrowthType::cagr, GrowthType::pct, GrowthType::dhs, GrowthType::level})
    expect_same_as_reference(spec, window(2010, 2014, g),
                             "growth " + std::to_string(static_cast<int>(g)));
  expect_same_as_reference(spec, window(2013, 2013, GrowthType::level), "level 2013:2013");
}

// The datasets of `klynge power` (every member joins in the window's first year, no births or
// exits, the panel is the window).
TEST(SimWindowSample, EqualsBuildSampleForPowerDatasets) {
  for (std::uint32_t d : {0u, 1u, 400u})
    expect_same_as_reference(test::power_dataset(5000, {0.02, 0.05, 0.0}, d), window(2017, 2020),
                             "dataset " + std::to_string(d));
}

// Industry, region and size class as stratum columns, read at the start year as build_sample
// reads them: the defaults pull members into their clusters' home industries and regions,
// missing employees cells leave the size class empty (NA), and windows that start before a
// firm's birth give it the all-NA stratum. Balanced, the controls' weights and
// the members dropped for want of controls are build_sample's too.
TEST(SimWindowSample, EqualsBuildSampleWithStrataAndBalance) {
  sim::SimSpec spec;
  spec.firms = 2500;
  spec.seed = 21;
  spec.birth_share = 0.3;
  spec.missing_share = 0.05;
  for (const Strata& strata : test::stratum_sets())
    for (const auto& [from, to] : {std::pair{2012, 2015}, {2005, 2013}, {2019, 2024}}) {
      const std::string what = strata[0] + (strata.size() > 1 ? "," + strata[1] : "") + " window " +
                               std::to_string(from) + ":" + std::to_string(to);
      expect_same_as_reference(spec, window(from, to), what, strata);
      expect_same_as_reference(spec, balanced(window(from, to)), what + " balanced", strata);
    }
  // Few firms: strata with members and no controls, whose members balancing drops.
  spec.firms = 60;
  spec.member_share = 0.5;
  const Sample small = from_records(spec, balanced(window(2012, 2015)), {"nace", "region"});
  EXPECT_FALSE(small.unmatched.empty());
  expect_same_as_reference(spec, balanced(window(2012, 2015)), "60 firms", {"nace", "region"});
  // A power dataset with the industry pull (dataset_spec keeps home_share 0 unless asked).
  sim::SimSpec dataset = test::power_dataset(4000, {0.02, 0.05, 0.0}, 3);
  dataset.home_share = 0.6;
  expect_same_as_reference(dataset, balanced(window(2017, 2020)), "power dataset", {"nace"});
}

TEST(SimWindowSample, RecordsDoNotDependOnTheThreadCount) {
  sim::SimSpec spec;
  spec.firms = 3001;
  const hd::sim::SimParams params = sim::make_params(spec);
  const sim::SimWindow w{2011, 2015};
  const auto one = sim::window_firms(params, w, 1);
  const auto two = sim::window_firms(params, w, 2);
  ASSERT_EQ(one.size(), two.size());
  for (std::size_t i = 0; i < one.size(); ++i)
    ASSERT_TRUE(test::same_record(one[i], two[i])) << "firm " << i;
}

TEST(SimWindowSample, RefusesWhatAWindowSampleCannotBe) {
  sim::SimSpec spec;
  spec.firms = 10;
  DesignOptions cohort;
  try {
    from_records(spec, cohort);
    FAIL() << "cohort design accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::internal);
  }
  DesignOptions balanced = window(2010, 2012);
  balanced.balance = true;
  try {
    from_records(spec, balanced);
    FAIL() << "--balance accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    EXPECT_NE(std::string(e.what()).find("--balance"), std::string::npos);
  }
  for (const Strata& strata : {Strata{"employees"}, Strata{"nace", "nace"}, Strata{""}}) {
    try {
      from_records(spec, window(2010, 2012), strata);
      FAIL() << "--strata " << strata[0] << " accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::usage);
      EXPECT_NE(std::string(e.what()).find("--strata"), std::string::npos);
    }
  }
  try {
    from_records(spec, window(2014, 2012));
    FAIL() << "reversed window accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
  }
}

}  // namespace
}  // namespace klynge
