// Bias-corrected normal interval, theta - bias -/+ z * se (Efron & Tibshirani 1993 §13.2;
// Davison & Hinkley 1997 §5.2, R boot's norm.ci with var.t0 = var(t)).
#include <cmath>

#include "inference_internal.hpp"

namespace klynge::inference {

Interval normal_interval(const IntervalRequest& request) {
  Interval out;
  SortedReplicates sorted;
  if (!prepare_replicates(request, out, sorted, true, true)) return out;
  const std::vector<double>& v = sorted.values;
  const double n = static_cast<double>(v.size());
  double mean = 0;
  for (double x : v) mean += x;
  mean /= n;
  double ss = 0;
  for (double x : v) ss += (x - mean) * (x - mean);
  const double se = std::sqrt(ss / (n - 1.0));
  const double bias = mean - request.estimate;
  const double z = normal_quantile((1.0 + request.level) / 2.0);
  out.low = request.estimate - bias - z * se;
  out.high = request.estimate - bias + z * se;
  const NormalEndpointMcSe mc = normal_endpoint_mc_se(v, z);
  out.mc_se_low = mc.low;
  out.mc_se_high = mc.high;
  return out;
}

}  // namespace klynge::inference
