// The `klynge power` report (docs/power.md "Output"): JSON with the study's settings, the
// "power" rows (grid point x metric x test: rejection rate and coverage per interval method)
// and the raw tallies that let shards of one study be merged exactly; and a tidy CSV.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "klynge/power.hpp"

namespace klynge::power {

// Everything that defines the study except which datasets this run computed (and threads,
// progress and backend, which never change a result).
nlohmann::ordered_json settings_json(const PowerSpec& spec);

// The settings back as a spec (for --merge). Throws Error(bad_data) naming `source` when a
// field is missing or malformed.
PowerSpec spec_from_settings(const nlohmann::ordered_json& settings, const std::string& source);

nlohmann::ordered_json rows_json(const std::vector<PowerRow>& rows);
nlohmann::ordered_json tally_json(const PowerSpec& spec, const StudyTally& tally);
StudyTally tally_from_json(const PowerSpec& spec, const nlohmann::ordered_json& tally,
                           const std::string& source);

// {"schema_version", "report": "power", "settings", "dataset_range", "power", "tallies"}; the
// caller adds "provenance" and "timing".
nlohmann::ordered_json power_json(const PowerSpec& spec, const StudyTally& tally);

// One line per grid point x metric x test x interval method (one with empty method columns
// when there are no intervals).
std::string power_csv(const std::vector<PowerRow>& rows);

// The rows as a console table: rejection rate with its 95% Clopper-Pearson interval, the true
// value and each interval method's coverage, one line per grid point x metric, under a line
// that says what the datasets are and how they are compared (design, source, balancing, a
// premium per entry year) and two lines that say what the columns mean. Empty without rows.
std::string power_table(const PowerSpec& spec, const std::vector<PowerRow>& rows);

}  // namespace klynge::power
