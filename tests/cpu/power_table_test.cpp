// The console table of `klynge power`: one line per grid point x metric with the rejection rate,
// its Clopper-Pearson interval, the true value and each method's coverage, the numbers those of
// the report's rows; printed to stdout by default, left out when a report is written there
// (docs/power.md "Output").
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "common/cli_report.hpp"
#include "common/run_klynge.hpp"
#include "klynge/power_pool.hpp"
#include "klynge/report/power_report.hpp"

namespace klynge {
namespace {

using test::run_klynge;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The table's lines from its header on (the prose above it wraps at the console width).
std::vector<std::string> table_of(const std::string& text) {
  std::vector<std::string> lines = lines_of(text);
  std::size_t header = 0;
  while (header < lines.size() && lines[header].rfind("premium", 0) != 0) ++header;
  return {lines.begin() + static_cast<std::ptrdiff_t>(header), lines.end()};
}

TEST(PowerTable, OneLinePerRowWithTheRowsNumbers) {
  power::PowerSpec spec;
  spec.permutations = 99;
  spec.bootstrap = 199;
  power::PowerRow row;
  row.premium = 0.02;
  row.firms = 2000;
  row.metric = "revenue";
  row.test = "permutation_welch_t";
  row.datasets = 400;
  row.rejection_rate = 0.9275;
  row.ci_low = 0.8975;
  row.ci_high = 0.9509;
  row.true_value = 0.02;
  power::CoverageRow percentile, bca;
  percentile.rate = 0.9575;
  bca.method = IntervalMethod::bca;
  bca.rate = 0.95;
  row.coverage = {percentile, bca};
  power::PowerRow other = row;
  other.metric = "value_added";
  other.rejection_rate = 0.5;
  const std::string text = power::power_table(spec, {row, other});
  EXPECT_NE(text.find("400 datasets per row"), std::string::npos) << text;
  EXPECT_NE(text.find("p <= 0.05 (permutation_welch_t, P = 99)"), std::string::npos) << text;
  EXPECT_NE(text.find("95% interval (B = 199)"), std::string::npos) << text;
  const auto lines = table_of(text);
  ASSERT_EQ(lines.size(), 3u) << text;
  EXPECT_NE(lines[0].find("percentile"), std::string::npos);
  EXPECT_NE(lines[0].find("bca"), std::string::npos);
  EXPECT_EQ(lines[1],
            fmt::format("{:<9}{:>7}  {:<14}{:>9}  {:<14}{:>12}{:>12}{:>12}", "0.02", 2000,
                        "revenue", "0.927", "[0.897, 0.951]", "0.02000", "0.958", "0.950"));
  EXPECT_NE(lines[2].find("value_added       0.500"), std::string::npos) << lines[2];

  // No test (P = 0): no rejection columns; no intervals: no coverage line.
  spec.permutations = 0;
  row.coverage.clear();
  const std::string bare_text = power::power_table(spec, {row});
  EXPECT_EQ(bare_text.find("rejection"), std::string::npos) << bare_text;
  EXPECT_EQ(bare_text.find("coverage"), std::string::npos) << bare_text;
  const auto bare = table_of(bare_text);
  ASSERT_EQ(bare.size(), 2u) << bare_text;
  EXPECT_EQ(bare[1], fmt::format("{:<9}{:>7}  {:<14}{:>12}", "0.02", 2000, "revenue", "0.02000"));
  EXPECT_EQ(power::power_table(spec, {}), "");
}

// A rate that counts datasets without a p-value or interval says so under the table: 0.000 may
// mean "nothing computed" (all of a pool's employees values 0, say). Rows without such datasets
// add nothing.
TEST(PowerTable, NamesTheDatasetsWithoutAPValueOrInterval) {
  power::PowerSpec spec;
  spec.permutations = 99;
  spec.bootstrap = 99;
  power::PowerRow row;
  row.premium = 0.02;
  row.firms = 10;
  row.metric = "employees";
  row.test = "permutation_welch_t";
  row.datasets = 10;
  row.undefined = 10;
  power::CoverageRow percentile, bca;
  percentile.undefined = 10;
  bca.method = IntervalMethod::bca;
  bca.undefined = 3;
  row.coverage = {percentile, bca};
  power::PowerRow defined = row;
  defined.metric = "revenue";
  defined.undefined = 0;
  defined.coverage[0].undefined = defined.coverage[1].undefined = 0;
  const std::string text = power::power_table(spec, {row, defined});
  const auto lines = table_of(text);
  ASSERT_EQ(lines.size(), 5u) << text;  // header, two rows, the wrapped note
  EXPECT_EQ(lines[3] + " " + lines[4].substr(2),
            "undefined: employees, premium 0.02, 10 firms: no p-value in 10 of 10 datasets, no "
            "percentile interval in 10, no bca interval in 3 (neither rejections nor covers)")
      << text;
  EXPECT_EQ(text.find("undefined: revenue"), std::string::npos) << text;
  spec.permutations = 0;  // no test: only the intervals are counted
  row.coverage[1].undefined = 0;
  const std::string intervals = power::power_table(spec, {row});
  EXPECT_NE(intervals.find("no percentile interval in 10 of 10 datasets (neither"),
            std::string::npos)
      << intervals;
  EXPECT_EQ(intervals.find("p-value"), std::string::npos) << intervals;
}

// The line under the title says what each dataset is: the design and its window(s), where
// the datasets come from, and the choices that change the estimand.
TEST(PowerTable, SaysTheDesignAndWhereTheDatasetsComeFrom) {
  power::PowerRow row;
  row.metric = "revenue";
  row.datasets = 10;
  power::PowerSpec spec;
  spec.permutations = 99;
  EXPECT_EQ(lines_of(power::power_table(spec, {row}))[1],
            "design: members vs controls over [2017, 2020], annualised log growth; simulated "
            "panels");
  auto pool = std::make_shared<power::Pool>();
  pool->source.path = "register.csv.gz";
  pool->source.columns.profile = power::MemberProfile::members;
  spec.pool = pool;
  spec.entry_first = 2011;
  spec.entry_last = 2013;
  spec.offset = -1;
  spec.balance = true;
  spec.premium_by_entry = {2.0, 1.0, 0.5};
  // The line is wrapped at the table's width; read it unwrapped.
  std::string text = power::power_table(spec, {row});
  for (std::size_t at; (at = text.find("\n  ")) != std::string::npos;) text.replace(at, 3, " ");
  EXPECT_NE(text.find("design: cohort aggregate of entry years 2011..2013, each member over "
                      "[entry -1, entry +2], annualised log growth, controls balanced to the "
                      "members' strata;"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("datasets drawn from register.csv.gz, members like the file's members;"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("premium x factor per entry year: 2011=2, 2012=1, 2013=0.5"),
            std::string::npos)
      << text;
}

TEST(PowerTable, PrintedToStdoutUnlessAReportGoesThere) {
  const std::vector<std::string> study = {"power",  "--firms",        "300", "--premium",
                                          "0,0.05", "--datasets",     "6",   "--bootstrap",
                                          "0",      "--permutations", "39",  "-q"};
  const auto alone = run_klynge(study);
  ASSERT_EQ(alone.exit_code, 0) << alone.err;  // no report file: the table is the output
  const auto lines = table_of(alone.out);
  ASSERT_EQ(lines.size(), 1u + 2u * 3u) << alone.out;
  EXPECT_NE(lines[6].find("0.05         300  value_added"), std::string::npos) << alone.out;

  auto json = study;
  json.insert(json.end(), {"--json", "-"});
  const auto to_stdout = run_klynge(json);
  ASSERT_EQ(to_stdout.exit_code, 0) << to_stdout.err;
  const auto report = nlohmann::ordered_json::parse(to_stdout.out);  // nothing else on stdout
  EXPECT_EQ(report["power"].size(), 6u);

  auto csv = study;
  csv.insert(csv.end(), {"--csv", "-"});
  const auto csv_out = run_klynge(csv);
  ASSERT_EQ(csv_out.exit_code, 0) << csv_out.err;
  EXPECT_EQ(csv_out.out.rfind("premium,firms,metric,test,", 0), 0u) << csv_out.out;
  EXPECT_EQ(csv_out.out.find("power study"), std::string::npos);
}

// A pool's metric column may be named anything; the CSV quotes it like analyze's CSV does (a
// comma or quote in the name once shifted every later column of its rows).
TEST(PowerCsv, QuotesMetricNamesThatNeedIt) {
  power::PowerRow row;
  row.metric = "em\"p,x";
  row.test = "permutation_welch_t";
  const std::string csv = power::power_csv({row});
  const std::vector<std::string> lines = lines_of(csv);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[1].find(",\"em\"\"p,x\","), std::string::npos) << csv;
  // Outside the quoted name, the row has as many commas as the header.
  const auto commas = [](const std::string& s) { return std::count(s.begin(), s.end(), ','); };
  EXPECT_EQ(commas(lines[1]) - 1, commas(lines[0]));
}

}  // namespace
}  // namespace klynge
