// The `analyze` report: describe's JSON extended with bootstrap standard errors, bias and
// intervals (docs/bootstrap.md "Report"), a tidy CSV with broom's column names, and a table.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "klynge/bootstrap.hpp"
#include "klynge/intervals.hpp"
#include "klynge/report/describe_report.hpp"
#include "klynge/report/permutation_report.hpp"

namespace klynge {

struct AnalyzeSettings {
  BootstrapSpec spec;
  std::vector<IntervalMethod> methods;
  double level = 0.95;
  std::string device;  // the backend that ran: "cpu"
  int threads = 0;     // threads actually used
};

// The bootstrap of one result row of describe (a requested statistic).
struct AnalyzedResult {
  std::size_t result = 0;  // index into Description::results
  ReplicateSummary summary;
  std::vector<Interval> intervals;  // one per AnalyzeSettings::methods, same order
};

struct AnalyzeInputs {
  DescribeInputs describe;
  const AnalyzeSettings& settings;
  const std::vector<AnalyzedResult>& analyzed;
  const PermutationInference* permutation = nullptr;  // --permutations 0: none
};

nlohmann::ordered_json analyze_json(const AnalyzeInputs& in);
std::string analyze_csv(const AnalyzeInputs& in);
std::string analyze_table(const AnalyzeInputs& in);
// Every warning of every row, as "metric cohort statistic: text" lines.
std::vector<std::string> analyze_warnings(const AnalyzeInputs& in);

}  // namespace klynge
