// Parsing of the study grid (`klynge power --premium ... --firms ...`). Every malformed value
// is a usage error (exit 64) whose message names the flag and quotes the value. A premium is
// given per metric of the study, by the metric's name (a pool's metric columns may have any
// names), so metric=value pairs are read against the study's list of metrics.
#include <algorithm>

#include <fmt/format.h>

#include "klynge/error.hpp"
#include "klynge/power.hpp"

namespace klynge::power {

namespace {

std::vector<std::string_view> split_commas(std::string_view text) {
  std::vector<std::string_view> items;
  while (true) {
    const std::size_t comma = text.find(',');
    items.push_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "employees=0.01,revenue=0.03": one premium per metric of `metrics`, 0 for those not named.
std::vector<double> parse_metric_pairs(std::string_view value,
                                       const std::vector<std::string>& metrics) {
  constexpr std::string_view flag = "--premium";
  std::vector<double> premium(metrics.size(), 0.0);
  std::vector<bool> seen(metrics.size(), false);
  for (std::string_view item : split_commas(value)) {
    item = trim(item);
    // The last '=': a value has none, a metric's column name may ("x=y" from a CSV header).
    const std::size_t eq = item.rfind('=');
    if (eq == std::string_view::npos)
      throw_usage_error(
          fmt::format("{} \"{}\": \"{}\" is not metric=value; give metric=value items separated by "
                      "commas, e.g. {}=0.02",
                      flag, value, item, metrics.front()));
    const std::string_view name = trim(item.substr(0, eq));
    std::size_t m = 0;
    while (m < metrics.size() && metrics[m] != name) ++m;
    if (m == metrics.size())
      throw_usage_error(fmt::format("{} \"{}\": unknown metric \"{}\" (known: {})", flag, value,
                                    name, fmt::join(metrics, ", ")));
    if (seen[m])
      throw_usage_error(fmt::format("{} \"{}\": metric \"{}\" given twice", flag, value, name));
    seen[m] = true;
    premium[m] = sim::parse_double(flag, item.substr(eq + 1));
  }
  return premium;
}

}  // namespace

std::vector<PremiumPoint> parse_premium_grid(const std::vector<std::string>& values,
                                             const std::vector<std::string>& metrics) {
  if (values.empty()) throw_usage_error("--premium: give at least one premium, e.g. 0,0.02,0.05");
  if (metrics.empty()) throw Error(ExitCode::internal, "parse_premium_grid: no metrics");
  std::vector<PremiumPoint> grid;
  for (const std::string& value : values) {
    if (value.find('=') != std::string::npos) {
      // One grid point with a premium per metric.
      grid.push_back(PremiumPoint{parse_metric_pairs(value, metrics), value});
      continue;
    }
    for (std::string_view item : split_commas(value)) {
      PremiumPoint point;
      point.premium.assign(metrics.size(), sim::parse_double("--premium", item));
      point.label = std::string(item);
      grid.push_back(point);
    }
  }
  for (const PremiumPoint& p : grid)
    for (double premium : p.premium)
      if (!(premium >= -1.0 && premium <= 1.0))
        throw_usage_error(fmt::format(
            "--premium {}: a premium is a log growth per year between -1 and 1", p.label));
  // A point given twice would be simulated twice, to the same rows.
  for (std::size_t i = 0; i < grid.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (grid[i].premium == grid[j].premium)
        throw_usage_error(fmt::format("--premium: {} and {} are the same grid point (give it once)",
                                      grid[j].label, grid[i].label));
  return grid;
}

std::vector<double> parse_premium_by_entry(const std::vector<std::string>& values, int first,
                                           int last) {
  constexpr std::string_view flag = "--premium-by-entry";
  if (values.empty()) return {};
  // A study without --entry-years uses the window design: it has no entry years to scale.
  if (first == 0 && last == 0)
    throw_usage_error(
        fmt::format("{} scales the premium per entry year of the cohort design: give "
                    "--entry-years A:B, or leave {} out",
                    flag, flag));
  return sim::parse_entry_factors(flag, values, first, last);
}

std::vector<std::uint32_t> parse_firms_grid(const std::vector<std::string>& values) {
  if (values.empty()) throw_usage_error("--firms: give at least one sample size, e.g. 2000");
  std::vector<std::uint32_t> grid;
  for (const std::string& value : values)
    for (std::string_view item : split_commas(value)) {
      const std::int64_t n = sim::parse_integer("--firms", item);
      if (n < 10 || n > sim::kMaxFirms)
        throw_usage_error(
            fmt::format("--firms must be between 10 and {} (got {})", sim::kMaxFirms, n));
      if (std::find(grid.begin(), grid.end(), static_cast<std::uint32_t>(n)) != grid.end())
        throw_usage_error(fmt::format("--firms: {} is given twice (give it once)", n));
      grid.push_back(static_cast<std::uint32_t>(n));
    }
  return grid;
}

}  // namespace klynge::power
