// Which metrics a study measures. A simulated study has the simulate model's three, by their
// fixed names; a pool study has the pool's metric columns (`--metrics`), whatever they are
// called and however many there are. The rows, the tallies and the --premium pairs all follow
// this one list, so a metric is named the same everywhere in a report.
#include <fmt/format.h>

#include "klynge/error.hpp"
#include "klynge/power.hpp"
#include "klynge/power_pool.hpp"

namespace klynge::power {

std::vector<std::string> simulated_metrics() {
  return {sim::kMetricNames.begin(), sim::kMetricNames.end()};
}

std::vector<std::string> study_metrics(const PowerSpec& spec) {
  return spec.pool ? spec.pool->metrics() : simulated_metrics();
}

void check_pool_metrics(const std::vector<std::string>& metrics) {
  if (metrics.empty()) throw_usage_error("--metrics: give at least one metric column of the pool");
  for (std::size_t m = 0; m < metrics.size(); ++m) {
    if (metrics[m].empty())
      throw_usage_error(
          fmt::format("--metrics \"{}\": a metric column name is empty", fmt::join(metrics, ",")));
    for (std::size_t k = 0; k < m; ++k)
      if (metrics[k] == metrics[m])
        throw_usage_error(fmt::format("--metrics {}: \"{}\" is given twice; name each column once",
                                      fmt::join(metrics, ","), metrics[m]));
  }
}

}  // namespace klynge::power
