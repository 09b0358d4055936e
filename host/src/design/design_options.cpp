// Design options: which design they select and whether they make sense on their own.
#include <cmath>

#include <fmt/format.h>

#include "klynge/build_sample.hpp"
#include "klynge/error.hpp"

namespace klynge {

bool is_cohort_design(const DesignOptions& options) {
  return !options.from.has_value() && !options.to.has_value();
}

void validate_design_options(const DesignOptions& options) {
  const bool level = options.growth == GrowthType::level;
  if (options.from.has_value() != options.to.has_value()) {
    throw_usage_error(
        "--from and --to go together: give both for the window design, or neither for the "
        "cohort design");
  }
  if (!is_cohort_design(options)) {
    const int from = *options.from, to = *options.to;
    if (from > to || (from == to && !level)) {
      throw_usage_error(
          fmt::format("--from {} --to {}: the window must end after it starts{}", from, to,
                      level ? "" : " (--from == --to only makes sense with --growth level)"));
    }
  } else {
    if (options.horizon < (level ? 0 : 1)) {
      throw_usage_error(fmt::format("--horizon {}: must be at least {} year{}", options.horizon,
                                    level ? 0 : 1, level ? "s" : ""));
    }
  }
  if (!(options.trim >= 0.0 && options.trim < 0.5)) {
    throw_usage_error(fmt::format("--trim {}: must be in [0, 0.5)", options.trim));
  }
}

}  // namespace klynge
