// Scale-out without MPI (issue 7): shards merged and a checkpointed run stopped by SIGTERM and
// resumed give the report of one uninterrupted run; merge refuses parts that do not belong
// together. Results are compared with provenance and timing left out (they name the command
// line and the clock).
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/run_klynge.hpp"

namespace klynge {
namespace {

using nlohmann::json;
using test::run_klynge;

std::vector<std::string> analyze_args(const std::string& json_path, const std::string& B) {
  return {"analyze",
          "--input",
          test::example_file("firms.csv"),
          "--entry",
          "entry_year",
          "--bootstrap",
          B,
          "--permutations",
          B,
          "--threads",
          "2",
          "--quiet",
          "--json",
          json_path};
}

json results_of(const std::string& path) {
  json j = json::parse(test::read_file(path));
  j.erase("provenance");
  j.erase("timing");
  return j;
}

TEST(ScaleOut, FourShardsMergeToTheSingleRunReport) {
  const std::string dir = test::scratch_dir("shards");
  ASSERT_EQ(run_klynge(analyze_args(dir + "/one.json", "399")).exit_code, 0);
  std::vector<std::string> merge = {"merge"};
  for (int i = 1; i <= 4; ++i) {
    const std::string part = dir + "/part_" + std::to_string(i) + ".json";
    auto args = analyze_args(part, "399");
    args.insert(args.end(), {"--shard", std::to_string(i) + "/4"});
    const auto r = run_klynge(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    merge.push_back(part);
  }
  merge.insert(merge.end(), {"--json", dir + "/merged.json"});
  const auto m = run_klynge(merge);
  ASSERT_EQ(m.exit_code, 0) << m.err;
  const json one = results_of(dir + "/one.json"), merged = results_of(dir + "/merged.json");
  EXPECT_EQ(merged, one);
  EXPECT_EQ(merged["results"].size(), one["results"].size());
}

TEST(ScaleOut, MergeRefusesPartsThatDoNotBelongTogether) {
  const std::string dir = test::scratch_dir("shards_bad");
  std::vector<std::string> parts;
  for (int i = 1; i <= 3; ++i) {
    const std::string part = dir + "/part_" + std::to_string(i) + ".json";
    auto args = analyze_args(part, "99");
    args.insert(args.end(), {"--shard", std::to_string(i) + "/3"});
    ASSERT_EQ(run_klynge(args).exit_code, 0);
    parts.push_back(part);
  }
  // Another seed: the same shard number of a different run.
  auto other = analyze_args(dir + "/other_2.json", "99");
  other.insert(other.end(), {"--shard", "2/3", "--seed", "7"});
  ASSERT_EQ(run_klynge(other).exit_code, 0);

  // A hand-edited part: shard index 2.5 (read as 2 before).
  json edited = json::parse(test::read_file(parts[1]));
  edited["shard"]["index"] = 2.5;
  test::write_file(dir + "/edited_2.json", edited.dump());

  const std::string out = dir + "/m.json";
  struct Case {
    std::vector<std::string> parts;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{parts[0], parts[2]}, "shard 2/3 is missing"},
      {{parts[0], parts[1], parts[1], parts[2]}, "is given twice"},
      {{parts[0], dir + "/other_2.json", parts[2]}, "belongs to a different run"},
      {{parts[0], parts[1], test::example_file("firms.csv")}, "not JSON"},
      {{parts[0], dir + "/edited_2.json", parts[2]}, "shard index is 2.5, not a whole number"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"merge"};
    args.insert(args.end(), c.parts.begin(), c.parts.end());
    args.insert(args.end(), {"--json", out});
    const auto r = run_klynge(args);
    EXPECT_EQ(r.exit_code, 65) << c.message;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r.err;
    EXPECT_FALSE(std::filesystem::exists(out)) << "no report from refused parts";
  }
  // Shards need their report path; --shard outside 1..K is a usage error.
  auto no_json = analyze_args("", "99");
  no_json.resize(no_json.size() - 2);
  no_json.insert(no_json.end(), {"--shard", "1/2"});
  EXPECT_EQ(run_klynge(no_json).exit_code, 64);
  auto bad_index = analyze_args(dir + "/x.json", "99");
  bad_index.insert(bad_index.end(), {"--shard", "5/4"});
  EXPECT_EQ(run_klynge(bad_index).exit_code, 64);
}

// SIGTERM after the first checkpoint: exit 75 within seconds, and rerunning the same command
// resumes and writes the uninterrupted run's report. A checkpoint of another run is refused.
TEST(ScaleOut, CheckpointStopsOnSigtermAndResumesToTheSameReport) {
  const std::string dir = test::scratch_dir("checkpoint");
  const std::string B = "8000";
  ASSERT_EQ(run_klynge(analyze_args(dir + "/plain.json", B)).exit_code, 0);
  auto args = analyze_args(dir + "/resumed.json", B);
  args.insert(args.end(), {"--checkpoint", dir + "/ck", "--checkpoint-every", "0.1"});
  const test::Running running = test::start_klynge(args);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!std::filesystem::exists(dir + "/ck/checkpoint.json") &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(std::filesystem::exists(dir + "/ck/checkpoint.json"));
  const auto signalled = std::chrono::steady_clock::now();
  kill(running.pid, SIGTERM);
  const auto stopped = test::wait_for(running);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - signalled).count();
  ASSERT_EQ(stopped.exit_code, 75) << stopped.err << " (the run ended before the signal? raise B)";
  EXPECT_NE(stopped.err.find("rerun the same command to resume"), std::string::npos);
  EXPECT_LT(seconds, 15.0);
  EXPECT_FALSE(std::filesystem::exists(dir + "/resumed.json"));

  const auto resumed = run_klynge(args);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(results_of(dir + "/resumed.json"), results_of(dir + "/plain.json"));

  auto other = args;
  other.insert(other.end(), {"--seed", "8"});
  const auto refused = run_klynge(other);
  EXPECT_EQ(refused.exit_code, 64);
  EXPECT_NE(refused.err.find("checkpoint of a different run"), std::string::npos) << refused.err;
}

// Both checkpoint files unreadable: the run starts over with the plain run's report, and says
// that the saved work was not used (it was silent before 2026-12-05).
TEST(ScaleOut, UnreadableCheckpointsAreSaidAndTheRunStartsOver) {
  const std::string dir = test::scratch_dir("checkpoint_torn");
  const std::string B = "199";
  ASSERT_EQ(run_klynge(analyze_args(dir + "/plain.json", B)).exit_code, 0);
  std::filesystem::create_directories(dir + "/ck");
  test::write_file(dir + "/ck/checkpoint.json", "{\"fingerprint\": ");
  test::write_file(dir + "/ck/checkpoint.prev.json", "not json");
  auto args = analyze_args(dir + "/resumed.json", B);
  args.insert(args.end(), {"--checkpoint", dir + "/ck"});
  const auto run = run_klynge(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("neither checkpoint.json nor checkpoint.prev.json can be read"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(results_of(dir + "/resumed.json"), results_of(dir + "/plain.json"));
}

// A directory given as the input of a shard (hashed before it is read) is a missing input,
// exit 66 as for a plain run, not a read error (74).
TEST(ScaleOut, ADirectoryAsTheShardsInputIsAMissingInput) {
  const std::string dir = test::scratch_dir("shard_dir_input");
  const auto run = run_klynge({"analyze", "--input", dir, "--entry", "entry_year", "--shard", "1/2",
                               "--json", dir + "/part.json"});
  EXPECT_EQ(run.exit_code, 66) << run.err;
  EXPECT_NE(run.err.find("Is a directory"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace klynge
