// `analyze --save-replicates FILE`: every bootstrap replicate statistic, long format, so a
// reader can draw its own histograms or recompute an interval (docs/report-schema.md
// "Replicates file"). Columns: [by,] metric, cohort, statistic, replicate, value. Streamed to
// the output in pieces: the table may hold many millions of values.
#pragma once

#include <string>
#include <vector>

#include "klynge/bootstrap.hpp"
#include "klynge/io/output_file.hpp"

namespace klynge {

// The header line. `by_column` non-empty (a batch run): a first column with that name.
void write_replicates_header(io::OutputFile& out, const std::string& by_column);

// One row per key and replicate; `by_value` fills the first column when the header has it.
void write_replicates_rows(io::OutputFile& out, const std::vector<std::string>& metric_names,
                           const ReplicateTable& table, const std::string* by_value);

}  // namespace klynge
