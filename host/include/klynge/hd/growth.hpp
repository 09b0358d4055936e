// Growth of one firm over a window [t0, t1] (DESIGN.md §1, docs/estimands.md), shared by the
// design stage, the simulator and any device code. Header-only: no allocation, no exceptions,
// no std containers; compiles under nvcc with KLYNGE_HD = __host__ __device__.
#pragma once

#include <cmath>
#include <cstdint>

#include "klynge/hd/macros.hpp"

namespace klynge::hd {

// Mirrors klynge::GrowthType value for value (checked by a static_assert in growth_type.cpp),
// so host code converts with a static_cast and this header needs no host-only include.
enum class GrowthKind : std::uint8_t { log = 0, cagr = 1, pct = 2, dhs = 3, level = 4 };

// Why a growth value could not be computed. Every code but `ok` maps one to one onto the
// DropReason of the same name (klynge/sample.hpp); see to_drop_reason in design code.
enum class GrowthStatus : std::uint8_t {
  ok = 0,
  missing_start,      // x0 is NaN (no row, or the metric is empty there)
  missing_end,        // x1 is NaN
  nonpositive_start,  // x0 <= 0 where the type needs x0 > 0
  nonpositive_end,    // x1 <= 0 (log) or x1 < 0 (cagr, dhs)
  zero_both,          // dhs with x0 + x1 == 0
};

struct GrowthResult {
  double value;  // NaN unless status == ok
  GrowthStatus status;
};

KLYNGE_HD GrowthResult growth_failed(GrowthStatus status) {
  return GrowthResult{static_cast<double>(NAN), status};
}

// Growth of x0 -> x1 over h years. Checks run in a fixed order (start before end, presence
// before sign), so a contribution failing several requirements reports the first one:
//   log   ln(x1/x0)/h          x0 > 0, x1 > 0
//   cagr  (x1/x0)^(1/h) - 1    x0 > 0, x1 >= 0
//   pct   x1/x0 - 1            x0 > 0 (x1 present)
//   dhs   2(x1-x0)/(x1+x0)/h   x0 >= 0, x1 >= 0, x0 + x1 > 0
//   level x1                   x1 present (x0 and h are not used; h may be 0)
// For the rate types the caller guarantees h >= 1 (design options are validated on the host).
KLYNGE_HD GrowthResult growth(GrowthKind kind, double x0, double x1, double h) {
  if (kind == GrowthKind::level) {
    if (x1 != x1) return growth_failed(GrowthStatus::missing_end);
    return GrowthResult{x1, GrowthStatus::ok};
  }
  if (x0 != x0) return growth_failed(GrowthStatus::missing_start);
  if (x1 != x1) return growth_failed(GrowthStatus::missing_end);
  switch (kind) {
    case GrowthKind::log:
      if (!(x0 > 0.0)) return growth_failed(GrowthStatus::nonpositive_start);
      if (!(x1 > 0.0)) return growth_failed(GrowthStatus::nonpositive_end);
      return GrowthResult{std::log(x1 / x0) / h, GrowthStatus::ok};
    case GrowthKind::cagr:
      if (!(x0 > 0.0)) return growth_failed(GrowthStatus::nonpositive_start);
      if (!(x1 >= 0.0)) return growth_failed(GrowthStatus::nonpositive_end);
      return GrowthResult{std::pow(x1 / x0, 1.0 / h) - 1.0, GrowthStatus::ok};
    case GrowthKind::pct:
      if (!(x0 > 0.0)) return growth_failed(GrowthStatus::nonpositive_start);
      return GrowthResult{x1 / x0 - 1.0, GrowthStatus::ok};
    case GrowthKind::dhs:
      if (!(x0 >= 0.0)) return growth_failed(GrowthStatus::nonpositive_start);
      if (!(x1 >= 0.0)) return growth_failed(GrowthStatus::nonpositive_end);
      if (!(x0 + x1 > 0.0)) return growth_failed(GrowthStatus::zero_both);
      return GrowthResult{2.0 * (x1 - x0) / (x1 + x0) / h, GrowthStatus::ok};
    default:
      return growth_failed(GrowthStatus::missing_start);  // unreachable for valid kinds
  }
}

}  // namespace klynge::hd
