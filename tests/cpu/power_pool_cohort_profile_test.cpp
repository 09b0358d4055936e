// `klynge power --pool --entry-years --member-profile members` in the library: the pool file's
// members who entered in the study's entry years make the profile (entry year and stratum cell
// at their window's start), the others are counted; a dataset's members follow the profile's
// entry years and cells; a dataset is what build_sample's cohort design makes of the drawn
// firms; the true value is the premium plus the cohorts' composition gaps weighted as the
// aggregate weighs its cohorts, and the datasets' mean estimate is that value (docs/power.md
// "Cohort design").
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "common/dataset_moments.hpp"
#include "common/pool_sample_expect.hpp"
#include "klynge/build_sample.hpp"
#include "klynge/io/read_panel.hpp"
#include "klynge/power.hpp"
#include "klynge/power_pool.hpp"

namespace klynge {
namespace {

constexpr int kFirstYear = 2010, kLastYear = 2020;
constexpr int kFirstEntry = 2012, kLastEntry = 2014, kHorizon = 3;
constexpr int kOutsideEntry = 2016;  // a member entering after the study's entry years

// Industry of firm k: A (fast growth), B (flat), C (shrinking), D (members only: no population
// firm can stand in for them).
char industry_of(int k) {
  if (k % 50 == 0) return 'D';
  return "AABBBBCCCC"[k % 10];
}

double industry_growth(char industry) {
  return industry == 'A' ? 0.08 : industry == 'B' ? 0.0 : industry == 'C' ? -0.04 : 0.2;
}

bool is_member(int k) {
  const char nace = industry_of(k);
  return nace == 'D' || (nace == 'A' && k % 3 == 0) || k % 17 == 0;
}

// Every seventh firm starts in 2013: it misses cohort 2012's window [2012, 2015].
int first_year(int k) {
  return k % 7 == 0 ? 2013 : kFirstYear;
}

// A member's entry year: 2016 for every 29th, none for every 31st (0), else 2012..2014.
int entry_year(int k) {
  if (k % 29 == 0) return kOutsideEntry;
  if (k % 31 == 0) return 0;
  return kFirstEntry + (k / 7) % 3;
}

// A register over 2010-2020: each firm's yearly growth is its industry's plus a wobble that
// changes with the year (so cohorts' windows differ); employees are missing in 2017 for every
// fifth firm of C (cohort 2014's window end), so validity differs by metric and cohort.
std::string register_csv(int firms) {
  std::string csv = "firm_id,year,revenue,employees,member,entry_year,nace\n";
  for (int k = 0; k < firms; ++k) {
    const char nace = industry_of(k);
    const bool member = is_member(k);
    const std::string entry =
        member && entry_year(k) != 0 ? std::to_string(entry_year(k)) : std::string();
    double revenue = 100.0 + k % 37, employees = 5.0 + k % 11;
    for (int t = first_year(k); t <= kLastYear; ++t) {
      const bool employees_missing = nace == 'C' && k % 5 == 0 && t == 2017;
      csv += fmt::format("F{},{},{},{},{},{},{}\n", k, t, revenue,
                         employees_missing ? "" : fmt::format("{}", employees), member ? 1 : 0,
                         entry, nace);
      const double g = industry_growth(nace) + 0.03 * std::sin(1.7 * k + 0.9 * t);
      revenue *= std::exp(g);
      employees *= std::exp(g);
    }
  }
  return csv;
}

Panel register_panel(int firms, bool strata) {
  ReadOptions read;
  read.columns.metrics = {"revenue", "employees"};
  if (strata) read.columns.strata = {"nace"};
  read.columns.entry = "entry_year";
  return parse_panel(register_csv(firms), "register.csv", read);
}

DesignOptions cohort_design(bool balance = false) {
  DesignOptions d;
  d.horizon = kHorizon;
  for (int g = kFirstEntry; g <= kLastEntry; ++g) d.extra_cohorts.push_back(g);
  d.balance = balance;
  return d;
}

power::Pool profiled_pool(int firms, bool strata = true) {
  return power::pool_from_panel(register_panel(firms, strata), cohort_design(),
                                power::MemberProfile::members);
}

power::PremiumPoint premium(const std::string& value) {
  return power::parse_premium_grid({value}, {"revenue", "employees"})[0];
}

int index_of(const std::vector<std::string>& ids, const std::string& id) {
  return static_cast<int>(std::find(ids.begin(), ids.end(), id) - ids.begin());
}

// A profile cell as (entry year, stratum label).
using CohortCell = std::pair<int, std::string>;

CohortCell cell_of(const power::Pool& pool, std::int32_t c) {
  const std::uint32_t per_window = pool.cells_per_window();
  const auto cell = static_cast<std::uint32_t>(c);
  return {pool.windows[cell / per_window].cohort,
          pool.stratum_labels.empty() ? std::string() : pool.stratum_labels[cell % per_window]};
}

TEST(PowerPoolCohortProfile, ProfileIsTheMembersOfTheStudysEntryYearsByCohortAndCell) {
  const int firms = 900;
  const power::Pool pool = profiled_pool(firms);
  ASSERT_EQ(pool.windows.size(), 3u);  // the study's cohorts only, not the members' 2016
  EXPECT_EQ(pool.cells_per_window(), pool.stratum_labels.size());

  // The profile candidates and the members counted apart, from the register's definition: a
  // member of 2012..2014 has a growth over its window when it is observed from its entry year.
  std::multiset<CohortCell> expected;
  std::uint64_t candidates = 0, unmatched = 0, outside = 0, never_members = 0;
  for (int k = 0; k < firms; ++k) {
    if (!is_member(k)) {
      ++never_members;
      continue;
    }
    const int g = entry_year(k);
    if (g == 0 || g == kOutsideEntry) {
      ++outside;
      continue;
    }
    if (first_year(k) > g) continue;  // no growth over its window: in no count
    ++candidates;
    if (industry_of(k) == 'D')
      ++unmatched;
    else
      expected.insert({g, fmt::format("nace={}", industry_of(k))});
  }
  EXPECT_EQ(pool.source.profile_members, candidates);
  EXPECT_EQ(pool.source.unmatched_members, unmatched);
  EXPECT_EQ(pool.source.outside_members, outside);
  EXPECT_GE(outside, 5u);
  std::multiset<CohortCell> got;
  for (const std::int32_t c : pool.profile) got.insert(cell_of(pool, c));
  EXPECT_EQ(got, expected);
  std::set<int> cohorts;
  for (const CohortCell& cell : got) cohorts.insert(cell.first);
  EXPECT_EQ(cohorts, (std::set<int>{2012, 2013, 2014}));

  // The population is the never-members (each observed in some window).
  EXPECT_EQ(pool.firms(), never_members);
  for (const std::string& id : pool.firm_ids) EXPECT_FALSE(is_member(std::stoi(id.substr(1))));

  // Each profile cell lists the population firms with a row in its window and in its stratum.
  const std::uint32_t per_window = pool.cells_per_window();
  ASSERT_EQ(pool.cell_begin.size(), pool.windows.size() * per_window + 1);
  std::size_t listed = 0;
  for (std::size_t w = 0; w < pool.windows.size(); ++w) {
    listed += pool.windows[w].firms.size();
    for (std::uint32_t s = 0; s < per_window; ++s) {
      const std::size_t c = w * per_window + s;
      for (std::uint32_t i = pool.cell_begin[c]; i < pool.cell_begin[c + 1]; ++i) {
        const std::int32_t slot = pool.windows[w].slot[pool.cell_firms[i]];
        ASSERT_GE(slot, 0) << "a cell's firm without a row in its window";
        EXPECT_EQ(pool.windows[w].stratum[static_cast<std::size_t>(slot)],
                  static_cast<std::int32_t>(s));
      }
    }
  }
  EXPECT_EQ(pool.cell_begin.back(), listed);

  // Without strata the profile is the members' entry years alone.
  const power::Pool years = profiled_pool(firms, false);
  EXPECT_EQ(years.cells_per_window(), 1u);
  EXPECT_EQ(years.source.profile_members, candidates);
  EXPECT_EQ(years.source.unmatched_members, 0u);
  EXPECT_EQ(years.profile.size(), candidates);
}

// Every member of a dataset is in a profile cell (its cohort and its stratum at the window's
// start), and the members spread over the cohorts as the profile does.
TEST(PowerPoolCohortProfile, MembersFollowTheProfilesEntryYearsAndCells) {
  const power::Pool pool = profiled_pool(900);
  std::set<CohortCell> cells;
  std::map<int, double> share;
  for (const std::int32_t c : pool.profile) {
    cells.insert(cell_of(pool, c));
    share[cell_of(pool, c).first] += 1.0 / static_cast<double>(pool.profile.size());
  }
  std::map<int, double> drawn;
  double members = 0.0;
  for (std::uint32_t d = 0; d < 8; ++d) {
    const Sample s = power::pool_sample(pool, premium("0"), 1600, 0.25, 3, d);
    for (const Cell& cell : s.cells)
      for (std::uint32_t i = cell.member_begin; i < cell.member_end; ++i) {
        const CohortCell here{cell.cohort,
                              s.stratum_labels[static_cast<std::size_t>(s.stratum[i])]};
        EXPECT_TRUE(cells.count(here)) << here.first << " " << here.second;
        drawn[cell.cohort] += 1.0;
        members += 1.0;
      }
  }
  EXPECT_EQ(members, 8.0 * power::pool_members(1600, 0.25));
  for (const auto& [cohort, p] : share) {
    const double se = std::sqrt(p * (1.0 - p) / members);
    EXPECT_NEAR(drawn[cohort] / members, p, 5.0 * se) << cohort;
  }
}

// At premium 0 a dataset is exactly what build_sample's cohort design makes of a panel of the
// drawn firms with the entry years they were drawn with, balanced or not.
TEST(PowerPoolCohortProfile, DatasetIsWhatBuildSampleMakesOfTheDrawnFirms) {
  const Panel panel = register_panel(900, true);
  const power::Pool pool =
      power::pool_from_panel(panel, cohort_design(), power::MemberProfile::members);
  for (const bool balance : {false, true})
    for (const std::uint32_t dataset : {0u, 1u, 2u}) {
      const std::uint32_t n = dataset < 2 ? 400 : 12;
      const Sample s = power::pool_sample(pool, premium("0"), n, 0.3, 9, dataset, balance);
      DesignOptions design = cohort_design(balance);
      design.extra_cohorts.clear();
      SCOPED_TRACE(fmt::format("dataset {} balance {}", dataset, balance));
      test::expect_same_sample(s, build_sample(test::drawn_cohort_panel(panel, s), design));
    }
}

// pool_true_value against the gap summed directly over (profile member, firm of its cell)
// pairs, window by window, the windows weighted by their expected valid members; with a premium
// that fades with the entry year (--premium-by-entry), the cohorts' premiums weighted alike.
TEST(PowerPoolCohortProfile, TrueValueIsTheCohortWeightedCompositionGap) {
  const std::vector<double> fading = {2.0, 1.0, 0.0};  // one factor per cohort 2012..2014
  for (const bool strata : {true, false}) {
    const power::Pool pool = profiled_pool(900, strata);
    ASSERT_EQ(pool.windows.size(), fading.size());
    const std::vector<double> truth = power::pool_true_value(pool, premium("0.01"), false);
    const std::vector<double> faded = power::pool_true_value(pool, premium("0.01"), false, fading);
    const std::uint32_t per_window = pool.cells_per_window();
    for (std::size_t m = 0; m < 2; ++m) {
      double weights = 0.0, weighted_gap = 0.0, weighted_premium = 0.0;
      for (std::size_t w = 0; w < pool.windows.size(); ++w) {
        const power::PoolWindow& window = pool.windows[w];
        double mass = 0.0, sum = 0.0, control_n = 0.0, control_sum = 0.0;
        for (const std::int32_t c : pool.profile) {
          const auto cell = static_cast<std::size_t>(c);
          if (cell / per_window != w) continue;
          const double firms = pool.cell_begin[cell + 1] - pool.cell_begin[cell];
          for (std::uint32_t i = pool.cell_begin[cell]; i < pool.cell_begin[cell + 1]; ++i) {
            const double g =
                window.growth[m][static_cast<std::size_t>(window.slot[pool.cell_firms[i]])];
            if (!std::isfinite(g)) continue;
            mass += 1.0 / firms / static_cast<double>(pool.profile.size());
            sum += g / firms / static_cast<double>(pool.profile.size());
          }
        }
        for (std::size_t i = 0; i < window.firms.size(); ++i)
          if (std::isfinite(window.growth[m][i])) {
            control_n += 1.0;
            control_sum += window.growth[m][i];
          }
        weights += mass;
        weighted_gap += sum - mass * control_sum / control_n;
        weighted_premium += mass * 0.01 * fading[w];
      }
      const double expected = 0.01 + weighted_gap / weights;
      EXPECT_NEAR(truth[m], expected, 1e-12) << "strata " << strata << " metric " << m;
      EXPECT_NEAR(faded[m], (weighted_premium + weighted_gap) / weights, 1e-12)
          << "strata " << strata << " metric " << m;
      // Members sit in the fast industry A: the gap is large, not a rounding of the premium.
      // Entry years alone (no strata) leave none: within a window members are drawn from the
      // same firms as controls, whatever the cohorts' weights.
      if (strata)
        EXPECT_GT(truth[m] - 0.01, 0.01) << "metric " << m;
      else
        EXPECT_NEAR(truth[m], 0.01, 1e-15) << "metric " << m;
    }
    if (strata)
      EXPECT_EQ(power::pool_true_value(pool, premium("0.01"), true), premium("0.01").premium);
  }
}

// Over datasets the rows' estimate (the cohort aggregate) averages to the true value: the
// premium plus the composition gap unbalanced, the premium balanced on the strata; with a
// profile of entry years alone (no strata), the premium (no gap within a window).
TEST(PowerPoolCohortProfile, MeanAggregateEstimateOverDatasetsIsTheTrueValue) {
  struct Case {
    bool strata, balance;
  };
  for (const Case c : {Case{true, false}, Case{true, true}, Case{false, false}}) {
    power::PowerSpec spec;
    auto pool = std::make_shared<power::Pool>(profiled_pool(900, c.strata));
    pool->source.columns.metrics = {"revenue", "employees"};
    if (c.strata) pool->source.columns.strata = {"nace"};
    pool->source.columns.profile = power::MemberProfile::members;
    spec.pool = pool;
    spec.entry_first = kFirstEntry;
    spec.entry_last = kLastEntry;
    spec.premiums = {premium("0.01")};
    spec.firms = {1200};
    spec.member_share = 0.25;
    spec.balance = c.balance;
    spec.bootstrap = 0;
    spec.permutations = 39;
    spec.seed = 29;
    power::validate(spec);
    const power::TruePremium truth = power::true_premium(spec, spec.premiums[0]);
    if (c.balance) EXPECT_EQ(truth.value, premium("0.01").premium);
    const test::EstimateMoments e = test::dataset_estimate_moments(spec, 1200, 150, truth);
    for (std::size_t m = 0; m < 2; ++m) {
      SCOPED_TRACE(fmt::format("strata {} balance {} metric {}", c.strata, c.balance, m));
      EXPECT_NEAR(e.mean[m], truth.value[m], 4.0 * e.se(m));
      if (c.strata && !c.balance) EXPECT_GT(truth.value[m] - 0.01, 10.0 * e.se(m));
    }
  }
}

}  // namespace
}  // namespace klynge
