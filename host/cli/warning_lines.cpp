#include "warning_lines.hpp"

#include <cstdio>

#include <fmt/format.h>

namespace klynge::cli {

void print_warnings(const std::vector<std::string>& warnings, bool json_report) {
  for (std::size_t i = 0; i < warnings.size() && i < kWarningLinesShown; ++i)
    fmt::print(stderr, "klynge: warning: {}\n", warnings[i]);
  if (warnings.size() <= kWarningLinesShown) return;
  fmt::print(stderr, "klynge: warning: ... and {} more warnings ({})\n",
             warnings.size() - kWarningLinesShown,
             json_report ? "the JSON report's \"warnings\" lists every one"
                         : "--json FILE writes a report that lists every one");
}

}  // namespace klynge::cli
