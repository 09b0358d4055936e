// `analyze --by-cluster` / `analyze --by COL`: one comparison per value (klynge/batch.hpp), each
// through the same pipeline as a plain run, then one merged report with Holm and BH adjusted
// over the whole batch (docs/report-schema.md "Batch runs").
#pragma once

#include <CLI/CLI.hpp>

#include "analyze_flags.hpp"
#include "klynge/engine/replicate_source.hpp"
#include "klynge/io/output_file.hpp"
#include "klynge/report/analyze_report.hpp"

namespace klynge::cli {

// Checks the batch flags (Error(usage) for impossible combinations) before any reading.
void check_batch_flags(const AnalyzeFlags& flags);

// `replicates_out` (--save-replicates) is open already; it is filled and committed here.
void run_analyze_batch(const AnalyzeFlags& flags, const AnalyzeSettings& settings,
                       const CLI::App& cmd, io::OutputFile* replicates_out,
                       ReplicateSource& source);

}  // namespace klynge::cli
