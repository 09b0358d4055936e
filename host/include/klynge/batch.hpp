// Batches (`analyze --by-cluster`, `analyze --by COL`): one comparison per value of a firm-level
// categorical column, the members with that value against the same pool of controls (every
// never-member firm). docs/batches.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "klynge/panel.hpp"

namespace klynge {

struct BatchSplit {
  std::string column;
  // Per firm of the panel: its value (label index into the column, kNoLabel when none) - the
  // first non-empty label in file order, the rule build_sample uses for a firm's cluster - and
  // its status: 1 member (a row says member), 0 never-member (rows say non-member), -1 unknown.
  std::vector<std::int32_t> firm_value;
  std::vector<std::int8_t> firm_member;
  // The values members have, as label indices, ordered by label text.
  std::vector<std::int32_t> values;
  std::vector<std::string> labels;          // the column's labels (label index -> text)
  std::uint64_t members_without_value = 0;  // in no comparison; reported

  std::uint64_t members_with(std::int32_t value) const;
  std::uint64_t controls() const;
};

BatchSplit split_batch(const Panel& panel, const CategoricalColumn& column);

// The panel of one comparison: the rows of the members whose value is `value` and of every
// never-member firm, in file order, firms renumbered in order of first appearance (as a file
// holding only those rows would read). `drop_stratum`, when non-empty, names a stratum column
// that was read only for the batch and is left out.
Panel comparison_panel(const Panel& panel, const BatchSplit& split, std::int32_t value,
                       const std::string& drop_stratum);

// The random-stream id (BootstrapSpec::analysis, PermutationSpec::analysis) of the comparison
// of `value` in `column`: a hash of the two names, never 0 (the id of a plain run), so a
// comparison draws the same replicates whatever other values the batch holds.
std::uint32_t comparison_analysis_id(std::string_view column, std::string_view value);

}  // namespace klynge
