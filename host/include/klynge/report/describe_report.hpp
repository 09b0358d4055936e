// The `describe` report: JSON (the contract later subcommands extend) and a console table.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "klynge/design.hpp"
#include "klynge/panel.hpp"
#include "klynge/sample.hpp"
#include "klynge/statistics.hpp"

namespace klynge {

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
