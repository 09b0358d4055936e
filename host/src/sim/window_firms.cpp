// The CPU backend of the simulated window records, and the choice between it and the CUDA
// twin: the records are the only part that differs; the Sample is laid out on the host alike.
#include <omp.h>

#include <algorithm>
#include <cstdint>

#include "klynge/build_sample.hpp"
#include "klynge/engine/cuda_sim_window.hpp"
#include "klynge/error.hpp"
#include "klynge/sim_window.hpp"

namespace klynge::sim {

SimWindow window_of(const DesignOptions& design) {
  return SimWindow{static_cast<std::int32_t>(design.from.value()),
                   static_cast<std::int32_t>(design.to.value())};
}

std::vector<SimWindowFirm> window_firms(const hd::sim::SimParams& params, const SimWindow& window,
                                        int threads) {
  std::vector<SimWindowFirm> firms(params.firms);
  const auto n = static_cast<std::int64_t>(params.firms);
  const int team = threads > 0 ? threads : std::max(1, omp_get_max_threads());
  // A firm's record is a pure function of (params, firm): any schedule gives the same records.
#pragma omp parallel for schedule(static) num_threads(team)
  for (std::int64_t i = 0; i < n; ++i)
    firms[static_cast<std::size_t>(i)] =
        hd::sim::sim_window_firm(params, window, static_cast<std::uint32_t>(i));
  return firms;
}

Sample simulated_window_sample(const SimSpec& spec, const DesignOptions& design,
                               const BackendChoice& backend,
                               const std::vector<std::string>& strata) {
  validate_design_options(design);
  check_stratum_names(strata);
  const hd::sim::SimParams params = make_params(spec);
  if (is_cohort_design(design))
    throw Error(ExitCode::internal, "simulated window sample: the design has no --from/--to");
  const SimWindow window = window_of(design);
  const std::vector<SimWindowFirm> firms = backend.backend == Backend::cuda
                                               ? cuda::sim_window_firms(params, window, backend)
                                               : window_firms(params, window, spec.threads);
  return window_sample(firms, design, spec.threads, strata);
}

}  // namespace klynge::sim
