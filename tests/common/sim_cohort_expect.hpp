// Shared by the CPU and GPU tests of the simulated cohort Sample: the cohort design as the tests
// build it, two datasets' records identical, and the spec of a `klynge power --entry-years`
// dataset, the case the cohort records are made for.
#pragma once

#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "klynge/design.hpp"
#include "klynge/power.hpp"
#include "klynge/sim_cohort.hpp"

namespace klynge::test {

// Each member compared over [g + offset, g + offset + horizon], its entry year g.
inline DesignOptions cohorts(int horizon, int offset = 0, GrowthType growth = GrowthType::log) {
  DesignOptions design;
  design.growth = growth;
  design.horizon = horizon;
  design.offset = offset;
  return design;
}

// Field by field (the structs' padding is not part of a record); NaN payloads compared too.
inline bool same_records(const sim::CohortFirms& a, const sim::CohortFirms& b) {
  if (a.first_year != b.first_year || a.span != b.span || a.firms.size() != b.firms.size() ||
      a.years.size() != b.years.size())
    return false;
  for (std::size_t i = 0; i < a.firms.size(); ++i) {
    const sim::SimCohortFirm &x = a.firms[i], &y = b.firms[i];
    if (x.entry_year != y.entry_year || x.in_panel != y.in_panel || x.member != y.member ||
        x.nace != y.nace || x.region != y.region)
      return false;
  }
  for (std::size_t k = 0; k < a.years.size(); ++k)
    if (std::memcmp(a.years[k].value, b.years[k].value, sizeof a.years[k].value) != 0 ||
        a.years[k].row != b.years[k].row)
      return false;
  return true;
}

// Dataset `dataset` of a `klynge power --entry-years 2011:2015 --horizon 3` study, as
// power::dataset_spec makes it: members enter in 2011..2015, no births or exits, the panel
// spans the entry years and every cohort's window. `premium`: one per simulated metric.
inline sim::SimSpec power_cohort_dataset(std::uint32_t firms, std::vector<double> premium,
                                         std::uint32_t dataset, int offset = 0) {
  power::PowerSpec spec;
  spec.entry_first = 2011;
  spec.entry_last = 2015;
  spec.offset = offset;
  return power::dataset_spec(spec, power::PremiumPoint{std::move(premium), ""}, firms, dataset);
}

}  // namespace klynge::test
