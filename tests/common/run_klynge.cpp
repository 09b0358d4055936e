#include "common/run_klynge.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace klynge::test {

namespace {

// The build's paths, overridable from the environment: a build folder carried to another
// machine (scripts/gpu-check.sh) finds the checkout and the binary where they are there.
std::string configured(const char* variable, const char* built_in) {
  const char* value = std::getenv(variable);
  return value && *value ? std::string(value) : std::string(built_in);
}

}  // namespace

namespace fs = std::filesystem;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string scratch_dir(const std::string& name) {
  static std::atomic<int> counter{0};
  fs::path dir = fs::path(configured("KLYNGE_SCRATCH_DIR", KLYNGE_SCRATCH_DIR)) /
                 (name + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

std::string test_data(const std::string& name) { return configured("KLYNGE_TEST_DATA_DIR", KLYNGE_TEST_DATA_DIR) + "/" + name; }
std::string example_file(const std::string& name) {
  return configured("KLYNGE_EXAMPLES_DIR", KLYNGE_EXAMPLES_DIR) + "/" + name;
}

std::string klynge_binary() { return configured("KLYNGE_BINARY", KLYNGE_BINARY); }

Running start_program(const std::string& program, const std::vector<std::string>& args) {
  // Output goes through files, not pipes, so a large stdout can never deadlock the test.
  Running r;
  r.dir = scratch_dir("run");
  const std::string out_path = r.dir + "/stdout", err_path = r.dir + "/stderr";
  std::vector<std::string> argv_storage{program};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  // posix_spawnp: a bare program name (mpirun) is looked up on PATH.
  const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error(std::string("cannot start ") + argv[0]);
  r.pid = pid;
  return r;
}

Running start_klynge(const std::vector<std::string>& args) {
  return start_program(klynge_binary(), args);
}

RunResult wait_for(const Running& r) {
  int status = 0;
  waitpid(r.pid, &status, 0);
  RunResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_file(r.dir + "/stdout");
  result.err = read_file(r.dir + "/stderr");
  fs::remove_all(r.dir);
  return result;
}

RunResult run_klynge(const std::vector<std::string>& args) { return wait_for(start_klynge(args)); }

RunResult run_program(const std::string& program, const std::vector<std::string>& args) {
  return wait_for(start_program(program, args));
}

}  // namespace klynge::test
