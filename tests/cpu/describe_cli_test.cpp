// End-to-end tests of `klynge describe` through the built binary: the published mpdta answers,
// the JSON contract, and the exit codes of the documented failure modes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/run_klynge.hpp"

namespace klynge {

namespace {

using nlohmann::json;
using test::run_klynge;

const json* find_result(const json& report, const std::string& metric, const json& cohort,
                        const std::string& statistic) {
  for (const json& r : report["results"])
    if (r["metric"] == metric && r["cohort"] == cohort && r["statistic"] == statistic) return &r;
  return nullptr;
}

std::vector<std::string> mpdta_args() {
  return {"describe", "--input", test::example_file("mpdta.csv"), "--id", "countyreal",
          "--metrics", "emp", "--member", "treated", "--entry", "first_treat",
          "--offset", "-1", "--horizon", "1", "--json", "-"};
}

}  // namespace

// Callaway & Sant'Anna's `did` package reports ATT(g,g) on mpdta (never-treated controls,
// no covariates): -0.0105 (2004), -0.0046 (2006), -0.0261 (2007). With --offset -1 --horizon 1
// the cohort design's mean difference of log growth is exactly that estimand; emp = exp(lemp)
// to 1e-9, so the digits below (computed from lemp) hold to 1e-7.
TEST(DescribeCli, MpdtaCohortDifferencesAreTheDidGroupTimeEffects) {
  const auto run = run_klynge(mpdta_args());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json report = json::parse(run.out);
  struct Expected { int cohort; double att; int members; };
  for (const Expected& e : {Expected{2004, -0.010503246220962437, 20},
                            Expected{2006, -0.004594606952863043, 40},
                            Expected{2007, -0.026054410719196626, 131}}) {
    const json* r = find_result(report, "emp", e.cohort, "mean_diff");
    ASSERT_NE(r, nullptr) << "cohort " << e.cohort;
    EXPECT_NEAR((*r)["estimate"].get<double>(), e.att, 1e-7) << "cohort " << e.cohort;
    EXPECT_EQ((*r)["n_member"], e.members);
    EXPECT_EQ((*r)["n_control"], 309);
    EXPECT_EQ((*r)["status"], "ok");
  }
  // The aggregate weights cohorts by their number of members (20, 40, 131).
  const double aggregate = (20 * -0.010503246220962437 + 40 * -0.004594606952863043 +
                            131 * -0.026054410719196626) / 191.0;
  const json* all = find_result(report, "emp", "all", "mean_diff");
  ASSERT_NE(all, nullptr);
  EXPECT_NEAR((*all)["estimate"].get<double>(), aggregate, 1e-7);
}

TEST(DescribeCli, JsonHasTheDocumentedContract) {
  const auto run = run_klynge(mpdta_args());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json report = json::parse(run.out);
  for (const char* key : {"klynge_version", "input", "design", "groups", "results", "timing"})
    EXPECT_TRUE(report.contains(key)) << key;
  EXPECT_EQ(report["input"]["rows"], 2500);
  EXPECT_EQ(report["input"]["firms"], 500);
  EXPECT_EQ(report["design"]["type"], "cohort");
  EXPECT_EQ(report["design"]["offset"], -1);
  std::set<std::string> statistics;
  for (const json& r : report["results"]) statistics.insert(r["statistic"]);
  EXPECT_EQ(statistics, (std::set<std::string>{"mean_diff", "median_diff", "trimmed_mean_diff",
                                                "agg_diff", "welch_t"}));
  bool saw_member_group = false;
  for (const json& g : report["groups"]) {
    for (const char* key : {"metric", "cohort", "group", "n", "mean", "sd", "median", "dropped"})
      EXPECT_TRUE(g.contains(key)) << key;
    saw_member_group |= g["group"] == "member" && g["cohort"] == 2004 && g["n"] == 20;
  }
  EXPECT_TRUE(saw_member_group);
}

TEST(DescribeCli, TableIsPrintedAndJsonFileWritten) {
  const std::string dir = test::scratch_dir("describe");
  auto args = mpdta_args();
  args.back() = dir + "/report.json";
  const auto run = run_klynge(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("mean diff"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("2007"), std::string::npos);
  const json report = json::parse(test::read_file(dir + "/report.json"));
  EXPECT_EQ(report["design"]["type"], "cohort");
}

TEST(DescribeCli, NoDesignIsAUsageError) {
  const auto run = run_klynge({"describe", "--input", test::example_file("mpdta.csv")});
  EXPECT_EQ(run.exit_code, 64);
  EXPECT_NE(run.err.find("--from"), std::string::npos) << run.err;
}

TEST(DescribeCli, FromWithoutToIsAUsageError) {
  const auto run = run_klynge({"describe", "--input", test::example_file("mpdta.csv"), "--from", "2004"});
  EXPECT_EQ(run.exit_code, 64);
}

TEST(DescribeCli, MissingInputFileExits66) {
  const auto run = run_klynge({"describe", "--input", "/nonexistent/panel.csv", "--from", "2004",
                               "--to", "2006"});
  EXPECT_EQ(run.exit_code, 66);
  EXPECT_NE(run.err.find("/nonexistent/panel.csv"), std::string::npos) << run.err;
}

TEST(DescribeCli, MissingColumnExits65AndNamesIt) {
  const auto run = run_klynge({"describe", "--input", test::example_file("mpdta.csv"), "--from",
                               "2004", "--to", "2006"});  // default columns are not in mpdta
  EXPECT_EQ(run.exit_code, 65);
  EXPECT_NE(run.err.find("firm_id"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find(":1"), std::string::npos) << run.err;
}

TEST(DescribeCli, UnwritableJsonExits73) {
  auto args = mpdta_args();
  args.back() = "/nonexistent-dir/report.json";
  const auto run = run_klynge(args);
  EXPECT_EQ(run.exit_code, 73) << run.err;
}

}  // namespace klynge
