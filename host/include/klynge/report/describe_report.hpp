// The `describe` report: JSON (the contract later subcommands extend) and a console table.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "klynge/design.hpp"
#include "klynge/panel.hpp"
#include "klynge/sample.hpp"
#include "klynge/statistics.hpp"

namespace klynge {

// The version of the JSON report layout (docs/report-schema.md): the major number changes when a
// field is removed or changes meaning, the minor number when fields are added.
inline constexpr const char* kReportSchemaVersion = "1.1";

// Everything that shaped the numbers, so a report can be reproduced from itself.
struct DescribeInputs {
  const Panel& panel;
  const ReadOptions& read;
  const DesignOptions& design;
  const Sample& sample;
  const Description& description;
};

nlohmann::ordered_json describe_json(const DescribeInputs& in);

// A table for a terminal of about 100 columns: per metric and cohort, group sizes, group means
// and the member-minus-control statistics; drops and unmatched strata below it.
std::string describe_table(const DescribeInputs& in);

}  // namespace klynge
