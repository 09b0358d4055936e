// Tallies -> reported rows: rates over all datasets of a grid point (a dataset whose p-value or
// interval has no value counts as neither a rejection nor a cover, and is counted apart), with
// 95% Clopper-Pearson intervals (the p-value module's, shared with the permutation report).
#include <cmath>

#include "klynge/p_values.hpp"
#include "klynge/power.hpp"

namespace klynge::power {

namespace {

constexpr double kRateLevel = 0.95;

}  // namespace

std::vector<PowerRow> power_rows(const PowerSpec& spec, const StudyTally& tally) {
  std::vector<PowerRow> rows;
  const std::string test = test_name(spec);
  const std::vector<std::string> metrics = study_metrics(spec);
  for (const CellTally& cell : tally.cells) {
    const PremiumPoint& point = spec.premiums[cell.premium];
    for (std::size_t m = 0; m < cell.metric.size(); ++m) {
      const MetricTally& t = cell.metric[m];
      PowerRow row;
      row.premium = point.premium[m];
      row.premium_label = point.label;
      row.firms = spec.firms[cell.firms];
      row.metric = metrics.at(m);
      row.test = test;
      row.datasets = cell.datasets;
      row.true_value = cell.truth.value[m];
      row.true_value_mc_se = cell.truth.mc_se[m];
      if (spec.permutations > 0) {
        row.rejected = t.rejected;
        row.undefined = t.undefined;
        row.rejection_rate = static_cast<double>(t.rejected) / static_cast<double>(cell.datasets);
        std::tie(row.ci_low, row.ci_high) = clopper_pearson(t.rejected, cell.datasets, kRateLevel);
      } else {
        row.rejection_rate = row.ci_low = row.ci_high = NAN;
      }
      if (spec.bootstrap > 0)
        for (std::size_t j = 0; j < spec.methods.size(); ++j) {
          const MethodTally& mt = t.methods[j];
          CoverageRow c;
          c.method = spec.methods[j];
          c.covered = mt.covered;
          c.undefined = mt.undefined;
          c.rate = static_cast<double>(mt.covered) / static_cast<double>(cell.datasets);
          std::tie(c.ci_low, c.ci_high) = clopper_pearson(mt.covered, cell.datasets, kRateLevel);
          const std::uint64_t defined = cell.datasets - mt.undefined;
          c.mean_width = defined > 0 ? static_cast<double>(mt.width_units) * kWidthUnit /
                                           static_cast<double>(defined)
                                     : NAN;
          row.coverage.push_back(c);
        }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

}  // namespace klynge::power
