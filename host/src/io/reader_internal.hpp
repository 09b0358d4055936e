// Internal pieces of the panel reader, shared by the files in host/src/io/ (not installed).
//   csv_scan.cpp      record boundaries, delimiter sniffing, field decoding
//   field_parse.cpp   cell values: numbers, years, membership words, missing markers
//   parse_panel.cpp   header mapping, parallel row parsing, interning
//   validate_panel.cpp  membership derivation and firm-level consistency checks
//   read_panel.cpp    files: plain or gzip (parsed while inflated), hashed on a second thread
//   input_bytes.cpp   a file's bytes in memory (mmap/read); gzip_inflate.cpp inflates them
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "klynge/error.hpp"
#include "klynge/panel.hpp"

namespace klynge::io {

// Sizes a column to n entries, the new ones copies of `value` (a fresh vector: n copies). No
// huge-page advice: on the 2-vCPU VM of docs/BENCHMARKS.md, first-touch zeroing of fresh 2 MiB
// pages cost more than the 4 KiB faults it saves (a read of 4.9 M rows: 0.35 s slower with the
// advice, in whole-process runs).
template <class T>
void fill_column(std::vector<T>& v, std::size_t n, const T& value) {
  v.resize(n, value);
}

// ---- records ----------------------------------------------------------------------------------

// One record (a header or data row; several physical lines when a quoted field holds newlines).
struct Record {
  std::uint64_t begin;          // offset of the first byte
  std::uint64_t line : 63;      // physical line number of the first byte (1-based)
  std::uint64_t has_quote : 1;  // contains a '"': fields need the quote-aware splitter
};

struct RecordScan {
  // records[0] is the header, records[1..n-1] the data rows, and records[n] a sentinel whose
  // begin is one past the '\n' that ends record n-1 (text.size() + 1 when the last record has
  // no line end). Blank lines are never records: trailing ones are ignored.
  std::vector<Record> records;
  enum class Stop { none, unterminated_quote, blank_line };
  // Why the scan ended before the end of the text. The records before the defect are kept so
  // that an earlier defect, if any, is reported first.
  Stop stop = Stop::none;
  std::int64_t stop_line = 0;     // the line of the blank line / of the opening quote
  std::uint64_t stop_offset = 0;  // byte offset of the opening quote

  std::size_t count() const { return records.empty() ? 0 : records.size() - 1; }
};

// One sequential, quote-aware pass (memchr speed on quote-free lines). A '"' anywhere toggles
// the quoted state, which is exactly RFC 4180 for well-formed input; ill-formed quoting inside a
// mapped field is reported later by decode_field.
RecordScan scan_records(std::string_view text);

// scan_records in steps, for text that is still arriving (read_panel's gzip path): feed() takes
// the text so far and scans its whole 64-byte blocks not yet scanned, finish() takes the whole
// text and scans the rest. Every call must see the same bytes at the same address, the later
// ones only longer. finish() returns exactly what scan_records(text) returns (scan_records is
// finish() alone).
class RecordScanner {
 public:
  explicit RecordScanner(std::size_t size_hint);
  void feed(std::string_view text);
  RecordScan finish(std::string_view text);

  // The scan so far: the records ended up to now, without the sentinel (record i's end is known
  // once record i + 1 exists, as a blank line before a record stops the scan); stopped() once
  // the scan met a defect.
  const RecordScan& partial() const { return scan_; }
  bool stopped() const { return cursor_.stopped; }

  // The state of the scan between calls.
  struct Cursor {
    std::uint64_t line = 1;
    std::size_t record_begin = 0;
    std::uint64_t record_line = 1;
    bool has_quote = false;
    bool in_quotes = false;
    bool stopped = false;
    std::uint64_t open_line = 0;
    std::size_t open_offset = 0;
    std::uint64_t first_blank_line = 0;  // a blank line not (yet) known to be trailing
    std::uint64_t sentinel = 0;          // one past the line end of the last record
  };

 private:
  void scan_blocks(std::string_view text, std::size_t limit);

  RecordScan scan_;
  std::size_t scanned_ = 0;  // bytes scanned: whole blocks until finish()
  Cursor cursor_;
};

// Bytes of record i without its line end ("\n" or "\r\n").
inline std::string_view record_text(std::string_view text, const RecordScan& scan, std::size_t i) {
  const std::uint64_t b = scan.records[i].begin;
  std::uint64_t e = scan.records[i + 1].begin - 1;
  if (e > b && text[e - 1] == '\r') --e;
  return text.substr(b, e - b);
}

// The delimiter among ',', ';', '\t' occurring most often outside quotes in `header`; on a tie
// the first of ',', ';', '\t' among the most frequent.
char sniff_delimiter(std::string_view header);

// A raw field: the bytes between two delimiters, quotes included.
struct RawField {
  const char* begin;
  const char* end;
};

// Splits a record into raw fields. Stores the first `capacity` fields into `out` and returns the
// total number of fields (which may exceed capacity).
inline std::size_t split_record(std::string_view record, bool has_quote, char delimiter,
                                RawField* out, std::size_t capacity) {
  const char* p = record.data();
  const char* const end = p + record.size();
  std::size_t count = 0;
  if (!has_quote) {
    for (;;) {
      const char* field_begin = p;
      while (p < end && *p != delimiter) ++p;
      if (count < capacity) out[count] = RawField{field_begin, p};
      ++count;
      if (p == end) break;
      ++p;  // past the delimiter
    }
    return count;
  }
  bool in_quotes = false;
  const char* field_begin = p;
  for (; p < end; ++p) {
    const char c = *p;
    if (c == '"') {
      in_quotes = !in_quotes;
    } else if (c == delimiter && !in_quotes) {
      if (count < capacity) out[count] = RawField{field_begin, p};
      ++count;
      field_begin = p + 1;
    }
  }
  if (count < capacity) out[count] = RawField{field_begin, end};
  return count + 1;
}

inline std::string_view trim_spaces(std::string_view v) {
  std::size_t b = 0, e = v.size();
  while (b < e && (v[b] == ' ' || v[b] == '\t')) ++b;
  while (e > b && (v[e - 1] == ' ' || v[e - 1] == '\t')) --e;
  return v.substr(b, e - b);
}

// A decoded field: surrounding spaces trimmed (unquoted) or quotes removed with "" undoubled.
// `text` points into the input or into `scratch` (then `in_scratch` is true).
struct Field {
  std::string_view text;
  bool quoted = false;
  bool in_scratch = false;
};

enum class DecodeStatus { ok, stray_quote, text_after_quote };

// Decodes a quoted field (the slow path of decode_field).
DecodeStatus decode_quoted(std::string_view trimmed, std::string& scratch, Field& out);

// `record_has_quote` false promises that the field holds no '"' (then it is only trimmed).
inline DecodeStatus decode_field(RawField raw, bool record_has_quote, std::string& scratch,
                                 Field& out) {
  std::string_view v =
      trim_spaces(std::string_view(raw.begin, static_cast<std::size_t>(raw.end - raw.begin)));
  out.quoted = false;
  out.in_scratch = false;
  if (!record_has_quote) {
    out.text = v;
    return DecodeStatus::ok;
  }
  return decode_quoted(v, scratch, out);
}
const char* describe(DecodeStatus status);

// ---- cell values -----------------------------------------------------------------------------

// Missing markers, in every column: empty, NA, . (quoted or not).
inline bool is_missing(std::string_view v) {
  return v.empty() || (v.size() == 1 && v[0] == '.') ||
         (v.size() == 2 && v[0] == 'N' && v[1] == 'A');
}

enum class ValueStatus {
  ok,
  missing,
  not_a_number,
  not_finite,
  out_of_range,
  negative,
  metric_out_of_range,
  not_positive,
  weight_out_of_range,
  not_an_integer,
  not_a_year,
  not_a_membership_value,
};
// The reason text for an error message about `column_role` (e.g. "metric").
const char* describe(ValueStatus status);

// A weight's range: only the weights' ratios matter, and sums of their squares must neither
// overflow nor underflow (a weight of 1e200 made the Welch SE infinite and 5e-324 zero, with
// status ok).
inline constexpr double kMinWeight = 1e-100, kMaxWeight = 1e100;
// A metric value's range besides 0: growth ratios x1/x0 (at most 1e200) and squares of levels
// stay finite. 1.7e300 made a group's sd 0 and welch_t 2.8e300 with status ok, and a ratio
// 1e300/1e-300 overflowed and dropped its firm without counting it.
inline constexpr double kMinMetric = 1e-100, kMaxMetric = 1e100;

inline constexpr std::int32_t kMinYear = 1;
inline constexpr std::int32_t kMaxYear = 9999;

// Any finite decimal, converted exactly (the double nearest to it); missing -> NaN.
ValueStatus parse_double(std::string_view v, double& out);
ValueStatus parse_metric(std::string_view v, double& out);  // finite, >= 0; missing -> NaN
ValueStatus parse_weight(std::string_view v, double& out);  // finite, > 0; missing -> NaN
// Integer years 1..9999; "2004.0" (zeros after the point) is accepted as 2004.
ValueStatus parse_year(std::string_view v, std::int32_t& out);
// 0/1 (also 0.0/1.0), true/false, yes/no in any case; missing -> -1.
ValueStatus parse_member(std::string_view v, std::int8_t& out);

// A value as it may appear inside a message's reason text (quoted, control bytes escaped,
// long values cut).
std::string quoted_for_message(std::string_view v);

// ---- parsing while the text arrives ----------------------------------------------------------

// parse_panel on a text that is still being written: read_panel parses a .gz file's text while
// the rest is inflated. One thread calls advance() with the text so far, any number of times,
// each time at the same address and no shorter, then finish() with the whole text, which
// returns exactly what parse_panel(text, display_name, options) returns or throws. advance()
// parses whole chunks of rows (as parse_panel chunks them) once the record after each chunk has
// been seen, polling `stop` between chunks; at the first defect of any kind it stops, and
// finish() then reads the whole text the ordinary way, so that every error is parse_panel's.
class StreamingParse {
 public:
  // size_hint: the expected text size (capacity to reserve); rows_per_chunk 0: parse_panel's.
  StreamingParse(const std::string& display_name, const ReadOptions& options, std::size_t size_hint,
                 std::size_t rows_per_chunk = 0);
  ~StreamingParse();
  StreamingParse(const StreamingParse&) = delete;
  StreamingParse& operator=(const StreamingParse&) = delete;

  void advance(std::string_view text, const std::atomic<bool>& stop);
  Panel finish(std::string_view text);

  // Chunks parsed by advance() so far (tests).
  std::size_t chunks_parsed() const;

 private:
  struct State;
  void parse_rest(std::string_view text);
  std::unique_ptr<State> state_;
};

// ---- firm-level checks -----------------------------------------------------------------------

// What validate_panel needs to know about the columns, for its messages.
struct ColumnRef {
  std::string name;  // empty = no such column
  int index = 0;     // 1-based header position
};

struct ValidationInput {
  std::string file;
  ColumnRef year;
  ColumnRef member;   // the member column, or the cluster/entry column membership came from
  ColumnRef cluster;  // empty name when there is no cluster column
  ColumnRef entry;    // empty name when no entry column is mapped
  bool member_derived = false;
};

// Firm-level rules (duplicate firm-years, constant membership/entry/cluster within a firm);
// throws the defect with the smallest line number.
void validate_panel(const Panel& panel, const ValidationInput& input);

}  // namespace klynge::io
