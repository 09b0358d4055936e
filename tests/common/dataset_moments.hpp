// The mean and standard deviation of `klynge power`'s per-dataset estimates over a run of
// datasets, per metric: what the tests that check "the estimates average to the true value"
// compare against the truth. Each dataset is run once for all metrics.
#pragma once

#include <cstdint>
#include <vector>

#include "klynge/power.hpp"

namespace klynge::test {

struct EstimateMoments {
  std::vector<double> mean, sd;  // per metric of the study
  int datasets = 0;
  // The standard error of mean[m] (sd over the square root of the datasets).
  double se(std::size_t m) const;
};

// power::run_dataset of datasets [0, datasets) at spec.premiums[0] with `firms` firms. A
// dataset whose estimate has no value is a test failure (reported, counted as 0).
EstimateMoments dataset_estimate_moments(const power::PowerSpec& spec, std::uint32_t firms,
                                         int datasets, const power::TruePremium& truth);

}  // namespace klynge::test
