#include "klynge/report/band_report.hpp"

#include <string>

#include "klynge/multiplicity.hpp"
#include "klynge/report/json_values.hpp"

namespace klynge {

void add_sup_t_bands(nlohmann::ordered_json& report, const Description& description,
                     const ReplicateTable& table, const std::vector<std::size_t>& result_of_key,
                     double level) {
  nlohmann::ordered_json settings = nlohmann::ordered_json::object();
  for (int s = 0; s < kStatisticCount; ++s) {
    std::vector<std::size_t> keys;
    for (std::size_t k = 0; k < table.keys.size(); ++k)
      if (static_cast<int>(table.keys[k].statistic) == s) keys.push_back(k);
    if (keys.empty()) continue;
    std::vector<double> estimates, values;
    for (std::size_t k : keys) {
      const Estimate& e = description.results[result_of_key[k]];
      estimates.push_back(e.status == "ok" ? e.value : NAN);
      values.insert(values.end(), table.values.begin() + k * table.count,
                    table.values.begin() + (k + 1) * table.count);
    }
    const SupTBand band = sup_t_band(estimates, values, table.count, level);
    for (std::size_t i = 0; i < keys.size(); ++i)
      report["results"][result_of_key[keys[i]]]["band"] = {{"low", number_or_null(band.low[i])},
                                                           {"high", number_or_null(band.high[i])}};
    settings[std::string(statistic_name(static_cast<Statistic>(s)))] = {
        {"level", level}, {"critical", number_or_null(band.critical)}, {"family", band.family}};
  }
  report["settings"]["band"] = settings;
}

}  // namespace klynge
