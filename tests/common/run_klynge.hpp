// Runs the built klynge binary as a user would, for end-to-end tests of the CLI.
#pragma once

#include <string>
#include <vector>

namespace klynge::test {

struct RunResult {
  int exit_code = -1;  // the process exit status (128 + signal when killed by one)
  std::string out;     // stdout
  std::string err;     // stderr
};

// Runs `klynge args...` with no shell in between; captures both streams.
RunResult run_klynge(const std::vector<std::string>& args);

// A fresh empty directory under the build tree's scratch area, unique per call.
std::string scratch_dir(const std::string& name);

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& content);

// Paths of committed test inputs.
std::string test_data(const std::string& name);     // tests/data/<name>
std::string example_file(const std::string& name);  // examples/<name>

}  // namespace klynge::test
