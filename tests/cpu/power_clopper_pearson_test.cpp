// The 95% Clopper-Pearson intervals of rejection and coverage rates against R's binom.test
// (exact), computed offline by scripts/clopper_pearson_reference.R into
// tests/data/power/clopper_pearson_95.csv.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "common/run_klynge.hpp"
#include "klynge/p_values.hpp"

namespace klynge {
namespace {

TEST(PowerClopperPearson, MatchesRBinomTest) {
  std::ifstream in(test::test_data("power/clopper_pearson_95.csv"));
  ASSERT_TRUE(in) << "missing reference file";
  std::string line;
  std::getline(in, line);
  ASSERT_EQ(line, "x,n,low,high");
  int cases = 0;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string x, n, lo, hi;
    std::getline(fields, x, ',');
    std::getline(fields, n, ',');
    std::getline(fields, lo, ',');
    std::getline(fields, hi, ',');
    const auto [low, high] = clopper_pearson(std::stoull(x), std::stoull(n), 0.95);
    // R inverts the beta distribution with its own root finder: agreement to ~1e-12.
    EXPECT_NEAR(low, std::strtod(lo.c_str(), nullptr), 1e-11) << line;
    EXPECT_NEAR(high, std::strtod(hi.c_str(), nullptr), 1e-11) << line;
    ++cases;
  }
  EXPECT_EQ(cases, 12);
}

}  // namespace
}  // namespace klynge
