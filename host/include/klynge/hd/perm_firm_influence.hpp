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
// all-control F_f^2 by their actual one: O(drawn positions x cells per firm), over slots kept
// firm by firm (firm_slots: cell and records together) so that a firm's walk is one contiguous
// read, and drawn positions marked by their slot so that which of a firm's slots are drawn is
// one or two words of the marks.
#pragma once

#include <cmath>
#include <cstdint>

#include "klynge/hd/group_stats.hpp"
#include "klynge/hd/macros.hpp"
#include "klynge/hd/metric_count.hpp"
#include "klynge/hd/perm_sums.hpp"
#include "klynge/hd/perm_view.hpp"

namespace klynge::hd {

// A firm is in at most one slot per cell; the fast path keeps a slot's offset and its firm's
// slot count in 16 bits each (PermView::position_slots), so it needs fewer cells than this.
constexpr std::uint32_t kFirmSlotsMax = 0xFFFF;

// The slots of block position j's firm: [first, first + count), j's own among them.
struct FirmSlotRange {
  std::uint32_t first, count, own;
};

KLYNGE_HD FirmSlotRange firm_slot_range(const PermView& v, std::uint32_t j) {
  const std::uint32_t first = v.position_slots[2 * static_cast<std::size_t>(j)];
  const std::uint32_t info = v.position_slots[2 * static_cast<std::size_t>(j) + 1];
  return {first, info >> 16, first + (info & 0xFFFFu)};
}

KLYNGE_HD std::uint32_t firm_slot_stride(bool unit_weights, std::uint32_t metrics) {
  return 1 + (unit_weights ? 1 : 2) * metrics;
}

KLYNGE_HD std::uint32_t firm_slot_stride(const PermView& v) {
  return firm_slot_stride(v.unit_weight_slots, v.metrics);
}

// Slot record (a, b) of metric m. With unit weights (every w 0 or 1, the unweighted analysis)
// a slot keeps a alone, NaN where w = 0: the walks read half the bytes, and
// a and b are exactly those of the full record.
KLYNGE_HD void slot_record(bool unit_weights, const double* slot, std::uint32_t m, double& a,
                           double& b) {
  if (unit_weights) {
    const double x = slot[1 + m];
    const bool valid = x == x;
    a = valid ? x : 0.0;
    b = valid ? 1.0 : 0.0;
  } else {
    a = slot[1 + 2 * m];
    b = slot[2 + 2 * m];
  }
}

// Whether firm slot x is drawn (a member) in this replicate.
KLYNGE_HD bool slot_marked(const PermScratch& sc, std::uint32_t x) {
  return ((sc.marks[x >> 6] >> (x & 63u)) & 1u) != 0;
}

// Marks bits [x, x + n) as the low bits of a word, n <= 64 (the marks end with a spare word).
KLYNGE_HD std::uint64_t marked_window(const PermScratch& sc, std::uint32_t x, std::uint32_t n) {
  const std::uint32_t word = x >> 6, shift = x & 63u;
  std::uint64_t bits = sc.marks[word] >> shift;
  if (shift != 0) bits |= sc.marks[word + 1] << (64 - shift);
  return n >= 64 ? bits : bits & ((std::uint64_t{1} << n) - 1);
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
  const FirmSlotRange r = firm_slot_range(v, j);
  const std::size_t stride = firm_slot_stride(v);
  const char* at = reinterpret_cast<const char*>(v.firm_slots + r.first * stride);
  const std::size_t bytes = r.count * stride * sizeof(double);
  for (std::size_t b = 0; b < bytes && b < 16 * 64; b += 64) __builtin_prefetch(at + b);
  __builtin_prefetch(at + bytes - 1);
#else
  (void)v, (void)j;
#endif
}

// One drawn firm: per metric, its influence F_f if every slot were a control and as drawn, and
// the difference of their squares added to the metric's correction. Every metric sums the
// slots in slot order, so all kM give the same values; kM = 1..4 keeps the metrics' sums in
// registers and walks the slots once with the metrics interleaved (the sums are chains of
// dependent additions: interleaved, they overlap), kM = 0 walks them once per metric.
template <std::uint32_t kM>
KLYNGE_HD void walk_drawn_firm(const PermView& v, const PermScratch& sc, const FirmSlotRange& r,
                               bool window, std::uint64_t drawn) {
  const std::uint32_t stride = firm_slot_stride(v);
  const std::uint32_t per_metric = firm_terms_per_metric(v);
  const bool unit = v.unit_weight_slots;
  const double* slots = v.firm_slots + static_cast<std::size_t>(r.first) * stride;
  const auto is_member = [&](std::uint32_t i) {
    return window ? ((drawn >> i) & 1u) != 0 : slot_marked(sc, r.first + i);
  };
  if constexpr (kM == 0) {
    for (std::uint32_t m = 0; m < v.metrics; ++m) {
      double* terms = firm_terms(v, sc, m);
      double all_control = 0.0, actual = 0.0;
      for (std::uint32_t i = 0; i < r.count; ++i) {
        const double* slot = slots + static_cast<std::size_t>(i) * stride;
        const double* term = terms + 4 * static_cast<std::uint32_t>(slot[0]);
        double a, b;
        slot_record(unit, slot, m, a, b);
        const double as_control = term[2] * (a - term[3] * b);
        all_control += as_control;
        actual += is_member(i) ? term[0] * (a - term[1] * b) : as_control;
      }
      terms[4 * v.cells + 2] += actual * actual - all_control * all_control;
    }
  } else {
    double all_control[kM], actual[kM];
    for (std::uint32_t m = 0; m < kM; ++m) all_control[m] = actual[m] = 0.0;
    for (std::uint32_t i = 0; i < r.count; ++i) {
      const double* slot = slots + static_cast<std::size_t>(i) * stride;
      const double* cell_term = sc.cell_terms + 4 * static_cast<std::uint32_t>(slot[0]);
      const bool member = is_member(i);
      for (std::uint32_t m = 0; m < kM; ++m) {
        const double* term = cell_term + static_cast<std::size_t>(m) * per_metric;
        double a, b;
        slot_record(unit, slot, m, a, b);
        const double as_control = term[2] * (a - term[3] * b);
        all_control[m] += as_control;
        actual[m] += member ? term[0] * (a - term[1] * b) : as_control;
      }
    }
    for (std::uint32_t m = 0; m < kM; ++m)
      firm_terms(v, sc, m)[4 * v.cells + 2] +=
          actual[m] * actual[m] - all_control[m] * all_control[m];
  }
}

// The firms with a drawn position (sc.marks by slot, positions listed in sc.chosen), each once
// at its first drawn slot: their actual F_f^2 replaces the all-control one.
template <std::uint32_t kM>
KLYNGE_HD void walk_drawn_firms(const PermView& v, const PermScratch& sc) {
  constexpr std::uint64_t kAhead = 16;
  const std::uint64_t n = v.total_draws;
  for (std::uint64_t t = 0; t < n && t < kAhead; ++t) prefetch_slot_range(v, sc.chosen[t]);
  for (std::uint64_t t = 0; t < n && t < kAhead / 2; ++t) prefetch_slots(v, sc.chosen[t]);
  for (std::uint64_t t = 0; t < n; ++t) {
    if (t + kAhead < n) prefetch_slot_range(v, sc.chosen[t + kAhead]);
    if (t + kAhead / 2 < n) prefetch_slots(v, sc.chosen[t + kAhead / 2]);
    const FirmSlotRange r = firm_slot_range(v, sc.chosen[t]);
    // The firm's drawn slots as bits (firms in more than 64 cells read the marks slot by
    // slot); the firm is walked at its first drawn slot only.
    const bool window = r.count <= 64;
    const std::uint64_t drawn = window ? marked_window(sc, r.first, r.count) : 0;
    const std::uint32_t before = r.own - r.first;
    bool first = true;
    if (window) {
      first = (drawn & ((std::uint64_t{1} << before) - 1)) == 0;
    } else {
      for (std::uint32_t x = r.first; x < r.own && first; ++x) first = !slot_marked(sc, x);
    }
    if (first) walk_drawn_firm<kM>(v, sc, r, window, drawn);
  }
}

KLYNGE_HD void firm_aggregate_corrections(const PermView& v, const PermScratch& sc) {
  with_metric_count(v.metrics, [&](auto k) { walk_drawn_firms<decltype(k)::value>(v, sc); });
}

// The aggregate of `metric` once the corrections are in.
KLYNGE_HD double firm_aggregate_value(const PermView& v, const PermScratch& sc,
                                      std::uint32_t metric) {
  const double* extra = firm_terms(v, sc, metric) + 4 * v.cells;
  const double se2 = extra[1] + extra[2];
  return se2 > 0.0 ? extra[0] / std::sqrt(se2) : nan_value();
}

}  // namespace klynge::hd
