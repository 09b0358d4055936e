// Parsing of `klynge simulate` flag values. Every malformed value is a usage error (exit 64)
// whose message names the flag and quotes the value.
#include <charconv>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "klynge/error.hpp"
#include "klynge/simulate.hpp"

namespace klynge::sim {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

double parse_double(std::string_view flag, std::string_view text) {
  const std::string_view t = trim(text);
  double value = 0;
  const char* end = t.data() + t.size();
  const auto [ptr, ec] = std::from_chars(t.data(), end, value);
  if (t.empty() || ec != std::errc() || ptr != end || !std::isfinite(value))
    throw Error(ExitCode::usage, fmt::format("{}: \"{}\" is not a number", flag, text));
  return value;
}

std::int64_t parse_integer(std::string_view flag, std::string_view text) {
  const std::string_view t = trim(text);
  std::int64_t value = 0;
  const char* end = t.data() + t.size();
  const auto [ptr, ec] = std::from_chars(t.data(), end, value);
  if (t.empty() || ec != std::errc() || ptr != end)
    throw Error(ExitCode::usage, fmt::format("{}: \"{}\" is not an integer", flag, text));
  return value;
}

std::pair<int, int> parse_year_range(std::string_view flag, std::string_view text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos)
    throw Error(ExitCode::usage,
                fmt::format("{}: \"{}\": expected A:B, e.g. 2008:2020", flag, text));
  const std::int64_t a = parse_integer(flag, text.substr(0, colon));
  const std::int64_t b = parse_integer(flag, text.substr(colon + 1));
  if (a < 1800 || b > 2200 || a > b)
    throw Error(ExitCode::usage,
                fmt::format("{}: \"{}\": need A:B with 1800 <= A <= B <= 2200", flag, text));
  return {static_cast<int>(a), static_cast<int>(b)};
}

std::array<double, kMetrics> parse_premium(std::string_view text) {
  constexpr std::string_view flag = "--premium";
  std::array<double, kMetrics> premium{};
  if (trim(text).find('=') == std::string_view::npos) {
    premium.fill(parse_double(flag, text));
    return premium;
  }
  std::array<bool, kMetrics> seen{};
  std::string_view rest = text;
  while (true) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = trim(rest.substr(0, comma));
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos)
      throw Error(ExitCode::usage,
                  fmt::format("{}: \"{}\": expected metric=value items separated by commas, "
                              "e.g. employees=0.01,revenue=0.03,value_added=0.03",
                              flag, item));
    const std::string_view name = trim(item.substr(0, eq));
    int m = 0;
    while (m < kMetrics && kMetricNames[m] != name) ++m;
    if (m == kMetrics)
      throw Error(ExitCode::usage,
                  fmt::format("{}: unknown metric \"{}\" (known: employees, revenue, value_added)",
                              flag, name));
    if (seen[m])
      throw Error(ExitCode::usage, fmt::format("{}: metric \"{}\" given twice", flag, name));
    seen[m] = true;
    premium[m] = parse_double(flag, item.substr(eq + 1));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return premium;
}

namespace {

// Calls item(key, factor, text) for each KEY=FACTOR item of `values` (commas separate items;
// a config file's list gives one value per item). Usage errors name `flag` and show `example`.
template <class Item>
void for_each_factor(std::string_view flag, const std::vector<std::string>& values,
                     std::string_view key_name, std::string_view example, Item item) {
  for (const std::string& value : values) {
    std::string_view rest = value;
    while (true) {
      const std::size_t comma = rest.find(',');
      const std::string_view text = trim(rest.substr(0, comma));
      const std::size_t eq = text.find('=');
      if (eq == std::string_view::npos)
        throw Error(ExitCode::usage,
                    fmt::format("{} \"{}\": not {}=FACTOR; give {}=FACTOR items separated by "
                                "commas, e.g. {}",
                                flag, text, key_name, key_name, example));
      item(parse_integer(flag, text.substr(0, eq)), parse_double(flag, text.substr(eq + 1)), text);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
}

}  // namespace

std::vector<double> parse_entry_factors(std::string_view flag,
                                        const std::vector<std::string>& values, int first,
                                        int last) {
  if (values.empty()) return {};
  if (last < first)
    throw Error(ExitCode::usage, fmt::format("--entry-years {}:{}: need A <= B", first, last));
  std::vector<double> factor(static_cast<std::size_t>(last - first + 1), 1.0);
  std::vector<bool> seen(factor.size(), false);
  for_each_factor(flag, values, "YEAR", fmt::format("{}=1.5", first),
                  [&](std::int64_t year, double value, std::string_view text) {
                    if (year < first || year > last)
                      throw Error(ExitCode::usage,
                                  fmt::format("{} \"{}\": {} is not one of the entry years {}..{}",
                                              flag, text, year, first, last));
                    const auto i = static_cast<std::size_t>(year - first);
                    if (seen[i])
                      throw Error(ExitCode::usage,
                                  fmt::format("{}: entry year {} given twice", flag, year));
                    seen[i] = true;
                    factor[i] = value;
                  });
  return factor;
}

std::vector<double> parse_tenure_factors(std::string_view flag,
                                         const std::vector<std::string>& values, int max_years) {
  std::vector<double> factor;
  std::vector<bool> seen;
  for_each_factor(
      flag, values, "K", "1=0,2=0.5", [&](std::int64_t k, double value, std::string_view text) {
        if (k < 1 || k > max_years)
          throw Error(ExitCode::usage, fmt::format("{} \"{}\": {} is not a year in the cluster "
                                                   "1..{} (1 = the first year after entry)",
                                                   flag, text, k, max_years));
        const auto i = static_cast<std::size_t>(k - 1);
        if (i >= factor.size()) {
          factor.resize(i + 1, 1.0);
          seen.resize(i + 1, false);
        }
        if (seen[i])
          throw Error(ExitCode::usage,
                      fmt::format("{}: year {} in the cluster given twice", flag, k));
        seen[i] = true;
        factor[i] = value;
      });
  return factor;
}

}  // namespace klynge::sim
