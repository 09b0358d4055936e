// Parsing of the study grid (`klynge power --premium ... --firms ...`). Every malformed value
// is a usage error (exit 64) whose message names the flag and quotes the value.
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

}  // namespace

std::vector<PremiumPoint> parse_premium_grid(const std::vector<std::string>& values) {
  if (values.empty()) throw_usage_error("--premium: give at least one premium, e.g. 0,0.02,0.05");
  std::vector<PremiumPoint> grid;
  for (const std::string& value : values) {
    if (value.find('=') != std::string::npos) {
      // One grid point with a premium per metric; sim::parse_premium names unknown metrics.
      grid.push_back(PremiumPoint{sim::parse_premium(value), value});
      continue;
    }
    for (std::string_view item : split_commas(value)) {
      PremiumPoint point;
      point.premium = sim::parse_premium(item);
      point.label = std::string(item);
      grid.push_back(point);
    }
  }
  for (const PremiumPoint& p : grid)
    for (int m = 0; m < kMetrics; ++m)
      if (!(p.premium[m] >= -1.0 && p.premium[m] <= 1.0))
        throw_usage_error(fmt::format(
            "--premium {}: a premium is a log growth per year between -1 and 1", p.label));
  return grid;
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
      grid.push_back(static_cast<std::uint32_t>(n));
    }
  return grid;
}

}  // namespace klynge::power
