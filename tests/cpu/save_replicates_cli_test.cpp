// `analyze --save-replicates FILE`: every bootstrap replicate, long format, consistent with the
// report's standard errors; plain or gzip by extension; clear errors.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>

#include "common/run_klynge.hpp"

namespace klynge {
namespace {

using nlohmann::json;
using test::run_klynge;

std::string gunzip(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  EXPECT_NE(f, nullptr) << path;
  std::string out;
  char buffer[1 << 14];
  int got;
  while ((got = gzread(f, buffer, sizeof buffer)) > 0) out.append(buffer, got);
  gzclose(f);
  return out;
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream s(line);
  std::string field;
  while (std::getline(s, field, ',')) out.push_back(field);
  return out;
}

std::string cohort_key(const json& c) {
  return c.is_string() ? c.get<std::string>() : std::to_string(c.get<int>());
}

TEST(SaveReplicatesCli, LongFormatRowsMatchTheReportsStandardErrors) {
  const std::string dir = test::scratch_dir("save_replicates");
  const std::vector<std::string> args = {
      "analyze",        "--input=" + test::example_file("firms.csv"),
      "--entry",        "entry_year",
      "--bootstrap",    "199",
      "--statistic",    "mean_diff,median_diff",
      "--permutations", "0",
      "--quiet",        "--json",
      dir + "/r.json"};
  auto plain = args, gz = args;
  plain.push_back("--save-replicates=" + dir + "/reps.csv");
  gz.push_back("--save-replicates=" + dir + "/reps.csv.gz");
  auto run = run_klynge(plain);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string text = test::read_file(dir + "/reps.csv");
  run = run_klynge(gz);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(gunzip(dir + "/reps.csv.gz"), text);

  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "metric,cohort,statistic,replicate,value");
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<double>> values;
  std::size_t rows = 0;
  while (std::getline(in, line)) {
    const auto f = split(line);
    ASSERT_EQ(f.size(), 5u) << line;
    auto& v = values[{f[0], f[1], f[2]}];
    EXPECT_EQ(std::stoul(f[3]), v.size()) << "replicates in order from 0: " << line;
    v.push_back(f[4] == "NA" ? NAN : std::stod(f[4]));
    ++rows;
  }
  const json report = json::parse(test::read_file(dir + "/r.json"));
  std::size_t analyzed = 0;
  for (const json& row : report["results"]) {
    if (!row.contains("std_error") || row["std_error"].is_null()) continue;
    ++analyzed;
    const auto it = values.find({row["metric"], cohort_key(row["cohort"]), row["statistic"]});
    ASSERT_NE(it, values.end()) << row.dump();
    ASSERT_EQ(it->second.size(), 199u);
    double sum = 0.0, n = 0.0;
    for (double v : it->second)
      if (std::isfinite(v)) sum += v, n += 1.0;
    double ss = 0.0;
    for (double v : it->second)
      if (std::isfinite(v)) ss += (v - sum / n) * (v - sum / n);
    EXPECT_NEAR(std::sqrt(ss / (n - 1.0)), row["std_error"].get<double>(),
                1e-9 * std::abs(row["std_error"].get<double>()))
        << row.dump();
  }
  EXPECT_EQ(analyzed, values.size());
  EXPECT_EQ(rows, values.size() * 199);
}

TEST(SaveReplicatesCli, UnwritableFileAndNoBootstrapAreClearErrors) {
  const std::string dir = test::scratch_dir("save_replicates_errors");
  auto run =
      run_klynge({"analyze", "--input", test::example_file("firms.csv"), "--entry", "entry_year",
                  "--bootstrap", "199", "--save-replicates", dir + "/no/such/dir/r.csv"});
  EXPECT_EQ(run.exit_code, 73) << run.err;
  run = run_klynge({"analyze", "--input", test::example_file("firms.csv"), "--entry", "entry_year",
                    "--bootstrap", "0", "--save-replicates", dir + "/r.csv"});
  EXPECT_EQ(run.exit_code, 64) << run.err;
  EXPECT_NE(run.err.find("--save-replicates"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace klynge
