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

// Any program (looked up on PATH when given by name), e.g. mpirun.
RunResult run_program(const std::string& program, const std::vector<std::string>& args);

// A started process, for tests that signal it while it runs (checkpoint and resume).
struct Running {
  int pid = -1;
  std::string dir;  // where its stdout and stderr go
};
Running start_klynge(const std::vector<std::string>& args);
Running start_program(const std::string& program, const std::vector<std::string>& args);
RunResult wait_for(const Running& running);

std::string klynge_binary();  // the binary under test

// A fresh empty directory under the build tree's scratch area, unique per call.
std::string scratch_dir(const std::string& name);

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& content);

// Paths of committed test inputs.
std::string test_data(const std::string& name);     // tests/data/<name>
std::string example_file(const std::string& name);  // examples/<name>

}  // namespace klynge::test
