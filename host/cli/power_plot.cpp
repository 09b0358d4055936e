#include "power_plot.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "klynge/error.hpp"
#include "klynge/io/output_file.hpp"
#include "plot_script.hpp"

extern char** environ;

namespace klynge::cli {

namespace {

namespace fs = std::filesystem;

constexpr const char* kScriptName = "klynge_power_plot.py";

// Next to klynge_plot.py: installed beside the binary's share/klynge, or in the source tree.
std::string find_script() {
  if (const char* env = std::getenv("KLYNGE_POWER_PLOT_SCRIPT"); env && *env) return env;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed =
        (exe.parent_path().parent_path() / KLYNGE_INSTALLED_PLOT_SCRIPT).parent_path() /
        kScriptName;
    if (fs::exists(installed)) return installed.string();
  }
  const fs::path source = fs::path(KLYNGE_SOURCE_PLOT_SCRIPT).parent_path() / kScriptName;
  if (fs::exists(source)) return source.string();
  throw Error(ExitCode::no_input, std::string("plots: cannot find ") + kScriptName +
                                      "; set KLYNGE_POWER_PLOT_SCRIPT to its path");
}

std::string find_python() {
  if (const char* env = std::getenv("KLYNGE_PYTHON"); env && *env) return env;
  if (::access("/usr/bin/python3", X_OK) == 0) return "/usr/bin/python3";
  return "python3";
}

// Runs `python script args...`; the script prints its own one-line error and exits with
// klynge's codes (64, 65, 66, 73, 74), which are passed on.
void run_script(const std::vector<std::string>& args) {
  const std::string script = find_script();
  const std::string python = find_python();
  std::vector<std::string> storage = {python, script};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, python.c_str(), nullptr, nullptr, argv.data(), environ);
  if (rc != 0)
    throw Error(ExitCode::no_input, "plots: cannot run " + python + " (" + std::strerror(rc) +
                                        "); install python3 and python3-matplotlib");
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw Error(ExitCode::internal, "plots: lost the plotting process");
  if (!WIFEXITED(status)) throw Error(ExitCode::internal, "plots: " + script + " was killed");
  const int code = WEXITSTATUS(status);
  if (code == 0) return;
  for (ExitCode known : {ExitCode::usage, ExitCode::bad_data, ExitCode::no_input,
                         ExitCode::cant_create, ExitCode::io})
    if (code == static_cast<int>(known))
      throw Error(known, "plots: " + script + " failed (exit " + std::to_string(code) + ")");
  throw Error(ExitCode::internal,
              "plots: " + script + " failed (exit " + std::to_string(code) + ")");
}

}  // namespace

void check_power_plot_path(const std::string& path) {
  check_plot_path("--plot", path);
}

void plot_power(const nlohmann::ordered_json& report, const std::string& json_path,
                const std::string& plot_path) {
  if (!json_path.empty() && json_path != "-") {
    run_script({json_path, "-o", plot_path});
    return;
  }
  const std::string temp =
      (fs::temp_directory_path() / ("klynge-power-" + std::to_string(::getpid()) + ".json"))
          .string();
  {
    io::OutputFile out(temp);
    out.write(report.dump() + "\n");
    out.commit();
  }
  try {
    run_script({temp, "-o", plot_path});
  } catch (...) {
    fs::remove(temp);
    throw;
  }
  fs::remove(temp);
}

}  // namespace klynge::cli
