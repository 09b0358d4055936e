// Jackknife values: the closed form for the mean difference agrees with exact recomputation
// (a left-out control firm leaves every cohort it appears in), the other statistics are that
// recomputation; the exact path skips the aggregate's influence pass unless welch_t needs it,
// without changing a value.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "common/run_klynge.hpp"
#include "klynge/build_sample.hpp"
#include "klynge/engine/boot_data.hpp"
#include "klynge/hd/bootstrap_replicate.hpp"
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

// Every key recomputed with unit u left out, through the replicate functor (count 0 for its
// firms), as the exact path computes the other statistics: values[key].
std::vector<double> recomputed_without(const PreparedBootstrap& prepared, std::uint32_t u) {
  const engine::BootData& data = prepared.data();
  const hd::BootView& v = data.view;
  engine::ScratchBuffers buf(data);
  std::fill(buf.firm_count.begin(), buf.firm_count.end(), 1.0);
  for (std::uint32_t k = v.unit_firm_begin[u]; k < v.unit_firm_begin[u + 1]; ++k)
    buf.firm_count[v.unit_firms[k]] = 0.0;
  std::vector<double> values(data.keys.size());
  const std::uint32_t per_metric = hd::boot_keys_per_metric(v);
  for (std::uint32_t m = 0; m < v.metrics; ++m)
    hd::metric_statistics(v, m, buf.scratch, values.data() + m * per_metric, nullptr);
  return values;
}

// mean_diff (cells and the cohort aggregate) is always done in closed form; it must equal the
// functor's recomputation for every left-out unit. The other statistics are recomputed within
// the exact limit and too_large beyond it, where mean_diff keeps its values.
TEST(BootstrapJackknife, ClosedFormMeanDiffEqualsExactRecomputation) {
  const Loaded l = load_cohort();
  BootstrapSpec spec;
  spec.statistics = {Statistic::mean_diff, Statistic::median_diff};
  const PreparedBootstrap prepared(l.sample, l.design, spec);
  const JackknifeTable jack = jackknife_values(prepared);
  const JackknifeTable beyond = jackknife_values(prepared, 0.0);
  const engine::BootData& data = prepared.data();
  const std::uint32_t groups = data.view.resample_groups;
  std::size_t compared = 0, aggregate = 0;
  for (std::uint32_t g = 0; g < groups; ++g)
    for (std::uint32_t u = data.group_unit_begin[g]; u < data.group_unit_begin[g + 1]; ++u) {
      const std::vector<double> expected = recomputed_without(prepared, u);
      const std::uint32_t at = u - data.group_unit_begin[g];
      for (std::size_t k = 0; k < jack.keys.size(); ++k) {
        ASSERT_EQ(jack.status[k], "ok");
        const bool mean = jack.keys[k].statistic == Statistic::mean_diff;
        ASSERT_EQ(beyond.status[k], mean ? "ok" : "too_large");
        const double a = expected[k], b = jack.values[k][g][at];
        if (std::isnan(a)) {
          EXPECT_TRUE(std::isnan(b)) << k << " " << u;
          continue;
        }
        if (!mean) {
          EXPECT_EQ(a, b) << k << " " << u;  // the exact path is this recomputation
          continue;
        }
        EXPECT_NEAR(a, b, 1e-12 * (1.0 + std::abs(a))) << k << " " << u;
        EXPECT_EQ(beyond.values[k][g][at], b);
        ++compared;
        if (jack.keys[k].cohort == kAllCohorts) ++aggregate;
      }
    }
  EXPECT_GT(compared, 1000u);
  EXPECT_GT(aggregate, 100u);
}

// The exact path asks the replicate functor for values only, so the cohort aggregate's
// influence pass runs only for welch_t: the other statistics' values are the same bits either
// way (median_diff here; mean_diff is in closed form).
TEST(BootstrapJackknife, ExactValuesDoNotDependOnWhetherWelchIsAsked) {
  const Loaded l = load_cohort();
  BootstrapSpec without, with_welch;
  without.statistics = {Statistic::median_diff};
  with_welch.statistics = {Statistic::median_diff, Statistic::welch_t};
  const JackknifeTable a = jackknife_values(l.sample, l.design, without);
  const JackknifeTable b = jackknife_values(l.sample, l.design, with_welch);
  std::size_t compared = 0, aggregate = 0;
  for (std::size_t k = 0; k < a.keys.size(); ++k)
    for (std::size_t j = 0; j < b.keys.size(); ++j) {
      if (b.keys[j].metric != a.keys[k].metric || b.keys[j].cohort != a.keys[k].cohort ||
          b.keys[j].statistic != Statistic::median_diff)
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
