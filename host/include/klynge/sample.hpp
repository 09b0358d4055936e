// The Sample: what the design stage hands to statistics and resampling (DESIGN.md §2).
// Plain arrays (structure of arrays) so a backend can copy them to a device as they are.
//
// Contributions are grouped into cells, one per cohort (one cell in the window design).
// Inside a cell, members come first, then controls; within each group, contributions are
// ordered by firm index. A contribution dropped for one metric stays in place with a NaN
// growth and weight 0 for that metric, so every metric shares the same contribution index
// (a resampled firm brings all its metrics together).
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace klynge {

enum class Group : std::uint8_t { member = 0, control = 1 };
std::string_view group_name(Group group);

// Cohort value of the single cell of the window design, and of aggregated results.
inline constexpr std::int32_t kWindowCohort = std::numeric_limits<std::int32_t>::min();
inline constexpr std::int32_t kAllCohorts = std::numeric_limits<std::int32_t>::min() + 1;
// Cohort value for drop counts that cannot be assigned to a cohort (member without entry year).
inline constexpr std::int32_t kUnknownCohort = std::numeric_limits<std::int32_t>::min() + 2;

struct Cell {
  std::int32_t cohort = kWindowCohort;  // entry year g, or kWindowCohort
  std::int32_t from = 0;                // calendar window [from, to] of this cell
  std::int32_t to = 0;
  std::uint32_t member_begin = 0;  // contributions [member_begin, member_end) are members
  std::uint32_t member_end = 0;    // contributions [member_end, control_end) are controls
  std::uint32_t control_end = 0;
};

enum class DropReason : std::uint8_t {
  missing_start,      // no row for the start year, or the metric is missing there
  missing_end,        // no row for the end year, or the metric is missing there
  nonpositive_start,  // x0 <= 0 where the growth type needs x0 > 0
  nonpositive_end,    // x1 <= 0 (log) where the growth type needs x1 > 0
  zero_both,          // dhs with x0 + x1 == 0
  missing_weight,     // --weight given and the firm's weight is missing at the start year
  no_entry_year,      // cohort design: a member firm without an entry year
  unmatched_stratum,  // --balance: the member's stratum cell has no controls in its cohort
};
inline constexpr int kDropReasonCount = 8;
std::string_view drop_reason_name(DropReason reason);

struct DropCount {
  std::string metric;
  std::int32_t cohort = kWindowCohort;
  Group group = Group::member;
  DropReason reason = DropReason::missing_start;
  std::uint64_t count = 0;
};

// --balance: a stratum cell with members but no controls in a cohort.
struct UnmatchedStratum {
  std::string metric;
  std::int32_t cohort = kWindowCohort;
  std::string stratum;        // e.g. "nace=C10, region=03"
  std::uint64_t members = 0;  // members dropped because of it
};

struct Sample {
  std::vector<std::string> metric_names;
  std::vector<Cell> cells;

  // Per contribution.
  std::vector<std::int32_t> firm;     // index into firm_ids
  std::vector<std::int32_t> stratum;  // baseline stratum cell (index into stratum_labels), -1 none

  // Per metric, per contribution.
  std::vector<std::vector<double>> growth;  // NaN when dropped for this metric
  std::vector<std::vector<double>> start;   // x0 (value at the window start), NaN when absent
  std::vector<std::vector<double>> end;     // x1 (value at the window end), NaN when absent
  std::vector<std::vector<double>> weight;  // 0 when dropped; sampling weight x balance factor
  // --balance only (else empty): the sampling weight alone (1 without a weight column; 0 where
  // the growth was dropped for a data reason) and the growth before balancing dropped the
  // members of strata without controls. The permutation test recomputes the balance factors
  // for every relabeling from these (docs/permutation.md "Weights"): factors attached to firms
  // would make it invalid.
  std::vector<std::vector<double>> unbalanced_weight;
  std::vector<std::vector<double>> unbalanced_growth;

  // Per firm of the panel.
  std::vector<std::string> firm_ids;
  std::vector<std::int32_t> firm_cluster;  // cluster label index, -1 none
  std::vector<std::string> cluster_labels;
  std::vector<std::string> stratum_labels;

  std::vector<DropCount> drops;  // only non-zero counts
  std::vector<UnmatchedStratum> unmatched;
  // Firms left out of both groups because no row says whether they are members (member is
  // -1 on every row): neither a member nor a never-member. Reported, never silent.
  std::uint64_t firms_unknown_membership = 0;
  bool weighted = false;  // true when --weight or --balance shaped the weights

  std::size_t contributions() const { return firm.size(); }
  std::size_t metrics() const { return metric_names.size(); }
};

}  // namespace klynge
