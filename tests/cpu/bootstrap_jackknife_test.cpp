// Jackknife values: the closed form for the mean difference agrees with exact recomputation,
// and a left-out control firm leaves every cohort it appears in; the exact path skips the
// aggregate's influence pass unless welch_t needs it, without changing a value.
#include <gtest/gtest.h>

#include <cmath>

#include "common/run_klynge.hpp"
#include "klynge/build_sample.hpp"
#include "klynge/io/read_panel.hpp"
#include "klynge/jackknife.hpp"

namespace klynge {
namespace {

struct Loaded {
  Panel panel;
  DesignOptions design;
  Sample sample;
};

Loaded load_cohort() {
  ReadOptions read;
  read.columns.entry = "entry_year";
  Loaded l{read_panel(test::example_file("firms.csv"), read), {}, {}};
  l.sample = build_sample(l.panel, l.design);
  return l;
}

TEST(BootstrapJackknife, ClosedFormMeanDiffEqualsExactRecomputation) {
  const Loaded l = load_cohort();
  BootstrapSpec spec;
  spec.statistics = {Statistic::mean_diff, Statistic::median_diff};
  const JackknifeTable exact = jackknife_values(l.sample, l.design, spec);
  const JackknifeTable closed = jackknife_values(l.sample, l.design, spec, 0.0);
  ASSERT_EQ(exact.keys.size(), closed.keys.size());
  std::size_t compared = 0;
  for (std::size_t k = 0; k < exact.keys.size(); ++k) {
    EXPECT_EQ(exact.status[k], "ok");
    if (exact.keys[k].statistic != Statistic::mean_diff) {
      EXPECT_EQ(closed.status[k], "too_large");
      continue;
    }
    ASSERT_EQ(closed.status[k], "ok");
    ASSERT_EQ(exact.values[k].size(), closed.values[k].size());
    for (std::size_t s = 0; s < exact.values[k].size(); ++s) {
      ASSERT_EQ(exact.values[k][s].size(), closed.values[k][s].size());
      for (std::size_t i = 0; i < exact.values[k][s].size(); ++i) {
        const double a = exact.values[k][s][i], b = closed.values[k][s][i];
        if (std::isnan(a)) {
          EXPECT_TRUE(std::isnan(b));
          continue;
        }
        EXPECT_NEAR(a, b, 1e-12 * (1.0 + std::abs(a)));
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 1000u);
}

// The exact path asks the replicate functor for values only, so the cohort aggregate's
// influence pass runs only for welch_t: mean_diff's values are the same bits either way.
TEST(BootstrapJackknife, MeanDiffValuesDoNotDependOnWhetherWelchIsAsked) {
  const Loaded l = load_cohort();
  BootstrapSpec mean_only, with_welch;
  mean_only.statistics = {Statistic::mean_diff};
  with_welch.statistics = {Statistic::mean_diff, Statistic::welch_t};
  const JackknifeTable a = jackknife_values(l.sample, l.design, mean_only);
  const JackknifeTable b = jackknife_values(l.sample, l.design, with_welch);
  std::size_t compared = 0, aggregate = 0;
  for (std::size_t k = 0; k < a.keys.size(); ++k)
    for (std::size_t j = 0; j < b.keys.size(); ++j) {
      if (b.keys[j].metric != a.keys[k].metric || b.keys[j].cohort != a.keys[k].cohort ||
          b.keys[j].statistic != Statistic::mean_diff)
        continue;
      ASSERT_EQ(a.values[k].size(), b.values[j].size());
      for (std::size_t s = 0; s < a.values[k].size(); ++s) {
        ASSERT_EQ(a.values[k][s].size(), b.values[j][s].size());
        for (std::size_t i = 0; i < a.values[k][s].size(); ++i) {
          const double x = a.values[k][s][i], y = b.values[j][s][i];
          EXPECT_TRUE((std::isnan(x) && std::isnan(y)) || x == y) << k << " " << x << " " << y;
          ++compared;
          if (a.keys[k].cohort == kAllCohorts) ++aggregate;
        }
      }
    }
  EXPECT_GT(aggregate, 1000u);
  EXPECT_GT(compared, aggregate);
}

}  // namespace
}  // namespace klynge
