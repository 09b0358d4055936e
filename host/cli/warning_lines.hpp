// Warnings on standard error. A quick run with few replicates can warn about every interval
// endpoint of every metric and cohort (a hundred lines that bury the table), so the terminal
// gets the first few in full and a count of the rest; the JSON report lists every one.
#pragma once

#include <string>
#include <vector>

namespace klynge::cli {

constexpr std::size_t kWarningLinesShown = 8;

// Prints "klynge: warning: <w>" for the first kWarningLinesShown warnings, then one line with
// how many more there are and where to read them (`json_report`: a JSON report is written).
void print_warnings(const std::vector<std::string>& warnings, bool json_report);

}  // namespace klynge::cli
