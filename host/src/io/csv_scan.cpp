// Record boundaries, delimiter sniffing and field decoding (RFC 4180 quoting).
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "reader_internal.hpp"

namespace klynge::io {

namespace {

// Bit k set when byte k of the 64 at p is '\n' or '"' (the only bytes that matter for record
// boundaries).
inline std::uint64_t boundary_mask(const char* p) {
#if defined(__SSE2__)
  const __m128i newline = _mm_set1_epi8('\n');
  const __m128i quote = _mm_set1_epi8('"');
  std::uint64_t mask = 0;
  for (int k = 0; k < 4; ++k) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    const __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(v, newline), _mm_cmpeq_epi8(v, quote));
    mask |= static_cast<std::uint64_t>(static_cast<std::uint16_t>(_mm_movemask_epi8(hit)))
            << (16 * k);
  }
  return mask;
#else
  std::uint64_t mask = 0;
  for (int k = 0; k < 64; ++k) mask |= static_cast<std::uint64_t>(p[k] == '\n' || p[k] == '"') << k;
  return mask;
#endif
}

inline bool is_blank(const char* base, std::size_t begin, std::size_t end) {
  return end == begin || (end == begin + 1 && base[begin] == '\r');
}

}  // namespace

// One state machine over the '\n' and '"' bytes only, found 64 bytes at a time: a '"' toggles
// the quoted state; a '\n' outside quotes ends a record, inside quotes it is just a line.
RecordScan scan_records(std::string_view text) {
  RecordScan scan;
  const char* const base = text.data();
  const std::size_t n = text.size();
  // Room for rows of 32 bytes and more, so that typical 40-100 byte rows never regrow: a
  // regrowth copies the records and touches a fresh block twice their size (the page zeroing
  // showed in profiles). Capacity that is never written costs address space only.
  scan.records.reserve(n / 32 + 2);

  std::uint64_t line = 1;
  std::size_t record_begin = 0;
  std::uint64_t record_line = 1;
  bool has_quote = false;
  bool in_quotes = false;
  std::uint64_t open_line = 0;
  std::size_t open_offset = 0;
  std::uint64_t first_blank_line = 0;  // a blank line not (yet) known to be trailing
  std::uint64_t sentinel = 0;          // one past the line end of the last record

  // Ends the record [record_begin, end); false when a blank line turned out not to be trailing.
  auto end_record = [&](std::size_t end) {
    if (!has_quote && is_blank(base, record_begin, end)) {
      if (first_blank_line == 0) first_blank_line = record_line;
      return true;
    }
    if (first_blank_line != 0) {
      scan.stop = RecordScan::Stop::blank_line;
      scan.stop_line = static_cast<std::int64_t>(first_blank_line);
      return false;
    }
    Record r;
    r.begin = record_begin;
    r.line = record_line;
    r.has_quote = has_quote ? 1 : 0;
    scan.records.push_back(r);
    sentinel = end + 1;
    return true;
  };

  bool stopped = false;
  for (std::size_t block = 0; block < n && !stopped; block += 64) {
    std::uint64_t mask;
    if (n - block >= 64) {
      mask = boundary_mask(base + block);
    } else {
      char tail[64] = {};
      std::memcpy(tail, base + block, n - block);
      mask = boundary_mask(tail);
    }
    while (mask != 0) {
      const std::size_t i = block + static_cast<std::size_t>(__builtin_ctzll(mask));
      mask &= mask - 1;
      if (base[i] == '"') {
        in_quotes = !in_quotes;
        has_quote = true;
        if (in_quotes) {
          open_line = line;
          open_offset = i;
        }
      } else if (in_quotes) {
        ++line;
      } else {
        if (!end_record(i)) {
          stopped = true;
          break;
        }
        ++line;
        record_begin = i + 1;
        record_line = line;
        has_quote = false;
      }
    }
  }
  if (!stopped) {
    if (in_quotes) {
      if (first_blank_line != 0) {
        scan.stop = RecordScan::Stop::blank_line;
        scan.stop_line = static_cast<std::int64_t>(first_blank_line);
      } else {
        scan.stop = RecordScan::Stop::unterminated_quote;
        scan.stop_line = static_cast<std::int64_t>(open_line);
        scan.stop_offset = open_offset;
      }
    } else if (record_begin < n) {
      end_record(n);  // the last line has no line end
    }
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
    if (c == '"')
      in_quotes = !in_quotes;
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

DecodeStatus decode_quoted(std::string_view v, std::string& scratch, Field& out) {
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
    case DecodeStatus::ok:
      return "ok";
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
