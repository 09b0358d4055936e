// Record boundaries, delimiter sniffing and field decoding (RFC 4180 quoting).
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>

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
RecordScanner::RecordScanner(std::size_t size_hint) {
  // Room for rows of 32 bytes and more, so that typical 40-100 byte rows never regrow: a
  // regrowth copies the records and touches a fresh block twice their size (the page zeroing
  // showed in profiles). Capacity that is never written costs address space only.
  scan_.records.reserve(size_hint / 32 + 2);
}

namespace {

// Ends the record [c.record_begin, end); false when a blank line turned out not to be trailing.
bool end_record(RecordScanner::Cursor& c, RecordScan& scan, const char* base, std::size_t end) {
  if (!c.has_quote && is_blank(base, c.record_begin, end)) {
    if (c.first_blank_line == 0) c.first_blank_line = c.record_line;
    return true;
  }
  if (c.first_blank_line != 0) {
    scan.stop = RecordScan::Stop::blank_line;
    scan.stop_line = static_cast<std::int64_t>(c.first_blank_line);
    return false;
  }
  Record r;
  r.begin = c.record_begin;
  r.line = c.record_line;
  r.has_quote = c.has_quote ? 1 : 0;
  scan.records.push_back(r);
  c.sentinel = end + 1;
  return true;
}

}  // namespace

// Scans the blocks from scanned_ up to `limit` (a multiple of 64, or text.size()). The state
// is a local copy during the loop, so that it can live in registers.
void RecordScanner::scan_blocks(std::string_view text, std::size_t limit) {
  const char* const base = text.data();
  const std::size_t n = text.size();
  Cursor c = cursor_;
  std::size_t block = scanned_;
  for (; block < limit && !c.stopped; block += 64) {
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
        c.in_quotes = !c.in_quotes;
        c.has_quote = true;
        if (c.in_quotes) {
          c.open_line = c.line;
          c.open_offset = i;
        }
      } else if (c.in_quotes) {
        ++c.line;
      } else {
        if (!end_record(c, scan_, base, i)) {
          c.stopped = true;
          break;
        }
        ++c.line;
        c.record_begin = i + 1;
        c.record_line = c.line;
        c.has_quote = false;
      }
    }
  }
  scanned_ = std::min(block, limit);  // the last block of finish() may be short
  cursor_ = c;
}

void RecordScanner::feed(std::string_view text) {
  scan_blocks(text, text.size() - text.size() % 64);
}

RecordScan RecordScanner::finish(std::string_view text) {
  scan_blocks(text, text.size());
  const std::size_t n = text.size();
  Cursor& c = cursor_;
  if (!c.stopped) {
    if (c.in_quotes) {
      if (c.first_blank_line != 0) {
        scan_.stop = RecordScan::Stop::blank_line;
        scan_.stop_line = static_cast<std::int64_t>(c.first_blank_line);
      } else {
        scan_.stop = RecordScan::Stop::unterminated_quote;
        scan_.stop_line = static_cast<std::int64_t>(c.open_line);
        scan_.stop_offset = c.open_offset;
      }
    } else if (c.record_begin < n) {
      end_record(c, scan_, text.data(), n);  // the last line has no line end
    }
  }

  if (!scan_.records.empty()) {
    Record s;
    s.begin = c.sentinel;
    s.line = c.line;
    s.has_quote = 0;
    scan_.records.push_back(s);
  }
  return std::move(scan_);
}

RecordScan scan_records(std::string_view text) {
  RecordScanner scanner(text.size());
  return scanner.finish(text);
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
