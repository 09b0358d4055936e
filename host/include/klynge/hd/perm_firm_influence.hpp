// The cohort aggregate of welch_t on the permutation fast path: the weighted mean difference
// over cohorts, studentized by the firms' influence, the standard error describe reports
// (host/src/stats/describe.cpp): SE^2 = sum over firms f of F_f^2, where F_f sums firm f's
// influence over every cell it is in. A control firm is in several cohort cells, so F_f
// carries the covariance that shared controls give the cohort statistics. Studentizing by it
// is what keeps the aggregate's test at its level: the relabelings draw each cell on its own
// and lose that covariance, the observed aggregate has it (docs/permutation.md).
//
// The fast path draws only the members of each block, so it never visits most firms. With
// a = w (y - center) and b = w per position (the records), the influence of firm f's position
// in cell c with label l is sigma_{c,l} (a - delta_{c,l} b), where sigma = +-omega_c
// sqrt(u/(u-1)) / W and delta = mean - center of that group. If every position were a
// control, sum_f F_f^2 would be a quadratic form in the cells' sigma and delta whose
// coefficients (pair_sums: sums over firms of a_c a_c', a_c b_c', b_c b_c') are fixed by the
// data, O(cells^2) per replicate. The firms with a drawn position then replace their
// all-control F_f^2 by their actual one: O(drawn positions x cells per firm), over records
// kept firm by firm (firm_rec) so that a firm's walk is one contiguous read.
#pragma once

#include <cmath>
#include <cstdint>

#include "klynge/hd/group_stats.hpp"
#include "klynge/hd/macros.hpp"
#include "klynge/hd/perm_sums.hpp"
#include "klynge/hd/perm_view.hpp"

namespace klynge::hd {

// Whether block position p is drawn (a member) in this replicate.
KLYNGE_HD bool position_marked(const PermScratch& sc, std::uint32_t p) {
  return ((sc.marks[p >> 6] >> (p & 63u)) & 1u) != 0;
}

// Per metric, sc.cell_terms holds 4 terms per cell, then the aggregate's mean difference, the
// all-control sum and the drawn firms' correction.
KLYNGE_HD std::uint32_t firm_terms_per_metric(const PermView& v) {
  return 4 * v.cells + 3;
}

KLYNGE_HD double* firm_terms(const PermView& v, const PermScratch& sc, std::uint32_t metric) {
  return sc.cell_terms + static_cast<std::size_t>(metric) * firm_terms_per_metric(v);
}

// One (metric, cell)'s terms from its member and control sums (centered as the records): per
// group sqrt(u/(u-1)) / W and the mean's offset from the center.
KLYNGE_HD void set_cell_terms(const PermView& v, const PermScratch& sc, std::uint32_t metric,
                              std::uint32_t cell, const PermSums& member, const PermSums& control) {
  double* t = firm_terms(v, sc, metric) + 4 * cell;
  const PermSums* groups[2] = {&member, &control};
  for (int g = 0; g < 2; ++g) {
    const PermSums& s = *groups[g];
    const bool ok = s.u >= 2.0 && s.w > 0.0;
    t[2 * g] = ok ? std::sqrt(s.u / (s.u - 1.0)) / s.w : 0.0;
    t[2 * g + 1] = ok ? s.s1 / s.w : 0.0;
  }
}

// Once the cells of `metric` are in scratch (cell_diff, cell_se2, cell_units and the terms):
// the aggregate's mean difference, the terms scaled by the cells' weights omega (0 for a cell
// outside the aggregate) and the sum of squares if every position were a control.
KLYNGE_HD void firm_aggregate_base(const PermView& v, const PermScratch& sc, std::uint32_t metric) {
  const std::uint32_t C = v.cells;
  double* t = firm_terms(v, sc, metric);
  double total = 0.0, sum = 0.0;
  for (std::uint32_t c = 0; c < C; ++c) {
    const double diff = sc.cell_diff[c], se2 = sc.cell_se2[c];
    if (!(diff - diff == 0.0) || !(se2 - se2 == 0.0)) {
      for (int k = 0; k < 4; ++k) t[4 * c + k] = 0.0;  // not in the aggregate
      continue;
    }
    total += sc.cell_units[c];
    sum += sc.cell_units[c] * diff;
  }
  double* extra = t + 4 * C;
  extra[0] = total > 0.0 ? sum / total : nan_value();
  extra[1] = extra[2] = 0.0;
  if (!(total > 0.0)) return;
  for (std::uint32_t c = 0; c < C; ++c) {
    const double omega = sc.cell_units[c] / total;
    t[4 * c] *= omega;       // members: + omega sqrt(u/(u-1)) / W
    t[4 * c + 2] *= -omega;  // controls: - omega sqrt(u/(u-1)) / W
  }
  const std::size_t cc = static_cast<std::size_t>(C) * C;
  const double* P = v.pair_sums + static_cast<std::size_t>(metric) * 3 * cc;
  const double* R = P + cc;
  const double* B = R + cc;
  double base = 0.0;
  for (std::uint32_t c = 0; c < C; ++c) {
    const double s = t[4 * c + 2], d = t[4 * c + 3];
    if (s == 0.0) continue;
    for (std::uint32_t e = 0; e < C; ++e) {
      const double s2 = t[4 * e + 2], d2 = t[4 * e + 3];
      if (s2 == 0.0) continue;
      const std::size_t ce = static_cast<std::size_t>(c) * C + e;
      const std::size_t ec = static_cast<std::size_t>(e) * C + c;
      base += s * s2 * (P[ce] - d2 * R[ce] - d * R[ec] + d * d2 * B[ce]);
    }
  }
  extra[1] = base;
}

// Prefetches (CPU only) what firm_aggregate_corrections reads for the drawn position j, in two
// stages: the position's slot range first, then the firm's slots. The walks are chains of
// dependent cache misses on large panels; fetching a few draws ahead overlaps them.
KLYNGE_HD void prefetch_slot_range(const PermView& v, std::uint32_t j) {
#if !defined(__CUDA_ARCH__)
  __builtin_prefetch(v.position_slots + 2 * static_cast<std::size_t>(j));
#else
  (void)v, (void)j;
#endif
}

KLYNGE_HD void prefetch_slots(const PermView& v, std::uint32_t j) {
#if !defined(__CUDA_ARCH__)
  const std::uint32_t x0 = v.position_slots[2 * static_cast<std::size_t>(j)];
  const std::uint32_t x1 = v.position_slots[2 * static_cast<std::size_t>(j) + 1];
  __builtin_prefetch(v.firm_positions + x0);
  __builtin_prefetch(v.firm_cell + x0);
  const char* rec =
      reinterpret_cast<const char*>(v.firm_rec + static_cast<std::size_t>(x0) * v.metrics * 2);
  const std::size_t bytes = static_cast<std::size_t>(x1 - x0) * v.metrics * 2 * sizeof(double);
  for (std::size_t at = 0; at < bytes && at < 16 * 64; at += 64) __builtin_prefetch(rec + at);
#else
  (void)v, (void)j;
#endif
}

// The firms with a drawn position (sc.marks, listed in sc.chosen), each once at its first
// drawn position: their actual F_f^2 replaces the all-control one, every metric in one walk
// over the firm's contiguous slots.
KLYNGE_HD void firm_aggregate_corrections(const PermView& v, const PermScratch& sc) {
  constexpr std::uint64_t kAhead = 16;
  const std::uint32_t M = v.metrics;
  const std::uint64_t n = v.total_draws;
  for (std::uint64_t t = 0; t < n && t < kAhead; ++t) prefetch_slot_range(v, sc.chosen[t]);
  for (std::uint64_t t = 0; t < n && t < kAhead / 2; ++t) prefetch_slots(v, sc.chosen[t]);
  for (std::uint64_t t = 0; t < n; ++t) {
    if (t + kAhead < n) prefetch_slot_range(v, sc.chosen[t + kAhead]);
    if (t + kAhead / 2 < n) prefetch_slots(v, sc.chosen[t + kAhead / 2]);
    const std::uint32_t j = sc.chosen[t];
    const std::uint32_t x0 = v.position_slots[2 * static_cast<std::size_t>(j)];
    const std::uint32_t x1 = v.position_slots[2 * static_cast<std::size_t>(j) + 1];
    // The firm's drawn slots as bits (a firm is in at most one slot per cell; firms in more
    // than 64 cells read the marks again), and whether j is its first drawn position.
    std::uint64_t drawn = 0;
    std::uint32_t first = j;
    for (std::uint32_t x = x1; x-- > x0;)
      if (position_marked(sc, v.firm_positions[x])) {
        first = v.firm_positions[x];
        if (x - x0 < 64) drawn |= std::uint64_t{1} << (x - x0);
      }
    if (first != j) continue;
    for (std::uint32_t m = 0; m < M; ++m) {
      double* terms = firm_terms(v, sc, m);
      double all_control = 0.0, actual = 0.0;
      for (std::uint32_t x = x0; x < x1; ++x) {
        const double* term = terms + 4 * v.firm_cell[x];
        const double* r = v.firm_rec + (static_cast<std::size_t>(x) * M + m) * 2;
        const double as_control = term[2] * (r[0] - term[3] * r[1]);
        all_control += as_control;
        const bool member = x - x0 < 64 ? ((drawn >> (x - x0)) & 1u) != 0
                                        : position_marked(sc, v.firm_positions[x]);
        actual += member ? term[0] * (r[0] - term[1] * r[1]) : as_control;
      }
      terms[4 * v.cells + 2] += actual * actual - all_control * all_control;
    }
  }
}

// The aggregate of `metric` once the corrections are in.
KLYNGE_HD double firm_aggregate_value(const PermView& v, const PermScratch& sc,
                                      std::uint32_t metric) {
  const double* extra = firm_terms(v, sc, metric) + 4 * v.cells;
  const double se2 = extra[1] + extra[2];
  return se2 > 0.0 ? extra[0] / std::sqrt(se2) : nan_value();
}

}  // namespace klynge::hd
