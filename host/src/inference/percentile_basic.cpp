// Percentile and basic intervals (Efron & Tibshirani 1993 §13.3; Davison & Hinkley 1997
// §5.2-5.3, R boot's perc.ci and basic.ci).
#include "inference_internal.hpp"

namespace klynge::inference {

namespace {
struct TailQuantiles {
  double p_low, p_high, q_low, q_high, se_low, se_high;
};

TailQuantiles tail_quantiles(const std::vector<double>& sorted, double level) {
  TailQuantiles t{};
  t.p_low = (1.0 - level) / 2.0;
  t.p_high = (1.0 + level) / 2.0;
  t.q_low = order_quantile(sorted, t.p_low);
  t.q_high = order_quantile(sorted, t.p_high);
  t.se_low = quantile_mc_se(sorted, t.p_low);
  t.se_high = quantile_mc_se(sorted, t.p_high);
  return t;
}
}  // namespace

Interval percentile_interval(const IntervalRequest& request) {
  Interval out;
  SortedReplicates sorted;
  if (!prepare_replicates(request, out, sorted, false, false)) return out;
  const TailQuantiles t = tail_quantiles(sorted.values, request.level);
  out.low = t.q_low;
  out.high = t.q_high;
  out.mc_se_low = t.se_low;
  out.mc_se_high = t.se_high;
  add_tail_warnings(out, sorted.values, t.p_low, t.q_low, t.p_high, t.q_high, "replicates");
  return out;
}

Interval basic_interval(const IntervalRequest& request) {
  Interval out;
  SortedReplicates sorted;
  if (!prepare_replicates(request, out, sorted, true, false)) return out;
  const TailQuantiles t = tail_quantiles(sorted.values, request.level);
  out.low = 2.0 * request.estimate - t.q_high;
  out.high = 2.0 * request.estimate - t.q_low;
  out.mc_se_low = t.se_high;
  out.mc_se_high = t.se_low;
  add_tail_warnings(out, sorted.values, t.p_low, t.q_low, t.p_high, t.q_high, "replicates");
  return out;
}

}  // namespace klynge::inference
