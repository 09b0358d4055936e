// compute_interval: the checks every method shares, then the method (docs/intervals.md).
#include <fmt/format.h>

#include "inference_internal.hpp"
#include "klynge/error.hpp"

namespace klynge {

namespace inference {

bool prepare_replicates(const IntervalRequest& request, Interval& out, SortedReplicates& sorted,
                        bool needs_estimate, bool needs_spread, const char* what) {
  sorted = sort_finite(request.replicates);
  if (sorted.non_finite > 0) {
    out.warnings.push_back(non_finite_warning(sorted.non_finite, sorted.total, what));
  }
  if (sorted.values.empty()) {
    out.status = "no_valid_replicates";
    out.warnings.push_back("no replicate has a finite value: no interval");
    return false;
  }
  if (!enough_for_level(sorted.values.size(), request.level)) {
    out.status = "too_few_valid_replicates";
    out.warnings.push_back(fmt::format(
        "only {} of {} replicates are valid, too few for a {:g} interval (needs {})",
        sorted.values.size(), sorted.total, request.level, minimum_replicates(request.level)));
    return false;
  }
  if (needs_estimate && !std::isfinite(request.estimate)) {
    out.status = "no_estimate";
    out.warnings.push_back("the estimate is not finite: no interval");
    return false;
  }
  if (all_equal(sorted.values)) {
    if (needs_spread) {
      out.status = "zero_variance";
      out.warnings.push_back(
          fmt::format("all {} valid replicates equal {}: the bootstrap distribution has no spread",
                      sorted.values.size(), sorted.values.front()));
      return false;
    }
    out.warnings.push_back(
        fmt::format("all {} valid replicates equal {}: the interval is a single point",
                    sorted.values.size(), sorted.values.front()));
  }
  return true;
}

}  // namespace inference

Interval compute_interval(IntervalMethod method, const IntervalRequest& request) {
  inference::check_replicates_for_level(request.replicates.size(), request.level);
  switch (method) {
    case IntervalMethod::percentile:
      return inference::percentile_interval(request);
    case IntervalMethod::basic:
      return inference::basic_interval(request);
    case IntervalMethod::normal:
      return inference::normal_interval(request);
    case IntervalMethod::bca:
      return inference::bca_interval(request);
    case IntervalMethod::studentized:
      return inference::studentized_interval(request);
  }
  throw Error(ExitCode::internal, "compute_interval: unknown interval method");
}

}  // namespace klynge
