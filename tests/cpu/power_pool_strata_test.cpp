// `klynge power --pool --strata` in the library: the pool keeps each firm's stratum cell;
// with --member-profile members the file's members set the cells of the datasets' members and
// the never-members are the population; a dataset drawn and balanced in memory is what
// build_sample --balance makes of the drawn firms; the true value carries the composition gap
// exactly (checked against a direct sum and against the datasets' mean); the stratified test of
// a balanced dataset weighs by the sampling weights alone, which holds its size where balance
// factors travelling with relabelled firms did not (docs/power.md "Members selected on strata").
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "klynge/build_sample.hpp"
#include "klynge/error.hpp"
#include "klynge/io/read_panel.hpp"
#include "klynge/p_values.hpp"
#include "klynge/permutation.hpp"
#include "klynge/power.hpp"
#include "klynge/power_pool.hpp"
#include "klynge/report/power_report.hpp"
#include "klynge/statistics.hpp"

namespace klynge {
namespace {

constexpr int kFrom = 2017, kTo = 2020;

// Industry of firm k: A (fast growth), B (flat), C (shrinking), D (members only, so its
// members have no population firm to stand in for them).
char industry_of(int k) {
  if (k % 50 == 0) return 'D';
  return "AABBBBCCCC"[k % 10];
}

double industry_growth(char industry) {
  switch (industry) {
    case 'A':
      return 0.08;
    case 'B':
      return 0.0;
    case 'C':
      return -0.04;
    default:
      return 0.2;
  }
}

// A register of `firms` firms over [2017, 2020]: growth by industry plus a deterministic
// wobble; members are mostly in A (and all of D), non-members spread over A, B, C. Employees
// are missing at the window's end for every fifth firm of C, so validity differs by metric.
std::string register_csv(int firms) {
  std::string csv = "firm_id,year,revenue,employees,member,nace\n";
  for (int k = 0; k < firms; ++k) {
    const char nace = industry_of(k);
    const bool member = nace == 'D' || (nace == 'A' && k % 3 == 0) || k % 17 == 0;
    const double g = industry_growth(nace) + 0.05 * std::sin(1.7 * k);
    const double r0 = 100.0 + k % 37, e0 = 5.0 + k % 11;
    const double r1 = r0 * std::exp(3.0 * g), e1 = e0 * std::exp(3.0 * g);
    const std::string id = fmt::format("F{}", k);
    csv += fmt::format("{},{},{},{},{},{}\n", id, kFrom, r0, e0, member ? 1 : 0, nace);
    const bool employees_missing = nace == 'C' && k % 5 == 0;
    csv += fmt::format("{},{},{},{},{},{}\n", id, kTo, r1,
                       employees_missing ? "" : fmt::format("{}", e1), member ? 1 : 0, nace);
  }
  return csv;
}

Panel register_panel(int firms, bool membership) {
  ReadOptions read;
  read.columns.metrics = {"revenue", "employees"};
  read.columns.strata = {"nace"};
  read.membership = membership;
  return parse_panel(register_csv(firms), "register.csv", read);
}

power::Pool profiled_pool(int firms = 3000) {
  return power::pool_from_panel(register_panel(firms, true), kFrom, kTo,
                                power::MemberProfile::members);
}

power::PremiumPoint zero_premium() {
  return power::parse_premium_grid({"0"}, {"revenue", "employees"})[0];
}

std::string nace_of(const std::string& id) {
  return std::string(1, industry_of(std::stoi(id.substr(1, id.find('#') - 1))));
}

bool same_double(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || a == b;
}

// --balance reweights each dataset's controls; the pool is the same, and its profile still
// counts (and the warning reports) the members of cells without non-members. The balanced
// sample behind the pool once dropped them first, so they vanished unreported.
TEST(PowerPoolStrata, BalanceKeepsTheUnmatchedMembersCounted) {
  const Panel panel = register_panel(600, true);
  DesignOptions design;
  design.growth = GrowthType::log;
  design.from = kFrom;
  design.to = kTo;
  const power::Pool plain = power::pool_from_panel(panel, design, power::MemberProfile::members);
  design.balance = true;
  const power::Pool balanced = power::pool_from_panel(panel, design, power::MemberProfile::members);
  ASSERT_GT(plain.source.unmatched_members, 0u);
  EXPECT_EQ(balanced.source.unmatched_members, plain.source.unmatched_members);
  EXPECT_EQ(balanced.source.profile_members, plain.source.profile_members);
  EXPECT_EQ(balanced.profile, plain.profile);
  EXPECT_EQ(balanced.firm_ids, plain.firm_ids);
  EXPECT_TRUE(balanced.design.balance);
}

TEST(PowerPoolStrata, ProfileIsTheMembersCellsAndThePopulationTheNeverMembers) {
  const Panel panel = register_panel(600, true);
  const power::Pool pool = power::pool_from_panel(panel, kFrom, kTo, power::MemberProfile::members);
  ASSERT_EQ(pool.stratum_labels,
            (std::vector<std::string>{"nace=A", "nace=B", "nace=C", "nace=D"}));
  EXPECT_EQ(pool.source.strata_cells, 4u);
  ASSERT_EQ(pool.windows[0].stratum.size(), pool.firms());
  std::uint64_t members = 0, unmatched = 0;
  for (int k = 0; k < 600; ++k) {
    const char nace = industry_of(k);
    const bool member = nace == 'D' || (nace == 'A' && k % 3 == 0) || k % 17 == 0;
    members += member ? 1 : 0;
    unmatched += member && nace == 'D' ? 1 : 0;
  }
  EXPECT_EQ(pool.firms(), 600u - members);  // every firm has a revenue growth
  EXPECT_EQ(pool.source.profile_members, members);
  EXPECT_EQ(pool.source.unmatched_members, unmatched);
  EXPECT_EQ(pool.profile.size(), members - unmatched);
  for (std::uint32_t k = 0; k < pool.firms(); ++k) {
    EXPECT_EQ(pool.stratum_labels[pool.windows[0].stratum[k]], "nace=" + nace_of(pool.firm_ids[k]));
    EXPECT_NE(nace_of(pool.firm_ids[k]), "D");
  }
  // The cells list every population firm once, in its own cell.
  ASSERT_EQ(pool.cell_begin.size(), 5u);
  EXPECT_EQ(pool.cell_begin.back(), pool.firms());
  for (std::size_t s = 0; s < 4; ++s)
    for (std::uint32_t i = pool.cell_begin[s]; i < pool.cell_begin[s + 1]; ++i)
      EXPECT_EQ(pool.windows[0].stratum[pool.cell_firms[i]], static_cast<std::int32_t>(s));
  for (const std::int32_t s : pool.profile) EXPECT_NE(pool.stratum_labels[s], "nace=D");

  // Without a profile no membership is read: every firm is in the population.
  ReadOptions read;
  read.columns.metrics = {"revenue", "employees"};
  read.columns.strata = {"nace"};
  read.membership = false;
  const power::Pool all =
      power::pool_from_panel(parse_panel(register_csv(600), "r.csv", read), kFrom, kTo);
  EXPECT_EQ(all.firms(), 600u);
  EXPECT_TRUE(all.profile.empty());
  EXPECT_EQ(all.windows[0].stratum.size(), 600u);
}

TEST(PowerPoolStrata, MembersFollowTheProfileCellsAndControlsThePopulation) {
  const power::Pool pool = profiled_pool();
  const std::uint32_t n = 1000;
  const Sample s = power::pool_sample(pool, zero_premium(), n, 0.3, 4, 2);
  const std::uint32_t members = power::pool_members(n, 0.3);
  std::vector<double> member_cells(4, 0.0), profile_cells(4, 0.0);
  for (std::uint32_t j = 0; j < members; ++j) member_cells[s.stratum[j]] += 1.0 / members;
  for (const std::int32_t c : pool.profile) profile_cells[c] += 1.0 / pool.profile.size();
  for (int c = 0; c < 4; ++c) EXPECT_NEAR(member_cells[c], profile_cells[c], 0.06) << c;
  EXPECT_EQ(member_cells[3], 0.0);  // D has no population firm
  for (std::uint32_t j = 0; j < n; ++j)
    EXPECT_EQ(s.stratum_labels[s.stratum[j]], "nace=" + nace_of(s.firm_ids[j])) << j;
  // Controls are the plain population draws: the same firms as without a profile.
  power::Pool unprofiled = pool;
  unprofiled.profile.clear();
  const Sample u = power::pool_sample(unprofiled, zero_premium(), n, 0.3, 4, 2);
  for (std::uint32_t j = members; j < n; ++j) EXPECT_EQ(s.firm_ids[j], u.firm_ids[j]);
  bool some_member_differs = false;
  for (std::uint32_t j = 0; j < members; ++j)
    some_member_differs = some_member_differs || s.firm_ids[j] != u.firm_ids[j];
  EXPECT_TRUE(some_member_differs);
  // A pure function of (seed, dataset, draw).
  EXPECT_EQ(power::pool_sample(pool, zero_premium(), n, 0.3, 4, 2).firm_ids, s.firm_ids);
  EXPECT_NE(power::pool_sample(pool, zero_premium(), n, 0.3, 4, 3).firm_ids, s.firm_ids);
}

// The balanced dataset, built in memory, against build_sample --balance of a panel holding the
// drawn firms: weights, drops, unmatched members and the unbalanced weights, exactly. A small
// dataset with a lopsided member share leaves some member cells without controls.
TEST(PowerPoolStrata, BalancedDatasetIsWhatBuildSampleMakesOfTheDrawnFirms) {
  const power::Pool pool = profiled_pool();
  bool some_unmatched = false;
  for (const std::uint32_t dataset : {0u, 1u, 2u, 3u, 4u, 5u}) {
    const std::uint32_t n = 40;
    const double share = 0.7;
    const Sample s = power::pool_sample(pool, zero_premium(), n, share, 8, dataset, true);
    const std::uint32_t members = power::pool_members(n, share);
    std::string csv = "firm_id,year,revenue,employees,member,nace\n";
    for (std::uint32_t j = 0; j < n; ++j)
      for (int year : {kFrom, kTo}) {
        auto value = [&](int m) {
          const double x = year == kFrom ? s.start[m][j] : s.end[m][j];
          return std::isnan(x) ? std::string() : fmt::format("{}", x);
        };
        csv += fmt::format("{},{},{},{},{},{}\n", s.firm_ids[j], year, value(0), value(1),
                           j < members ? 1 : 0, nace_of(s.firm_ids[j]));
      }
    ReadOptions read;
    read.columns.metrics = {"revenue", "employees"};
    read.columns.strata = {"nace"};
    const Panel panel = parse_panel(csv, "drawn.csv", read);
    DesignOptions design;
    design.from = kFrom;
    design.to = kTo;
    design.balance = true;
    const Sample b = build_sample(panel, design);

    EXPECT_TRUE(s.weighted);
    ASSERT_EQ(b.contributions(), n);
    EXPECT_EQ(s.cells[0].member_end, b.cells[0].member_end);
    EXPECT_EQ(s.firm_ids, b.firm_ids);
    for (std::uint32_t j = 0; j < n; ++j)
      EXPECT_EQ(s.stratum_labels[s.stratum[j]], b.stratum_labels[b.stratum[j]]);
    for (int m = 0; m < 2; ++m)
      for (std::uint32_t j = 0; j < n; ++j) {
        EXPECT_TRUE(same_double(s.growth[m][j], b.growth[m][j])) << dataset << " " << m << " " << j;
        EXPECT_EQ(s.weight[m][j], b.weight[m][j]) << dataset << " " << m << " " << j;
        EXPECT_EQ(s.unbalanced_weight[m][j], b.unbalanced_weight[m][j]);
      }
    ASSERT_EQ(s.drops.size(), b.drops.size()) << dataset;
    for (std::size_t i = 0; i < s.drops.size(); ++i) {
      EXPECT_EQ(s.drops[i].metric, b.drops[i].metric);
      EXPECT_EQ(s.drops[i].group, b.drops[i].group);
      EXPECT_EQ(s.drops[i].reason, b.drops[i].reason);
      EXPECT_EQ(s.drops[i].count, b.drops[i].count);
    }
    some_unmatched = some_unmatched || !s.unmatched.empty();
    ASSERT_EQ(s.unmatched.size(), b.unmatched.size()) << dataset;
    for (std::size_t i = 0; i < s.unmatched.size(); ++i) {
      EXPECT_EQ(s.unmatched[i].stratum, b.unmatched[i].stratum);
      EXPECT_EQ(s.unmatched[i].members, b.unmatched[i].members);
    }
  }
  EXPECT_TRUE(some_unmatched) << "no dataset left a member cell without controls";
}

// The composition gap summed directly over (profile member, firm of its cell) pairs, the way a
// member is drawn, against pool_true_value's cell formula.
TEST(PowerPoolStrata, TrueValueCarriesTheCompositionGapUnlessBalanced) {
  const power::Pool pool = profiled_pool(1500);
  const power::PremiumPoint premium = power::parse_premium_grid({"0.01"}, pool.metrics())[0];
  const std::vector<double> truth = power::pool_true_value(pool, premium, false);
  for (std::size_t m = 0; m < 2; ++m) {
    double member_mass = 0.0, member_sum = 0.0, control_n = 0.0, control_sum = 0.0;
    for (const std::int32_t cell : pool.profile) {
      const auto c = static_cast<std::size_t>(cell);
      const double firms = pool.cell_begin[c + 1] - pool.cell_begin[c];
      for (std::uint32_t i = pool.cell_begin[c]; i < pool.cell_begin[c + 1]; ++i) {
        const double g = pool.windows[0].growth[m][pool.cell_firms[i]];
        if (!std::isfinite(g)) continue;
        member_mass += 1.0 / firms;
        member_sum += g / firms;
      }
    }
    for (std::uint32_t k = 0; k < pool.firms(); ++k)
      if (std::isfinite(pool.windows[0].growth[m][k])) {
        control_n += 1.0;
        control_sum += pool.windows[0].growth[m][k];
      }
    const double expected = 0.01 + member_sum / member_mass - control_sum / control_n;
    EXPECT_NEAR(truth[m], expected, 1e-12) << m;
    EXPECT_GT(truth[m] - 0.01, 0.02) << m;  // members sit in the fast industry
  }
  EXPECT_EQ(power::pool_true_value(pool, premium, true), premium.premium);
  power::Pool unprofiled = pool;
  unprofiled.profile.clear();
  EXPECT_EQ(power::pool_true_value(unprofiled, premium, false), premium.premium);
}

// The datasets' mean difference averages to the true value: the gap with no balancing, the
// premium with it (Monte Carlo: 300 datasets of 1 200 firms).
TEST(PowerPoolStrata, MeanEstimateOverDatasetsIsTheTrueValue) {
  const power::Pool pool = profiled_pool();
  const power::PremiumPoint premium = power::parse_premium_grid({"0.01"}, pool.metrics())[0];
  for (const bool balance : {false, true}) {
    const std::vector<double> truth = power::pool_true_value(pool, premium, balance);
    const int datasets = 300;
    for (std::size_t m = 0; m < 2; ++m) {
      double sum = 0.0, sum2 = 0.0;
      for (int d = 0; d < datasets; ++d) {
        const Sample s = power::pool_sample(pool, premium, 1200, 0.25, 21, d, balance);
        double w[2] = {0, 0}, wy[2] = {0, 0};
        for (std::uint32_t j = 0; j < s.contributions(); ++j) {
          const int g = j < s.cells[0].member_end ? 0 : 1;
          if (!(s.weight[m][j] > 0.0)) continue;
          w[g] += s.weight[m][j];
          wy[g] += s.weight[m][j] * s.growth[m][j];
        }
        const double diff = wy[0] / w[0] - wy[1] / w[1];
        sum += diff;
        sum2 += diff * diff;
      }
      const double mean = sum / datasets;
      const double se = std::sqrt((sum2 / datasets - mean * mean) / (datasets - 1));
      EXPECT_NEAR(mean, truth[m], 4.0 * se) << "balance " << balance << " metric " << m;
    }
  }
}

// Under --balance the stratified test weighs by the sampling weights: the same replicates and
// p-values as the unbalanced stratified test of the same dataset, and its size holds where
// the composition of members and controls differs.
// The stratified test of a balanced dataset tests the balanced estimate itself (factors
// recomputed for every relabeling, docs/permutation.md "Weights"): its observed statistic is
// the balanced Welch t, not the unbalanced one, and in a study it holds its size.
TEST(PowerPoolStrata, StratifiedTestOfABalancedDatasetTestsTheBalancedEstimate) {
  const power::Pool pool = profiled_pool();
  const Sample balanced = power::pool_sample(pool, zero_premium(), 800, 0.25, 5, 1, true);
  const Sample plain = power::pool_sample(pool, zero_premium(), 800, 0.25, 5, 1, false);
  PermutationSpec spec;
  spec.statistic = Statistic::welch_t;
  spec.scheme = PermScheme::strata;
  spec.permutations = 199;
  spec.seed = 3;
  spec.threads = 1;
  DesignOptions design;
  design.from = kFrom;
  design.to = kTo;
  const PermutationTable a = run_permutations(balanced, design, spec);
  const PermutationTable b = run_permutations(plain, design, spec);
  const Description described = describe_sample(balanced, design);
  for (std::size_t k = 0; k < a.keys.size(); ++k) {
    EXPECT_NE(a.observed[k], b.observed[k]) << k;
    for (const Estimate& e : described.results)
      if (e.metric == a.keys[k].metric && e.statistic == Statistic::welch_t)
        EXPECT_NEAR(a.observed[k], e.value, 1e-12 * std::fabs(e.value)) << k;
  }

  power::PowerSpec study;
  study.premiums = {zero_premium()};
  study.firms = {1000};
  study.member_share = 0.25;
  study.datasets = 300;
  study.bootstrap = 0;
  study.permutations = 99;
  study.seed = 17;
  power::PoolColumns columns;
  columns.metrics = {"revenue", "employees"};
  columns.strata = {"nace"};
  columns.profile = power::MemberProfile::members;
  auto shared = std::make_shared<power::Pool>(pool);
  shared->source.columns = columns;
  study.pool = shared;
  study.balance = true;
  study.perm_scheme = PermScheme::strata;
  power::validate(study);
  const auto rows = power::power_rows(study, power::run_study(study));
  for (const power::PowerRow& r : rows) {
    // alpha 0.05 over 300 datasets: Monte Carlo se 0.0126; 0.10 is 4 se above.
    EXPECT_LT(r.rejection_rate, 0.10) << r.metric;
    EXPECT_EQ(r.true_value, 0.0);
  }
}

TEST(PowerPoolStrata, StrataChoicesNeedAPoolWithStrata) {
  power::PowerSpec s;
  s.premiums = power::parse_premium_grid({"0"});
  s.firms = {200};
  auto expect_usage = [&](const power::PowerSpec& spec, const std::string& flag) {
    try {
      power::validate(spec);
      ADD_FAILURE() << "no error for " << flag;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::usage);
      EXPECT_NE(std::string(e.what()).find(flag), std::string::npos) << e.what();
    }
  };
  power::PowerSpec t = s;
  t.balance = true;
  expect_usage(t, "--balance");
  t = s;
  t.bootstrap_scheme = Scheme::strata;
  expect_usage(t, "--scheme strata");
  t = s;
  t.perm_scheme = PermScheme::strata;
  expect_usage(t, "--perm-scheme strata");
  auto pool = std::make_shared<power::Pool>();
  pool->source.columns.profile = power::MemberProfile::members;
  t = s;
  t.pool = pool;
  t.premiums = power::parse_premium_grid({"0"}, pool->metrics());
  expect_usage(t, "--member-profile members");
  // A profile needs the stratum columns on the panel too.
  ReadOptions read;
  read.columns.metrics = {"revenue", "employees"};
  const Panel no_strata = parse_panel(register_csv(200), "r.csv", read);
  try {
    power::pool_from_panel(no_strata, kFrom, kTo, power::MemberProfile::members);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    EXPECT_NE(std::string(e.what()).find("--strata"), std::string::npos) << e.what();
  }
}

TEST(PowerPoolStrata, SettingsRecordTheStrataAndReadBack) {
  power::PowerSpec s;
  s.premiums = power::parse_premium_grid({"0"}, {"revenue", "employees"});
  s.firms = {200};
  auto pool = std::make_shared<power::Pool>(profiled_pool(600));
  pool->source.columns.metrics = {"revenue", "employees"};
  pool->source.columns.strata = {"nace"};
  pool->source.columns.profile = power::MemberProfile::members;
  s.pool = pool;
  s.balance = true;
  s.perm_scheme = PermScheme::strata;
  s.bootstrap_scheme = Scheme::strata;
  const auto settings = power::settings_json(s);
  EXPECT_EQ(settings["balance"], true);
  EXPECT_EQ(settings["scheme"], "strata");
  EXPECT_EQ(settings["perm_scheme"], "strata");
  EXPECT_EQ(settings["pool"]["strata"], nlohmann::ordered_json::array({"nace"}));
  EXPECT_EQ(settings["pool"]["member_profile"], "members");
  EXPECT_EQ(settings["pool"]["strata_cells"], 4);
  EXPECT_EQ(settings["pool"]["profile_members"], pool->source.profile_members);
  EXPECT_EQ(settings["pool"]["unmatched_members"], pool->source.unmatched_members);
  EXPECT_EQ(power::settings_json(power::spec_from_settings(settings, "test")), settings);
}

}  // namespace
}  // namespace klynge
