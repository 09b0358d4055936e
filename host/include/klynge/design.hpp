// Comparison designs (DESIGN.md §1): how a panel becomes member and control growth
// contributions, grouped into cells (one per cohort; one in the window design).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "klynge/growth_type.hpp"

namespace klynge {

struct DesignOptions {
  GrowthType growth = GrowthType::log;
  // Window design: both set. Cohort design: both unset and the panel has an entry column.
  std::optional<int> from;
  std::optional<int> to;
  int horizon = 3;   // cohort design: window length h in years
  int offset = 0;    // cohort design: window starts at entry year + offset (may be negative)
  // Cohort design: cells for these entry years too, even where no member entered then (their
  // cells hold controls only). `klynge power --pool` measures its pool's growth over every
  // cohort window this way, from a panel read without members.
  std::vector<int> extra_cohorts;
  bool balance = false;  // reweight controls to the members' stratum-cell distribution
  double trim = 0.1;     // trimmed_mean_diff: share cut from each tail
};

bool is_cohort_design(const DesignOptions& options);

}  // namespace klynge
