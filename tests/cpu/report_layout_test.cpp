// Console tables fit a terminal of 100 columns; JSON reports carry their schema version.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "common/run_klynge.hpp"
#include "klynge/report/describe_report.hpp"
#include "klynge/report/text_layout.hpp"

namespace klynge {
namespace {

using nlohmann::json;
using test::run_klynge;

TEST(TextLayout, FitLabelShortensVisiblyAndWrapIndents) {
  EXPECT_EQ(fit_label("revenue", 12), "revenue");
  EXPECT_EQ(fit_label("employees_fte", 12), "employees_~");
  EXPECT_EQ(fit_label("employees_f", 12), "employees_f");
  EXPECT_EQ(wrap_lines("aaa bbb ccc ddd\n", 8, 2), "aaa bbb\n  ccc\n  ddd\n");
  EXPECT_EQ(wrap_lines("short\nline two\n", 100, 2), "short\nline two\n");
}

TEST(ReportLayout, AnalyzeTablesFitOneHundredColumns) {
  // Long metric names and every interval method: the widest table klynge prints.
  const std::string dir = test::scratch_dir("table_width");
  std::string panel = test::read_file(test::example_file("firms.csv"));
  const std::string
      from = "employees,revenue,value_added",
      to = "employees_full_time_equivalent,operating_revenue_nok,value_added_at_basic_prices";
  panel.replace(panel.find(from), from.size(), to);
  test::write_file(dir + "/long.csv", panel);
  const auto run = run_klynge({"analyze", "--input", dir + "/long.csv", "--entry", "entry_year",
                               "--metrics", to, "--bootstrap", "199", "--permutations", "99",
                               "--ci", "percentile,basic,normal,bca,studentized", "--statistic",
                               "mean_diff,trimmed_mean_diff", "--quiet"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::istringstream lines(run.out);
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    ++count;
    EXPECT_LE(line.size(), kTableWidth) << line;
  }
  EXPECT_GT(count, 100);
  EXPECT_NE(run.out.find("employees_~"), std::string::npos) << "shortened, visibly";
  for (const char* method : {"percentile", "basic", "normal", "bca", "studentized"})
    EXPECT_NE(run.out.find(method), std::string::npos) << method;
}

TEST(ReportLayout, EveryJsonReportHasTheSchemaVersion) {
  const std::string dir = test::scratch_dir("schema_version");
  auto run = run_klynge({"describe", "--input", test::example_file("firms.csv"), "--entry",
                         "entry_year", "--json", dir + "/d.json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  run = run_klynge({"analyze", "--input", test::example_file("firms.csv"), "--entry", "entry_year",
                    "--bootstrap", "99", "--level", "0.9", "--permutations", "0", "--quiet",
                    "--json", dir + "/a.json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  for (const char* name : {"/d.json", "/a.json"}) {
    const auto r = nlohmann::ordered_json::parse(test::read_file(dir + name));
    EXPECT_EQ(r.begin().key(), "schema_version") << name;
    EXPECT_EQ(r["schema_version"], kReportSchemaVersion) << name;
  }
}

}  // namespace
}  // namespace klynge
