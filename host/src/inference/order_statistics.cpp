// Sorting the finite replicates and reading quantiles from their order statistics by R boot's
// (B + 1)p convention with normal-scale interpolation (docs/intervals.md "Order statistics").
#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <limits>

#include "inference_internal.hpp"

namespace klynge::inference {

SortedReplicates sort_finite(std::span<const double> replicates) {
  SortedReplicates out;
  out.total = replicates.size();
  out.values.reserve(replicates.size());
  for (double v : replicates) {
    if (std::isfinite(v)) {
      out.values.push_back(v);
    } else {
      ++out.non_finite;
    }
  }
  std::sort(out.values.begin(), out.values.end());
  return out;
}

std::string non_finite_warning(std::uint64_t non_finite, std::uint64_t total, const char* what) {
  if (non_finite == 0) return {};
  return fmt::format("{} of {} {} are not finite (NaN or infinite) and were excluded", non_finite,
                     total, what);
}

bool all_equal(const std::vector<double>& sorted) {
  return !sorted.empty() && sorted.front() == sorted.back();
}

bool order_rank_is_extreme(std::size_t count, double p) {
  const double rank = (static_cast<double>(count) + 1.0) * p;
  return rank < 1.0 || rank > static_cast<double>(count);
}

double order_quantile(const std::vector<double>& sorted, double p) {
  const std::size_t r = sorted.size();
  if (r == 0 || std::isnan(p)) return std::numeric_limits<double>::quiet_NaN();
  const double n1 = static_cast<double>(r) + 1.0;
  const double rank = n1 * p;
  const double k = std::floor(rank);
  if (k <= 0) return sorted.front();
  if (k >= static_cast<double>(r)) return sorted.back();
  const auto ki = static_cast<std::size_t>(k);  // 1-based order statistic k
  const double tk = sorted[ki - 1];
  if (k == rank) return tk;
  const double tk1 = sorted[ki];
  const double z = normal_quantile(p);
  const double zk = normal_quantile(k / n1);
  const double zk1 = normal_quantile((k + 1.0) / n1);
  return tk + (z - zk) / (zk1 - zk) * (tk1 - tk);
}

std::uint64_t count_below(const std::vector<double>& sorted, double x) {
  return static_cast<std::uint64_t>(std::lower_bound(sorted.begin(), sorted.end(), x) -
                                    sorted.begin());
}

std::uint64_t count_above(const std::vector<double>& sorted, double x) {
  return static_cast<std::uint64_t>(sorted.end() -
                                    std::upper_bound(sorted.begin(), sorted.end(), x));
}

void add_tail_warnings(Interval& out, const std::vector<double>& sorted, double p_low, double q_low,
                       double p_high, double q_high, const char* what) {
  const std::uint64_t below = count_below(sorted, q_low);
  const std::uint64_t above = count_above(sorted, q_high);
  if (below < kMinTailReplicates) {
    out.warnings.push_back(fmt::format(
        "only {} of {} valid {} lie below the {:.4g} quantile used for an endpoint; the endpoint "
        "rests on fewer than {} values (increase B)",
        below, sorted.size(), what, p_low, kMinTailReplicates));
  }
  if (above < kMinTailReplicates) {
    out.warnings.push_back(fmt::format(
        "only {} of {} valid {} lie above the {:.4g} quantile used for an endpoint; the endpoint "
        "rests on fewer than {} values (increase B)",
        above, sorted.size(), what, p_high, kMinTailReplicates));
  }
}

}  // namespace klynge::inference
