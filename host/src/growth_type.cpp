#include "klynge/growth_type.hpp"

#include "klynge/hd/growth.hpp"

namespace klynge {

// hd::GrowthKind mirrors GrowthType so the two convert with a static_cast.
static_assert(static_cast<int>(GrowthType::log) == static_cast<int>(hd::GrowthKind::log));
static_assert(static_cast<int>(GrowthType::cagr) == static_cast<int>(hd::GrowthKind::cagr));
static_assert(static_cast<int>(GrowthType::pct) == static_cast<int>(hd::GrowthKind::pct));
static_assert(static_cast<int>(GrowthType::dhs) == static_cast<int>(hd::GrowthKind::dhs));
static_assert(static_cast<int>(GrowthType::level) == static_cast<int>(hd::GrowthKind::level));

std::optional<GrowthType> parse_growth_type(std::string_view name) {
  if (name == "log") return GrowthType::log;
  if (name == "cagr") return GrowthType::cagr;
  if (name == "pct") return GrowthType::pct;
  if (name == "dhs") return GrowthType::dhs;
  if (name == "level") return GrowthType::level;
  return std::nullopt;
}

std::string_view growth_type_name(GrowthType type) {
  switch (type) {
    case GrowthType::log:
      return "log";
    case GrowthType::cagr:
      return "cagr";
    case GrowthType::pct:
      return "pct";
    case GrowthType::dhs:
      return "dhs";
    case GrowthType::level:
      return "level";
  }
  return "unknown";
}

std::string_view growth_description(GrowthType type) {
  switch (type) {
    case GrowthType::log:
      return "annualised log growth";
    case GrowthType::cagr:
      return "compound annual growth rate (cagr)";
    case GrowthType::pct:
      return "growth over the whole window (pct)";
    case GrowthType::dhs:
      return "annualised DHS growth (dhs)";
    case GrowthType::level:
      return "levels at the window's end (level)";
  }
  return "unknown growth";
}

}  // namespace klynge
