// Small conversions shared by the JSON writers.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "klynge/sample.hpp"

namespace klynge {

// JSON has no NaN: a value that does not exist is null, and its row carries a status saying why.
inline nlohmann::ordered_json number_or_null(double value) {
  if (std::isfinite(value)) return value;
  return nullptr;
}

// "all" for the window design and the cohort aggregate, the entry year for a cohort.
inline nlohmann::ordered_json cohort_json(std::int32_t cohort) {
  if (cohort == kWindowCohort || cohort == kAllCohorts) return "all";
  if (cohort == kUnknownCohort) return "unknown";
  return cohort;
}

inline std::string cohort_text(std::int32_t cohort) {
  if (cohort == kWindowCohort || cohort == kAllCohorts) return "all";
  if (cohort == kUnknownCohort) return "unknown";
  return std::to_string(cohort);
}

}  // namespace klynge
