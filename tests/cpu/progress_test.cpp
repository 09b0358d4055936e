// The progress reporter: what it prints in each style, that short runs print nothing, and that
// the engines count every replicate without changing a result.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "common/run_klynge.hpp"
#include "klynge/bootstrap.hpp"
#include "klynge/build_sample.hpp"
#include "klynge/io/read_panel.hpp"
#include "klynge/permutation.hpp"
#include "klynge/progress.hpp"

namespace klynge {
namespace {

using namespace std::chrono_literals;

std::string contents(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string out;
  char buffer[4096];
  std::size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, f)) > 0) out.append(buffer, got);
  return out;
}

TEST(Progress, LinesStylePrintsPlainLinesAndALastOne) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    Progress p("bootstrap", 100, ProgressStyle::lines, f, 20ms);
    p.advance(40);
    std::this_thread::sleep_for(70ms);
    p.advance(60);
  }
  const std::string text = contents(f);
  std::fclose(f);
  EXPECT_NE(text.find("klynge: bootstrap: 40/100 replicates (40%)"), std::string::npos) << text;
  EXPECT_NE(text.find("100/100 replicates (100%)"), std::string::npos) << text;
  EXPECT_EQ(text.find('\r'), std::string::npos) << "no carriage returns in a log";
  EXPECT_EQ(text.back(), '\n');
}

// Power studies count datasets, not replicates: the unit is the caller's.
TEST(Progress, LinesNameTheUnitCounted) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    Progress p("power", 12, ProgressStyle::lines, f, 20ms, "datasets");
    p.advance(3);
    std::this_thread::sleep_for(70ms);
  }
  const std::string text = contents(f);
  std::fclose(f);
  EXPECT_NE(text.find("klynge: power: 3/12 datasets (25%)"), std::string::npos) << text;
  EXPECT_EQ(text.find("replicates"), std::string::npos) << text;
}

TEST(Progress, BarStyleRedrawsInPlaceAndEndsTheLine) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    Progress p("permutation", 10, ProgressStyle::bar, f, 10ms);
    p.advance(5);
    std::this_thread::sleep_for(50ms);
  }
  const std::string text = contents(f);
  std::fclose(f);
  EXPECT_EQ(text.front(), '\r');
  EXPECT_NE(text.find("permutation [###############...............]  50% 5/10"), std::string::npos)
      << text;
  EXPECT_EQ(text.back(), '\n');
}

TEST(Progress, RunShorterThanOneIntervalPrintsNothing) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    Progress p("bootstrap", 10, ProgressStyle::lines, f, std::chrono::hours(1));
    p.advance(10);
  }
  EXPECT_EQ(contents(f), "");
  std::fclose(f);
  EXPECT_EQ(stderr_progress("bootstrap", 10, true), nullptr);
}

TEST(Progress, EnginesCountEveryReplicateAndResultsDoNotChange) {
  ReadOptions read;
  read.columns.entry = "entry_year";
  const Panel panel = read_panel(test::example_file("firms.csv"), read);
  DesignOptions design;
  const Sample sample = build_sample(panel, design);
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);

  BootstrapSpec spec;
  spec.threads = 2;
  const ReplicateTable plain = run_bootstrap(sample, design, spec, 0, 333);
  {
    Progress p("bootstrap", 333, ProgressStyle::lines, f, std::chrono::hours(1));
    spec.progress = &p;
    const ReplicateTable counted = run_bootstrap(sample, design, spec, 0, 333);
    EXPECT_EQ(p.done(), 333u);
    EXPECT_EQ(counted.values, plain.values);
  }

  PermutationSpec pspec;
  pspec.permutations = 257;
  pspec.threads = 2;
  const PermutationTable plain_perm = run_permutations(sample, design, pspec);
  {
    Progress p("permutation", 257, ProgressStyle::lines, f, std::chrono::hours(1));
    pspec.progress = &p;
    const PermutationTable counted = run_permutations(sample, design, pspec);
    EXPECT_EQ(p.done(), counted.count);
    EXPECT_EQ(counted.values, plain_perm.values);
  }
  std::fclose(f);
}

TEST(Progress, AnalyzeLogsLinesToAFileAndQuietSilencesThem) {
  std::vector<std::string> args = {"analyze",
                                   "--input",
                                   test::example_file("firms.csv"),
                                   "--entry",
                                   "entry_year",
                                   "--bootstrap",
                                   "1999",
                                   "--permutations",
                                   "49999",
                                   "--progress-every",
                                   "0.001"};
  // A stage prints its final line only if it printed a periodic one, so each stage must
  // outlast a 1 ms period by far: 49 999 permutations take tens of milliseconds.
  auto run = test::run_klynge(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("klynge: bootstrap: 1999/1999 replicates (100%)"), std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("klynge: permutation: 49999/49999 replicates (100%)"), std::string::npos)
      << run.err;
  args.push_back("--quiet");
  args[6] = "199";  // few replicates: the intervals warn
  args[8] = "199";
  run = test::run_klynge(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err.find("replicates ("), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("warning"), std::string::npos) << "warnings stay: " << run.err;
}

}  // namespace
}  // namespace klynge
