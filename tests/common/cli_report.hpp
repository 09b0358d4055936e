// Reading what a `klynge` run wrote, for the end-to-end tests of the CLI: its JSON report (keys
// in file order) and whether an error is the single line the CLI promises.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

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

// `args` (a subcommand and its flags, without --json) written out by --print-config and run again
// from that file with --config: the two JSON reports' settings and `results` sections are equal.
inline void expect_config_round_trip(const std::vector<std::string>& args, const std::string& dir,
                                     const char* results) {
  auto printing = args;
  printing.push_back("--print-config");
  const auto printed = run_klynge(printing);
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  write_file(dir + "/config.toml", printed.out);
  auto direct = args;
  direct.insert(direct.end(), {"--json", dir + "/flags.json"});
  const auto run = run_klynge(direct);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto from_config =
      run_klynge({args.front(), "--config", dir + "/config.toml", "--json", dir + "/config.json"});
  ASSERT_EQ(from_config.exit_code, 0) << from_config.err;
  const auto flags = read_json(dir + "/flags.json"), config = read_json(dir + "/config.json");
  EXPECT_EQ(flags["settings"], config["settings"]);
  EXPECT_EQ(flags[results], config[results]);
}

}  // namespace klynge::test
