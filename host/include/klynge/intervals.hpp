// Bootstrap confidence intervals and summaries from replicate statistics (DESIGN.md §1
// "Inference"). Pure functions of the replicate values: no resampling happens here, so the
// CPU and GPU backends (and merged shards) summarise identically.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace klynge {

enum class IntervalMethod { percentile, basic, normal, bca, studentized };
std::string_view interval_method_name(IntervalMethod method);
std::optional<IntervalMethod> parse_interval_method(std::string_view name);

// What one interval needs. Replicates that are NaN (a replicate in which the statistic has no
// value, e.g. an empty resampled group) are counted and excluded, never silently used.
struct IntervalRequest {
  double estimate = NAN;                // the statistic on the original sample
  std::span<const double> replicates;   // theta*_b, b = 0 .. B-1
  double level = 0.95;                  // two-sided confidence level
  // studentized: se of the estimate and of each replicate (same order as replicates)
  double estimate_se = NAN;
  std::span<const double> replicate_se;
  // bca: acceleration from bca_acceleration(); NaN = not available
  double acceleration = NAN;
};

struct Interval {
  double low = NAN, high = NAN;
  double mc_se_low = NAN, mc_se_high = NAN;  // Monte Carlo standard error of each endpoint
  double z0 = NAN;             // bca only: bias correction
  double acceleration = NAN;   // bca only
  std::string status = "ok";   // "ok" or why there is no interval (then low/high NaN)
  std::vector<std::string> warnings;  // e.g. fewer than 5 replicates beyond an endpoint
};

struct ReplicateSummary {
  std::uint64_t replicates = 0;  // B
  std::uint64_t valid = 0;       // finite replicate values used
  double std_error = NAN;        // sd of the valid replicates (n - 1)
  double bias = NAN;             // mean of the valid replicates minus the estimate
  std::string status = "ok";     // "ok", "no_valid_replicates", "zero_variance", ...
  std::vector<std::string> warnings;
};

ReplicateSummary summarize_replicates(double estimate, std::span<const double> replicates);

// Throws Error(usage) when B is too small for the level: (B + 1) * alpha / 2 < 1.
Interval compute_interval(IntervalMethod method, const IntervalRequest& request);

// BCa acceleration for a statistic of several independent samples, from each sample's
// leave-one-out (jackknife) values or influence values, as scipy.stats.bootstrap defines it
// for multi-sample statistics. Returns NaN when undefined (e.g. all values equal).
double bca_acceleration(const std::vector<std::vector<double>>& jackknife_by_sample);

// The same acceleration from empirical influence values L_ij (the derivative of the statistic
// with respect to the weight of observation j of sample i; sum_j L_ij = 0; for a mean, x_ij -
// mean_i, for a control-group mean subtracted from a treated one, -(y_j - mean)):
//   a = sum_i n_i^-3 sum_j L_ij^3 / (6 (sum_i n_i^-2 sum_j L_ij^2)^(3/2)).
// bca_acceleration(jackknife) is this with L_ij = (n_i - 1)(mean_j theta_(ij) - theta_(ij)).
// Returns NaN when undefined.
double bca_acceleration_from_influence(const std::vector<std::vector<double>>& influence_by_sample);

}  // namespace klynge
