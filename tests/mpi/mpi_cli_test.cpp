// MPI scale-out (issue 7): `mpirun -np K klynge analyze` writes the same report for K = 1, 2, 3
// as a run without MPI (provenance and timing aside). Built only when CMake finds MPI.
// Open MPI refuses to run as root without --allow-run-as-root; --oversubscribe lets three
// ranks share a two-core machine.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

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

}  // namespace
}  // namespace klynge
