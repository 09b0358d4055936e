// Studentized (bootstrap-t) interval (Efron & Tibshirani 1993 §12.5; Davison & Hinkley 1997
// §5.2, R boot's stud.ci).
#include <fmt/format.h>
#include <cmath>
#include <string>

#include "inference_internal.hpp"
#include "klynge/error.hpp"

namespace klynge::inference {

Interval studentized_interval(const IntervalRequest& request) {
  Interval out;
  if (request.replicate_se.empty()) {
    out.status = "no_standard_error";
    out.warnings.push_back("studentized interval: no standard errors of the replicates given");
    return out;
  }
  if (request.replicate_se.size() != request.replicates.size()) {
    throw Error(ExitCode::internal,
                fmt::format("studentized interval: {} replicate standard errors for {} replicates",
                            request.replicate_se.size(), request.replicates.size()));
  }
  if (!std::isfinite(request.estimate)) {
    out.status = "no_estimate";
    out.warnings.push_back("the estimate is not finite: no interval");
    return out;
  }
  if (!(std::isfinite(request.estimate_se) && request.estimate_se > 0)) {
    out.status = "no_standard_error";
    // NaN: no standard error at all (not mean_diff, or a group with fewer than two valid firms).
    out.warnings.push_back(
        std::isnan(request.estimate_se)
            ? std::string("studentized interval: the estimate has no standard error (only "
                          "mean_diff has one, with at least two valid firms in each group)")
            : fmt::format("studentized interval: the estimate's standard error {} is not "
                          "positive and finite",
                          request.estimate_se));
    return out;
  }
  // t*_b = (theta*_b - theta) / se*_b; replicates without a usable se*_b are left out (NaN).
  std::vector<double> t(request.replicates.size());
  std::uint64_t bad_se = 0;
  for (std::size_t b = 0; b < t.size(); ++b) {
    const double theta_b = request.replicates[b];
    const double se_b = request.replicate_se[b];
    if (!std::isfinite(theta_b)) {
      t[b] = NAN;
    } else if (!(std::isfinite(se_b) && se_b > 0)) {
      t[b] = NAN;
      ++bad_se;
    } else {
      t[b] = (theta_b - request.estimate) / se_b;
    }
  }
  IntervalRequest t_request = request;
  t_request.replicates = t;
  SortedReplicates sorted;
  if (!prepare_replicates(t_request, out, sorted, false, true, "studentized replicates t*")) {
    if (bad_se > 0) {
      out.warnings.push_back(fmt::format(
          "{} replicates had a standard error that is zero, negative or not finite", bad_se));
    }
    return out;
  }
  if (bad_se > 0) {
    out.warnings.push_back(fmt::format(
        "{} of {} replicates had a standard error that is zero, negative or not finite: their t* "
        "is not finite (counted above)",
        bad_se, request.replicates.size()));
  }
  const double p_low = (1.0 - request.level) / 2.0;
  const double p_high = (1.0 + request.level) / 2.0;
  const double t_low = order_quantile(sorted.values, p_low);
  const double t_high = order_quantile(sorted.values, p_high);
  const double se = request.estimate_se;
  out.low = request.estimate - se * t_high;
  out.high = request.estimate - se * t_low;
  out.mc_se_low = se * quantile_mc_se(sorted.values, p_high);
  out.mc_se_high = se * quantile_mc_se(sorted.values, p_low);
  add_tail_warnings(out, sorted.values, p_low, t_low, p_high, t_high, "studentized replicates");
  return out;
}

}  // namespace klynge::inference
