// `klynge plot` and `analyze --plot`: real pictures from scripts/klynge_plot.py (matplotlib),
// and clear exit codes when something is missing. Tests that draw skip only when matplotlib
// cannot be imported by the interpreter klynge uses.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "common/run_klynge.hpp"

namespace klynge {
namespace {

using test::run_klynge;

// An analyze report (and its replicates) to draw, made once per test.
struct Report {
  std::string dir, json, replicates;
};

Report make_report(const std::string& name) {
  Report r;
  r.dir = test::scratch_dir(name);
  r.json = r.dir + "/r.json";
  r.replicates = r.dir + "/reps.csv";
  const auto run = run_klynge({"analyze", "--input", test::example_file("firms.csv"), "--entry",
                               "entry_year", "--bootstrap", "199", "--permutations", "0", "--quiet",
                               "--json", r.json, "--save-replicates", r.replicates});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return r;
}

bool matplotlib_missing(const test::RunResult& run) {
  return run.exit_code == 66 && run.err.find("plots need matplotlib") != std::string::npos;
}

#define SKIP_WITHOUT_MATPLOTLIB(run) \
  if (matplotlib_missing(run)) GTEST_SKIP() << "matplotlib is not importable: " << (run).err

void expect_png(const std::string& path) {
  const std::string bytes = test::read_file(path);
  ASSERT_GT(bytes.size(), 1000u);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
}

void expect_svg(const std::string& path) {
  const std::string text = test::read_file(path);
  EXPECT_NE(text.find("<svg"), std::string::npos);
  // Well-formed XML, checked by Python's parser (present: the picture was drawn by Python).
  const std::string check =
      "/usr/bin/env python3 -c \"import sys, xml.etree.ElementTree as E; "
      "r = E.parse(sys.argv[1]).getroot(); sys.exit(0 if r.tag.endswith('svg') "
      "else 1)\" '" +
      path + "'";
  EXPECT_EQ(std::system(check.c_str()), 0) << path;
}

TEST(PlotCli, ForestPlotAsPngAndSvg) {
  const Report r = make_report("plot_forest");
  auto run = run_klynge({"plot", r.json, "-o", r.dir + "/forest.png"});
  SKIP_WITHOUT_MATPLOTLIB(run);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  expect_png(r.dir + "/forest.png");
  run = run_klynge({"plot", r.json, "-o", r.dir + "/forest.svg", "--interval", "bca"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  expect_svg(r.dir + "/forest.svg");
  EXPECT_NE(test::read_file(r.dir + "/forest.svg").find("bca"), std::string::npos)
      << "the title names the interval drawn";
}

// A forest plot of 1 500 rows is taller than a PNG may be at 150 dpi (2^16 pixels a side); it
// once failed with matplotlib's traceback and exit 70. It is drawn at a lower resolution.
TEST(PlotCli, AForestPlotTallerThanAPngMayBeIsDrawnAtALowerResolution) {
  const Report r = make_report("plot_tall");
  nlohmann::json report = nlohmann::json::parse(test::read_file(r.json));
  const nlohmann::json one = report["results"][0];
  report["results"] = nlohmann::json::array();
  for (int k = 0; k < 1500; ++k) report["results"].push_back(one);
  test::write_file(r.dir + "/tall.json", report.dump());
  const auto run = run_klynge({"plot", r.dir + "/tall.json", "-o", r.dir + "/tall.png"});
  SKIP_WITHOUT_MATPLOTLIB(run);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("dpi"), std::string::npos) << run.err;
  expect_png(r.dir + "/tall.png");
  // PNG header: width and height, big-endian, at bytes 16..23.
  const std::string png = test::read_file(r.dir + "/tall.png");
  const auto u32 = [&](std::size_t at) {
    return (std::uint32_t{static_cast<unsigned char>(png[at])} << 24) |
           (std::uint32_t{static_cast<unsigned char>(png[at + 1])} << 16) |
           (std::uint32_t{static_cast<unsigned char>(png[at + 2])} << 8) |
           std::uint32_t{static_cast<unsigned char>(png[at + 3])};
  };
  EXPECT_LT(u32(20), 65536u);
  EXPECT_GT(u32(20), 20000u);  // still one row every ~20 pixels
}

// Edited reports and replicate files: one line and exit 65, never a traceback; a report of
// another layout version is drawn with a warning.
TEST(PlotCli, EditedReportsAndReplicatesAreClearErrors) {
  const Report r = make_report("plot_edited");
  nlohmann::json report = nlohmann::json::parse(test::read_file(r.json));
  nlohmann::json edited = report;
  edited["results"][0]["estimate"] = "x";
  test::write_file(r.dir + "/string.json", edited.dump());
  auto run = run_klynge({"plot", r.dir + "/string.json", "-o", r.dir + "/s.png"});
  SKIP_WITHOUT_MATPLOTLIB(run);
  EXPECT_EQ(run.exit_code, 65) << run.err;
  EXPECT_EQ(run.err.find("Traceback"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("string.json"), std::string::npos) << run.err;

  edited = report;
  edited["schema_version"] = "99.0";
  test::write_file(r.dir + "/v99.json", edited.dump());
  run = run_klynge({"plot", r.dir + "/v99.json", "-o", r.dir + "/v.png"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("schema_version \"99.0\""), std::string::npos) << run.err;

  std::string reps = test::read_file(r.replicates);
  const std::size_t second_line = reps.find('\n') + 1;
  const std::size_t end = reps.find('\n', second_line);
  const std::size_t last_comma = reps.rfind(',', end);
  reps.replace(last_comma + 1, end - last_comma - 1, "inf");
  test::write_file(r.dir + "/inf.csv", reps);
  run = run_klynge({"plot", r.json, "-o", r.dir + "/h.png", "--replicates", r.dir + "/inf.csv",
                    "--result", "0"});
  EXPECT_EQ(run.exit_code, 65) << run.err;
  EXPECT_NE(run.err.find("inf.csv:2:"), std::string::npos) << run.err;
}

TEST(PlotCli, ReplicateHistogramOfOneResult) {
  const Report r = make_report("plot_histogram");
  auto run = run_klynge(
      {"plot", r.json, "-o", r.dir + "/h.png", "--replicates", r.replicates, "--result", "0"});
  SKIP_WITHOUT_MATPLOTLIB(run);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  expect_png(r.dir + "/h.png");
  run = run_klynge(
      {"plot", r.json, "-o", r.dir + "/h.svg", "--replicates", r.replicates, "--result", "100000"});
  EXPECT_EQ(run.exit_code, 64) << run.err;
  EXPECT_FALSE(std::filesystem::exists(r.dir + "/h.svg"));
}

TEST(PlotCli, AnalyzePlotWritesTheForestPlot) {
  const std::string dir = test::scratch_dir("analyze_plot");
  const auto run = run_klynge({"analyze", "--input", test::example_file("firms.csv"), "--entry",
                               "entry_year", "--bootstrap", "199", "--permutations", "0", "--quiet",
                               "--plot", dir + "/f.svg"});
  SKIP_WITHOUT_MATPLOTLIB(run);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  expect_svg(dir + "/f.svg");
}

TEST(PlotCli, BadNameMissingPythonAndMissingMatplotlibAreClearErrors) {
  const Report r = make_report("plot_errors");
  auto run = run_klynge({"plot", r.json, "-o", r.dir + "/f.pdf"});
  EXPECT_EQ(run.exit_code, 64) << run.err;
  run = run_klynge({"analyze", "--input", test::example_file("firms.csv"), "--entry", "entry_year",
                    "--plot", r.dir + "/f.jpg"});
  EXPECT_EQ(run.exit_code, 64) << run.err;

  ::setenv("KLYNGE_PYTHON", (r.dir + "/no-python3").c_str(), 1);
  run = run_klynge({"plot", r.json, "-o", r.dir + "/f.png"});
  ::unsetenv("KLYNGE_PYTHON");
  EXPECT_EQ(run.exit_code, 66) << run.err;
  EXPECT_NE(run.err.find("python3"), std::string::npos) << run.err;
  // An interpreter that runs but is no Python: the message names it and who chose it.
  ::setenv("KLYNGE_PYTHON", "/bin/false", 1);
  run = run_klynge({"plot", r.json, "-o", r.dir + "/f.png"});
  ::unsetenv("KLYNGE_PYTHON");
  EXPECT_EQ(run.exit_code, 70) << run.err;
  EXPECT_NE(run.err.find("plots: /bin/false "), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("failed (exit 1); KLYNGE_PYTHON chose the interpreter"),
            std::string::npos)
      << run.err;

  // A matplotlib that fails to import stands in for one that is not installed.
  std::filesystem::create_directories(r.dir + "/fake/matplotlib");
  test::write_file(r.dir + "/fake/matplotlib/__init__.py", "raise ImportError('not here')\n");
  ::setenv("PYTHONPATH", (r.dir + "/fake").c_str(), 1);
  run = run_klynge({"plot", r.json, "-o", r.dir + "/f.png"});
  ::unsetenv("PYTHONPATH");
  EXPECT_EQ(run.exit_code, 66) << run.err;
  EXPECT_NE(run.err.find("python3-matplotlib"), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(r.dir + "/f.png"));
}

}  // namespace
}  // namespace klynge
