// MPI scale-out (issue 7): `mpirun -np K klynge analyze` writes the same report for K = 1, 2, 3
// as a run without MPI (provenance and timing aside). Built only when CMake finds MPI.
// Open MPI refuses to run as root without --allow-run-as-root; --oversubscribe lets three
// ranks share a two-core machine.
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/run_klynge.hpp"

namespace klynge {
namespace {

using nlohmann::json;

json results_of(const std::string& path) {
  json j = json::parse(test::read_file(path));
  j.erase("provenance");
  j.erase("timing");
  return j;
}

TEST(MpiRanks, OneTwoThreeRanksWriteTheSingleRunReport) {
  const std::string dir = test::scratch_dir("mpi");
  auto analyze = [&](const std::string& json_path) {
    return std::vector<std::string>{"analyze",   "--input",        test::example_file("firms.csv"),
                                    "--entry",   "entry_year",     "--bootstrap",
                                    "499",       "--permutations", "499",
                                    "--threads", "1",              "--json",
                                    json_path};
  };
  ASSERT_EQ(test::run_klynge(analyze(dir + "/plain.json")).exit_code, 0);
  const json plain = results_of(dir + "/plain.json");
  for (int np : {1, 2, 3}) {
    const std::string out = dir + "/np" + std::to_string(np) + ".json";
    std::vector<std::string> args = {"--allow-run-as-root", "--oversubscribe", "-np",
                                     std::to_string(np), test::klynge_binary()};
    const auto a = analyze(out);
    args.insert(args.end(), a.begin(), a.end());
    const auto r = test::run_program("mpirun", args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(results_of(out), plain) << "np = " << np;
    if (np > 1) EXPECT_NE(r.err.find("klynge: mpi rank 1: host"), std::string::npos) << r.err;
  }
}

// Power studies under MPI: ranks split the datasets, rank 0 merges the tallies exactly.
TEST(MpiRanks, PowerStudySplitOverRanksEqualsOneProcess) {
  const std::string dir = test::scratch_dir("mpi_power");
  auto power = [&](const std::string& json_path) {
    return std::vector<std::string>{"power",       "--firms",        "500",  "--member-share",
                                    "0.2",         "--premium",      "0,0.05", "--datasets",
                                    "10",          "--bootstrap",    "99",   "--permutations",
                                    "99",          "--seed",         "3",    "--quiet",
                                    "--json",      json_path};
  };
  ASSERT_EQ(test::run_klynge(power(dir + "/one.json")).exit_code, 0);
  std::vector<std::string> args = {"--allow-run-as-root", "--oversubscribe", "-np", "3",
                                   test::klynge_binary()};
  const auto p = power(dir + "/three.json");
  args.insert(args.end(), p.begin(), p.end());
  const auto r = test::run_program("mpirun", args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(results_of(dir + "/three.json"), results_of(dir + "/one.json"));
}

// Checkpoints under MPI: SIGUSR1 (forwarded by mpirun to every rank) stops two ranks with exit
// 75 after rank 0 saved; three ranks resume from the checkpoint to the plain run's report.
TEST(MpiRanks, CheckpointStopsAndResumesWithAnotherRankCount) {
  const std::string dir = test::scratch_dir("mpi_checkpoint");
  auto analyze = [&](const std::string& json_path) {
    return std::vector<std::string>{"analyze",   "--input",        test::example_file("firms.csv"),
                                    "--entry",   "entry_year",     "--bootstrap",
                                    "8000",      "--permutations", "8000",
                                    "--threads", "1",              "--quiet",
                                    "--json",    json_path,        "--checkpoint",
                                    dir + "/ck", "--checkpoint-every", "0.1"};
  };
  auto mpirun = [&](int np, const std::string& json_path) {
    std::vector<std::string> args = {"--allow-run-as-root", "--oversubscribe", "-np",
                                     std::to_string(np), test::klynge_binary()};
    const auto a = analyze(json_path);
    args.insert(args.end(), a.begin(), a.end());
    return args;
  };
  auto plain = analyze(dir + "/plain.json");
  plain.resize(plain.size() - 4);  // without --checkpoint
  ASSERT_EQ(test::run_klynge(plain).exit_code, 0);

  const test::Running running = test::start_program("mpirun", mpirun(2, dir + "/out.json"));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!std::filesystem::exists(dir + "/ck/checkpoint.json") &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(std::filesystem::exists(dir + "/ck/checkpoint.json"));
  kill(running.pid, SIGUSR1);
  const auto stopped = test::wait_for(running);
  EXPECT_NE(stopped.exit_code, 0) << stopped.err;
  EXPECT_NE(stopped.err.find("rerun the same command to resume"), std::string::npos)
      << stopped.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/out.json"));

  const auto resumed = test::run_program("mpirun", mpirun(3, dir + "/out.json"));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(results_of(dir + "/out.json"), results_of(dir + "/plain.json"));
}

}  // namespace
}  // namespace klynge
