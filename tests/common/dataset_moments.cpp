#include "common/dataset_moments.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace klynge::test {

double EstimateMoments::se(std::size_t m) const {
  return sd[m] / std::sqrt(static_cast<double>(datasets));
}

EstimateMoments dataset_estimate_moments(const power::PowerSpec& spec, std::uint32_t firms,
                                         int datasets, const power::TruePremium& truth) {
  const std::size_t metrics = power::study_metrics(spec).size();
  std::vector<double> sum(metrics, 0.0), sum2(metrics, 0.0);
  for (int d = 0; d < datasets; ++d) {
    const power::DatasetOutcome out =
        power::run_dataset(spec, spec.premiums[0], firms, static_cast<std::uint32_t>(d), truth);
    for (std::size_t m = 0; m < metrics; ++m) {
      const double e = out.metric[m].estimate;
      if (!std::isfinite(e)) {
        ADD_FAILURE() << "dataset " << d << " metric " << m << ": no estimate";
        continue;
      }
      sum[m] += e;
      sum2[m] += e * e;
    }
  }
  EstimateMoments moments;
  moments.datasets = datasets;
  for (std::size_t m = 0; m < metrics; ++m) {
    const double mean = sum[m] / datasets;
    moments.mean.push_back(mean);
    moments.sd.push_back(std::sqrt((sum2[m] - datasets * mean * mean) / (datasets - 1)));
  }
  return moments;
}

}  // namespace klynge::test
