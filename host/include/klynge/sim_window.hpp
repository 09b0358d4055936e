// The window-design Sample of a simulated panel, made without the panel (docs/power.md
// "Design"): every firm's record (hd/sim_window.hpp) is computed on the host or on the device,
// then laid out on the host exactly as build_sample lays out the window design of that panel.
// So simulated_window_sample(spec, design, backend, strata) equals
// build_sample(to_panel(simulate_panel(spec), strata), design) bit for bit on every array (tested),
// on any backend, in a fraction of the time and memory: no rows are stored.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "klynge/backend.hpp"
#include "klynge/design.hpp"
#include "klynge/hd/sim_window.hpp"
#include "klynge/panel.hpp"
#include "klynge/sample.hpp"
#include "klynge/simulate.hpp"

namespace klynge::sim {

using hd::sim::SimWindow;
using hd::sim::SimWindowFirm;

// The window of a window design (from, to set; the caller validated the options).
SimWindow window_of(const DesignOptions& design);

// Record of every firm of the dataset of `params` (firm i at [i]): an OpenMP loop over firms
// running sim_window_firm (threads: 0 = all available). The CPU twin of
// cuda::sim_window_firms (klynge/engine/cuda_sim_window.hpp).
std::vector<SimWindowFirm> window_firms(const hd::sim::SimParams& params, const SimWindow& window,
                                        int threads);

// A simulated panel's stratum columns, as `--strata` names them: "nace", "region" and
// "size_class" (simulate's employees class), each at most once, in any order (the order of the
// cells' labels). Throws Error(usage) otherwise.
void check_stratum_names(const std::vector<std::string>& strata);

// The value stratum column `name` (one of those) has at a row of a firm in industry `nace` and
// region `region` with `employees` that year: the text simulate writes, "" (an empty cell, NA)
// for size_class where employees are missing. Shared by the records' Sample and to_panel.
std::string_view stratum_value(std::string_view name, std::uint32_t nace, std::uint32_t region,
                               double employees);

// The window design's Sample of those records (made for window_of(design)), laid out as
// build_sample lays out the panel: the firms with a row are the panel's firms (ids
// kFirstFirmId + index, in index order); one cell of the members observed in [from, to], then
// the non-members, each in firm order; growth per metric taken on the host with build_sample's
// rules (window_growth), a failed one NaN with weight 0 and counted as a drop. `strata` names
// the panel's stratum columns (check_stratum_names), as `analyze --strata` would read them at
// the start year; with design.balance the controls are balanced (balance_cell) as build_sample
// balances them. Usage errors as build_sample's for invalid options and --balance without
// strata; Error(internal) for the cohort design, which a simulated window sample does not make.
Sample window_sample(const std::vector<SimWindowFirm>& firms, const DesignOptions& design,
                     int threads, const std::vector<std::string>& strata = {});

// The whole path: the records on `backend` (cpu: window_firms with spec.threads; cuda:
// cuda::sim_window_firms on backend.gpu), laid out by window_sample. Validates the spec
// (make_params) and the design first.
Sample simulated_window_sample(const SimSpec& spec, const DesignOptions& design,
                               const BackendChoice& backend,
                               const std::vector<std::string>& strata = {});

// The Panel the reader makes of the simulate CSV (the metrics, membership and the stratum
// columns named in `strata`; the columns the window design does not read are left out): the
// reference the record path is checked against. `entry_years`: the members' entry-year column
// too (the cohort design's; kMissingYear for non-members, as the reader leaves an empty cell).
Panel to_panel(const SimPanel& panel, const std::vector<std::string>& strata = {},
               bool entry_years = false);

}  // namespace klynge::sim
