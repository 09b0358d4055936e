// `klynge power --pool FILE --metrics a,b,c` end to end: a pool's metric columns may have any
// names; the rows, the CSV, --premium pairs and settings.pool use them; --metrics without a
// pool, a name given twice or an unknown --premium name is a usage error (64) naming the flag;
// a column the file lacks is the reader's bad-data error (65); --merge refuses shards of other
// metric columns; --print-config and --config round-trip the flag.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/cli_report.hpp"
#include "common/run_klynge.hpp"
#include "klynge/power_pool.hpp"

namespace klynge {
namespace {

using test::example_pool;
using test::one_line;
using test::read_json;
using test::run_klynge;

std::vector<std::string> pool_args(const std::string& pool, const std::string& json) {
  return {"power", "--pool",     pool, "--firms",     "200",    "--member-share",
          "0.25",  "--datasets", "12", "--bootstrap", "99",     "--permutations",
          "99",    "--seed",     "3",  "-q",          "--json", json};
}

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// examples/firms.csv with its metric columns renamed in the header.
std::string renamed_pool(const std::string& dir) {
  std::string text = test::read_file(example_pool());
  const std::string header = "firm_id,year,employees,revenue,value_added,";
  EXPECT_EQ(text.rfind(header, 0), 0u);
  text.replace(0, header.size(), "firm_id,year,ansatte,omsetning,verdiskaping,");
  test::write_file(dir + "/renamed.csv", text);
  return dir + "/renamed.csv";
}

// examples/firms.csv restricted to the firms with a revenue growth over the default window:
// there a pool of revenue alone and a pool of all three metrics hold the same firms
// (power_pool_metrics_test.cpp says why that is needed for the rows to agree).
std::string revenue_firms_pool(const std::string& dir) {
  power::PoolColumns columns;
  columns.metrics = {"revenue"};
  const power::Pool pool = power::read_pool(example_pool(), columns, 2017, 2020, 0);
  std::string text = test::read_file(example_pool()), out;
  std::size_t at = 0;
  for (bool header = true; at < text.size(); header = false) {
    const std::size_t end = text.find('\n', at) + 1;
    const std::string line = text.substr(at, end - at);
    const std::string id = line.substr(0, line.find(','));
    if (header || std::find(pool.firm_ids.begin(), pool.firm_ids.end(), id) != pool.firm_ids.end())
      out += line;
    at = end;
  }
  test::write_file(dir + "/revenue_firms.csv", out);
  return dir + "/revenue_firms.csv";
}

TEST(PowerPoolMetricsCli, RenamedColumnsGiveTheSameRowsWithTheirNames) {
  const std::string dir = test::scratch_dir("power_pool_metrics_cli_renamed");
  const auto original = run_klynge(with(pool_args(example_pool(), dir + "/a.json"),
                                        {"--premium", "0,0.05", "--premium",
                                         "employees=0.01,revenue=0.03", "--csv", dir + "/a.csv"}));
  ASSERT_EQ(original.exit_code, 0) << original.err;
  const auto renamed =
      run_klynge(with(pool_args(renamed_pool(dir), dir + "/b.json"),
                      {"--metrics", "ansatte,omsetning,verdiskaping", "--premium", "0,0.05",
                       "--premium", "ansatte=0.01,omsetning=0.03", "--csv", dir + "/b.csv"}));
  ASSERT_EQ(renamed.exit_code, 0) << renamed.err;

  const auto a = read_json(dir + "/a.json"), b = read_json(dir + "/b.json");
  EXPECT_EQ(b["schema_version"], "1.9");
  EXPECT_EQ(b["settings"]["pool"]["metrics"],
            (std::vector<std::string>{"ansatte", "omsetning", "verdiskaping"}));
  EXPECT_EQ(a["settings"]["pool"]["metrics"],
            (std::vector<std::string>{"employees", "revenue", "value_added"}));
  EXPECT_EQ(b["settings"]["pool"]["valid_firms"]["omsetning"],
            a["settings"]["pool"]["valid_firms"]["revenue"]);

  // The rows with the names (and the label of the pairs point) put back: the same JSON.
  const std::vector<std::pair<std::string, std::string>> names = {
      {"ansatte", "employees"}, {"omsetning", "revenue"}, {"verdiskaping", "value_added"}};
  auto rows = b["power"];
  ASSERT_EQ(rows.size(), 3u * 3u);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i]["metric"], names[i % 3].first);
    rows[i]["metric"] = names[i % 3].second;
    if (rows[i]["premium_label"] == "ansatte=0.01,omsetning=0.03")
      rows[i]["premium_label"] = "employees=0.01,revenue=0.03";
  }
  EXPECT_EQ(rows, a["power"]);  // JSON numbers written from the same doubles: bitwise
  EXPECT_EQ(rows[7]["premium"], 0.03);

  std::string csv = test::read_file(dir + "/b.csv");
  for (const auto& [from, to] : names)
    for (std::size_t at; (at = csv.find("," + from + ",")) != std::string::npos;)
      csv.replace(at, from.size() + 2, "," + to + ",");
  EXPECT_EQ(csv, test::read_file(dir + "/a.csv"));
}

TEST(PowerPoolMetricsCli, OneMetricGivesItsRowsOfTheFullStudy) {
  const std::string dir = test::scratch_dir("power_pool_metrics_cli_one");
  const std::string pool = revenue_firms_pool(dir);
  const auto all = run_klynge(with(pool_args(pool, dir + "/all.json"), {"--premium", "0,0.03"}));
  ASSERT_EQ(all.exit_code, 0) << all.err;
  const auto one = run_klynge(
      with(pool_args(pool, dir + "/one.json"), {"--metrics", "revenue", "--premium", "0,0.03"}));
  ASSERT_EQ(one.exit_code, 0) << one.err;
  const auto a = read_json(dir + "/all.json"), b = read_json(dir + "/one.json");
  EXPECT_EQ(a["settings"]["pool"]["firms"], b["settings"]["pool"]["firms"]);
  ASSERT_EQ(a["power"].size(), 2u * 3u);
  ASSERT_EQ(b["power"].size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(b["power"][i]["metric"], "revenue");
    EXPECT_EQ(b["power"][i], a["power"][3 * i + 1]);
  }
}

TEST(PowerPoolMetricsCli, PremiumPairsUseThePoolsNames) {
  const std::string dir = test::scratch_dir("power_pool_metrics_cli_premium");
  const std::string pool = renamed_pool(dir);
  const std::vector<std::string> metrics = {"--metrics", "ansatte,omsetning,verdiskaping"};
  const auto ok = run_klynge(
      with(with(pool_args(pool, dir + "/ok.json"), metrics), {"--premium", "omsetning=0.02"}));
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  const auto rows = read_json(dir + "/ok.json")["power"];
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0]["premium"], 0.0);
  EXPECT_EQ(rows[1]["premium"], 0.02);
  EXPECT_EQ(rows[1]["true_value"], 0.02);
  EXPECT_EQ(rows[1]["metric"], "omsetning");

  const auto unknown = run_klynge(
      with(with(pool_args(pool, dir + "/bad.json"), metrics), {"--premium", "revenue=0.02"}));
  EXPECT_EQ(unknown.exit_code, 64) << unknown.err;
  EXPECT_TRUE(one_line(unknown.err)) << unknown.err;
  for (const char* part : {"--premium", "revenue=0.02", "unknown metric \"revenue\"",
                           "ansatte, omsetning, verdiskaping"})
    EXPECT_NE(unknown.err.find(part), std::string::npos) << part << ": " << unknown.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/bad.json"));
}

TEST(PowerPoolMetricsCli, BadMetricsAreUsageErrorsAndAMissingColumnIsBadData) {
  const std::string dir = test::scratch_dir("power_pool_metrics_cli_bad");
  const auto alone =
      run_klynge({"power", "--metrics", "revenue", "--datasets", "10", "--json", dir + "/p.json"});
  EXPECT_EQ(alone.exit_code, 64) << alone.err;
  EXPECT_TRUE(one_line(alone.err)) << alone.err;
  EXPECT_NE(alone.err.find("--metrics names metric columns of the --pool file"), std::string::npos)
      << alone.err;

  const auto twice = run_klynge(
      with(pool_args(example_pool(), dir + "/p.json"), {"--metrics", "revenue,revenue"}));
  EXPECT_EQ(twice.exit_code, 64) << twice.err;
  EXPECT_TRUE(one_line(twice.err)) << twice.err;
  EXPECT_NE(twice.err.find("--metrics revenue,revenue: \"revenue\" is given twice"),
            std::string::npos)
      << twice.err;

  // The panel reader's error for a column the header lacks: bad data, line 1, the column.
  const auto missing =
      run_klynge(with(pool_args(example_pool(), dir + "/p.json"), {"--metrics", "revenue,staff"}));
  EXPECT_EQ(missing.exit_code, 65) << missing.err;
  EXPECT_TRUE(one_line(missing.err)) << missing.err;
  EXPECT_NE(missing.err.find("firms.csv:1"), std::string::npos) << missing.err;
  EXPECT_NE(missing.err.find("staff"), std::string::npos) << missing.err;
  EXPECT_NE(missing.err.find("no such column in the header (wanted as a metric)"),
            std::string::npos)
      << missing.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/p.json"));
}

TEST(PowerPoolMetricsCli, MergeRefusesShardsOfOtherMetricColumns) {
  const std::string dir = test::scratch_dir("power_pool_metrics_cli_merge");
  const auto low =
      run_klynge(with(pool_args(example_pool(), dir + "/low.json"), {"--dataset-range", "0:5"}));
  ASSERT_EQ(low.exit_code, 0) << low.err;
  const auto high = run_klynge(with(pool_args(example_pool(), dir + "/high.json"),
                                    {"--dataset-range", "5:12", "--metrics", "employees,revenue"}));
  ASSERT_EQ(high.exit_code, 0) << high.err;
  const auto merge = run_klynge(
      {"power", "--merge", dir + "/low.json", dir + "/high.json", "--json", dir + "/m.json", "-q"});
  EXPECT_EQ(merge.exit_code, 64) << merge.err;
  EXPECT_TRUE(one_line(merge.err)) << merge.err;
  EXPECT_NE(merge.err.find("its pool's metric columns are employees,revenue, those of"),
            std::string::npos)
      << merge.err;
  EXPECT_NE(merge.err.find("are employees,revenue,value_added"), std::string::npos) << merge.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/m.json"));
}

TEST(PowerPoolMetricsCli, ConfigFileRoundTripsTheMetrics) {
  const std::string dir = test::scratch_dir("power_pool_metrics_cli_config");
  const auto args =
      with(pool_args(renamed_pool(dir), dir + "/flags.json"),
           {"--metrics", "ansatte,omsetning", "--premium", "0", "--premium", "ansatte=0.02"});
  const auto printed = run_klynge(with(args, {"--print-config"}));
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  EXPECT_NE(printed.out.find("metrics = ['ansatte', 'omsetning']"), std::string::npos)
      << printed.out;
  test::write_file(dir + "/study.toml", printed.out);
  ASSERT_EQ(run_klynge(args).exit_code, 0);
  const auto from_config =
      run_klynge({"power", "--config", dir + "/study.toml", "--json", dir + "/config.json"});
  ASSERT_EQ(from_config.exit_code, 0) << from_config.err;
  const auto flags = read_json(dir + "/flags.json"), config = read_json(dir + "/config.json");
  EXPECT_EQ(flags["settings"]["pool"]["metrics"],
            (std::vector<std::string>{"ansatte", "omsetning"}));
  EXPECT_EQ(flags["power"], config["power"]);
  EXPECT_EQ(flags["settings"], config["settings"]);
}

}  // namespace
}  // namespace klynge
