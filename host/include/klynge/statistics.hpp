// Point statistics of a Sample (DESIGN.md §1 "Statistics"; definitions in docs/estimands.md):
// per-group summaries and the member-minus-control statistics per metric and cell, plus the
// cohort-size-weighted aggregate over cohorts in the cohort design. The per-group arithmetic
// is hd/group_stats.hpp, the same code the bootstrap and permutation kernels run.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "klynge/design.hpp"
#include "klynge/sample.hpp"

namespace klynge {

enum class Statistic { mean_diff, median_diff, trimmed_mean_diff, agg_diff, welch_t };
inline constexpr int kStatisticCount = 5;

std::string_view statistic_name(Statistic statistic);
std::optional<Statistic> parse_statistic(std::string_view name);

// One metric x cell x group. Everything but `dropped` and `n_zero_weight` is over the valid
// contributions: finite growth and positive weight.
struct GroupSummary {
  std::size_t metric = 0;
  std::int32_t cohort = kWindowCohort;  // cell cohort; kUnknownCohort for members without entry
  Group group = Group::member;
  std::uint64_t n = 0;      // valid contributions (firms)
  double weight_sum = 0.0;  // sum of their weights (n when unweighted)
  double mean = 0.0, sd = 0.0, median = 0.0, trimmed_mean = 0.0, agg_growth = 0.0;
  double min = 0.0, max = 0.0;  // NaN for an empty group (sd also for n < 2)
  std::array<std::uint64_t, kDropReasonCount> dropped{};  // by DropReason
  // Contributions with a valid growth that --balance gave weight 0 (controls in a stratum
  // cell without members). Not drops: they stay in the sample and could be drawn.
  std::uint64_t n_zero_weight = 0;
};

struct Estimate {
  std::size_t metric = 0;
  // Cell cohort (kWindowCohort in the window design), or kAllCohorts for the cohort-design
  // aggregate.
  std::int32_t cohort = kWindowCohort;
  Statistic statistic = Statistic::mean_diff;
  double value = 0.0;  // member minus control (Welch t for welch_t); NaN unless status "ok"
  std::uint64_t n_member = 0, n_control = 0;  // valid firms; aggregate: distinct firms used
  // "ok", or why there is no value: "empty_group" (a group has no valid contribution),
  // "too_few_firms" (welch_t: a group has fewer than 2), "zero_variance" (welch_t: SE is 0),
  // "zero_base" (agg_diff: a group's start total is 0), "not_applicable" (agg_diff with
  // level growth), "no_cohort" (aggregate: no cohort has a value).
  std::string status = "ok";
};

struct Description {
  std::vector<GroupSummary> groups;  // metric, then cell (then unknown cohort), then group
  std::vector<Estimate> results;     // metric, then cell (then kAllCohorts), then statistic
};

Description describe_sample(const Sample& sample, const DesignOptions& options);

}  // namespace klynge
