// The number of metrics as a compile-time constant: the dense and permutation kernels keep the
// sums of up to four metrics in registers (template parameter kM = 1..4) and fall back to
// run-time loops over scratch for more (kM = 0). with_metric_count picks the variant once, so
// each caller writes one call instead of a five-way switch.
#pragma once

#include <cstdint>

#include "klynge/hd/macros.hpp"

namespace klynge::hd {

template <std::uint32_t kM>
struct MetricCount {
  static constexpr std::uint32_t value = kM;
};

// Calls f(MetricCount<kM>{}) with kM = metrics for 1..4, else kM = 0.
template <typename F>
KLYNGE_HD KLYNGE_ALWAYS_INLINE void with_metric_count(std::uint32_t metrics, F&& f) {
  switch (metrics) {
    case 1:
      f(MetricCount<1>{});
      break;
    case 2:
      f(MetricCount<2>{});
      break;
    case 3:
      f(MetricCount<3>{});
      break;
    case 4:
      f(MetricCount<4>{});
      break;
    default:
      f(MetricCount<0>{});
      break;
  }
}

}  // namespace klynge::hd
