// Batches: `analyze --by-cluster` and `--by COL` on a simulated panel. Each comparison equals a
// separate run on a file holding only its members and the controls (same draws: the random
// streams are keyed by the value, not by the batch), and Holm/BH span the whole batch.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "common/run_klynge.hpp"

namespace klynge {
namespace {

using nlohmann::json;
using test::run_klynge;

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream s(line);
  std::string field;
  while (std::getline(s, field, ',')) out.push_back(field);
  if (!line.empty() && line.back() == ',') out.push_back("");
  return out;
}

// A small simulated panel with three named clusters, made once.
const std::string& panel_path() {
  static const std::string path = [] {
    const std::string dir = test::scratch_dir("batch_panel");
    const auto run =
        run_klynge({"simulate", "-o", dir + "/sim.csv", "--firms", "3000", "--clusters", "3",
                    "--member-share", "0.15", "--seed", "5", "--quiet"});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return dir + "/sim.csv";
  }();
  return path;
}

// The panel's rows of the members whose (first non-empty) `column` value is `value`, and of
// every non-member: what a researcher would cut by hand for one comparison.
std::string filtered_panel(const std::string& column, const std::string& value) {
  std::istringstream in(test::read_file(panel_path()));
  std::string header, line;
  std::getline(in, header);
  const auto names = split(header);
  const auto col = [&](const std::string& n) {
    return static_cast<std::size_t>(std::find(names.begin(), names.end(), n) - names.begin());
  };
  const std::size_t id = col("firm_id"), member = col("member"), by = col(column);
  std::vector<std::string> lines;
  std::map<std::string, std::string> first_value;
  std::map<std::string, bool> is_member;
  while (std::getline(in, line)) {
    const auto f = split(line);
    if (first_value[f[id]].empty()) first_value[f[id]] = f[by];
    if (f[member] == "1") is_member[f[id]] = true;
    lines.push_back(line);
  }
  std::string out = header + "\n";
  for (const std::string& l : lines) {
    const std::string firm = split(l)[id];
    if (!is_member[firm] || first_value[firm] == value) out += l + "\n";
  }
  return out;
}

std::vector<std::string> analyze_args(const std::string& input, const std::string& json_path) {
  return {"analyze",
          "--input",
          input,
          "--entry",
          "entry_year",
          "--bootstrap",
          "199",
          "--ci",
          "percentile,bca",
          "--permutations",
          "199",
          "--statistic",
          "mean_diff,median_diff",
          "--quiet",
          "--json",
          json_path};
}

// `args` with the value after `flag` replaced.
std::vector<std::string> with(std::vector<std::string> args, const std::string& flag,
                              const std::string& value) {
  *(std::find(args.begin(), args.end(), flag) + 1) = value;
  return args;
}

// A row without its batch tag and batch-wide adjustments: what a separate run must reproduce.
json comparable_row(json row) {
  row.erase("cluster");
  row.erase("by");
  if (row.contains("p_adjusted")) {
    row["p_adjusted"].erase("holm");
    row["p_adjusted"].erase("bh");
  }
  return row;
}

std::string key_text(const json& row) {
  const std::string batch = row.contains("cluster") ? row["cluster"].get<std::string>() : "";
  return batch + "|" + row["metric"].get<std::string>() + "|" + row["cohort"].dump();
}

TEST(BatchCli, EachClusterEqualsASeparateRunOnItsOwnRows) {
  const std::string dir = test::scratch_dir("batch_cluster");
  auto args = analyze_args(panel_path(), dir + "/batch.json");
  args.insert(args.end(), {"--by-cluster", "--csv", dir + "/batch.csv"});
  const auto run = run_klynge(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json batch = json::parse(test::read_file(dir + "/batch.json"));
  ASSERT_EQ(batch["batch"]["kind"], "cluster");
  ASSERT_EQ(batch["batch"]["comparisons"].size(), 3u);
  EXPECT_NE(run.out.find("=== cluster "), std::string::npos);

  std::set<std::uint32_t> analyses;
  for (const json& comparison : batch["batch"]["comparisons"]) {
    const std::string value = comparison["value"];
    analyses.insert(comparison["analysis"].get<std::uint32_t>());
    const std::string own = dir + "/" + std::to_string(analyses.size()) + ".csv";
    test::write_file(own, filtered_panel("cluster", value));
    auto single_args = analyze_args(own, own + ".json");
    single_args.push_back("--by-cluster");
    const auto single = run_klynge(single_args);
    ASSERT_EQ(single.exit_code, 0) << single.err;
    const json alone = json::parse(test::read_file(own + ".json"));
    ASSERT_EQ(alone["batch"]["comparisons"].size(), 1u);
    EXPECT_EQ(alone["batch"]["comparisons"][0]["analysis"], comparison["analysis"]);
    EXPECT_EQ(alone["batch"]["comparisons"][0]["firms_member"], comparison["firms_member"]);

    std::vector<json> mine;
    for (const json& row : batch["results"])
      if (row["cluster"] == value) mine.push_back(comparable_row(row));
    ASSERT_EQ(mine.size(), alone["results"].size()) << value;
    for (std::size_t i = 0; i < mine.size(); ++i)
      EXPECT_EQ(mine[i], comparable_row(alone["results"][i])) << value << " row " << i;
    std::size_t groups = 0;
    for (const json& row : batch["groups"]) groups += row["cluster"] == value;
    EXPECT_EQ(groups, alone["groups"].size());
  }
  EXPECT_EQ(analyses.size(), 3u) << "each comparison has its own random streams";

  // Holm over the whole batch, by hand: one p-value per cluster x metric x cohort.
  std::map<std::string, double> p_of;
  for (const json& row : batch["results"])
    if (row.contains("p_value") && !row["p_value"].is_null())
      p_of[key_text(row)] = row["p_value"].get<double>();
  std::vector<std::pair<double, std::string>> sorted;
  for (const auto& [key, p] : p_of) sorted.push_back({p, key});
  std::sort(sorted.begin(), sorted.end());
  ASSERT_GT(sorted.size(), 60u);
  std::map<std::string, double> holm;
  double running = 0.0;
  const double m = static_cast<double>(sorted.size());
  for (std::size_t j = 0; j < sorted.size(); ++j) {
    running = std::max(running, std::min(1.0, (m - static_cast<double>(j)) * sorted[j].first));
    holm[sorted[j].second] = running;
  }
  int checked = 0;
  for (const json& row : batch["results"]) {
    if (!row.contains("p_value") || row["p_value"].is_null()) continue;
    // Ties in p may sort either way; Holm's value is the same for tied p.
    EXPECT_NEAR(row["p_adjusted"]["holm"].get<double>(), holm.at(key_text(row)), 1e-12)
        << key_text(row);
    ++checked;
  }
  EXPECT_GT(checked, 0);

  // The tidy CSV gains the cluster column.
  const std::string csv = test::read_file(dir + "/batch.csv");
  EXPECT_EQ(csv.rfind("cluster,term,metric,cohort,", 0), 0u) << csv.substr(0, 100);
}

TEST(BatchCli, ByColumnTagsRowsAndCutsByItsValue) {
  const std::string dir = test::scratch_dir("batch_by");
  auto args = with(analyze_args(panel_path(), dir + "/by.json"), "--permutations", "0");
  args.insert(args.end(),
              {"--by", "region", "--csv", dir + "/by.csv", "--save-replicates", dir + "/reps.csv"});
  const auto run = run_klynge(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json by = json::parse(test::read_file(dir + "/by.json"));
  EXPECT_EQ(by["batch"]["kind"], "by");
  EXPECT_EQ(by["batch"]["column"], "region");
  const json& comparisons = by["batch"]["comparisons"];
  ASSERT_GE(comparisons.size(), 2u);
  std::set<std::string> values;
  for (const json& c : comparisons) values.insert(c["value"].get<std::string>());
  for (const json& row : by["results"]) {
    ASSERT_TRUE(row.contains("by")) << row.dump();
    EXPECT_EQ(row["by"]["column"], "region");
    EXPECT_EQ(values.count(row["by"]["value"].get<std::string>()), 1u);
    EXPECT_FALSE(row.contains("cluster"));
  }
  // The region is not a stratum of the comparisons: the design records no strata.
  EXPECT_EQ(by["design"]["strata"], json::array());
  EXPECT_EQ(test::read_file(dir + "/by.csv").rfind("region,term,", 0), 0u);
  EXPECT_EQ(test::read_file(dir + "/reps.csv").rfind("region,metric,cohort,statistic,", 0), 0u);

  // One region, cut by hand, gives the same numbers.
  const std::string value = comparisons[0]["value"];
  test::write_file(dir + "/own.csv", filtered_panel("region", value));
  auto single_args = with(analyze_args(dir + "/own.csv", dir + "/own.json"), "--permutations", "0");
  single_args.insert(single_args.end(), {"--by", "region"});
  const auto single = run_klynge(single_args);
  ASSERT_EQ(single.exit_code, 0) << single.err;
  const json alone = json::parse(test::read_file(dir + "/own.json"));
  std::vector<json> mine;
  for (const json& row : by["results"])
    if (row["by"]["value"] == value) mine.push_back(comparable_row(row));
  ASSERT_EQ(mine.size(), alone["results"].size());
  for (std::size_t i = 0; i < mine.size(); ++i)
    EXPECT_EQ(mine[i], comparable_row(alone["results"][i])) << i;
}

TEST(BatchCli, ImpossibleBatchesAreClearErrors) {
  const std::string dir = test::scratch_dir("batch_errors");
  auto args = analyze_args(panel_path(), dir + "/x.json");
  auto both = args;
  both.insert(both.end(), {"--by-cluster", "--by", "region"});
  auto run = run_klynge(both);
  EXPECT_EQ(run.exit_code, 64) << run.err;
  auto unit = args;
  unit.insert(unit.end(), {"--by-cluster", "--unit", "cluster"});
  run = run_klynge(unit);
  EXPECT_EQ(run.exit_code, 64) << run.err;
  auto missing = args;
  missing.insert(missing.end(), {"--by", "no_such_column"});
  run = run_klynge(missing);
  EXPECT_EQ(run.exit_code, 65) << run.err;
  EXPECT_NE(run.err.find("no_such_column"), std::string::npos) << run.err;
  // mpdta has no cluster column.
  run = run_klynge({"analyze", "--input", test::example_file("mpdta.csv"), "--id", "countyreal",
                    "--metrics", "emp", "--member", "treated", "--from", "2003", "--to", "2007",
                    "--by-cluster", "--bootstrap", "99", "--level", "0.9", "--quiet"});
  EXPECT_EQ(run.exit_code, 65);
  EXPECT_NE(run.err.find("cluster"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace klynge
