// Runs scripts/klynge_plot.py (matplotlib) for `klynge plot` and `klynge analyze --plot`.
// Drawing is left to a well-kept plotting library instead of being done by hand in C++.
//
// The script is looked up in this order: $KLYNGE_PLOT_SCRIPT; the installed copy
// <prefix>/share/klynge/klynge_plot.py next to <prefix>/bin/klynge; the source tree this binary
// was configured from. The interpreter: $KLYNGE_PYTHON; /usr/bin/python3 (where Debian's
// python3-matplotlib installs); python3 on PATH.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace klynge::cli {

// A plotting script of scripts/ and the environment variable that may point to it instead.
struct PlotScript {
  const char* name;
  const char* env_var;
};
inline constexpr PlotScript kForestScript{"klynge_plot.py", "KLYNGE_PLOT_SCRIPT"};
inline constexpr PlotScript kPowerScript{"klynge_power_plot.py", "KLYNGE_POWER_PLOT_SCRIPT"};

// Throws Error(usage) unless `path` ends in .png or .svg (checked before any long run).
void check_plot_path(const std::string& flag, const std::string& path);

// Runs the script with `args`; returns when the picture is written. Throws Error with the
// script's exit code (64, 65, 66, 73; its own message is already on stderr), Error(no_input)
// when the script or python3 cannot be found, Error(internal) when the script fails otherwise.
void run_plot_script(const std::vector<std::string>& args);
void run_named_plot_script(const PlotScript& which, const std::vector<std::string>& args);

// `analyze --plot`: the forest plot of `report`, drawn from its --json file when there is one
// (`json_path` non-empty), else from a temporary copy that is removed afterwards.
void plot_report(const nlohmann::ordered_json& report, const std::string& json_path,
                 const std::string& plot_path);
void plot_report_with(const PlotScript& which, const nlohmann::ordered_json& report,
                      const std::string& json_path, const std::string& plot_path);

}  // namespace klynge::cli
