// Permutation inference for `klynge analyze` (docs/permutation.md "Report"): the run, p-values
// with their Monte Carlo interval, maxT/Holm/BH adjustment over all metrics x cohorts, and how
// they attach to describe's result rows, the JSON report, the tidy CSV and the table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "klynge/design.hpp"
#include "klynge/engine/replicate_source.hpp"
#include "klynge/p_values.hpp"
#include "klynge/permutation.hpp"
#include "klynge/statistics.hpp"

namespace klynge {

struct PermutationInference {
  PermutationSpec spec;
  Alternative alternative = Alternative::two_sided;
  PermutationPlan plan;
  std::vector<ResultKey> keys;   // per metric: cells, then the aggregate (cohort design)
  std::vector<double> observed;  // the permutation statistic under the observed labels
  std::vector<PValue> p;
  std::vector<double> maxt, holm, bh;  // adjusted over all keys of the run
  double seconds = 0.0;
  std::vector<std::string> warnings;  // settings.permutation.warnings and the table
};

// The replicates come from `source` (nullptr: computed here, local_replicates()).
PermutationInference permutation_inference(const Sample& sample, const DesignOptions& design,
                                           const PermutationSpec& spec, Alternative alternative,
                                           ReplicateSource* source = nullptr);

// The same with the test's arrays already built from (sample, design) (its spec is the
// prepared one's).
PermutationInference permutation_inference(const Sample& sample, const DesignOptions& design,
                                           const PreparedPermutations& prepared,
                                           Alternative alternative, ReplicateSource* source);

// The p-values of describe's result row `row`: those of the key with the row's metric and
// cohort (every statistic row of that metric and cohort shares them). nullopt when none.
struct RowPValues {
  std::size_t key = 0;
};
std::vector<std::optional<RowPValues>> row_p_values(const Description& description,
                                                    const PermutationInference& inference);

// Adds "p_value", "p_method", "p_value_ci99", "permutations", "p_adjusted" to each matching
// row of report["results"] and a "permutation" object to report["settings"].
void add_permutation_json(nlohmann::ordered_json& report, const Description& description,
                          const PermutationInference& inference);

// The CSV columns p.value, p.method, p.maxt, p.holm, p.bh.
inline constexpr const char* kPermutationCsvHeader = "p.value,p.method,p.maxt,p.holm,p.bh";
// Those fields for describe's result row `row` ("NA" when permutations are off or absent).
std::string permutation_csv_fields(const PermutationInference* inference,
                                   const Description& description, std::size_t row);

// A short table: one line per key.
std::string permutation_table(const Sample& sample, const PermutationInference& inference);

}  // namespace klynge
