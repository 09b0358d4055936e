#include "power_plot.hpp"

#include "plot_script.hpp"

namespace klynge::cli {

void check_power_plot_path(const std::string& path) {
  check_plot_path("--plot", path);
}

void plot_power(const nlohmann::ordered_json& report, const std::string& json_path,
                const std::string& plot_path) {
  plot_report_with(kPowerScript, report, json_path, plot_path);
}

}  // namespace klynge::cli
