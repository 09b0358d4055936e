// `klynge power --growth`: studies of cagr, pct, dhs and level growth (docs/power.md "Growth
// types"). The premium stays a log growth per year on a member's levels, so its true value in
// another type depends on the members' growth: on a pool it is the mean move of the valid
// firms' growth (exact), on simulated panels the truth panel measures it. Both are checked
// against a direct computation and against the average estimate over many datasets.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "common/cli_report.hpp"
#include "common/run_klynge.hpp"
#include "klynge/hd/growth.hpp"
#include "klynge/power.hpp"
#include "klynge/power_pool.hpp"
#include "klynge/report/power_report.hpp"

namespace klynge {
namespace {

constexpr int kFrom = 2017, kTo = 2020;
constexpr double kYears = kTo - kFrom;
const std::vector<GrowthType> kOtherTypes = {GrowthType::cagr, GrowthType::pct, GrowthType::dhs,
                                             GrowthType::level};

DesignOptions window(GrowthType growth) {
  DesignOptions design;
  design.from = kFrom;
  design.to = kTo;
  design.growth = growth;
  return design;
}

power::Pool example_pool(GrowthType growth, const power::PoolColumns& columns = {}) {
  return power::read_pool(test::example_pool(), columns, window(growth), 0);
}

double growth_of(GrowthType type, double x0, double x1) {
  return hd::growth(static_cast<hd::GrowthKind>(type), x0, x1, kYears).value;
}

power::PremiumPoint premium(const std::string& label) {
  return power::parse_premium_grid({label})[0];
}

// The pool holds each firm's growth of the study's type, and its population the firms valid for
// it: headcounts that fall to 0 have no log growth but a dhs growth of -2 / years.
TEST(PowerGrowth, PoolHoldsTheGrowthTypeAndTheFirmsValidForIt) {
  const power::Pool log = example_pool(GrowthType::log);
  const power::Pool dhs = example_pool(GrowthType::dhs);
  EXPECT_GT(dhs.source.valid[0], log.source.valid[0]);
  EXPECT_GE(dhs.source.firms, log.source.firms);
  const power::PoolWindow& w = dhs.windows[0];
  std::size_t exits = 0;
  for (std::size_t m = 0; m < 3; ++m)
    for (std::size_t i = 0; i < w.firms.size(); ++i) {
      const double expected = growth_of(GrowthType::dhs, w.start[m][i], w.end[m][i]);
      if (std::isnan(expected)) {
        EXPECT_TRUE(std::isnan(w.growth[m][i])) << m << " " << i;
        continue;
      }
      EXPECT_EQ(w.growth[m][i], expected) << m << " " << i;
      if (w.end[m][i] == 0.0) ++exits;
    }
  EXPECT_GT(exits, 0u) << "no firm of the example pool falls to 0";
}

// A member's growth is its firm's start level and its end level x exp(premium x years) put
// through the growth type; a control's is the pool's.
TEST(PowerGrowth, PoolMembersCarryThePremiumOnTheirEndLevel) {
  for (const GrowthType type : kOtherTypes) {
    const power::Pool pool = example_pool(type);
    const Sample s = power::pool_sample(pool, premium("0.05"), 800, 0.25, 3, 0);
    const power::Pool& p = pool;
    const Cell& cell = s.cells.at(0);
    for (std::size_t m = 0; m < 3; ++m)
      for (std::uint32_t i = cell.member_begin; i < cell.control_end; ++i) {
        const double g = growth_of(type, s.start[m][i], s.end[m][i]);
        if (std::isnan(g)) {
          EXPECT_EQ(s.weight[m][i], 0.0);
          continue;
        }
        EXPECT_EQ(s.growth[m][i], g) << growth_type_name(type) << " " << m << " " << i;
      }
    // The members' end levels are their firms' times exp(0.05 x 3): the firm is named in the id.
    const std::string id = s.firm_ids[static_cast<std::size_t>(s.firm[cell.member_begin])];
    const std::string firm = id.substr(0, id.find('#'));
    std::size_t k = 0;
    while (p.firm_ids[p.windows[0].firms[k]] != firm) ++k;
    EXPECT_DOUBLE_EQ(s.end[1][cell.member_begin], p.windows[0].end[1][k] * std::exp(0.15));
    EXPECT_EQ(s.start[1][cell.member_begin], p.windows[0].start[1][k]);
  }
}

// Members drawn like controls: the truth is the mean over the valid firms of the premium's move
// of their growth, summed here firm by firm; 0 without a premium.
TEST(PowerGrowth, PoolTruthIsTheMeanMoveOfTheValidFirmsGrowth) {
  for (const GrowthType type : kOtherTypes) {
    const power::Pool pool = example_pool(type);
    const power::PoolWindow& w = pool.windows[0];
    const std::vector<double> truth = power::pool_true_value(pool, premium("0.04"), false);
    for (std::size_t m = 0; m < 3; ++m) {
      double valid = 0.0, moved = 0.0;
      for (std::size_t i = 0; i < w.firms.size(); ++i) {
        if (!std::isfinite(w.growth[m][i])) continue;
        valid += 1.0;
        moved +=
            growth_of(type, w.start[m][i], w.end[m][i] * std::exp(0.04 * kYears)) - w.growth[m][i];
      }
      EXPECT_NEAR(truth[m], moved / valid, 1e-12 * std::abs(moved / valid))
          << growth_type_name(type) << " " << m;
      // Growth over the whole window moves by about exp(0.04 x 3) - 1, not by the premium.
      if (type == GrowthType::pct) EXPECT_GT(truth[m], 0.1) << m;
    }
    for (const double t : power::pool_true_value(pool, premium("0"), false))
      EXPECT_EQ(t, 0.0) << growth_type_name(type);
  }
}

// Members that follow the file's members' industries: unbalanced, the truth adds the
// composition gap of the growth without the premium; balanced on nace, only the move remains,
// averaged over the members' cells. Summed here over (profile member, firm of its cell) pairs,
// the way a member is drawn.
TEST(PowerGrowth, PoolTruthWithAMembersProfileWeighsTheMoveByTheProfile) {
  power::PoolColumns columns;
  columns.strata = {"nace"};
  columns.profile = power::MemberProfile::members;
  const power::Pool pool = example_pool(GrowthType::dhs, columns);
  ASSERT_FALSE(pool.profile.empty());
  const power::PoolWindow& w = pool.windows[0];
  const double factor = std::exp(0.03 * kYears);
  const std::vector<double> unbalanced = power::pool_true_value(pool, premium("0.03"), false);
  const std::vector<double> balanced = power::pool_true_value(pool, premium("0.03"), true);
  for (std::size_t m = 0; m < 3; ++m) {
    double mass = 0.0, with = 0.0, without = 0.0, control_n = 0.0, control_sum = 0.0;
    for (const std::int32_t cell : pool.profile) {
      const auto c = static_cast<std::size_t>(cell);
      const double firms = pool.cell_begin[c + 1] - pool.cell_begin[c];
      for (std::uint32_t j = pool.cell_begin[c]; j < pool.cell_begin[c + 1]; ++j) {
        const auto i = static_cast<std::size_t>(w.slot[pool.cell_firms[j]]);
        if (!std::isfinite(w.growth[m][i])) continue;
        mass += 1.0 / firms;
        with += growth_of(GrowthType::dhs, w.start[m][i], w.end[m][i] * factor) / firms;
        without += w.growth[m][i] / firms;
      }
    }
    for (std::size_t i = 0; i < w.firms.size(); ++i)
      if (std::isfinite(w.growth[m][i])) {
        control_n += 1.0;
        control_sum += w.growth[m][i];
      }
    EXPECT_NEAR(unbalanced[m], with / mass - control_sum / control_n, 1e-12) << m;
    EXPECT_NEAR(balanced[m], (with - without) / mass, 1e-12) << m;
  }
}

// The estimates of many datasets average to the true value (Monte Carlo, within 4 standard
// errors): on a pool and on simulated panels, where a wrong truth (the log premium, or no
// baseline gap for noisier members) would be off by many standard errors.
void expect_mean_estimate_is_truth(const power::PowerSpec& spec, const std::string& what) {
  power::validate(spec);
  for (const power::PremiumPoint& point : spec.premiums) {
    const power::TruePremium truth = power::true_premium(spec, point);
    std::vector<double> sum(truth.value.size(), 0.0), sum2(truth.value.size(), 0.0);
    for (std::uint32_t d = 0; d < spec.datasets; ++d) {
      const power::DatasetOutcome out = power::run_dataset(spec, point, spec.firms[0], d, truth);
      for (std::size_t m = 0; m < sum.size(); ++m) {
        sum[m] += out.metric[m].estimate;
        sum2[m] += out.metric[m].estimate * out.metric[m].estimate;
      }
    }
    const double r = spec.datasets;
    for (std::size_t m = 0; m < sum.size(); ++m) {
      const double mean = sum[m] / r;
      const double se = std::sqrt((sum2[m] / r - mean * mean) / (r - 1));
      const double tolerance = 4.0 * std::hypot(se, truth.mc_se[m]);
      EXPECT_NEAR(mean, truth.value[m], tolerance)
          << what << " premium " << point.label << " metric " << m << " se " << se;
    }
  }
}

power::PowerSpec estimate_spec(GrowthType growth) {
  power::PowerSpec s;
  s.premiums = power::parse_premium_grid({"0,0.04"});
  s.firms = {1000};
  s.member_share = 0.25;
  s.datasets = 150;
  s.bootstrap = 0;
  s.permutations = 39;
  s.seed = 12;
  s.truth_firms = 60000;
  s.growth = growth;
  s.threads = 1;
  return s;
}

TEST(PowerGrowth, PoolMeanEstimateOverDatasetsIsTheTrueValue) {
  for (const GrowthType type : {GrowthType::pct, GrowthType::dhs}) {
    power::PowerSpec spec = estimate_spec(type);
    spec.pool = std::make_shared<const power::Pool>(example_pool(type));
    spec.truth_firms = power::PowerSpec{}.truth_firms;  // no truth panel with a pool
    expect_mean_estimate_is_truth(spec, std::string(growth_type_name(type)));
  }
}

TEST(PowerGrowth, SimulatedMeanEstimateOverDatasetsIsTheTrueValue) {
  for (const GrowthType type : kOtherTypes)
    expect_mean_estimate_is_truth(estimate_spec(type), std::string(growth_type_name(type)));
}

// Members twice as noisy as controls: in logs revenue's groups keep equal means, but exp(.) is
// convex, so their pct growth is higher without any premium, and the truth says so.
TEST(PowerGrowth, NoisierMembersHaveAGapInTheGrowthTypeAndTheTruthMeasuresIt) {
  power::PowerSpec spec = estimate_spec(GrowthType::pct);
  spec.premiums = power::parse_premium_grid({"0"});
  spec.member_noise = 2.0;
  const power::TruePremium pct = power::true_premium(spec, spec.premiums[0]);
  EXPECT_GT(pct.value[1], 10.0 * pct.mc_se[1]);
  spec.growth = GrowthType::log;
  EXPECT_EQ(power::true_premium(spec, spec.premiums[0]).value[1], 0.0);
  spec.growth = GrowthType::pct;
  expect_mean_estimate_is_truth(spec, "pct, member noise 2");
}

// The intervals of the mean difference cover that truth (pct: about 0.1, far from the premium).
TEST(PowerGrowth, SimulatedIntervalsCoverTheTruth) {
  for (const GrowthType type : {GrowthType::pct, GrowthType::dhs}) {
    power::PowerSpec spec = estimate_spec(type);
    spec.premiums = power::parse_premium_grid({"0.03"});
    spec.firms = {600};
    spec.datasets = 100;
    spec.bootstrap = 199;
    spec.permutations = 0;
    spec.threads = 0;
    power::validate(spec);
    const auto rows = power::power_rows(spec, power::run_study(spec));
    ASSERT_EQ(rows.size(), 3u);
    for (const power::PowerRow& r : rows) {
      ASSERT_EQ(r.coverage.size(), 2u);
      EXPECT_EQ(r.datasets, 100u);
      // 100 datasets: Monte Carlo se 0.022 for a rate of 0.95.
      for (const power::CoverageRow& c : r.coverage)
        EXPECT_GT(c.rate, 0.86) << growth_type_name(type) << " " << r.metric;
    }
  }
}

TEST(PowerGrowthCli, TheFlagReachesTheReportAndTheTableAndBadNamesAreOneLine) {
  const std::string dir = test::scratch_dir("power_growth_cli");
  const std::vector<std::string> base = {"power",       "--pool",     test::example_pool(),
                                         "--firms",     "300",        "--premium",
                                         "0.02",        "--datasets", "4",
                                         "--bootstrap", "49",         "--permutations",
                                         "49"};
  auto args = base;
  args.insert(args.end(), {"--growth", "dhs", "--json", dir + "/p.json"});
  const auto run = test::run_klynge(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("annualised DHS growth (dhs)"), std::string::npos) << run.out;
  const auto report = test::read_json(dir + "/p.json");
  EXPECT_EQ(report["settings"]["growth"], "dhs");
  EXPECT_EQ(report["schema_version"], "1.9");
  // The report reads back as the study it was: a shard of another growth type is another study.
  const power::PowerSpec back = power::spec_from_settings(report["settings"], "p.json");
  EXPECT_EQ(back.growth, GrowthType::dhs);
  EXPECT_NE(report["power"][0]["true_value"].get<double>(), 0.02);

  auto bad = base;
  bad.insert(bad.end(), {"--growth", "ratio"});
  const auto r = test::run_klynge(bad);
  EXPECT_EQ(r.exit_code, 64) << r.err;
  EXPECT_TRUE(test::one_line(r.err)) << r.err;
  EXPECT_NE(r.err.find("--growth: \"ratio\""), std::string::npos) << r.err;
}

}  // namespace
}  // namespace klynge
