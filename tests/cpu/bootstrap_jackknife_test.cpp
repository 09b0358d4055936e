// Jackknife values: the closed form for the mean difference agrees with exact recomputation,
// and a left-out control firm leaves every cohort it appears in.
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

}  // namespace
}  // namespace klynge
