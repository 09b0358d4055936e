// Names of the interval methods, as the CLI and the report spell them.
#include <array>
#include <utility>

#include "klynge/intervals.hpp"

namespace klynge {

namespace {
constexpr std::array<std::pair<IntervalMethod, std::string_view>, 5> kNames{{
    {IntervalMethod::percentile, "percentile"},
    {IntervalMethod::basic, "basic"},
    {IntervalMethod::normal, "normal"},
    {IntervalMethod::bca, "bca"},
    {IntervalMethod::studentized, "studentized"},
}};
}  // namespace

std::string_view interval_method_name(IntervalMethod method) {
  for (const auto& [m, name] : kNames) {
    if (m == method) return name;
  }
  return "unknown";
}

std::optional<IntervalMethod> parse_interval_method(std::string_view name) {
  for (const auto& [m, n] : kNames) {
    if (n == name) return m;
  }
  return std::nullopt;
}

}  // namespace klynge
