// Record boundaries, delimiter sniffing and field decoding (RFC 4180 quoting).
#include <cstring>

#include "reader_internal.hpp"

namespace klynge::io {

namespace {

// Offset of the next `c` at or after `pos`, or n when there is none.
inline std::size_t find_byte(const char* base, std::size_t pos, std::size_t n, char c) {
  if (pos >= n) return n;
  const void* hit = std::memchr(base + pos, c, n - pos);
  return hit ? static_cast<std::size_t>(static_cast<const char*>(hit) - base) : n;
}

inline bool is_blank(const char* base, std::size_t begin, std::size_t end) {
  return end == begin || (end == begin + 1 && base[begin] == '\r');
}

}  // namespace

RecordScan scan_records(std::string_view text) {
  RecordScan scan;
  const char* const base = text.data();
  const std::size_t n = text.size();
  // A guess that avoids most regrowth for typical 40-100 byte rows; growth handles the rest.
  scan.records.reserve(n / 64 + 2);

  std::size_t pos = 0;
  std::uint64_t line = 1;
  std::size_t next_quote = find_byte(base, 0, n, '"');
  std::uint64_t first_blank_line = 0;  // a blank line not (yet) known to be trailing
  std::uint64_t sentinel = 0;          // one past the line end of the last record

  while (pos < n) {
    const std::size_t begin = pos;
    const std::uint64_t begin_line = line;
    std::size_t end = find_byte(base, pos, n, '\n');
    bool has_quote = false;
    if (next_quote < end) {
      // Slow path from the first quote: toggle on every '"', newlines inside quotes belong to
      // the record (and still count as physical lines).
      has_quote = true;
      bool in_quotes = false;
      std::uint64_t open_line = line;
      std::size_t open_offset = next_quote;
      std::size_t i = next_quote;
      for (; i < n; ++i) {
        const char c = base[i];
        if (c == '"') {
          in_quotes = !in_quotes;
          if (in_quotes) {
            open_line = line;
            open_offset = i;
          }
        } else if (c == '\n') {
          if (!in_quotes) break;
          ++line;
        }
      }
      if (in_quotes) {
        if (first_blank_line != 0) {
          scan.stop = RecordScan::Stop::blank_line;
          scan.stop_line = static_cast<std::int64_t>(first_blank_line);
        } else {
          scan.stop = RecordScan::Stop::unterminated_quote;
          scan.stop_line = static_cast<std::int64_t>(open_line);
          scan.stop_offset = open_offset;
        }
        break;
      }
      end = i;
      next_quote = find_byte(base, end, n, '"');
    }

    if (!has_quote && is_blank(base, begin, end)) {
      if (first_blank_line == 0) first_blank_line = begin_line;
    } else {
      if (first_blank_line != 0) {
        scan.stop = RecordScan::Stop::blank_line;
        scan.stop_line = static_cast<std::int64_t>(first_blank_line);
        break;
      }
      Record r;
      r.begin = begin;
      r.line = begin_line;
      r.has_quote = has_quote ? 1 : 0;
      scan.records.push_back(r);
      sentinel = end + 1;
    }
    pos = end + 1;
    ++line;
  }

  if (!scan.records.empty()) {
    Record s;
    s.begin = sentinel;
    s.line = line;
    s.has_quote = 0;
    scan.records.push_back(s);
  }
  return scan;
}

char sniff_delimiter(std::string_view header) {
  std::size_t comma = 0, semicolon = 0, tab = 0;
  bool in_quotes = false;
  for (char c : header) {
    if (c == '"') in_quotes = !in_quotes;
    else if (!in_quotes) {
      comma += (c == ',');
      semicolon += (c == ';');
      tab += (c == '\t');
    }
  }
  if (comma >= semicolon && comma >= tab) return ',';
  if (semicolon >= tab) return ';';
  return '\t';
}

std::size_t split_record(std::string_view record, bool has_quote, char delimiter, RawField* out,
                         std::size_t capacity) {
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

std::string_view trim_spaces(std::string_view v) {
  std::size_t b = 0, e = v.size();
  while (b < e && (v[b] == ' ' || v[b] == '\t')) ++b;
  while (e > b && (v[e - 1] == ' ' || v[e - 1] == '\t')) --e;
  return v.substr(b, e - b);
}

DecodeStatus decode_field(RawField raw, std::string& scratch, Field& out) {
  std::string_view v = trim_spaces(
      std::string_view(raw.begin, static_cast<std::size_t>(raw.end - raw.begin)));
  out.quoted = false;
  out.in_scratch = false;
  if (v.empty() || v.front() != '"') {
    if (v.find('"') != std::string_view::npos) return DecodeStatus::stray_quote;
    out.text = v;
    return DecodeStatus::ok;
  }
  // Quoted: "...", with "" standing for one quote inside.
  if (v.size() < 2 || v.back() != '"') return DecodeStatus::text_after_quote;
  std::string_view inner = v.substr(1, v.size() - 2);
  out.quoted = true;
  std::size_t q = inner.find('"');
  if (q == std::string_view::npos) {
    out.text = inner;
    return DecodeStatus::ok;
  }
  scratch.clear();
  std::size_t i = 0;
  while (q != std::string_view::npos) {
    // A quote inside must be doubled; a lone one closed the field early.
    if (q + 1 >= inner.size() || inner[q + 1] != '"') return DecodeStatus::text_after_quote;
    scratch.append(inner.substr(i, q + 1 - i));
    i = q + 2;
    q = inner.find('"', i);
  }
  scratch.append(inner.substr(i));
  out.text = scratch;
  out.in_scratch = true;
  return DecodeStatus::ok;
}

const char* describe(DecodeStatus status) {
  switch (status) {
    case DecodeStatus::ok: return "ok";
    case DecodeStatus::stray_quote:
      return "a quote inside an unquoted field (quote the whole field and double the quotes "
             "inside: \"a \"\"b\"\" c\")";
    case DecodeStatus::text_after_quote:
      return "text after the closing quote of a quoted field (a quote inside a quoted field "
             "must be doubled: \"\")";
  }
  return "malformed field";
}

}  // namespace klynge::io
