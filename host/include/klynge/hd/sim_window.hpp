// What the window design needs of one simulated firm, computed straight from the simulate
// process (hd/sim_dgp.hpp) without materialising its panel: whether the firm is in the panel
// at all, whether it is a member, whether it has a row inside [from, to], and its metric values
// at `from` and at `to`. Written once for host and device (no allocation, no exceptions, no std
// containers): the CPU runs it in an OpenMP loop over firms, the CUDA backend one thread per
// firm (cuda/sim_window.cu), and the host lays out the Sample from the records
// (klynge/sim_window.hpp), so both give the Sample build_sample makes of the simulated panel.
//
// The growth of a record is window_growth (hd::growth of its endpoints, the same call
// build_sample makes). It is HD like the rest, but the Sample's growth is always taken on the
// host: CUDA's log is within 1 ulp of glibc's, not equal to it, and the Sample must not depend
// on the backend that simulated it.
#pragma once

#include <cstdint>

#include "klynge/hd/growth.hpp"
#include "klynge/hd/macros.hpp"
#include "klynge/hd/sim_dgp.hpp"

namespace klynge::hd::sim {

// The window [from, to] of the design (from <= to; equal only for the `level` growth type).
struct SimWindow {
  std::int32_t from = 0;
  std::int32_t to = 0;
};

// One firm of a simulated dataset as the window design sees its panel rows.
struct SimWindowFirm {
  // Metric values at the window's start and end year (sim_cell_value): NaN when the firm has no
  // row that year or the cell is missing, exactly as build_sample reads x0 and x1 of a panel.
  double start[kMetrics];
  double end[kMetrics];
  std::uint8_t in_panel;  // the firm has a row (it is one of the panel's firms)
  std::uint8_t member;    // membership, a firm attribute: the same on every row
  std::uint8_t observed;  // a row with a year in [from, to]: the firm contributes to the cell
  // The stratum columns build_sample reads at the start year's row: industry and region are
  // firm attributes (the same on every row), so a record needs only whether that row exists.
  std::uint8_t start_row;  // the firm has a row for `from`
  std::uint8_t nace;       // industry index (simulate's table; hd/sim_dgp.hpp kNaceCount)
  std::uint8_t region;     // region index (kRegionCount)
};

static_assert(kNaceCount <= 256 && kRegionCount <= 256, "an index must fit a record's byte");

// Folds a firm's rows into its record as they are visited; stops once `to` is reached.
struct SimWindowVisitor {
  SimWindow window;
  SimWindowFirm* out;
  KLYNGE_HD bool operator()(const SimRow& r) {
    out->in_panel = 1;
    if (r.year >= window.from && r.year <= window.to) out->observed = 1;
    if (r.year == window.from) {
      out->start_row = 1;
      for (int m = 0; m < kMetrics; ++m) out->start[m] = sim_cell_value(r, m);
    }
    if (r.year == window.to)
      for (int m = 0; m < kMetrics; ++m) out->end[m] = sim_cell_value(r, m);
    return r.year < window.to;  // later rows change nothing the window needs
  }
};

// Firm i of the dataset of `p` (the same draws as sim_firm and sim_rows of that firm).
KLYNGE_HD SimWindowFirm sim_window_firm(const SimParams& p, const SimWindow& window,
                                        std::uint32_t i) {
  SimWindowFirm rec;
  for (int m = 0; m < kMetrics; ++m) {
    rec.start[m] = static_cast<double>(NAN);
    rec.end[m] = static_cast<double>(NAN);
  }
  rec.in_panel = 0;
  rec.observed = 0;
  rec.start_row = 0;
  const SimFirm f = sim_firm(p, i);
  rec.member = f.member ? 1 : 0;
  rec.nace = static_cast<std::uint8_t>(f.nace);
  rec.region = static_cast<std::uint8_t>(f.region);
  SimWindowVisitor visitor{window, &rec};
  sim_visit_rows(p, f, visitor);
  return rec;
}

// The growth of metric m of a record over the window (h = to - from years), with build_sample's
// rules and drop reasons (hd::growth: missing before non-positive, start before end).
KLYNGE_HD GrowthResult window_growth(const SimWindowFirm& rec, int m, GrowthKind kind, double h) {
  return growth(kind, rec.start[m], rec.end[m], h);
}

}  // namespace klynge::hd::sim
