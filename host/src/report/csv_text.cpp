#include "klynge/report/csv_text.hpp"

#include <fmt/format.h>

#include <cmath>

namespace klynge {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_number(double v) {
  if (!std::isfinite(v)) return "NA";
  return fmt::format("{}", v);
}

}  // namespace klynge
