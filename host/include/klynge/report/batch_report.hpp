// Reports of a batch run (docs/report-schema.md "Batch runs"): the comparisons' reports merged
// into one, each row tagged with its comparison's value, and Holm/BH adjusted over the batch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "klynge/report/permutation_report.hpp"

namespace klynge {

// How rows name their comparison: "cluster": VALUE (--by-cluster) or
// "by": {"column": COLUMN, "value": VALUE} (--by COL).
struct BatchTag {
  bool cluster = false;
  std::string column;
  std::string value;
};

// Replaces each inference's holm and bh by the adjustment over all p-values of all of them (in
// order), so the family is the whole batch. maxT stays within each comparison.
void adjust_across_batch(const std::vector<PermutationInference*>& comparisons);

// Comparison facts for the "batch" block.
struct ComparisonFacts {
  std::string value;
  std::uint32_t analysis = 0;
  std::uint64_t firms_member = 0, firms_control = 0;
};

// Starts the merged report from the first comparison's report (its settings, design, ...):
// rows emptied, "batch" added. Then append_comparison adds every comparison, the first too.
nlohmann::ordered_json start_batch_report(const nlohmann::ordered_json& first, bool cluster,
                                          const std::string& column,
                                          std::uint64_t members_without_value);
void append_comparison(nlohmann::ordered_json& merged, nlohmann::ordered_json comparison,
                       const BatchTag& tag, const ComparisonFacts& facts);

// A tidy CSV of one comparison with a first column holding its value; `header` keeps the
// header line (the first comparison) with the column named after the batch column.
std::string tag_csv(const std::string& csv, const BatchTag& tag, bool header);

}  // namespace klynge
