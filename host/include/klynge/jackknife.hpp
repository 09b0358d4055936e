// Leave-one-unit-out (jackknife) values for the BCa acceleration (bca_acceleration in
// intervals.hpp). One "sample" per resample group of the bootstrap design (members of each
// cohort, or of each cohort x stratum cell; the control pool, or each control stratum; all
// clusters with --unit cluster), so the acceleration follows the multi-sample definition of
// scipy.stats.bootstrap. Removing a control firm removes it from every cohort it appears in.
#pragma once

#include <string>
#include <vector>

#include "klynge/bootstrap.hpp"

namespace klynge {

struct JackknifeTable {
  std::vector<ResultKey> keys;  // the same keys, in the same order, as run_bootstrap's table
  // values[k][s][i]: key k with unit i of sample s left out (NaN where the statistic has no
  // value without it). Empty for a key whose status is not "ok".
  std::vector<std::vector<std::vector<double>>> values;
  // "ok", or "too_large": a median/trimmed/aggregate-growth/welch key on a sample too large
  // for the exact O(n^2) leave-one-out (mean_diff is always done in closed form).
  std::vector<std::string> status;
};

// exact_limit: the largest (units x valid contributions) product for which every statistic is
// recomputed exactly for each left-out unit.
inline constexpr double kJackknifeExactLimit = 4e8;
JackknifeTable jackknife_values(const Sample& sample, const DesignOptions& options,
                                const BootstrapSpec& spec,
                                double exact_limit = kJackknifeExactLimit);

// The same on a prepared bootstrap's arrays (no rebuild; its spec's threads).
JackknifeTable jackknife_values(const PreparedBootstrap& prepared,
                                double exact_limit = kJackknifeExactLimit);

}  // namespace klynge
