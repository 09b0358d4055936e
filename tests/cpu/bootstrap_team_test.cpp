// The count path's replicate run by a team of 32 lanes (what cuda/bootstrap.cu's warp kernel
// does, hd::team_bootstrap_replicate with a WarpTeam), here with 32 CPU threads
// (tests/common/thread_team.hpp), against the same replicate run by one thread (SerialTeam, the
// CPU backend): the same resample counts; medians and trimming cuts placed at exactly the same
// entries (cumulative weights are integer sums); every statistic equal to 1e-12 (sums added in
// the lanes' order instead of index order).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "common/large_sample.hpp"
#include "common/run_klynge.hpp"
#include "common/thread_team.hpp"
#include "klynge/build_sample.hpp"
#include "klynge/engine/boot_data.hpp"
#include "klynge/hd/bootstrap_replicate.hpp"
#include "klynge/io/read_panel.hpp"

namespace klynge {
namespace {

constexpr std::uint32_t kLanes = 32;

struct Replicate {
  std::vector<double> counts, values, se;
};

Replicate serial_replicate(const engine::BootData& d, std::uint32_t r) {
  engine::ScratchBuffers buf(d);
  Replicate out;
  out.values.assign(std::max<std::size_t>(d.keys.size(), 1), 0.0);
  out.se = out.values;
  hd::bootstrap_replicate(d.view, r, buf.scratch, out.values.data(), out.se.data());
  out.counts = buf.firm_count;
  return out;
}

Replicate team_replicate(const engine::BootData& d, std::uint32_t r) {
  engine::ScratchBuffers buf(d);
  Replicate out;
  out.values.assign(std::max<std::size_t>(d.keys.size(), 1), 0.0);
  out.se = out.values;
  test::run_thread_team(kLanes, [&](const test::ThreadTeam& team) {
    hd::team_bootstrap_replicate(d.view, r, buf.scratch, out.values.data(), out.se.data(), team);
  });
  out.counts = buf.firm_count;
  for (double infl : buf.influence) EXPECT_EQ(infl, 0.0) << "influence left for the next use";
  return out;
}

bool close(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::fabs(a - b) <= 1e-12 * std::max(1.0, std::fabs(a));
}

void expect_team_equals_serial(const engine::BootData& d, const std::string& what,
                               std::uint32_t replicates = 3) {
  const bool bayesian = d.view.scheme == hd::BootScheme::bayesian;
  for (std::uint32_t r = 0; r < replicates; ++r) {
    const Replicate one = serial_replicate(d, r);
    const Replicate team = team_replicate(d, r);
    ASSERT_EQ(one.counts.size(), team.counts.size());
    for (std::size_t f = 0; f < one.counts.size(); ++f) {
      if (bayesian)  // scaled by a sum the team adds in its own order
        ASSERT_TRUE(close(one.counts[f], team.counts[f])) << what << " r " << r << " firm " << f;
      else
        ASSERT_EQ(one.counts[f], team.counts[f]) << what << " r " << r << " firm " << f;
    }
    for (std::size_t k = 0; k < d.keys.size(); ++k) {
      const bool exact_pick =
          d.keys[k].statistic == Statistic::median_diff && hd::exact_cumulative_weights(d.view);
      if (exact_pick)  // the same two entries picked: the same difference, bit for bit
        EXPECT_EQ(std::isnan(one.values[k]) ? 0.0 : one.values[k],
                  std::isnan(team.values[k]) ? 0.0 : team.values[k])
            << what << " r " << r << " key " << k;
      else
        EXPECT_TRUE(close(one.values[k], team.values[k]))
            << what << " r " << r << " key " << k << ": " << one.values[k] << " vs "
            << team.values[k];
      EXPECT_TRUE(close(one.se[k], team.se[k])) << what << " r " << r << " se of key " << k;
    }
  }
}

BootstrapSpec all_statistics(Scheme scheme, ResampleUnit unit = ResampleUnit::firm) {
  BootstrapSpec spec;
  spec.scheme = scheme;
  spec.unit = unit;
  spec.statistics = {Statistic::mean_diff, Statistic::median_diff, Statistic::trimmed_mean_diff,
                     Statistic::agg_diff, Statistic::welch_t};
  spec.seed = 11;
  return spec;
}

struct ExampleCase {
  bool cohort, balance;
  Scheme scheme;
  ResampleUnit unit;
};

TEST(BootstrapTeam, EveryDesignSchemeAndStatisticOnTheExamplePanel) {
  for (const ExampleCase c : {ExampleCase{true, false, Scheme::groups, ResampleUnit::firm},
                              ExampleCase{true, false, Scheme::poisson, ResampleUnit::firm},
                              ExampleCase{true, false, Scheme::bayesian, ResampleUnit::firm},
                              ExampleCase{true, false, Scheme::groups, ResampleUnit::cluster},
                              ExampleCase{true, true, Scheme::strata, ResampleUnit::firm},
                              ExampleCase{true, true, Scheme::groups, ResampleUnit::firm},
                              ExampleCase{false, false, Scheme::groups, ResampleUnit::firm},
                              ExampleCase{false, true, Scheme::bayesian, ResampleUnit::firm}}) {
    ReadOptions read;
    read.columns.entry = "entry_year";
    read.columns.cluster = "cluster";
    if (c.balance) read.columns.strata = {"nace"};
    const Panel panel = read_panel(test::example_file("firms.csv"), read);
    DesignOptions design;
    if (!c.cohort) {
      design.from = 2012;
      design.to = 2015;
    }
    design.balance = c.balance;
    const Sample sample = build_sample(panel, design);
    BootstrapSpec spec = all_statistics(c.scheme, c.unit);
    spec.fused = false;  // the count path, whatever the statistics
    engine::BootData d;
    engine::build_boot_data(sample, design, spec, d);
    ASSERT_FALSE(d.fused);
    expect_team_equals_serial(d, std::string(c.cohort ? "cohort" : "window") +
                                     (c.balance ? " balance" : "") + " scheme " +
                                     std::to_string(static_cast<int>(c.scheme)) + " unit " +
                                     std::to_string(static_cast<int>(c.unit)));
  }
}

// Groups of 9 000 and 12 000 firms are drawn by chunks: the team walks the chunk tree together
// (each plane's ones counted by all lanes) and shares each chunk's draws.
TEST(BootstrapTeam, ChunkedGroupsAndWeightedSamples) {
  for (const bool weighted : {false, true}) {
    const Sample sample = test::large_sample(weighted);
    DesignOptions design;
    design.from = 2015;
    design.to = 2018;
    for (const Scheme scheme : {Scheme::groups, Scheme::poisson, Scheme::bayesian}) {
      BootstrapSpec spec = all_statistics(scheme);
      spec.fused = false;
      engine::BootData d;
      engine::build_boot_data(sample, design, spec, d);
      ASSERT_TRUE(hd::chunked_group(d.group_unit_begin[1] - d.group_unit_begin[0]));
      expect_team_equals_serial(d,
                                std::string(weighted ? "weighted" : "unweighted") + " scheme " +
                                    std::to_string(static_cast<int>(scheme)),
                                2);
    }
  }
}

// The team's collectives themselves: the sum is the butterfly's (not index order), a scan gives
// each lane the sum below it, and the first flagged lane is found.
TEST(BootstrapTeam, CollectivesFollowTheWarpsDefinitions) {
  std::vector<double> sums(kLanes), scans(kLanes), firsts(kLanes), got(kLanes);
  test::run_thread_team(kLanes, [&](const test::ThreadTeam& team) {
    const double x = 1.0 / (3.0 + team.lane());
    sums[team.lane()] = team.sum(x);
    scans[team.lane()] = team.scan(static_cast<double>(team.lane()));
    firsts[team.lane()] = team.first_lane(team.lane() >= 7 && team.lane() % 5 == 0);
    got[team.lane()] = team.broadcast(team.lane() * 2.0, 9);
  });
  std::vector<double> partials(kLanes);
  for (std::uint32_t l = 0; l < kLanes; ++l) partials[l] = 1.0 / (3.0 + l);
  const double tree = hd::butterfly_sum(partials.data(), kLanes);
  for (std::uint32_t l = 0; l < kLanes; ++l) {
    EXPECT_EQ(sums[l], tree);
    EXPECT_EQ(scans[l], l * (l - 1.0) / 2.0);
    EXPECT_EQ(firsts[l], 10.0);
    EXPECT_EQ(got[l], 18.0);
  }
}

}  // namespace
}  // namespace klynge
