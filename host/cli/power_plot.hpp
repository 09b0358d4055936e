// `klynge power --plot FILE`: the power curve drawn by scripts/klynge_power_plot.py
// (matplotlib) from the power report.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace klynge::cli {

// Throws Error(usage) unless `path` ends in .png or .svg (checked before the study runs).
void check_power_plot_path(const std::string& path);

// Draws `report` to `plot_path`. The script reads `json_path` when the report was written there,
// else a temporary copy. The script is found like klynge_plot.py (plot_script.hpp), under the
// name klynge_power_plot.py ($KLYNGE_POWER_PLOT_SCRIPT overrides). Errors as run_plot_script.
void plot_power(const nlohmann::ordered_json& report, const std::string& json_path,
                const std::string& plot_path);

}  // namespace klynge::cli
