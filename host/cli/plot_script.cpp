#include "plot_script.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "klynge/error.hpp"
#include "klynge/io/output_file.hpp"

extern char** environ;

namespace klynge::cli {

namespace {

namespace fs = std::filesystem;

// `name` (klynge_plot.py, klynge_power_plot.py): $<env_var>, the installed copy next to
// <prefix>/bin/klynge, or the source tree this binary was configured from.
std::string find_script(const std::string& name, const char* env_var) {
  std::vector<std::string> tried;
  if (const char* env = std::getenv(env_var); env && *env) {
    if (fs::exists(env)) return env;
    tried.push_back(env);
  }
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed =
        (exe.parent_path().parent_path() / KLYNGE_INSTALLED_PLOT_SCRIPT).parent_path() / name;
    if (fs::exists(installed)) return installed.string();
    tried.push_back(installed.string());
  }
  const fs::path source = fs::path(KLYNGE_SOURCE_PLOT_SCRIPT).parent_path() / name;
  if (fs::exists(source)) return source.string();
  tried.push_back(source.string());
  std::string where;
  for (const std::string& t : tried) where += (where.empty() ? "" : ", ") + t;
  throw Error(ExitCode::no_input, "plots: cannot find " + name + " (looked at " + where +
                                      "); set " + env_var + " to its path");
}

std::string find_python() {
  if (const char* env = std::getenv("KLYNGE_PYTHON"); env && *env) return env;
  if (::access("/usr/bin/python3", X_OK) == 0) return "/usr/bin/python3";
  return "python3";
}

}  // namespace

void check_plot_path(const std::string& flag, const std::string& path) {
  const std::string ext = fs::path(path).extension().string();
  if (ext != ".png" && ext != ".svg")
    throw_usage_error(flag + " " + path + ": the picture's name must end in .png or .svg");
}

void run_plot_script(const std::vector<std::string>& args) {
  run_named_plot_script(kForestScript, args);
}

void run_named_plot_script(const PlotScript& which, const std::vector<std::string>& args) {
  const std::string script = find_script(which.name, which.env_var);
  const std::string python = find_python();
  std::vector<std::string> storage = {python, script};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, python.c_str(), nullptr, nullptr, argv.data(), environ);
  if (rc != 0)
    throw Error(ExitCode::no_input,
                "plots: cannot run " + python + " (" + std::strerror(rc) +
                    "); install python3 and python3-matplotlib, or set KLYNGE_PYTHON");
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw Error(ExitCode::internal, "plots: lost the plotting process");
  if (!WIFEXITED(status))
    throw Error(ExitCode::internal, "plots: " + script + " was killed by a signal");
  const int code = WEXITSTATUS(status);
  if (code == 0) return;
  // The script's own errors use klynge's exit codes and have printed their message. Any other
  // code is a crash of the script or an interpreter that is not Python (KLYNGE_PYTHON): the
  // message names the interpreter, which is what a user can change.
  const std::string failed =
      "plots: " + python + " " + script + " failed (exit " + std::to_string(code) + ")";
  for (ExitCode known : {ExitCode::usage, ExitCode::bad_data, ExitCode::no_input,
                         ExitCode::cant_create, ExitCode::io})
    if (code == static_cast<int>(known)) throw Error(known, failed);
  throw Error(
      ExitCode::internal,
      failed + (std::getenv("KLYNGE_PYTHON") ? "; KLYNGE_PYTHON chose the interpreter" : ""));
}

void plot_report(const nlohmann::ordered_json& report, const std::string& json_path,
                 const std::string& plot_path) {
  plot_report_with(kForestScript, report, json_path, plot_path);
}

void plot_report_with(const PlotScript& which, const nlohmann::ordered_json& report,
                      const std::string& json_path, const std::string& plot_path) {
  if (!json_path.empty() && json_path != "-")
    return run_named_plot_script(which, {json_path, "-o", plot_path});
  const std::string temp = (std::filesystem::temp_directory_path() /
                            ("klynge-plot-" + std::to_string(::getpid()) + ".json"))
                               .string();
  io::OutputFile out(temp);
  out.write(report.dump() + "\n");
  out.commit();
  try {
    run_named_plot_script(which, {temp, "-o", plot_path});
  } catch (...) {
    std::filesystem::remove(temp);
    throw;
  }
  std::filesystem::remove(temp);
}

}  // namespace klynge::cli
