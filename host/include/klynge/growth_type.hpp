// Growth definitions by name (DESIGN.md §1). The arithmetic lives in hd/growth.hpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace klynge {

enum class GrowthType { log, cagr, pct, dhs, level };

std::optional<GrowthType> parse_growth_type(std::string_view name);
std::string_view growth_type_name(GrowthType type);
// What the type measures, for a report's design line: "annualised log growth".
std::string_view growth_description(GrowthType type);

}  // namespace klynge
