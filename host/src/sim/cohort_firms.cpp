// The CPU backend of the simulated cohort records, and the choice between it and the CUDA
// twin: the records are the only part that differs; the Sample is laid out on the host alike.
#include <omp.h>

#include <algorithm>
#include <cstdint>

#include "klynge/build_sample.hpp"
#include "klynge/engine/cuda_sim_cohort.hpp"
#include "klynge/error.hpp"
#include "klynge/sim_cohort.hpp"
#include "klynge/sim_window.hpp"

namespace klynge::sim {

CohortFirms cohort_firms(const hd::sim::SimParams& params, int threads) {
  CohortFirms out;
  out.first_year = params.first_year;
  out.span = hd::sim::sim_years(params);
  out.firms.resize(params.firms);
  out.years.resize(static_cast<std::size_t>(params.firms) * out.span);
  const auto n = static_cast<std::int64_t>(params.firms);
  const int team = threads > 0 ? threads : std::max(1, omp_get_max_threads());
  // A firm's record is a pure function of (params, firm): any schedule gives the same records.
#pragma omp parallel for schedule(static) num_threads(team)
  for (std::int64_t i = 0; i < n; ++i) {
    const auto f = static_cast<std::size_t>(i);
    out.firms[f] = hd::sim::sim_cohort_firm(params, static_cast<std::uint32_t>(i),
                                            out.years.data() + f * out.span);
  }
  return out;
}

Sample simulated_cohort_sample(const SimSpec& spec, const DesignOptions& design,
                               const BackendChoice& backend,
                               const std::vector<std::string>& strata) {
  validate_design_options(design);
  check_stratum_names(strata);
  const hd::sim::SimParams params = make_params(spec);
  if (!is_cohort_design(design))
    throw Error(ExitCode::internal, "simulated cohort sample: the design has --from/--to");
  CohortFirms records;
  if (backend.backend == Backend::cuda) {
    records.first_year = params.first_year;
    records.span = hd::sim::sim_years(params);
    cuda::sim_cohort_firms(params, backend, records.firms, records.years);
  } else {
    records = cohort_firms(params, spec.threads);
  }
  return cohort_sample(records, design, spec.threads, strata);
}

}  // namespace klynge::sim
