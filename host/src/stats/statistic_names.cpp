// Names of the statistics as the CLI and the reports spell them.
#include "klynge/statistics.hpp"

namespace klynge {

std::string_view statistic_name(Statistic statistic) {
  switch (statistic) {
    case Statistic::mean_diff:
      return "mean_diff";
    case Statistic::median_diff:
      return "median_diff";
    case Statistic::trimmed_mean_diff:
      return "trimmed_mean_diff";
    case Statistic::agg_diff:
      return "agg_diff";
    case Statistic::welch_t:
      return "welch_t";
  }
  return "unknown";
}

std::optional<Statistic> parse_statistic(std::string_view name) {
  for (int s = 0; s < kStatisticCount; ++s) {
    const auto statistic = static_cast<Statistic>(s);
    if (statistic_name(statistic) == name) return statistic;
  }
  return std::nullopt;
}

}  // namespace klynge
