#include "klynge/error.hpp"

#include <fmt/format.h>

namespace klynge {

std::string format_location(const SourceLocation& where) {
  std::string out = where.file;
  if (where.line > 0) out += fmt::format(":{}", where.line);
  if (!where.column.empty()) {
    out += fmt::format(": column '{}'", where.column);
    if (where.column_index > 0) out += fmt::format(" ({})", where.column_index);
  }
  return out;
}

namespace {
// Keeps a hostile value (a megabyte-long field, control bytes) from flooding the terminal.
std::string printable(std::string_view value) {
  constexpr std::size_t kMax = 60;
  std::string out;
  for (char c : value.substr(0, kMax)) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) out += fmt::format("\\x{:02x}", u);
    else out += c;
  }
  if (value.size() > kMax) out += "...";
  return out;
}
}  // namespace

void throw_data_error(const SourceLocation& where, std::string_view value,
                      std::string_view reason) {
  throw Error(ExitCode::bad_data,
              fmt::format("{}: value \"{}\": {}", format_location(where), printable(value), reason));
}

}  // namespace klynge
