// Internal helpers shared by the interval methods (host/src/inference/*.cpp). Not installed;
// the public contract is klynge/intervals.hpp. Definitions: docs/intervals.md.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "klynge/intervals.hpp"

namespace klynge::inference {

// Tail size below which an endpoint gets a warning (DESIGN.md §4; docs/intervals.md).
inline constexpr std::uint64_t kMinTailReplicates = 5;

// Standard normal quantile and CDF (Boost.Math); quantile(0) = -inf, quantile(1) = +inf.
double normal_quantile(double p);
double normal_cdf(double z);

// The finite replicate values, sorted ascending, and how many were left out.
struct SortedReplicates {
  std::vector<double> values;    // finite values, ascending
  std::uint64_t total = 0;       // B
  std::uint64_t non_finite = 0;  // NaN or +-inf, excluded
};
SortedReplicates sort_finite(std::span<const double> replicates);

// "k of B replicates are not finite ..." (empty when none).
std::string non_finite_warning(std::uint64_t non_finite, std::uint64_t total,
                               const char* what = "replicates");

// True when every value is equal (max == min); false for an empty vector.
bool all_equal(const std::vector<double>& sorted);

// The p-quantile of R sorted values by R boot's convention (boot:::norm.inter): the
// (R+1)p-th order statistic; when (R+1)p is not an integer, interpolation between the
// neighbouring order statistics on the normal-quantile scale; (R+1)p < 1 gives the minimum and
// (R+1)p > R the maximum (an "extreme order statistic", see order_rank_is_extreme).
double order_quantile(const std::vector<double>& sorted, double p);
bool order_rank_is_extreme(std::size_t count, double p);

// Number of values strictly below / strictly above x.
std::uint64_t count_below(const std::vector<double>& sorted, double x);
std::uint64_t count_above(const std::vector<double>& sorted, double x);

// Monte Carlo standard error of order_quantile(sorted, p): the asymptotic
// sqrt(p(1-p)/R) / f(q), with 1/f(q) estimated by the difference quotient of the same quantile
// function over p -/+ sqrt(p(1-p)/R) (the binomial spread of the order statistic's rank).
double quantile_mc_se(const std::vector<double>& sorted, double p);

// The derivative of the quantile function at p, as that difference quotient.
double quantile_slope(const std::vector<double>& sorted, double p);

// Monte Carlo standard error of a BCa endpoint Q(p_adj): the quantile's own error plus the
// error p_adj inherits from z0 = Phi^-1(share), share being the (mid-rank) fraction of
// replicates below the estimate (first-order Bahadur representation; docs/intervals.md).
// z is Phi^-1 of the unadjusted level of this endpoint.
double bca_endpoint_mc_se(const std::vector<double>& sorted, double p_adj, double share,
                          double acceleration, double z);

// Monte Carlo standard errors of the normal endpoints 2*theta - mean -/+ z*sd (delta method
// with the sample's second to fourth central moments).
struct NormalEndpointMcSe {
  double low = 0, high = 0;
};
NormalEndpointMcSe normal_endpoint_mc_se(const std::vector<double>& values, double z);

// Throws Error(usage) when B is too small for the level: (B + 1) * alpha / 2 < 1.
void check_replicates_for_level(std::uint64_t replicates, double level);

// The smallest B with (B + 1) * (1 - level) / 2 >= 1.
std::uint64_t minimum_replicates(double level);

// True when (count + 1) * alpha / 2 >= 1 (with a few ulps of slack for alpha's rounding).
bool enough_for_level(std::uint64_t count, double level);

// Adds the "fewer than 5 replicates beyond the quantile" warnings for the two quantiles that
// an interval used (quantile levels p_low < p_high, values q_low <= q_high).
void add_tail_warnings(Interval& out, const std::vector<double>& sorted, double p_low, double q_low,
                       double p_high, double q_high, const char* what);

// The steps every method shares: sort the finite replicates, warn about the rest, and set a
// status (returning false) when there is nothing to compute from: no valid replicates, too
// few valid ones for the level, a non-finite estimate (when needs_estimate) or no spread (when
// needs_spread; otherwise a zero spread is a warning only).
bool prepare_replicates(const IntervalRequest& request, Interval& out, SortedReplicates& sorted,
                        bool needs_estimate, bool needs_spread, const char* what = "replicates");

Interval percentile_interval(const IntervalRequest& request);
Interval basic_interval(const IntervalRequest& request);
Interval normal_interval(const IntervalRequest& request);
Interval bca_interval(const IntervalRequest& request);
Interval studentized_interval(const IntervalRequest& request);

}  // namespace klynge::inference
