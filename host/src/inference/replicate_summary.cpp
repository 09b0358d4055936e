// Standard error and bias from the replicate statistics (docs/intervals.md "Summary").
#include <fmt/format.h>
#include <algorithm>
#include <cmath>

#include "inference_internal.hpp"

namespace klynge {

ReplicateSummary summarize_replicates(double estimate, std::span<const double> replicates) {
  ReplicateSummary out;
  out.replicates = replicates.size();
  double sum = 0;
  double min = INFINITY, max = -INFINITY;
  for (double v : replicates) {
    if (!std::isfinite(v)) continue;
    ++out.valid;
    sum += v;
    min = std::min(min, v);
    max = std::max(max, v);
  }
  const std::uint64_t non_finite = out.replicates - out.valid;
  if (non_finite > 0) {
    out.warnings.push_back(inference::non_finite_warning(non_finite, out.replicates));
  }
  if (out.valid == 0) {
    out.status = out.replicates == 0 ? "no_replicates" : "no_valid_replicates";
    out.warnings.push_back(out.replicates == 0
                               ? std::string("no bootstrap replicates: no standard error or bias")
                               : std::string("no replicate has a finite value: no standard "
                                             "error or bias"));
    return out;
  }
  const double n = static_cast<double>(out.valid);
  const double mean = sum / n;
  if (std::isfinite(estimate)) {
    out.bias = mean - estimate;
  } else {
    out.warnings.push_back("the estimate is not finite: no bias");
  }
  if (out.valid < 2) {
    out.status = "too_few_valid_replicates";
    out.warnings.push_back("only 1 valid replicate: no standard error");
    return out;
  }
  double ss = 0;
  for (double v : replicates) {
    if (!std::isfinite(v)) continue;
    const double d = v - mean;
    ss += d * d;
  }
  out.std_error = std::sqrt(ss / (n - 1.0));
  if (min == max) {
    out.std_error = 0.0;
    out.status = "zero_variance";
    out.warnings.push_back(
        fmt::format("all {} valid replicates equal {}: the bootstrap distribution has no spread",
                    out.valid, min));
  }
  return out;
}

}  // namespace klynge
