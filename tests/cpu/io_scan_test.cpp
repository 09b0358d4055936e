// The record scanner (64 bytes at a time) against a byte-at-a-time reference, on random texts
// made of the bytes that matter, across 64-byte block seams.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "../../host/src/io/reader_internal.hpp"

namespace klynge::io {
namespace {

struct Expected {
  std::vector<std::uint64_t> begin, line, has_quote;
  RecordScan::Stop stop = RecordScan::Stop::none;
  std::int64_t stop_line = 0;
  std::uint64_t stop_offset = 0;
  std::uint64_t sentinel = 0;
};

// The rules, one byte at a time: '"' toggles quoting; '\n' outside quotes ends a record; a
// record that is empty or just "\r" is blank: ignored at the end, an error before a record.
Expected reference_scan(const std::string& t) {
  Expected e;
  bool in_quotes = false, quote_seen = false;
  std::uint64_t line = 1, record_line = 1, open_line = 0, blank = 0;
  std::size_t record_begin = 0, open_offset = 0;
  auto finish = [&](std::size_t end) {
    const bool is_blank = !quote_seen && (end == record_begin ||
                                          (end == record_begin + 1 && t[record_begin] == '\r'));
    if (is_blank) {
      if (!blank) blank = record_line;
      return true;
    }
    if (blank) {
      e.stop = RecordScan::Stop::blank_line;
      e.stop_line = static_cast<std::int64_t>(blank);
      return false;
    }
    e.begin.push_back(record_begin);
    e.line.push_back(record_line);
    e.has_quote.push_back(quote_seen);
    e.sentinel = end + 1;
    return true;
  };
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '"') {
      in_quotes = !in_quotes;
      quote_seen = true;
      if (in_quotes) open_line = line, open_offset = i;
    } else if (t[i] == '\n') {
      if (in_quotes) {
        ++line;
        continue;
      }
      if (!finish(i)) return e;
      ++line;
      record_begin = i + 1;
      record_line = line;
      quote_seen = false;
    }
  }
  if (in_quotes) {
    if (blank) {
      e.stop = RecordScan::Stop::blank_line;
      e.stop_line = static_cast<std::int64_t>(blank);
    } else {
      e.stop = RecordScan::Stop::unterminated_quote;
      e.stop_line = static_cast<std::int64_t>(open_line);
      e.stop_offset = open_offset;
    }
  } else if (record_begin < t.size()) {
    finish(t.size());
  }
  return e;
}

void expect_same(const std::string& text) {
  const RecordScan got = scan_records(text);
  const Expected want = reference_scan(text);
  ASSERT_EQ(got.count(), want.begin.size());
  for (std::size_t i = 0; i < got.count(); ++i) {
    EXPECT_EQ(got.records[i].begin, want.begin[i]) << i;
    EXPECT_EQ(got.records[i].line, want.line[i]) << i;
    EXPECT_EQ(got.records[i].has_quote, want.has_quote[i]) << i;
  }
  if (got.count() > 0) EXPECT_EQ(got.records.back().begin, want.sentinel);
  EXPECT_EQ(got.stop, want.stop);
  EXPECT_EQ(got.stop_line, want.stop_line);
  if (want.stop == RecordScan::Stop::unterminated_quote)
    EXPECT_EQ(got.stop_offset, want.stop_offset);
}

TEST(IoScan, MatchesByteAtATimeReference) {
  std::uint64_t state = 42;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::uint32_t>(state >> 33);
  };
  const char alphabet[] = {'a', 'b', ',', ';', '"', '\n', '\r', ' '};
  for (int trial = 0; trial < 4000; ++trial) {
    const std::size_t size = next() % 300;
    // Texts heavy in letters (long records) or in special bytes (many short ones).
    const std::uint32_t letters = next() % 8;
    std::string text;
    for (std::size_t i = 0; i < size; ++i) {
      const std::uint32_t r = next() % 16;
      text += r < letters + 4 ? 'a' : alphabet[next() % sizeof alphabet];
    }
    SCOPED_TRACE(testing::Message() << "trial " << trial << ": " << testing::PrintToString(text));
    expect_same(text);
    if (testing::Test::HasFailure()) return;
  }
}

TEST(IoScan, SeamsAndEdges) {
  for (std::size_t pad = 0; pad < 130; ++pad) {
    const std::string a(pad, 'x');
    for (const std::string& t :
         {a + "\n", a + "\"\n\"\n", a + "\r\n\r\n", a + "\n\nq", a + "\"", a + "\n\"x\n", a,
          "h\n" + a + "\n\n\n", "\"" + a + "\n" + a + "\"\n" + a}) {
      SCOPED_TRACE(testing::PrintToString(t));
      expect_same(t);
    }
  }
}

}  // namespace
}  // namespace klynge::io
