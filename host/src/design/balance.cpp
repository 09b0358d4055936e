// --balance weights of one cell and metric (docs/estimands.md "Balancing").
#include "klynge/balance.hpp"

#include <limits>
#include <vector>

namespace klynge {

std::uint64_t balance_cell(Sample& sample, std::size_t metric, std::size_t cell_index) {
  const Cell& cell = sample.cells[cell_index];
  const std::size_t strata_count = sample.stratum_labels.size();
  auto& weight = sample.weight[metric];
  auto& growth = sample.growth[metric];
  if (sample.unbalanced_weight.size() != sample.weight.size())
    sample.unbalanced_weight.resize(sample.weight.size());
  if (sample.unbalanced_growth.size() != sample.growth.size())
    sample.unbalanced_growth.resize(sample.growth.size());
  auto& unbalanced = sample.unbalanced_weight[metric];
  auto& unbalanced_growth = sample.unbalanced_growth[metric];
  unbalanced.resize(weight.size(), 0.0);
  unbalanced_growth.resize(growth.size(), std::numeric_limits<double>::quiet_NaN());
  for (std::uint32_t i = cell.member_begin; i < cell.control_end; ++i) {
    unbalanced[i] = weight[i];
    unbalanced_growth[i] = growth[i];
  }
  std::vector<double> member_w(strata_count, 0.0), control_w(strata_count, 0.0);
  for (std::uint32_t i = cell.member_begin; i < cell.member_end; ++i) {
    if (weight[i] > 0.0) member_w[static_cast<std::size_t>(sample.stratum[i])] += weight[i];
  }
  for (std::uint32_t i = cell.member_end; i < cell.control_end; ++i) {
    if (weight[i] > 0.0) control_w[static_cast<std::size_t>(sample.stratum[i])] += weight[i];
  }
  std::vector<std::uint64_t> unmatched(strata_count, 0);
  std::uint64_t dropped = 0;
  for (std::uint32_t i = cell.member_begin; i < cell.member_end; ++i) {
    const auto s = static_cast<std::size_t>(sample.stratum[i]);
    if (weight[i] > 0.0 && !(control_w[s] > 0.0)) {
      weight[i] = 0.0;
      growth[i] = std::numeric_limits<double>::quiet_NaN();
      ++unmatched[s];
      ++dropped;
    }
  }
  double members_total = 0.0, controls_total = 0.0;  // over matched stratum cells
  for (std::size_t s = 0; s < strata_count; ++s) {
    if (member_w[s] > 0.0 && control_w[s] > 0.0) {
      members_total += member_w[s];
      controls_total += control_w[s];
    }
  }
  for (std::uint32_t i = cell.member_end; i < cell.control_end; ++i) {
    if (!(weight[i] > 0.0)) continue;
    const auto s = static_cast<std::size_t>(sample.stratum[i]);
    if (member_w[s] > 0.0) {
      weight[i] *= (member_w[s] / members_total) / (control_w[s] / controls_total);
    } else {
      weight[i] = 0.0;  // a stratum cell without members: valid growth, no weight
    }
  }
  for (std::size_t s = 0; s < strata_count; ++s) {
    if (unmatched[s] == 0) continue;
    sample.unmatched.push_back(UnmatchedStratum{sample.metric_names[metric], cell.cohort,
                                                sample.stratum_labels[s], unmatched[s]});
  }
  return dropped;
}

}  // namespace klynge
