// A replicate table larger than the machine's memory is refused before it is allocated, as a
// usage error naming the flag and the sizes (it was "out of memory", exit 70).
#include <gtest/gtest.h>

#include <string>

#include "common/expect_usage.hpp"
#include "common/run_klynge.hpp"
#include "klynge/engine/table_memory.hpp"

namespace klynge {
namespace {

TEST(TableMemory, RefusesATableLargerThanTheMachine) {
  const std::uint64_t memory = engine::physical_memory_bytes();
  ASSERT_GT(memory, 0u);
  const std::uint64_t fits = memory / 8 / 4;  // a quarter of the memory in doubles
  engine::check_replicate_table_fits("--bootstrap", 1, fits, true);
  engine::check_replicate_table_fits("--permutations", 2, fits, false);
  test::expect_usage_error(
      [&] { engine::check_replicate_table_fits("--bootstrap", 4, fits, true); },
      "--bootstrap " + std::to_string(fits) + ": 4 result keys x");
  test::expect_usage_error(
      [] { engine::check_replicate_table_fits("--permutations", 1u << 20, 1u << 30, false); },
      "more than this machine's");
  engine::check_replicate_table_fits("--bootstrap", 0, ~std::uint64_t{0}, true);  // no keys
}

TEST(TableMemory, AnalyzeRefusesAHugeBootstrapWithExit64) {
  const test::RunResult r =
      test::run_klynge({"analyze", "--input", test::example_file("firms.csv"), "--entry",
                        "entry_year", "--bootstrap", "4294967295", "--permutations", "0"});
  EXPECT_EQ(r.exit_code, 64) << r.err;
  EXPECT_NE(r.err.find("--bootstrap 4294967295:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("lower --bootstrap"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace klynge
