// `--premium-by-entry` on simulated panels (docs/power.md "A premium that changes with the entry
// year"): a member entering in year Y gains factor(Y) x the premium in each year after its
// entry. Factors of 1 leave the panels' bits; equal factors F are the premium F x pi; only the
// factored cohorts' members change; the truth panel weighs the cohorts' premiums; the
// datasets' aggregate estimates average to it; the report and usage errors.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "common/cli_report.hpp"
#include "common/dataset_moments.hpp"
#include "common/run_klynge.hpp"
#include "klynge/error.hpp"
#include "klynge/power.hpp"
#include "klynge/simulate.hpp"

namespace klynge {
namespace {

constexpr int kMetrics = 3;

sim::SimSpec entry_spec() {
  sim::SimSpec s;
  s.firms = 3000;
  s.first_year = 2010;
  s.last_year = 2019;
  s.entry_first = 2011;
  s.entry_last = 2015;
  s.member_share = 0.3;
  s.premium = {0.02, 0.03, 0.04};
  s.missing_share = 0.0;  // no NaN cells: panels compare with ==
  s.seed = 5;
  return s;
}

bool same_panel(const sim::SimPanel& a, const sim::SimPanel& b) {
  if (a.firm != b.firm || a.year != b.year || a.member != b.member || a.entry_year != b.entry_year)
    return false;
  for (int m = 0; m < kMetrics; ++m)
    if (a.metric[m] != b.metric[m]) return false;
  return true;
}

TEST(SimPremiumByEntry, FactorsOfOneKeepThePanelsBits) {
  sim::SimSpec s = entry_spec();
  const sim::SimPanel plain = sim::simulate_panel(s);
  s.premium_by_entry = {1, 1, 1, 1, 1};
  EXPECT_TRUE(same_panel(sim::simulate_panel(s), plain));
}

TEST(SimPremiumByEntry, EqualFactorsAreTheScaledPremium) {
  sim::SimSpec s = entry_spec();
  s.premium_by_entry = {2, 2, 2, 2, 2};
  const sim::SimPanel factored = sim::simulate_panel(s);
  s.premium_by_entry.clear();
  for (double& p : s.premium) p *= 2.0;
  EXPECT_TRUE(same_panel(factored, sim::simulate_panel(s)));
}

// Only the members of the factored entry year differ from a panel without the premium, and only
// in the years after their entry.
TEST(SimPremiumByEntry, OnlyTheFactoredCohortsMembersGainThePremium) {
  sim::SimSpec s = entry_spec();
  s.premium_by_entry = {0, 0, 1.5, 0, 0};
  const sim::SimPanel factored = sim::simulate_panel(s);
  s.premium = {0, 0, 0};
  s.premium_by_entry.clear();
  const sim::SimPanel base = sim::simulate_panel(s);
  ASSERT_EQ(factored.rows(), base.rows());
  std::size_t changed = 0;
  for (std::size_t r = 0; r < factored.rows(); ++r) {
    const bool gains =
        factored.member[r] && factored.entry_year[r] == 2013 && factored.year[r] > 2013;
    for (int m = 0; m < kMetrics; ++m) {
      const double a = factored.metric[m][r], b = base.metric[m][r];
      if (!gains) {
        EXPECT_EQ(a, b) << "row " << r << " metric " << m;
      } else if (a != b) {
        ++changed;
      }
    }
  }
  EXPECT_GT(changed, 100u);
}

TEST(SimPremiumByEntry, FactorsAreCheckedLikeThePremium) {
  sim::SimSpec s = entry_spec();
  s.premium_by_entry = {1, 1, 1};  // the entry years are 2011..2015
  EXPECT_THROW(sim::validate(s), Error);
  s.premium_by_entry = {1, 1, 1, 1, 30};  // 30 x 0.04 is no log growth per year
  try {
    sim::validate(s);
    ADD_FAILURE() << "a premium of 1.2 accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    EXPECT_NE(std::string(e.what()).find("--premium-by-entry 2015=30"), std::string::npos)
        << e.what();
  }
}

std::string csv_of(const sim::SimSpec& spec) {
  std::string out;
  sim::simulate_csv(spec, [&](std::string_view piece) { out.append(piece); });
  return out;
}

// `klynge simulate --premium-by-entry` writes the library's factored panel, for the given and for
// the default entry window, and refuses what does not fit the window.
TEST(SimulatePremiumByEntryCli, WritesTheFactoredPanel) {
  const std::string dir = test::scratch_dir("simulate_premium_by_entry");
  sim::SimSpec s;
  s.firms = 800;
  s.seed = 4;
  s.entry_first = 2010;
  s.entry_last = 2013;
  s.premium_by_entry = {1.0, 0.0, 2.5, 1.0};
  const test::RunResult given =
      test::run_klynge({"simulate", "--firms", "800", "--seed", "4", "--entry-years", "2010:2013",
                        "--premium-by-entry", "2012=2.5,2011=0", "-q", "-o", "-"});
  ASSERT_EQ(given.exit_code, 0) << given.err;
  EXPECT_EQ(given.out, csv_of(s));
  sim::SimSpec unfactored = s;
  unfactored.premium_by_entry.clear();
  EXPECT_NE(given.out, csv_of(unfactored));

  // The default window of --years 2008:2020 is 2009..2017: nine factors, the last one named.
  sim::SimSpec d;
  d.firms = 800;
  d.seed = 4;
  d.premium_by_entry = {1, 1, 1, 1, 1, 1, 1, 1, 0.5};
  const test::RunResult by_default =
      test::run_klynge({"simulate", "--firms", "800", "--seed", "4", "--premium-by-entry",
                        "2017=0.5", "-q", "-o", "-"});
  ASSERT_EQ(by_default.exit_code, 0) << by_default.err;
  EXPECT_EQ(by_default.out, csv_of(d));

  const std::vector<std::pair<std::vector<std::string>, std::string>> refused = {
      {{"--premium-by-entry", "2018=2"}, "2018 is not one of the entry years 2009..2017"},
      {{"--entry-years", "2010:2012", "--premium-by-entry", "2011=1,2011=2"},
       "entry year 2011 given twice"},
      {{"--premium-by-entry", "2012"}, "not YEAR=FACTOR"},
      {{"--premium-by-entry", "2012=inf"}, "is not a number"},
      {{"--premium", "0.5", "--premium-by-entry", "2012=3"}, "--premium-by-entry 2012=3"},
  };
  for (const auto& [flags, needle] : refused) {
    std::vector<std::string> args = {"simulate", "--firms", "50", "-q", "-o", dir + "/p.csv"};
    args.insert(args.end(), flags.begin(), flags.end());
    const test::RunResult r = test::run_klynge(args);
    EXPECT_EQ(r.exit_code, 64) << needle << ": " << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
  }
  EXPECT_FALSE(std::filesystem::exists(dir + "/p.csv")) << "a refused run wrote its output";
}

power::PowerSpec study(std::vector<double> factors) {
  power::PowerSpec s;
  s.entry_first = 2011;
  s.entry_last = 2015;
  s.horizon = 3;
  s.premiums = power::parse_premium_grid({"0.03"});
  s.premium_by_entry = std::move(factors);
  s.firms = {1500};
  s.member_share = 0.2;
  s.bootstrap = 0;
  s.permutations = 39;
  s.truth_firms = 40'000;
  s.seed = 17;
  return s;
}

// Only the last of five cohorts (about a fifth of the members) has the premium, three times
// over: the aggregate's true value is about 3/5 of it (revenue and value added exactly in logs),
// and the datasets' estimates average to it.
TEST(PowerSimPremiumByEntry, TruthWeighsTheCohortsAndTheEstimatesAverageToIt) {
  const power::PowerSpec spec = study({0, 0, 0, 0, 3});
  power::validate(spec);
  const power::TruePremium truth = power::true_premium(spec, spec.premiums[0]);
  for (int m = 1; m < kMetrics; ++m)
    EXPECT_NEAR(truth.value[m], 0.6 * 0.03, 0.1 * 0.018) << "metric " << m;
  const test::EstimateMoments e = test::dataset_estimate_moments(spec, 1500, 60, truth);
  for (std::size_t m = 0; m < kMetrics; ++m) {
    const double se = std::hypot(e.se(m), truth.mc_se[m]);
    EXPECT_NEAR(e.mean[m], truth.value[m], 4.0 * se) << "metric " << m;
  }
}

TEST(PowerSimPremiumByEntryCli, ReportCarriesTheFactorsAndRefusesTooManyEntryYears) {
  const std::string dir = test::scratch_dir("power_sim_premium_by_entry");
  const auto run = test::run_klynge({"power",
                                     "--entry-years",
                                     "2011:2015",
                                     "--premium-by-entry",
                                     "2015=3,2011=0,2012=0,2013=0,2014=0",
                                     "--firms",
                                     "300",
                                     "--premium",
                                     "0.05",
                                     "--datasets",
                                     "4",
                                     "--bootstrap",
                                     "0",
                                     "--permutations",
                                     "39",
                                     "--truth-firms",
                                     "20000",
                                     "--seed",
                                     "3",
                                     "--json",
                                     dir + "/p.json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // The design line (wrapped): simulated panels, the factors per entry year.
  for (const char* part : {"simulated panels", "premium x factor per entry year: 2011=0", "2015=3"})
    EXPECT_NE(run.out.find(part), std::string::npos) << part << "\n" << run.out;
  const auto report = test::read_json(dir + "/p.json");
  EXPECT_EQ(report["settings"]["premium_by_entry"], nlohmann::json::array({0, 0, 0, 0, 3}));
  EXPECT_FALSE(report["settings"].contains("pool"));
  for (const auto& r : report["power"])
    if (r["metric"] != "employees")
      EXPECT_NEAR(r["true_value"].get<double>(), 0.6 * 0.05, 0.1 * 0.03) << r;

  const auto wide = test::run_klynge({"power", "--entry-years", "1900:2000", "--premium-by-entry",
                                      "2000=2", "--firms", "300", "--premium", "0.05", "--datasets",
                                      "4", "--bootstrap", "0", "-q"});
  EXPECT_EQ(wide.exit_code, 64) << wide.err;
  EXPECT_NE(wide.err.find("at most 64 entry years"), std::string::npos) << wide.err;
}

}  // namespace
}  // namespace klynge
