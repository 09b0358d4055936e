// Tier-2 evidence (DESIGN.md §5): `klynge analyze`, end to end through the CLI, agrees with
// scipy/numpy and R boot on the committed reference cases (tests/data/peers/, made by
// scripts/peers/bootstrap_reference.py and .R with B = 10^6). Agreement is within Monte
// Carlo error by the rule in tests/data/peers/README.md; the BCa acceleration is
// deterministic and must agree to 1e-9.
#include <gtest/gtest.h>

#include <cmath>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "common/run_klynge.hpp"

namespace klynge {

namespace {

using nlohmann::json;

json load_reference() {
  return json::parse(test::read_file(test::test_data("peers/bootstrap_reference.json")));
}

// The two samples as a one-year panel: each value a firm, compared with --growth level.
// Metrics must be >= 0, so a case with negative values is shifted by a common constant:
// the mean difference, its bootstrap distribution and the acceleration do not change.
std::string write_case_panel(const json& c) {
  double low = 0.0;
  for (const json* group : {&c["treated"], &c["control"]})
    for (const json& v : *group) low = std::min(low, v.get<double>());
  const double shift = low < 0.0 ? std::ceil(-low) : 0.0;
  auto value = [&](const json& v) { return fmt::format("{}", v.get<double>() + shift); };
  const std::string path = test::scratch_dir("peer") + "/" + c["name"].get<std::string>() + ".csv";
  std::string csv = "firm_id,year,value,member\n";
  int id = 0;
  for (const json& v : c["treated"]) csv += "f" + std::to_string(id++) + ",2000," + value(v) + ",1\n";
  for (const json& v : c["control"]) csv += "f" + std::to_string(id++) + ",2000," + value(v) + ",0\n";
  test::write_file(path, csv);
  return path;
}

json analyze(const std::string& panel, const std::string& level) {
  const auto run = test::run_klynge({"analyze", "--input", panel, "--from", "2000", "--to", "2000",
                                     "--growth", "level", "--metrics", "value", "--bootstrap",
                                     "100000", "--ci", "percentile,basic,normal,bca", "--level",
                                     level, "--seed", "97", "--json", "-"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return json::parse(run.out)["results"][0];
}

double peer_se(const json& endpoint, const std::string& side) {
  double se = endpoint.value("mc_se_" + side, 0.0);
  if (endpoint.contains("mc_se_formula_" + side))
    se = std::max(se, endpoint["mc_se_formula_" + side].get<double>());
  return se;
}

void expect_agrees(const json& ours, const json& peer, const std::string& what) {
  for (const std::string side : {"low", "high"}) {
    const double x_k = ours[side], s_k = ours["mc_se_" + side];
    const double x_p = peer[side], s_p = peer_se(peer, side);
    const double tolerance = 4.0 * std::sqrt(s_k * s_k + s_p * s_p);
    EXPECT_LE(std::abs(x_k - x_p), tolerance)
        << what << " " << side << ": klynge " << x_k << " (mc se " << s_k << "), peer " << x_p
        << " (mc se " << s_p << ")";
  }
}

}  // namespace

TEST(AnalyzePeer, IntervalsAgreeWithNumpyAndRBootWithinMonteCarloError) {
  const json reference = load_reference();
  ASSERT_GE(reference["cases"].size(), 2u);
  for (const json& c : reference["cases"]) {
    const std::string name = c["name"];
    const std::string panel = write_case_panel(c);
    for (const std::string level : {"0.90", "0.95"}) {
      const json row = analyze(panel, level);
      ASSERT_TRUE(row.contains("ci")) << name;
      EXPECT_NEAR(row["estimate"].get<double>(), c["estimate"].get<double>(), 1e-12) << name;
      EXPECT_NEAR(row["ci"]["bca"]["acceleration"].get<double>(), c["acceleration"].get<double>(),
                  1e-9)
          << name;
      const double se_peer = c["bootstrap"]["std_error"];
      EXPECT_NEAR(row["std_error"].get<double>(), se_peer, 0.015 * se_peer) << name;
      for (const std::string method : {"percentile", "basic", "normal", "bca"}) {
        const json& ours = row["ci"][method];
        ASSERT_EQ(ours["status"], "ok") << name << " " << method;
        expect_agrees(ours, c["bootstrap"]["intervals"][level][method],
                      name + " " + level + " " + method + " vs numpy");
        expect_agrees(ours,
                      c["r_boot"]["intervals"][level][method == "bca" ? "bca_klynge" : method],
                      name + " " + level + " " + method + " vs R boot");
      }
    }
  }
}

}  // namespace klynge
