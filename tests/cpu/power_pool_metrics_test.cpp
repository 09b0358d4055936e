// `klynge power --pool --metrics` in the library: a pool's metric columns may have any names and
// any number. Renaming the columns changes the names in the rows and nothing else; a study of
// one metric gives that metric's rows of the full study when both draw from the same firms;
// --premium pairs, the settings and the merge follow the pool's names.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/run_klynge.hpp"
#include "klynge/error.hpp"
#include "klynge/power.hpp"
#include "klynge/power_pool.hpp"
#include "klynge/report/power_report.hpp"

namespace klynge {
namespace {

constexpr int kFrom = 2017, kTo = 2020;
const std::vector<std::string> kDefaultNames = {"employees", "revenue", "value_added"};
const std::vector<std::string> kNorwegianNames = {"ansatte", "omsetning", "verdiskaping"};

// examples/firms.csv with its metric columns renamed in the header (the data lines as they are).
std::string renamed_example() {
  const std::string path = test::scratch_dir("power_pool_metrics_lib") + "/renamed.csv";
  std::string text = test::read_file(test::example_file("firms.csv"));
  const std::string header = "firm_id,year,employees,revenue,value_added,";
  EXPECT_EQ(text.rfind(header, 0), 0u);
  text.replace(0, header.size(), "firm_id,year,ansatte,omsetning,verdiskaping,");
  test::write_file(path, text);
  return path;
}

// examples/firms.csv with only the firms that have a revenue growth over the window: in it,
// the firms with a growth of some metric are exactly the firms with a revenue growth.
std::string revenue_firms_example() {
  const std::string path = test::scratch_dir("power_pool_metrics_lib") + "/revenue_firms.csv";
  power::PoolColumns columns;
  columns.metrics = {"revenue"};
  const power::Pool revenue =
      power::read_pool(test::example_file("firms.csv"), columns, kFrom, kTo, 0);
  const std::set<std::string> keep(revenue.firm_ids.begin(), revenue.firm_ids.end());
  std::istringstream in(test::read_file(test::example_file("firms.csv")));
  std::string line, out;
  std::getline(in, line);
  out += line + "\n";
  while (std::getline(in, line))
    if (keep.count(line.substr(0, line.find(',')))) out += line + "\n";
  test::write_file(path, out);
  return path;
}

std::shared_ptr<const power::Pool> pool_of(const std::string& path,
                                           const std::vector<std::string>& metrics) {
  power::PoolColumns columns;
  columns.metrics = metrics;
  return std::make_shared<const power::Pool>(power::read_pool(path, columns, kFrom, kTo, 0));
}

power::PowerSpec study(std::shared_ptr<const power::Pool> pool,
                       const std::vector<std::string>& premiums) {
  power::PowerSpec s;
  s.pool = std::move(pool);
  s.premiums = power::parse_premium_grid(premiums, power::study_metrics(s));
  s.firms = {300};
  s.member_share = 0.25;
  s.datasets = 16;
  s.bootstrap = 99;
  s.permutations = 99;
  s.methods = {IntervalMethod::percentile, IntervalMethod::bca, IntervalMethod::studentized};
  s.seed = 11;
  s.threads = 2;
  return s;
}

// Bitwise: the same doubles (NaN equal to NaN), the same counts.
bool same(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof a) == 0;
}

void expect_same_numbers(const power::PowerRow& a, const power::PowerRow& b) {
  EXPECT_TRUE(same(a.premium, b.premium));
  EXPECT_EQ(a.firms, b.firms);
  EXPECT_EQ(a.test, b.test);
  EXPECT_EQ(a.datasets, b.datasets);
  EXPECT_EQ(a.rejected, b.rejected);
  EXPECT_EQ(a.undefined, b.undefined);
  EXPECT_TRUE(same(a.rejection_rate, b.rejection_rate));
  EXPECT_TRUE(same(a.ci_low, b.ci_low));
  EXPECT_TRUE(same(a.ci_high, b.ci_high));
  EXPECT_TRUE(same(a.true_value, b.true_value));
  EXPECT_TRUE(same(a.true_value_mc_se, b.true_value_mc_se));
  ASSERT_EQ(a.coverage.size(), b.coverage.size());
  for (std::size_t j = 0; j < a.coverage.size(); ++j) {
    EXPECT_EQ(a.coverage[j].method, b.coverage[j].method);
    EXPECT_EQ(a.coverage[j].covered, b.coverage[j].covered);
    EXPECT_EQ(a.coverage[j].undefined, b.coverage[j].undefined);
    EXPECT_TRUE(same(a.coverage[j].rate, b.coverage[j].rate));
    EXPECT_TRUE(same(a.coverage[j].ci_low, b.coverage[j].ci_low));
    EXPECT_TRUE(same(a.coverage[j].ci_high, b.coverage[j].ci_high));
    EXPECT_TRUE(same(a.coverage[j].mean_width, b.coverage[j].mean_width));
  }
}

ExitCode code_of(const std::function<void()>& f, std::string* message = nullptr) {
  try {
    f();
  } catch (const Error& e) {
    if (message) *message = e.what();
    return e.code();
  }
  return ExitCode::ok;
}

TEST(PowerPoolMetrics, RenamedColumnsGiveTheSameRowsUnderTheirNames) {
  const auto original = pool_of(test::example_file("firms.csv"), kDefaultNames);
  const auto renamed = pool_of(renamed_example(), kNorwegianNames);
  EXPECT_EQ(renamed->metrics(), kNorwegianNames);
  EXPECT_EQ(renamed->firm_ids, original->firm_ids);
  EXPECT_EQ(renamed->source.valid, original->source.valid);

  const power::PowerSpec a = study(original, {"0,0.03", "employees=0.01,revenue=0.04"});
  const power::PowerSpec b = study(renamed, {"0,0.03", "ansatte=0.01,omsetning=0.04"});
  EXPECT_EQ(a.premiums[2].premium, b.premiums[2].premium);
  const auto rows_a = power::power_rows(a, power::run_study(a));
  const auto rows_b = power::power_rows(b, power::run_study(b));
  ASSERT_EQ(rows_a.size(), 3u * 3u);
  ASSERT_EQ(rows_b.size(), rows_a.size());
  for (std::size_t i = 0; i < rows_a.size(); ++i) {
    EXPECT_EQ(rows_a[i].metric, kDefaultNames[i % 3]);
    EXPECT_EQ(rows_b[i].metric, kNorwegianNames[i % 3]);
    expect_same_numbers(rows_a[i], rows_b[i]);
  }
  // The pairs point: revenue (omsetning) gets 0.04, value added (verdiskaping), unnamed, 0.
  EXPECT_EQ(rows_b[7].premium, 0.04);
  EXPECT_EQ(rows_b[8].premium, 0.0);
}

// Why a one-metric pool does not simply give the revenue rows of the three-metric pool of the
// same file: the population is the firms with a growth of some *studied* metric, and a firm
// with an employees growth but no revenue growth is in the one and not in the other. The pool
// draws are uniform indices into the population, so a different population draws other firms.
TEST(PowerPoolMetrics, OneMetricPoolIsTheFirmsWithThatMetricsGrowth) {
  const auto all = pool_of(test::example_file("firms.csv"), kDefaultNames);
  const auto revenue = pool_of(test::example_file("firms.csv"), {"revenue"});
  EXPECT_EQ(revenue->firms(), all->source.valid[1]);
  EXPECT_EQ(revenue->source.valid, (std::vector<std::uint64_t>{revenue->firms()}));
  EXPECT_LT(revenue->firms(), all->firms());  // 1 327 of 1 410 in examples/firms.csv
  const power::PremiumPoint zero_all = power::parse_premium_grid({"0"}, all->metrics())[0];
  const power::PremiumPoint zero_one = power::parse_premium_grid({"0"}, {"revenue"})[0];
  EXPECT_NE(power::pool_sample(*all, zero_all, 200, 0.25, 11, 0).firm_ids,
            power::pool_sample(*revenue, zero_one, 200, 0.25, 11, 0).firm_ids);
}

// On a file where those populations coincide, the datasets draw the same firms (draws pick
// firms, never metrics; the bootstrap and permutation draws are keyed by replicate and
// position, not by metric), so the one-metric study's rows are the full study's revenue rows,
// bit for bit.
TEST(PowerPoolMetrics, OneMetricGivesThatMetricsRowsOfTheFullStudyOnTheSameFirms) {
  const std::string path = revenue_firms_example();
  const auto all = pool_of(path, kDefaultNames);
  const auto revenue = pool_of(path, {"revenue"});
  ASSERT_EQ(revenue->firm_ids, all->firm_ids);

  const power::PowerSpec a = study(all, {"0,0.03", "revenue=0.02,employees=0.05"});
  const power::PowerSpec b = study(revenue, {"0,0.03", "revenue=0.02"});
  const auto rows_a = power::power_rows(a, power::run_study(a));
  const auto rows_b = power::power_rows(b, power::run_study(b));
  ASSERT_EQ(rows_a.size(), 3u * 3u);
  ASSERT_EQ(rows_b.size(), 3u);
  for (std::size_t i = 0; i < rows_b.size(); ++i) {
    EXPECT_EQ(rows_b[i].metric, "revenue");
    EXPECT_EQ(rows_a[3 * i + 1].metric, "revenue");
    expect_same_numbers(rows_a[3 * i + 1], rows_b[i]);
  }
  EXPECT_EQ(rows_b[2].premium, 0.02);
}

TEST(PowerPoolMetrics, PremiumPairsUseTheStudysMetricNames) {
  const auto grid = power::parse_premium_grid({"0.01", "omsetning=0.02"}, kNorwegianNames);
  ASSERT_EQ(grid.size(), 2u);
  EXPECT_EQ(grid[0].premium, (std::vector<double>{0.01, 0.01, 0.01}));
  EXPECT_EQ(grid[1].premium, (std::vector<double>{0.0, 0.02, 0.0}));
  EXPECT_EQ(power::parse_premium_grid({"0.02"}, {"revenue"})[0].premium,
            (std::vector<double>{0.02}));

  std::string message;
  EXPECT_EQ(code_of([] { power::parse_premium_grid({"revenue=0.02"}, kNorwegianNames); }, &message),
            ExitCode::usage);
  for (const char* part : {"--premium", "revenue=0.02", "unknown metric \"revenue\"",
                           "ansatte, omsetning, verdiskaping"})
    EXPECT_NE(message.find(part), std::string::npos) << part << ": " << message;
  EXPECT_EQ(
      code_of([] { power::parse_premium_grid({"ansatte=0.1,ansatte=0.2"}, kNorwegianNames); }),
      ExitCode::usage);
}

TEST(PowerPoolMetrics, MetricColumnsMustBeNamedOnceEach) {
  std::string message;
  EXPECT_EQ(code_of([] { power::check_pool_metrics({"a", "b", "a"}); }, &message), ExitCode::usage);
  EXPECT_NE(message.find("--metrics a,b,a: \"a\" is given twice"), std::string::npos) << message;
  EXPECT_EQ(code_of([] { power::check_pool_metrics({}); }), ExitCode::usage);
  EXPECT_EQ(code_of([] { power::check_pool_metrics({"a", ""}); }), ExitCode::usage);
  EXPECT_EQ(code_of([] { power::check_pool_metrics({"a"}); }), ExitCode::ok);
  power::PoolColumns twice;
  twice.metrics = {"revenue", "revenue"};
  EXPECT_EQ(
      code_of([&] { power::read_pool(test::example_file("firms.csv"), twice, kFrom, kTo, 0); }),
      ExitCode::usage);
}

TEST(PowerPoolMetrics, SettingsRecordTheMetricColumnsAndReadBack) {
  const power::PowerSpec s =
      study(pool_of(renamed_example(), kNorwegianNames), {"0", "verdiskaping=0.02"});
  const auto settings = power::settings_json(s);
  EXPECT_EQ(settings["pool"]["metrics"], kNorwegianNames);
  EXPECT_TRUE(settings["pool"]["valid_firms"].contains("omsetning"));
  const power::PowerSpec back = power::spec_from_settings(settings, "test");
  EXPECT_EQ(power::study_metrics(back), kNorwegianNames);
  EXPECT_EQ(back.premiums[1].premium, (std::vector<double>{0.0, 0.0, 0.02}));
  EXPECT_EQ(power::settings_json(back), settings);

  // A 1.1 report's pool has no "metrics": its columns were the default ones.
  const power::PowerSpec d = study(pool_of(test::example_file("firms.csv"), kDefaultNames), {"0"});
  auto old = power::settings_json(d);
  old["pool"].erase("metrics");
  EXPECT_EQ(power::study_metrics(power::spec_from_settings(old, "old")), kDefaultNames);
}

TEST(PowerPoolMetrics, TalliesOfOtherMetricsDoNotMerge) {
  const std::string path = revenue_firms_example();
  power::PowerSpec a = study(pool_of(path, kDefaultNames), {"0"});
  power::PowerSpec b = study(pool_of(path, {"revenue"}), {"0"});
  a.bootstrap = b.bootstrap = 0;
  a.last = b.first = 4;
  std::string message;
  EXPECT_EQ(
      code_of([&] { power::merge_tallies(power::run_study(a), power::run_study(b)); }, &message),
      ExitCode::usage);
  EXPECT_NE(message.find("different metrics"), std::string::npos) << message;
}

}  // namespace
}  // namespace klynge
