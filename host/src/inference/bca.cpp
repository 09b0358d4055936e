// Bias-corrected and accelerated (BCa) interval (Efron 1987; Efron & Tibshirani 1993 §14.3;
// Davison & Hinkley 1997 §5.3.2; z0 with mid-rank ties as scipy.stats.bootstrap).
#include <fmt/format.h>
#include <cmath>

#include "inference_internal.hpp"

namespace klynge::inference {

namespace {
constexpr double kTieTolerance = 1e-12;  // relative to the estimate
}  // namespace

Interval bca_interval(const IntervalRequest& request) {
  Interval out;
  out.acceleration = request.acceleration;
  SortedReplicates sorted;
  if (!prepare_replicates(request, out, sorted, true, true)) return out;
  const std::vector<double>& v = sorted.values;
  const double n = static_cast<double>(v.size());
  // A replicate within rounding of the estimate is a tie: a median's replicates often equal it,
  // and one computed along another path (a cohort aggregate, u x T / u) may miss it by an ulp,
  // which would move it from the ties to one side.
  const double tolerance = kTieTolerance * std::fabs(request.estimate);
  const std::uint64_t below = count_below(v, request.estimate - tolerance);
  const std::uint64_t above = count_above(v, request.estimate + tolerance);
  const std::uint64_t ties = v.size() - below - above;
  const double share = (static_cast<double>(below) + 0.5 * static_cast<double>(ties)) / n;
  out.z0 = normal_quantile(share);
  if (!std::isfinite(out.z0)) {
    out.status = "bca_undefined";
    out.warnings.push_back(fmt::format(
        "all {} valid replicates lie {} the estimate {}: the bias correction z0 is infinite",
        v.size(), below == 0 ? "above" : "below", request.estimate));
    return out;
  }
  const double a = request.acceleration;
  if (!std::isfinite(a)) {
    out.status = "bca_undefined";
    out.warnings.push_back("the BCa acceleration is not available (not finite)");
    return out;
  }
  const double alpha = 1.0 - request.level;
  const double z_ends[2] = {normal_quantile(alpha / 2.0), normal_quantile(1.0 - alpha / 2.0)};
  double p_adj[2];
  for (int i = 0; i < 2; ++i) {
    const double w = out.z0 + z_ends[i];
    const double denominator = 1.0 - a * w;
    p_adj[i] = denominator > 0 ? normal_cdf(out.z0 + w / denominator) : NAN;
    if (!(p_adj[i] > 0.0 && p_adj[i] < 1.0)) {
      out.status = "bca_undefined";
      out.warnings.push_back(fmt::format(
          "the BCa adjusted level for the {} endpoint is outside (0, 1) (z0 = {:.6g}, a = "
          "{:.6g})",
          i == 0 ? "lower" : "upper", out.z0, a));
      return out;
    }
  }
  for (int i = 0; i < 2; ++i) {
    if (order_rank_is_extreme(v.size(), p_adj[i])) {
      out.warnings.push_back(fmt::format(
          "the BCa adjusted level {:.6g} for the {} endpoint is beyond the replicates' order "
          "statistics: the extreme replicate is used (increase B)",
          p_adj[i], i == 0 ? "lower" : "upper"));
    }
  }
  out.low = order_quantile(v, p_adj[0]);
  out.high = order_quantile(v, p_adj[1]);
  // Monte Carlo error of the quantiles at the adjusted levels, including the noise the levels
  // take from z0 (a is deterministic).
  out.mc_se_low = bca_endpoint_mc_se(v, p_adj[0], share, a, z_ends[0]);
  out.mc_se_high = bca_endpoint_mc_se(v, p_adj[1], share, a, z_ends[1]);
  add_tail_warnings(out, v, p_adj[0], out.low, p_adj[1], out.high, "replicates");
  return out;
}

}  // namespace klynge::inference
