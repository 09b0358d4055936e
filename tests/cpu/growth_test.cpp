// Known answers for the growth definitions of DESIGN.md §1 (hd/growth.hpp), edge cases
// included, and the growth type names.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "klynge/growth_type.hpp"
#include "klynge/hd/growth.hpp"

namespace klynge {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
using hd::GrowthKind;
using hd::GrowthStatus;

double ok_value(GrowthKind kind, double x0, double x1, double h) {
  const hd::GrowthResult r = hd::growth(kind, x0, x1, h);
  EXPECT_EQ(r.status, GrowthStatus::ok) << "x0=" << x0 << " x1=" << x1 << " h=" << h;
  return r.value;
}

GrowthStatus failure(GrowthKind kind, double x0, double x1, double h) {
  const hd::GrowthResult r = hd::growth(kind, x0, x1, h);
  EXPECT_TRUE(std::isnan(r.value));
  return r.status;
}

TEST(Growth, LogIsAnnualisedLogRatio) {
  EXPECT_NEAR(ok_value(GrowthKind::log, 100, 121, 2), std::log(1.1), 1e-15);  // 0.0953101798
  EXPECT_NEAR(ok_value(GrowthKind::log, 100, 121, 2), 0.09531017980432493, 1e-15);
  EXPECT_NEAR(ok_value(GrowthKind::log, 8, 1, 3), -std::log(2.0), 1e-15);
  EXPECT_EQ(ok_value(GrowthKind::log, 7, 7, 1), 0.0);
  EXPECT_EQ(failure(GrowthKind::log, 0, 5, 1), GrowthStatus::nonpositive_start);
  EXPECT_EQ(failure(GrowthKind::log, 5, 0, 1), GrowthStatus::nonpositive_end);
  EXPECT_EQ(failure(GrowthKind::log, 0, 0, 1), GrowthStatus::nonpositive_start);  // start first
}

TEST(Growth, CagrIsCompoundAnnualRate) {
  EXPECT_NEAR(ok_value(GrowthKind::cagr, 100, 121, 2), 0.1, 1e-15);
  EXPECT_NEAR(ok_value(GrowthKind::cagr, 8, 1, 3), -0.5, 1e-15);
  EXPECT_NEAR(ok_value(GrowthKind::cagr, 100, 133.1, 3), 0.1, 1e-15);
  EXPECT_EQ(ok_value(GrowthKind::cagr, 4, 0, 2), -1.0);  // x1 = 0 is allowed: the firm shrank to 0
  EXPECT_EQ(failure(GrowthKind::cagr, 0, 5, 2), GrowthStatus::nonpositive_start);
  EXPECT_EQ(failure(GrowthKind::cagr, 5, -1, 2), GrowthStatus::nonpositive_end);
}

TEST(Growth, PctIsCumulative) {
  EXPECT_NEAR(ok_value(GrowthKind::pct, 100, 121, 2), 0.21, 1e-15);
  EXPECT_EQ(ok_value(GrowthKind::pct, 100, 150, 5), 0.5);  // h does not enter
  EXPECT_EQ(ok_value(GrowthKind::pct, 3, 0, 1), -1.0);
  EXPECT_EQ(failure(GrowthKind::pct, 0, 3, 1), GrowthStatus::nonpositive_start);
}

TEST(Growth, DhsIsBoundedAndHandlesZeros) {
  EXPECT_EQ(ok_value(GrowthKind::dhs, 100, 300, 2), 0.5);  // 2*200/400/2
  EXPECT_EQ(ok_value(GrowthKind::dhs, 100, 300, 1), 1.0);
  EXPECT_EQ(ok_value(GrowthKind::dhs, 5, 0, 1), -2.0);  // exit: the lower bound
  EXPECT_EQ(ok_value(GrowthKind::dhs, 5, 0, 2), -1.0);
  EXPECT_EQ(ok_value(GrowthKind::dhs, 0, 5, 1), 2.0);  // entry: the upper bound
  EXPECT_EQ(ok_value(GrowthKind::dhs, 0, 5, 4), 0.5);
  EXPECT_EQ(ok_value(GrowthKind::dhs, 10, 10, 3), 0.0);
  EXPECT_EQ(failure(GrowthKind::dhs, 0, 0, 1), GrowthStatus::zero_both);
}

TEST(Growth, LevelIsTheEndValueAndAllowsAZeroWindow) {
  EXPECT_EQ(ok_value(GrowthKind::level, 3, 42, 0), 42.0);
  EXPECT_EQ(ok_value(GrowthKind::level, kNaN, 42, 0), 42.0);  // x0 is not needed
  EXPECT_EQ(ok_value(GrowthKind::level, 0, 0, 3), 0.0);
  EXPECT_EQ(failure(GrowthKind::level, 3, kNaN, 0), GrowthStatus::missing_end);
}

TEST(Growth, MissingEndpointsComeBeforeSignChecks) {
  for (GrowthKind kind : {GrowthKind::log, GrowthKind::cagr, GrowthKind::pct, GrowthKind::dhs}) {
    EXPECT_EQ(failure(kind, kNaN, 5, 1), GrowthStatus::missing_start);
    EXPECT_EQ(failure(kind, kNaN, kNaN, 1), GrowthStatus::missing_start);
    EXPECT_EQ(failure(kind, 5, kNaN, 1), GrowthStatus::missing_end);
    EXPECT_EQ(failure(kind, 0, kNaN, 1), GrowthStatus::missing_end);  // presence first
  }
}

TEST(GrowthType, NamesRoundTrip) {
  for (GrowthType t :
       {GrowthType::log, GrowthType::cagr, GrowthType::pct, GrowthType::dhs, GrowthType::level}) {
    EXPECT_EQ(parse_growth_type(growth_type_name(t)), t);
  }
  EXPECT_EQ(growth_type_name(GrowthType::dhs), "dhs");
  EXPECT_FALSE(parse_growth_type("LOG").has_value());
  EXPECT_FALSE(parse_growth_type("").has_value());
  EXPECT_FALSE(parse_growth_type("growth").has_value());
}

}  // namespace
}  // namespace klynge
