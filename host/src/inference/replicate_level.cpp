// How many replicates a confidence level needs: (B + 1) * alpha / 2 >= 1, so that both tail
// quantiles are order statistics inside the sample (docs/intervals.md "Too few replicates").
#include <fmt/format.h>
#include <cmath>

#include "inference_internal.hpp"
#include "klynge/error.hpp"

namespace klynge::inference {

namespace {
// alpha = 1 - level carries rounding (1 - 0.95 = 0.050000000000000044); a relative slack of
// 1e-9 keeps B = 39 valid at 0.95, as (39 + 1) * 0.025 = 1 exactly in real arithmetic.
constexpr double kSlack = 1e-9;
}  // namespace

bool enough_for_level(std::uint64_t count, double level) {
  const double alpha = 1.0 - level;
  return (static_cast<double>(count) + 1.0) * alpha / 2.0 >= 1.0 - kSlack;
}

std::uint64_t minimum_replicates(double level) {
  const double alpha = 1.0 - level;
  double b = std::ceil(2.0 / alpha - 1.0 - kSlack);
  if (b < 1) b = 1;
  auto m = static_cast<std::uint64_t>(b);
  while (m > 1 && enough_for_level(m - 1, level)) --m;
  while (!enough_for_level(m, level)) ++m;
  return m;
}

void check_replicates_for_level(std::uint64_t replicates, double level) {
  if (!(level > 0.0 && level < 1.0)) {
    throw_usage_error(fmt::format("confidence level {} is not between 0 and 1 (exclusive)", level));
  }
  if (!enough_for_level(replicates, level)) {
    throw_usage_error(fmt::format(
        "B = {} bootstrap replicates are too few for a {:g} confidence interval: the tail "
        "quantiles need (B + 1) * (1 - level) / 2 >= 1, i.e. B >= {}",
        replicates, level, minimum_replicates(level)));
  }
}

}  // namespace klynge::inference
