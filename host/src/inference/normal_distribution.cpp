// Standard normal quantile and CDF from Boost.Math, with the infinite ends made explicit.
#include <boost/math/distributions/normal.hpp>
#include <limits>

#include "inference_internal.hpp"

namespace klynge::inference {

double normal_quantile(double p) {
  if (std::isnan(p)) return std::numeric_limits<double>::quiet_NaN();
  if (p <= 0) return -std::numeric_limits<double>::infinity();
  if (p >= 1) return std::numeric_limits<double>::infinity();
  return boost::math::quantile(boost::math::normal_distribution<double>(), p);
}

double normal_cdf(double z) {
  if (std::isnan(z)) return std::numeric_limits<double>::quiet_NaN();
  if (std::isinf(z)) return z > 0 ? 1.0 : 0.0;
  return boost::math::cdf(boost::math::normal_distribution<double>(), z);
}

}  // namespace klynge::inference
