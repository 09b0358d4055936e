// Holm, Benjamini–Hochberg and Westfall–Young maxT step-down adjusted p-values.
#include "klynge/multiplicity.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "klynge/error.hpp"
#include "klynge/p_values.hpp"

namespace klynge {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Indices of the finite p-values, sorted ascending by p (stable: ties keep key order).
std::vector<std::size_t> finite_order(const std::vector<double>& p) {
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < p.size(); ++i)
    if (!std::isnan(p[i])) idx.push_back(i);
  std::stable_sort(idx.begin(), idx.end(),
                   [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
  return idx;
}

double transform(double t, Alternative alternative) {
  if (std::isnan(t)) return std::numeric_limits<double>::infinity();
  switch (alternative) {
    case Alternative::greater:
      return t;
    case Alternative::less:
      return -t;
    default:
      return std::fabs(t);
  }
}

}  // namespace

std::vector<double> holm_adjust(const std::vector<double>& p) {
  std::vector<double> out(p.size(), kNaN);
  const std::vector<std::size_t> idx = finite_order(p);
  const double K = static_cast<double>(idx.size());
  double running = 0.0;
  for (std::size_t i = 0; i < idx.size(); ++i) {
    running = std::max(running, std::min(1.0, (K - static_cast<double>(i)) * p[idx[i]]));
    out[idx[i]] = running;
  }
  return out;
}

std::vector<double> bh_adjust(const std::vector<double>& p) {
  std::vector<double> out(p.size(), kNaN);
  const std::vector<std::size_t> idx = finite_order(p);
  const double K = static_cast<double>(idx.size());
  double running = 1.0;
  for (std::size_t i = idx.size(); i-- > 0;) {
    running = std::min(running, std::min(1.0, K / static_cast<double>(i + 1) * p[idx[i]]));
    out[idx[i]] = running;
  }
  return out;
}

std::vector<double> maxt_adjust(const std::vector<double>& observed,
                                const std::vector<double>& values, std::uint64_t replicates,
                                bool exact, Alternative alternative) {
  const std::size_t K = observed.size();
  if (values.size() != K * replicates)
    throw Error(ExitCode::internal, "maxt_adjust: table size does not match");
  std::vector<double> out(K, kNaN);
  std::vector<std::size_t> keys;
  std::vector<double> s(K);
  for (std::size_t k = 0; k < K; ++k) {
    if (std::isnan(observed[k])) continue;
    s[k] = transform(observed[k], alternative);
    keys.push_back(k);
  }
  // Descending by s (stable: ties keep key order).
  std::stable_sort(keys.begin(), keys.end(),
                   [&](std::size_t a, std::size_t b) { return s[a] > s[b]; });
  const std::size_t F = keys.size();
  if (F == 0 || replicates == 0) return out;
  std::vector<std::uint64_t> count(F, 0);
  for (std::uint64_t j = 0; j < replicates; ++j) {
    double u = -std::numeric_limits<double>::infinity();
    for (std::size_t i = F; i-- > 0;) {
      u = std::max(u, transform(values[keys[i] * replicates + j], alternative));
      if (at_least(u, s[keys[i]])) ++count[i];
    }
  }
  const double B = static_cast<double>(replicates);
  double running = 0.0;
  for (std::size_t i = 0; i < F; ++i) {
    const double c = static_cast<double>(count[i]);
    const double p = std::min(1.0, exact ? c / B : (c + 1.0) / (B + 1.0));
    running = std::max(running, p);
    out[keys[i]] = running;
  }
  return out;
}

std::vector<double> maxt_adjust(const PermutationTable& table, Alternative alternative) {
  return maxt_adjust(table.observed, table.values, table.count, table.exact, alternative);
}

SupTBand sup_t_band(const std::vector<double>& estimates, const std::vector<double>& values,
                    std::uint64_t replicates, double level) {
  const std::size_t K = estimates.size();
  if (values.size() != K * replicates)
    throw Error(ExitCode::internal, "sup_t_band: table size does not match");
  SupTBand band;
  band.low.assign(K, kNaN);
  band.high.assign(K, kNaN);
  band.critical = kNaN;
  std::vector<double> se(K, kNaN);
  std::vector<std::size_t> family;
  for (std::size_t k = 0; k < K; ++k) {
    if (!std::isfinite(estimates[k])) continue;
    double n = 0.0, mean = 0.0, m2 = 0.0;  // Welford, in replicate order
    for (std::uint64_t j = 0; j < replicates; ++j) {
      const double x = values[k * replicates + j];
      if (!std::isfinite(x)) continue;
      n += 1.0;
      const double d = x - mean;
      mean += d / n;
      m2 += d * (x - mean);
    }
    if (n < 2.0) continue;
    se[k] = std::sqrt(m2 / (n - 1.0));
    if (se[k] > 0.0 && std::isfinite(se[k])) family.push_back(k);
  }
  band.family = family.size();
  if (family.empty() || replicates == 0) return band;
  std::vector<double> sup(replicates, 0.0);
  for (std::uint64_t j = 0; j < replicates; ++j) {
    double m = 0.0;
    for (std::size_t k : family) {
      const double x = values[k * replicates + j];
      const double t = std::isfinite(x) ? std::fabs(x - estimates[k]) / se[k]
                                        : std::numeric_limits<double>::infinity();
      m = std::max(m, t);
    }
    sup[j] = m;
  }
  std::sort(sup.begin(), sup.end());
  const double rank = std::ceil(level * static_cast<double>(replicates));
  const std::size_t at =
      static_cast<std::size_t>(std::clamp(rank, 1.0, static_cast<double>(replicates))) - 1;
  band.critical = sup[at];
  for (std::size_t k : family) {
    band.low[k] = estimates[k] - band.critical * se[k];
    band.high[k] = estimates[k] + band.critical * se[k];
  }
  return band;
}

}  // namespace klynge
