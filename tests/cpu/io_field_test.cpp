// Cell parsing: the reader's plain-decimal fast path must agree bit for bit with
// std::from_chars (the exactness promise of docs/input-format.md).
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "../../host/src/io/reader_internal.hpp"

namespace klynge::io {
namespace {

double reference(const std::string& s) {
  double x = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
  EXPECT_TRUE(ec == std::errc() && p == s.data() + s.size()) << s;
  return x;
}

TEST(IoField, DecimalsMatchFromChars) {
  std::uint64_t state = 7;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 11;
  };
  for (int trial = 0; trial < 200000; ++trial) {
    const int int_digits = static_cast<int>(next() % 12);
    const int frac_digits = static_cast<int>(next() % 12);
    std::string s;
    for (int i = 0; i < int_digits; ++i) s += static_cast<char>('0' + next() % 10);
    if (frac_digits > 0 || next() % 4 == 0) s += '.';
    for (int i = 0; i < frac_digits; ++i) s += static_cast<char>('0' + next() % 10);
    if (s.empty() || s == ".") continue;
    double got = -1;
    ASSERT_EQ(parse_metric(s, got), ValueStatus::ok) << s;
    const double want = reference(s);
    ASSERT_EQ(std::memcmp(&got, &want, sizeof got), 0) << s << ": " << got << " vs " << want;
  }
}

TEST(IoField, HardCases) {
  for (const std::string s :
       {"0.1", "0.2", "0.3", "9007199254740993", "900719925474099.3", "123456789012345",
        "1234567890123456", "0.000000000000001", "999999999999999.9", "4.35", "1e23", "8.41e21",
        "2.2250738585072014e-308", "17976931348623157e292", "0000000000000000001.5",
        "1.7976931348623157e308", "4.9406564584124654e-324"}) {
    double got = -1;
    ASSERT_EQ(parse_double(s, got), ValueStatus::ok) << s;
    const double want = reference(s);
    EXPECT_EQ(std::memcmp(&got, &want, sizeof got), 0) << s;
  }
}

// Metric values are 0 or in [1e-100, 1e100]: growth ratios and squares of levels stay finite.
TEST(IoField, MetricRange) {
  double got = -1;
  for (const char* s : {"0", "1e-100", "1e100", "0.5", "1e23"})
    EXPECT_EQ(parse_metric(s, got), ValueStatus::ok) << s;
  for (const char* s :
       {"9.99e-101", "1.0000001e100", "1.7976931348623157e308", "4.9406564584124654e-324"})
    EXPECT_EQ(parse_metric(s, got), ValueStatus::metric_out_of_range) << s;
}

TEST(IoField, YearsAndMembership) {
  std::int32_t y = 0;
  EXPECT_EQ(parse_year("2004", y), ValueStatus::ok);
  EXPECT_EQ(y, 2004);
  EXPECT_EQ(parse_year(" 2004.000 ", y), ValueStatus::ok);
  EXPECT_EQ(parse_year("2004.01", y), ValueStatus::not_an_integer);
  EXPECT_EQ(parse_year("0", y), ValueStatus::not_a_year);
  EXPECT_EQ(parse_year("NA", y), ValueStatus::missing);
  EXPECT_EQ(y, kMissingYear);
  std::int8_t m = 5;
  EXPECT_EQ(parse_member("Yes", m), ValueStatus::ok);
  EXPECT_EQ(m, 1);
  EXPECT_EQ(parse_member("2", m), ValueStatus::not_a_membership_value);
  EXPECT_EQ(parse_member("", m), ValueStatus::missing);
  EXPECT_EQ(m, -1);
}

}  // namespace
}  // namespace klynge::io
