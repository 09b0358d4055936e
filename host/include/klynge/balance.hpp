// --balance (docs/estimands.md "Balancing"): within one cell and metric, controls reweighted to
// the members' distribution over stratum cells. Used by build_sample on a panel and by
// `klynge power --pool --balance` on a dataset drawn in memory, so both weigh alike.
#pragma once

#include <cstddef>
#include <cstdint>

#include "klynge/sample.hpp"

namespace klynge {

// Reweights the controls of `sample.cells[cell]` for `metric` over the strata
// `sample.stratum_labels`: members in a stratum without controls are dropped (growth NaN,
// weight 0, listed in `sample.unmatched`); a control in a stratum without members gets weight 0
// (valid growth, not a drop); the other controls get w * (W_M,s / W_M) / (W_C,s / W_C). Every
// contribution of the cell needs a stratum (>= 0). `sample.unbalanced_weight[metric]` and
// `sample.unbalanced_growth[metric]` get the cell's weights and growth values before balancing
// (the permutation test rebalances every relabeling from them). Returns the number of members
// dropped, for the caller's drop counts (reason unmatched_stratum, group member).
std::uint64_t balance_cell(Sample& sample, std::size_t metric, std::size_t cell);

}  // namespace klynge
