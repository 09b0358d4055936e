// Reading what a `klynge` run wrote, for the end-to-end tests of the CLI: its JSON report (keys
// in file order) and whether an error is the single line the CLI promises.
#pragma once

#include <algorithm>
#include <string>

#include <nlohmann/json.hpp>

#include "common/run_klynge.hpp"

namespace klynge::test {

inline nlohmann::ordered_json read_json(const std::string& path) {
  return nlohmann::ordered_json::parse(read_file(path));
}

inline bool one_line(const std::string& err) {
  return std::count(err.begin(), err.end(), '\n') == 1;
}

// examples/firms.csv, the control pool of the `power --pool` tests.
inline std::string example_pool() {
  return example_file("firms.csv");
}

}  // namespace klynge::test
