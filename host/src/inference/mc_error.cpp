// Monte Carlo standard errors of interval endpoints (docs/intervals.md "Monte Carlo error").
#include <algorithm>
#include <cmath>
#include <limits>

#include "inference_internal.hpp"

namespace klynge::inference {

namespace {
// An adjusted (BCa) level beyond the extremes: the endpoint is the extreme order statistic;
// its error is judged at the extreme rank.
double clamp_level(std::size_t r, double p) {
  const double n = static_cast<double>(r);
  return std::clamp(p, 1.0 / (n + 1.0), n / (n + 1.0));
}
}  // namespace

double quantile_slope(const std::vector<double>& sorted, double p) {
  const std::size_t r = sorted.size();
  if (r < 2 || !(p > 0 && p < 1)) return std::numeric_limits<double>::quiet_NaN();
  const double n = static_cast<double>(r);
  const double p_min = 1.0 / (n + 1.0), p_max = n / (n + 1.0);
  const double pc = clamp_level(r, p);
  const double delta = std::sqrt(pc * (1.0 - pc) / n);
  const double lo = std::max(pc - delta, p_min);
  const double hi = std::min(pc + delta, p_max);
  if (!(hi > lo)) return std::numeric_limits<double>::quiet_NaN();
  return (order_quantile(sorted, hi) - order_quantile(sorted, lo)) / (hi - lo);
}

double quantile_mc_se(const std::vector<double>& sorted, double p) {
  const std::size_t r = sorted.size();
  if (r < 2 || !(p > 0 && p < 1)) return std::numeric_limits<double>::quiet_NaN();
  const double pc = clamp_level(r, p);
  return std::sqrt(pc * (1.0 - pc) / static_cast<double>(r)) * quantile_slope(sorted, p);
}

double bca_endpoint_mc_se(const std::vector<double>& sorted, double p_adj, double share,
                          double acceleration, double z) {
  const std::size_t r = sorted.size();
  if (r < 2 || !(p_adj > 0 && p_adj < 1) || !(share > 0 && share < 1)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  const double n = static_cast<double>(r);
  const double p = clamp_level(r, p_adj);
  const double z0 = normal_quantile(share);
  const double w = z0 + z;
  const double d = 1.0 - acceleration * w;
  const double zp = normal_quantile(p_adj);
  // g(s) = Phi(z0(s) + w / (1 - a w)), w = z0(s) + z, z0(s) = Phi^-1(s):
  // g'(s) = phi(Phi^-1(p_adj)) (1 + 1 / (1 - a w)^2) / phi(z0).
  const double g = std::exp(-0.5 * (zp * zp - z0 * z0)) * (1.0 + 1.0 / (d * d));
  // Bahadur: Q(p) - q ~ -(F(q) - p) / f(q); the endpoint moves by Q'(p) (g' (F(theta) - s) -
  // (F(q) - p)); cov(F(q), F(theta)) = (min(p, s) - p s) / B.
  const double v =
      p * (1.0 - p) + g * g * share * (1.0 - share) - 2.0 * g * (std::min(p, share) - p * share);
  return quantile_slope(sorted, p_adj) * std::sqrt(std::max(v, 0.0) / n);
}

NormalEndpointMcSe normal_endpoint_mc_se(const std::vector<double>& values, double z) {
  NormalEndpointMcSe out;
  const std::size_t r = values.size();
  if (r < 2) {
    out.low = out.high = std::numeric_limits<double>::quiet_NaN();
    return out;
  }
  const double n = static_cast<double>(r);
  double mean = 0;
  for (double v : values) mean += v;
  mean /= n;
  double m2 = 0, m3 = 0, m4 = 0;
  for (double v : values) {
    const double d = v - mean;
    const double d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  if (!(m2 > 0)) return out;  // zero spread: both errors 0
  // Delta method: var(mean) = m2/B, var(sd) = (m4 - m2^2)/(4 m2 B),
  // cov(mean, sd) = m3/(2 sqrt(m2) B). Endpoints 2 theta - mean -/+ z sd.
  const double var_mean = m2 / n;
  const double var_sd = std::max(m4 - m2 * m2, 0.0) / (4.0 * m2 * n);
  const double cov = m3 / (2.0 * std::sqrt(m2) * n);
  out.low = std::sqrt(std::max(var_mean + z * z * var_sd + 2.0 * z * cov, 0.0));
  out.high = std::sqrt(std::max(var_mean + z * z * var_sd - 2.0 * z * cov, 0.0));
  return out;
}

}  // namespace klynge::inference
