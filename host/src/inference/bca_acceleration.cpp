// BCa acceleration of a statistic of several independent samples (Efron & Tibshirani 1993
// eq. 14.15, and eq. 15.36 for several samples as scipy.stats.bootstrap cites it; Davison &
// Hinkley 1997 §5.3). docs/intervals.md "Acceleration".
#include <cmath>
#include <limits>

#include "klynge/intervals.hpp"

namespace klynge {

namespace {
// a = sum_i n_i^-3 sum_j u_ij^3 / (6 (sum_i n_i^-2 sum_j u_ij^2)^(3/2)).
double acceleration_from_u(const std::vector<std::vector<double>>& u_by_sample) {
  double num = 0, den = 0;
  for (const auto& u : u_by_sample) {
    if (u.empty()) continue;
    const double n = static_cast<double>(u.size());
    double s2 = 0, s3 = 0;
    for (double x : u) {
      s2 += x * x;
      s3 += x * x * x;
    }
    num += s3 / (n * n * n);
    den += s2 / (n * n);
  }
  if (!(den > 0) || !std::isfinite(num) || !std::isfinite(den)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return num / (6.0 * den * std::sqrt(den));
}
}  // namespace

double bca_acceleration(const std::vector<std::vector<double>>& jackknife_by_sample) {
  // u_ij = (n_i - 1) (mean_j theta_(ij) - theta_(ij)), the jackknife influence values.
  std::vector<std::vector<double>> u_by_sample;
  u_by_sample.reserve(jackknife_by_sample.size());
  for (const auto& jack : jackknife_by_sample) {
    std::vector<double> u(jack.size());
    if (!jack.empty()) {
      const double n = static_cast<double>(jack.size());
      double mean = 0;
      for (double x : jack) mean += x;
      mean /= n;
      for (std::size_t j = 0; j < jack.size(); ++j) u[j] = (n - 1.0) * (mean - jack[j]);
    }
    u_by_sample.push_back(std::move(u));
  }
  return acceleration_from_u(u_by_sample);
}

double bca_acceleration_from_influence(
    const std::vector<std::vector<double>>& influence_by_sample) {
  return acceleration_from_u(influence_by_sample);
}

}  // namespace klynge
