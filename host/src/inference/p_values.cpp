// Permutation p-values: counting with the tie rule, Monte Carlo and exact p, Clopper–Pearson.
#include "klynge/p_values.hpp"

#include <algorithm>
#include <boost/math/distributions/beta.hpp>
#include <cmath>
#include <limits>

namespace klynge {

double tie_tolerance(double observed) {
  return 100.0 * std::numeric_limits<double>::epsilon() * std::fabs(observed);
}

bool at_least(double value, double observed) {
  if (std::isnan(value)) return true;
  return value >= observed - tie_tolerance(observed);
}

bool at_most(double value, double observed) {
  if (std::isnan(value)) return true;
  return value <= observed + tie_tolerance(observed);
}

std::vector<ExtremeCounts> extreme_counts(const PermutationTable& table) {
  std::vector<ExtremeCounts> out(table.keys.size());
  for (std::size_t k = 0; k < table.keys.size(); ++k) {
    const double obs = table.observed[k];
    ExtremeCounts& c = out[k];
    c.replicates = table.count;
    for (std::uint64_t j = 0; j < table.count; ++j) {
      const double t = table.value(k, j);
      c.greater += at_least(t, obs) ? 1 : 0;
      c.less += at_most(t, obs) ? 1 : 0;
    }
  }
  return out;
}

std::pair<double, double> clopper_pearson(std::uint64_t x, std::uint64_t n, double level) {
  const double alpha = 1.0 - level;
  const double xd = static_cast<double>(x), nd = static_cast<double>(n);
  double lo = 0.0, hi = 1.0;
  if (x > 0) lo = boost::math::ibeta_inv(xd, nd - xd + 1.0, alpha / 2.0);
  if (x < n) hi = boost::math::ibeta_inv(xd + 1.0, nd - xd, 1.0 - alpha / 2.0);
  return {lo, hi};
}

PValue permutation_p_value(const ExtremeCounts& counts, bool exact, Alternative alternative,
                           bool observed_finite) {
  PValue p;
  p.exact = exact;
  p.replicates = counts.replicates;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (!observed_finite || counts.replicates == 0) {
    p.p = p.ci_low = p.ci_high = nan;
    return p;
  }
  const double B = static_cast<double>(counts.replicates);
  auto one_sided = [&](std::uint64_t b) {
    return exact ? static_cast<double>(b) / B : (static_cast<double>(b) + 1.0) / (B + 1.0);
  };
  std::uint64_t b;
  double factor = 1.0;
  if (alternative == Alternative::greater) {
    b = counts.greater;
  } else if (alternative == Alternative::less) {
    b = counts.less;
  } else {
    b = std::min(counts.greater, counts.less);
    factor = 2.0;
  }
  p.count = b;
  p.p = std::min(1.0, factor * one_sided(b));
  if (exact) {
    p.ci_low = p.ci_high = p.p;
  } else {
    const auto [lo, hi] = clopper_pearson(b, counts.replicates, 0.99);
    p.ci_low = std::min(1.0, factor * lo);
    p.ci_high = std::min(1.0, factor * hi);
  }
  return p;
}

std::vector<PValue> permutation_p_values(const PermutationTable& table, Alternative alternative) {
  const std::vector<ExtremeCounts> counts = extreme_counts(table);
  std::vector<PValue> out;
  out.reserve(counts.size());
  for (std::size_t k = 0; k < counts.size(); ++k)
    out.push_back(
        permutation_p_value(counts[k], table.exact, alternative, std::isfinite(table.observed[k])));
  return out;
}

}  // namespace klynge
