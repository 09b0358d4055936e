// Cell values: exact decimal parsing with std::from_chars, years, membership words.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

#include "reader_internal.hpp"

namespace klynge::io {

namespace {

// Skips one leading '+' (pandas, R and Stata accept "+5"); "+-5" and "++5" stay invalid.
inline bool skip_plus(const char*& b, const char* e) {
  if (b < e && *b == '+') {
    ++b;
    if (b == e || *b == '+' || *b == '-') return false;
  }
  return true;
}

// Clinger's fast path: a plain decimal (digits, at most one '.', no sign, no exponent) with at
// most 15 digits is m / 10^k with m < 2^53 and k <= 15, both exact doubles, so the one
// correctly rounded division gives exactly what std::from_chars gives. Anything else -> false.
inline bool parse_plain_decimal(const char* b, const char* e, double& out) {
  static constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  if (e - b > 16 || b == e) return false;
  std::uint64_t m = 0;
  int digits = 0, frac = 0;
  bool dot = false;
  for (const char* p = b; p < e; ++p) {
    const char c = *p;
    if (c >= '0' && c <= '9') {
      m = m * 10 + static_cast<std::uint64_t>(c - '0');
      ++digits;
      frac += dot;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      return false;
    }
  }
  if (digits == 0 || digits > 15) return false;
  out = static_cast<double>(m) / kPow10[frac];
  return true;
}

// An integer, optionally written with a zero fraction ("2004.0", "1.00", "2004.").
ValueStatus parse_integer(std::string_view v, std::int64_t& out) {
  const char* b = v.data();
  const char* const e = b + v.size();
  if (!skip_plus(b, e)) return ValueStatus::not_an_integer;
  std::int64_t x = 0;
  const auto [p, ec] = std::from_chars(b, e, x);
  if (ec == std::errc::invalid_argument) return ValueStatus::not_an_integer;
  const char* rest = p;
  if (rest < e && *rest == '.') {
    ++rest;
    while (rest < e && *rest == '0') ++rest;
  }
  if (rest != e) return ValueStatus::not_an_integer;
  if (ec == std::errc::result_out_of_range) return ValueStatus::out_of_range;
  out = x;
  return ValueStatus::ok;
}

inline char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equals_lower(std::string_view v, std::string_view word) {
  if (v.size() != word.size()) return false;
  for (std::size_t i = 0; i < v.size(); ++i)
    if (lower(v[i]) != word[i]) return false;
  return true;
}

}  // namespace

ValueStatus parse_double(std::string_view v, double& out) {
  v = trim_spaces(v);
  if (is_missing(v)) {
    out = std::numeric_limits<double>::quiet_NaN();
    return ValueStatus::missing;
  }
  const char* b = v.data();
  const char* const e = b + v.size();
  if (!skip_plus(b, e)) return ValueStatus::not_a_number;
  double x = 0.0;
  if (parse_plain_decimal(b, e, x)) {
    out = x;
    return ValueStatus::ok;
  }
  const auto [p, ec] = std::from_chars(b, e, x, std::chars_format::general);
  if (ec == std::errc::invalid_argument || p != e) return ValueStatus::not_a_number;
  if (ec == std::errc::result_out_of_range) return ValueStatus::out_of_range;
  if (!std::isfinite(x)) return ValueStatus::not_finite;
  out = x + 0.0;  // -0 becomes +0
  return ValueStatus::ok;
}

ValueStatus parse_metric(std::string_view v, double& out) {
  double x = 0.0;
  const ValueStatus s = parse_double(v, x);
  if (s != ValueStatus::ok) {
    if (s == ValueStatus::missing) out = x;
    return s;
  }
  if (x < 0.0) return ValueStatus::negative;
  if (x != 0.0 && (x < kMinMetric || x > kMaxMetric)) return ValueStatus::metric_out_of_range;
  out = x;
  return ValueStatus::ok;
}

ValueStatus parse_weight(std::string_view v, double& out) {
  double x = 0.0;
  const ValueStatus s = parse_double(v, x);
  if (s != ValueStatus::ok) {
    if (s == ValueStatus::missing) out = x;
    return s;
  }
  if (!(x > 0.0)) return ValueStatus::not_positive;
  if (x < kMinWeight || x > kMaxWeight) return ValueStatus::weight_out_of_range;
  out = x;
  return ValueStatus::ok;
}

ValueStatus parse_year(std::string_view v, std::int32_t& out) {
  v = trim_spaces(v);
  if (is_missing(v)) {
    out = kMissingYear;
    return ValueStatus::missing;
  }
  std::int64_t x = 0;
  const ValueStatus s = parse_integer(v, x);
  if (s == ValueStatus::out_of_range) return ValueStatus::not_a_year;
  if (s != ValueStatus::ok) return s;
  if (x < kMinYear || x > kMaxYear) return ValueStatus::not_a_year;
  out = static_cast<std::int32_t>(x);
  return ValueStatus::ok;
}

ValueStatus parse_member(std::string_view v, std::int8_t& out) {
  v = trim_spaces(v);
  if (is_missing(v)) {
    out = -1;
    return ValueStatus::missing;
  }
  if (equals_lower(v, "true") || equals_lower(v, "yes")) {
    out = 1;
    return ValueStatus::ok;
  }
  if (equals_lower(v, "false") || equals_lower(v, "no")) {
    out = 0;
    return ValueStatus::ok;
  }
  std::int64_t x = 0;
  if (parse_integer(v, x) != ValueStatus::ok || (x != 0 && x != 1))
    return ValueStatus::not_a_membership_value;
  out = static_cast<std::int8_t>(x);
  return ValueStatus::ok;
}

const char* describe(ValueStatus status) {
  switch (status) {
    case ValueStatus::ok:
      return "ok";
    case ValueStatus::missing:
      return "missing value";
    case ValueStatus::not_a_number:
      return "not a number (expected a decimal number such as 12, 0.5 or 1.2e6; missing values "
             "are empty, NA or .)";
    case ValueStatus::not_finite:
      return "not a finite number (NaN and infinity are not accepted; write missing values as "
             "empty, NA or .)";
    case ValueStatus::out_of_range:
      return "number out of the range of a double";
    case ValueStatus::negative:
      return "metric values must be >= 0";
    case ValueStatus::metric_out_of_range:
      return "metric values must be 0 or between 1e-100 and 1e100 (rescale the column)";
    case ValueStatus::not_positive:
      return "weights must be > 0";
    case ValueStatus::weight_out_of_range:
      return "weights must be between 1e-100 and 1e100 (only their ratios matter: rescale them)";
    case ValueStatus::not_an_integer:
      return "not an integer year";
    case ValueStatus::not_a_year:
      return "years must be between 1 and 9999";
    case ValueStatus::not_a_membership_value:
      return "membership must be 0/1, true/false or yes/no (missing: empty, NA or .)";
  }
  return "invalid value";
}

std::string quoted_for_message(std::string_view v) {
  constexpr std::size_t kMax = 60;
  std::string out = "\"";
  for (char c : v.substr(0, kMax)) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  if (v.size() > kMax) out += "...";
  out += '"';
  return out;
}

}  // namespace klynge::io
