// The cohort-design Sample of a simulated panel, made without the panel (docs/power.md
// "Cohort design on simulated panels"): every firm's attributes and years (hd/sim_cohort.hpp)
// are computed on the host or on the device, then laid out on the host exactly as build_sample
// lays out the cohort design of that panel read with its entry years. So
// simulated_cohort_sample(spec, design, backend, strata) equals
// build_sample(to_panel(simulate_panel(spec), strata, true), design) bit for bit on every array
// (tested), on any backend, without the rows, the firm-id strings and the row index.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "klynge/backend.hpp"
#include "klynge/design.hpp"
#include "klynge/hd/sim_cohort.hpp"
#include "klynge/sample.hpp"
#include "klynge/simulate.hpp"

namespace klynge::sim {

using hd::sim::SimCohortFirm;
using hd::sim::SimFirmYear;

// Every firm of one dataset: firm i's attributes at firms[i] and its year first_year + k at
// years[i * span + k].
struct CohortFirms {
  std::int32_t first_year = 0;
  std::uint32_t span = 0;  // the panel's years (last_year - first_year + 1)
  std::vector<SimCohortFirm> firms;
  std::vector<SimFirmYear> years;

  // Firm i's cell for `year`, or nullptr when the year is outside the panel (no row).
  const SimFirmYear* year_of(std::size_t i, std::int64_t year) const;
};

// The records of the dataset of `params`: an OpenMP loop over firms running sim_cohort_firm
// (threads: 0 = all available). The CPU twin of cuda::sim_cohort_firms.
CohortFirms cohort_firms(const hd::sim::SimParams& params, int threads);

// The cohort design's Sample of those records, laid out as build_sample lays out the panel
// read with its entry years: the firms with a row are the panel's firms (ids kFirstFirmId +
// index); one cell per entry year some member has (and per design.extra_cohorts year), ascending,
// each with its members, then the never-members with a row in its window, in firm order;
// growth, drops, strata (read at each window's start year, check_stratum_names) and balance as
// build_sample's. Usage errors as build_sample's; Error(internal) for a window design.
Sample cohort_sample(const CohortFirms& records, const DesignOptions& design, int threads,
                     const std::vector<std::string>& strata = {});

// The whole path: the records on `backend` (cpu: cohort_firms with spec.threads; cuda:
// cuda::sim_cohort_firms on backend.gpu), laid out by cohort_sample. Validates the spec
// (make_params) and the design first.
Sample simulated_cohort_sample(const SimSpec& spec, const DesignOptions& design,
                               const BackendChoice& backend,
                               const std::vector<std::string>& strata = {});

}  // namespace klynge::sim
