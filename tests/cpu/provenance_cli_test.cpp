// Provenance in the JSON reports of describe and analyze (docs/report-schema.md): build,
// input fingerprint, effective configuration, seed; apart from results and timing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/run_klynge.hpp"
#include "klynge/report/sha256.hpp"

namespace klynge {
namespace {

using nlohmann::json;
using test::run_klynge;

TEST(ProvenanceCli, AnalyzeRecordsBuildInputConfigurationAndSeed) {
  const std::string dir = test::scratch_dir("provenance_analyze");
  const std::string input = test::example_file("firms.csv");
  const auto run = run_klynge({"analyze", "--input", input, "--entry", "entry_year", "--bootstrap",
                               "99", "--level", "0.9", "--seed", "11", "--permutations", "0",
                               "--json", dir + "/r.json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json r = json::parse(test::read_file(dir + "/r.json"));
  ASSERT_TRUE(r.contains("provenance"));
  const json& p = r["provenance"];
  EXPECT_EQ(p["command"], "analyze");
  EXPECT_FALSE(p["klynge_version"].get<std::string>().empty());
  EXPECT_FALSE(p["git_revision"].get<std::string>().empty());
  EXPECT_TRUE(p["build"]["cuda_compiled"].is_boolean());
  EXPECT_GE(p["build"]["openmp_max_threads"].get<int>(), 1);
  EXPECT_EQ(p["device"], "cpu");
  EXPECT_GE(p["threads"].get<int>(), 1);
  EXPECT_EQ(p["input"]["path"], input);
  EXPECT_EQ(p["input"]["sha256"], sha256_file(input));
  EXPECT_EQ(p["seed"], 11);
  const json& c = p["configuration"];
  EXPECT_EQ(c["bootstrap"], 99);
  EXPECT_EQ(c["level"], 0.9);
  EXPECT_EQ(c["entry"], "entry_year");
  EXPECT_EQ(c["metrics"], json::array({"employees", "revenue", "value_added"}));
  EXPECT_EQ(c["balance"], false);
  EXPECT_FALSE(c.contains("from")) << "an unset flag without default is left out";
  EXPECT_TRUE(r.contains("timing"));
  for (const json& row : r["results"]) EXPECT_FALSE(row.contains("provenance"));
}

TEST(ProvenanceCli, DescribeRecordsInputAndNoSeed) {
  const std::string dir = test::scratch_dir("provenance_describe");
  const std::string input = test::example_file("firms.csv");
  const auto run = run_klynge(
      {"describe", "--input", input, "--from", "2012", "--to", "2015", "--json", dir + "/d.json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json p = json::parse(test::read_file(dir + "/d.json"))["provenance"];
  EXPECT_EQ(p["command"], "describe");
  EXPECT_EQ(p["input"]["sha256"], sha256_file(input));
  EXPECT_TRUE(p["seed"].is_null());
  EXPECT_EQ(p["configuration"]["from"], 2012);
  EXPECT_EQ(p["configuration"]["to"], 2015);
}

}  // namespace
}  // namespace klynge
