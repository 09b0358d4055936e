// Panel reader: long-format CSV/TSV (optionally gzip-compressed) into a validated Panel.
// The accepted format and every error are documented for users in docs/input-format.md.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "klynge/panel.hpp"

namespace klynge {

// Reads and validates the panel in `path`; gzip-compressed when the name ends in ".gz".
// Errors (klynge::Error):
//   ExitCode::no_input  the file cannot be opened ("<path>: cannot open: <reason>")
//   ExitCode::io        reading or decompressing fails part-way
//   ExitCode::bad_data  any defect in the content; the message names file, line, column, value
//   ExitCode::usage     an impossible ReadOptions (e.g. a quote as delimiter)
// The result is identical for every options.threads.
Panel read_panel(const std::string& path, const ReadOptions& options);

// The same on text already in memory (tests, the fuzzer). `display_name` stands for the file in
// messages and becomes Panel::path. `text` must stay alive only during the call.
Panel parse_panel(std::string_view text, const std::string& display_name,
                  const ReadOptions& options);

namespace detail {
// parse_panel with an explicit number of data rows per parallel chunk (default
// kRowsPerChunk). Only tests and the fuzzer call this, to exercise chunk seams on small inputs.
inline constexpr std::size_t kRowsPerChunk = 16384;
Panel parse_panel_chunked(std::string_view text, const std::string& display_name,
                          const ReadOptions& options, std::size_t rows_per_chunk);
// read_panel with explicit data rows per chunk and, for a .gz file, the most bytes inflated
// between two looks of the parse at the text (default 1 MiB). Only tests call this, to put
// chunk and inflate-step seams everywhere in a small file.
Panel read_panel_chunked(const std::string& path, const ReadOptions& options,
                         std::size_t rows_per_chunk, std::size_t inflate_step);
}  // namespace detail

}  // namespace klynge
