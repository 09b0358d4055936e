// One comparison of `klynge analyze`: members against controls in one Sample, through the
// bootstrap, the jackknife, the intervals and the permutation test. A plain run is one
// comparison; a batch (--by-cluster, --by COL) runs one per value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analyze_flags.hpp"
#include "klynge/bootstrap.hpp"
#include "klynge/engine/replicate_source.hpp"
#include "klynge/permutation.hpp"
#include "klynge/report/analyze_report.hpp"
#include "klynge/report/permutation_report.hpp"

namespace klynge::cli {

struct ComparisonRun {
  ReplicateTable table;  // the bootstrap replicates (empty with --bootstrap 0)
  std::vector<AnalyzedResult> analyzed;
  std::optional<PermutationInference> permutation;
  double bootstrap_s = 0.0, jackknife_s = 0.0, intervals_s = 0.0;
};

// The engines' arrays of one comparison (PreparedBootstrap, PreparedPermutations), with the
// seconds their builds took. A batch builds comparison i + 1's while comparison i's replicates
// run, and with `stage` makes their device copies then too (the next upload overlaps the
// current kernels).
struct ComparisonEngines {
  std::optional<PreparedBootstrap> bootstrap;        // when --bootstrap > 0
  std::optional<PreparedPermutations> permutations;  // when --permutations > 0
  double bootstrap_s = 0.0, permutation_s = 0.0;
};

ComparisonEngines prepare_engines(const Sample& sample, const DesignOptions& design,
                                  const AnalyzeSettings& settings, const AnalyzeFlags& flags,
                                  std::uint32_t analysis, bool stage);

// `source` gives the replicate tables (computed here, a shard's part, MPI, a checkpoint, or
// merged shards; klynge/engine/replicate_source.hpp); a partial source's run has no inference.
// `analysis` keys every random draw of the comparison (BootstrapSpec::analysis,
// PermutationSpec::analysis); `label` names it in progress lines. `ahead`: the engines built by
// prepare_engines for this comparison (null: built here).
ComparisonRun run_comparison(const Sample& sample, const DesignOptions& design,
                             const Description& description, const AnalyzeSettings& settings,
                             const AnalyzeFlags& flags, std::uint32_t analysis,
                             const std::string& label, ReplicateSource& source,
                             ComparisonEngines* ahead = nullptr);

// The comparison's analyze report (analyze_json) with its sup-t bands.
nlohmann::ordered_json comparison_json(const AnalyzeInputs& inputs, const ComparisonRun& run);

}  // namespace klynge::cli
