// Simultaneous (sup-t) bands for `klynge analyze`: one family per statistic, over all metrics x
// cohorts (and the aggregate) of the bootstrap run (multiplicity.hpp, docs/permutation.md).
#pragma once

#include <cstddef>
#include <vector>

#include <nlohmann/json.hpp>

#include "klynge/bootstrap.hpp"
#include "klynge/statistics.hpp"

namespace klynge {

// Adds "band": {"low", "high"} to the row result_of_key[k] of report["results"] for every key
// k of the table, and settings.band = {statistic: {"level", "critical", "family"}}.
void add_sup_t_bands(nlohmann::ordered_json& report, const Description& description,
                     const ReplicateTable& table, const std::vector<std::size_t>& result_of_key,
                     double level);

}  // namespace klynge
