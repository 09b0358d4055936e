// CLI11 checks for flag values its own type conversion lets through: an unsigned 64-bit value
// written with a minus sign or beyond 2^64 - 1 (CLI11 saturates them to 2^64 - 1), and a
// positive number that is not finite ("nan" passes CLI::PositiveNumber).
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

namespace klynge::cli {

inline const CLI::Validator kUnsigned64(
    [](std::string& text) -> std::string {
      std::uint64_t value = 0;
      const char* end = text.data() + text.size();
      const auto [ptr, ec] = std::from_chars(text.data(), end, value);
      if (text.empty() || ec != std::errc() || ptr != end)
        return "\"" + text + "\" is not an integer in 0..18446744073709551615";
      // Decimal always: CLI11's conversion would read "010" as octal 8.
      text = std::to_string(value);
      return {};
    },
    "UINT64");

inline const CLI::Validator kFinitePositive(
    [](std::string& text) -> std::string {
      try {
        std::size_t used = 0;
        const double value = std::stod(text, &used);
        if (used == text.size() && std::isfinite(value) && value > 0.0) return {};
      } catch (const std::exception&) {
      }
      return "\"" + text + "\" is not a finite number > 0";
    },
    "POSITIVE");

}  // namespace klynge::cli
