// Errors and exit codes. Every problem a user can cause ends as one klynge::Error carrying
// a documented exit code (sysexits.h numbering, DESIGN.md §4), caught once in main.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace klynge {

enum class ExitCode : int {
  ok = 0,
  usage = 64,         // bad flags or flag combinations
  bad_data = 65,      // input file content is wrong (message names file, line, column, value)
  no_input = 66,      // input file missing or unreadable
  internal = 70,      // a bug or a CUDA failure
  cant_create = 73,   // output file cannot be created
  io = 74,            // read/write failure while working
  checkpointed = 75,  // stopped on a signal after writing a checkpoint
};

class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ExitCode code() const noexcept { return code_; }

 private:
  ExitCode code_;
};

// Where a value came from, for messages like
//   panel.csv:17: column 'employees' (3): value "-4": metric values must be >= 0
struct SourceLocation {
  std::string file;
  std::int64_t line = 0;     // 1-based physical line; 0 = whole file
  std::string column;        // column name; empty = whole row
  int column_index = 0;      // 1-based; 0 = unknown
};

std::string format_location(const SourceLocation& where);

// Builds the bad-data error (exit 65) with the location, the offending value and the reason.
[[noreturn]] void throw_data_error(const SourceLocation& where, std::string_view value,
                                   std::string_view reason);

// The same for defects that have no single offending value (an empty file, a missing column).
[[noreturn]] inline void throw_data_error(const SourceLocation& where, std::string_view reason) {
  throw Error(ExitCode::bad_data, format_location(where) + ": " + std::string(reason));
}

[[noreturn]] inline void throw_usage_error(const std::string& message) {
  throw Error(ExitCode::usage, message);
}

}  // namespace klynge
