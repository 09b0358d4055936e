// Parsing a .gz file's text while it is inflated (StreamingParse, read_panel's gzip path) must
// give exactly what parsing the whole text gives: the same Panel bit for bit, or the same error
// (code and message), gzip errors first. Small chunks of rows and small inflate steps put chunk
// and step boundaries inside quoted fields, CRLF line ends, the header and gzip members.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

#include "../../host/src/io/input_bytes.hpp"
#include "../../host/src/io/reader_internal.hpp"
#include "common/gunzip.hpp"
#include "common/panel_equal.hpp"
#include "common/run_klynge.hpp"
#include "klynge/error.hpp"
#include "klynge/io/read_panel.hpp"

namespace klynge {
namespace {

// A Panel, or the error that reading gave instead.
struct Outcome {
  Panel panel;
  bool failed = false;
  ExitCode code = ExitCode::ok;
  std::string message;
};

template <class Read>
Outcome outcome_of(Read&& read) {
  Outcome out;
  try {
    out.panel = read();
  } catch (const Error& e) {
    out.failed = true;
    out.code = e.code();
    out.message = e.what();
  }
  return out;
}

void expect_same_outcome(const Outcome& got, const Outcome& want, const std::string& what) {
  SCOPED_TRACE(what);
  ASSERT_EQ(got.failed, want.failed) << (got.failed ? got.message : want.message);
  if (want.failed) {
    EXPECT_EQ(got.code, want.code);
    EXPECT_EQ(got.message, want.message);
    return;
  }
  test::expect_same_panel(got.panel, want.panel);
  // What expect_same_panel leaves out.
  EXPECT_EQ(got.panel.path, want.panel.path);
  EXPECT_EQ(got.panel.metric_names, want.panel.metric_names);
  EXPECT_EQ(got.panel.member_source, want.panel.member_source);
  EXPECT_EQ(got.panel.member_derived, want.panel.member_derived);
  if (got.panel.cluster && want.panel.cluster)
    EXPECT_EQ(got.panel.cluster->name, want.panel.cluster->name);
  for (std::size_t k = 0; k < got.panel.strata.size() && k < want.panel.strata.size(); ++k)
    EXPECT_EQ(got.panel.strata[k].name, want.panel.strata[k].name);
}

// StreamingParse given the text `step` bytes more at a time (all of it at one address, as the
// inflater writes it), then finished.
Outcome streamed(const std::string& text, const ReadOptions& options, std::size_t rows_per_chunk,
                 std::size_t step, std::size_t* chunks_parsed = nullptr) {
  return outcome_of([&] {
    io::StreamingParse parse("t.csv", options, text.size(), rows_per_chunk);
    const std::atomic<bool> stop{false};
    for (std::size_t n = 0; n < text.size(); n += step)
      parse.advance(std::string_view(text.data(), n), stop);
    if (chunks_parsed) *chunks_parsed = parse.chunks_parsed();
    return parse.finish(text);
  });
}

Outcome whole(const std::string& text, const ReadOptions& options) {
  return outcome_of([&] { return parse_panel(text, "t.csv", options); });
}

// Every chunk size and step on `text`; `parsed_some`: chunks must have been parsed while the
// text arrived (a valid text of several chunks).
void expect_streaming_matches(const std::string& text, const ReadOptions& options,
                              bool parsed_some) {
  const Outcome want = whole(text, options);
  for (std::size_t rows : {1, 2, 3, 7}) {
    for (std::size_t step : {1, 5, 63, 64, 65, 200, 4096}) {
      std::size_t chunks = 0;
      const std::string what = "rows per chunk " + std::to_string(rows) + ", step " +
                               std::to_string(step) + ", text: " + text.substr(0, 60);
      expect_same_outcome(streamed(text, options, rows, step, &chunks), want, what);
      if (parsed_some && step < text.size() / 4) EXPECT_GT(chunks, 0u) << what;
    }
  }
}

ReadOptions short_names() {
  ReadOptions o;
  o.columns.id = "a";
  o.columns.year = "b";
  o.columns.metrics = {"c"};
  o.columns.member = "d";
  o.columns.cluster = "e";
  o.columns.strata = {"g"};
  o.columns.weight = "h";
  o.threads = 2;
  return o;
}

// Rows with quoted fields holding delimiters, doubled quotes, LF and CRLF line ends.
std::string tricky_panel(const std::string& eol) {
  std::string text = "\"a\",b,\"c\",d,\"e\",g,h" + eol;
  for (int f = 0; f < 12; ++f)
    for (int y = 2001; y <= 2003; ++y) {
      text +=
          (f % 3 == 0 ? "\"firm " + std::to_string(f) + ", \"\"q\"\"\"" : "f" + std::to_string(f));
      text += "," + std::to_string(y) + "," + std::to_string(f * 10 + y - 2000) + ".25,";
      text += (f % 2 ? "1" : "0");
      text += f % 2 ? ",\"cl" + eol + "uster " + std::to_string(f % 4) + "\"" : ",";
      text += f % 5 == 0 ? ",\"s,1\"" : ",s" + std::to_string(f % 3);
      text += ",1.5" + eol;
    }
  return text;
}

TEST(ReadStreaming, QuotedFieldsAndCrlfAcrossChunkAndStepBoundaries) {
  expect_streaming_matches(tricky_panel("\n"), short_names(), true);
  expect_streaming_matches(tricky_panel("\r\n"), short_names(), true);
  // A byte-order mark, no line end after the last row, trailing blank lines.
  expect_streaming_matches("\xEF\xBB\xBF" + tricky_panel("\r\n"), short_names(), true);
  std::string cut = tricky_panel("\n");
  cut.pop_back();
  expect_streaming_matches(cut, short_names(), true);
  expect_streaming_matches(tricky_panel("\n") + "\n\r\n\n", short_names(), true);
}

TEST(ReadStreaming, LongHeaderWithQuotedNewlinesArrivesInPieces) {
  std::string header = "firm_id,year,employees,revenue,value_added,member";
  for (int k = 0; k < 20; ++k) header += ",\"extra column " + std::to_string(k) + "\nline two\"";
  std::string text = header + "\n";
  for (int f = 0; f < 10; ++f)
    for (int y = 2001; y <= 2002; ++y) {
      text += "F" + std::to_string(f) + "," + std::to_string(y) + ",1,2,3," + std::to_string(f % 2);
      for (int k = 0; k < 20; ++k) text += ",x";
      text += "\n";
    }
  ReadOptions o;
  o.threads = 2;
  expect_streaming_matches(text, o, true);
  o.delimiter = ';';  // then the header is one column: an error
  expect_streaming_matches(text, o, false);
}

TEST(ReadStreaming, EveryDefectIsReportedAsByTheWholeTextParse) {
  const std::string good = tricky_panel("\n");
  const ReadOptions o = short_names();
  const std::vector<std::string> bad = {
      "",
      "\n\n",
      "a,b,c,d,e,g,h\n",
      "a,b,c,d\nx,2001,1,1\n",                        // no column e
      good + "f1,2001,1,1,,s1,1.5\n",                 // a duplicate firm-year (validation)
      good.substr(0, 300) + "\n" + good.substr(300),  // a blank line inside the data
      good + "\"unterminated,2001,1,1,,s,1\n",
      good.substr(0, 400) + "x,2001,1\n" + good.substr(400),  // ragged row
      good + "zz,2001,-1,0,,s,1\n",                           // a negative metric in the last chunk
      good.substr(0, 200) + "q,2001,abc,0,,s,1\n" + good.substr(200) +
          "r,2001,-1,0,,s,1\n",  // two defects: the first wins
      "a,b,c,d,e,g,h\nx,2001,1,1,,s,\"1\"x\n" + good.substr(good.find('\n') + 1),
  };
  for (const std::string& text : bad) expect_streaming_matches(text, o, false);
  ReadOptions quote = o;
  quote.delimiter = '"';
  expect_streaming_matches(good, quote, false);  // a usage error
}

TEST(ReadStreaming, PoolWithoutMembershipAndDerivedMembership) {
  ReadOptions pool = short_names();
  pool.membership = false;
  pool.columns.cluster.reset();
  expect_streaming_matches(tricky_panel("\n"), pool, true);
  ReadOptions derived = short_names();
  // The default membership column, absent from the header: membership from the cluster column
  // (a named column that is absent is an error).
  derived.columns.member = ColumnMap{}.member;
  expect_streaming_matches(tricky_panel("\r\n"), derived, true);
}

// ---- the whole path: files, inflater, threads ----------------------------------------------

// 4 years of `firms` firms in the default columns, some ids quoted with a newline inside.
std::string many_rows(int firms) {
  std::string text = "firm_id,year,employees,revenue,value_added,member\r\n";
  for (int f = 0; f < firms; ++f)
    for (int y = 2001; y <= 2004; ++y) {
      text += f % 101 == 0 ? "\"F" + std::to_string(f) + "\n\"" : "F" + std::to_string(f);
      text += "," + std::to_string(y) + "," + std::to_string(f % 97 + y - 2000) + "," +
              std::to_string((f * 7919) % 10007) + ".5," +
              (f % 11 == 0 ? "NA" : std::to_string(f % 13)) + "," + (f % 3 == 0 ? "1" : "0") +
              "\r\n";
    }
  return text;
}

Outcome read_file(const std::string& path, int threads, std::size_t rows_per_chunk,
                  std::size_t step) {
  ReadOptions o;
  o.threads = threads;
  return outcome_of([&] {
    Panel p = detail::read_panel_chunked(path, o, rows_per_chunk, step);
    p.path = "t.csv";  // compared with parse_panel's
    return p;
  });
}

// The .gz file holding `text` (as `gz`) reads as the text does, for small and default chunks
// and steps, and with one thread (no streaming). Returns the file's path.
std::string expect_gz_reads_as_text(const std::string& name, const std::string& gz,
                                    const std::string& text) {
  const std::string path = test::scratch_dir("read-streaming") + "/" + name;
  test::write_file(path, gz);
  ReadOptions o;
  o.threads = 2;
  const Outcome want = whole(text, o);
  for (std::size_t rows : {std::size_t{1}, std::size_t{5}, detail::kRowsPerChunk})
    for (std::size_t step : {std::size_t{97}, std::size_t{4096}, io::kInflateStep})
      for (int threads : {1, 2})
        expect_same_outcome(read_file(path, threads, rows, step), want,
                            name + ", rows " + std::to_string(rows) + ", step " +
                                std::to_string(step) + ", threads " + std::to_string(threads));
  return path;
}

TEST(ReadStreaming, GzipOfManyChunksReadsAsItsText) {
  const std::string text = many_rows(20000);  // 80 000 rows: five default chunks
  const std::string gz = test::gzip_member(text);
  const std::string path = expect_gz_reads_as_text("many.csv.gz", gz, text);
  // Read as read_panel does by default.
  ReadOptions o;
  o.threads = 2;
  Panel got = read_panel(path, o);
  got.path = "t.csv";
  expect_same_outcome(outcome_of([&] { return got; }), whole(text, o), "read_panel");
}

TEST(ReadStreaming, MultiMemberGzipAndTrailingBytes) {
  const std::string text = many_rows(800);
  // Members split inside a quoted field (the first firm id), inside a CRLF and in the header.
  const std::size_t in_quote = text.find("\"F0") + 2;
  const std::size_t in_crlf = text.find("\r\n", 1000) + 1;
  const std::string members = test::gzip_member(text.substr(0, 20)) +
                              test::gzip_member(text.substr(20, in_quote - 20), 1) +
                              test::gzip_member(text.substr(in_quote, in_crlf - in_quote), 9) +
                              test::gzip_member(text.substr(in_crlf));
  expect_gz_reads_as_text("members.csv.gz", members, text);
  expect_gz_reads_as_text("tail.csv.gz", test::gzip_member(text) + std::string("\0\0junk", 6),
                          text);
  // The last member tiny: its size says nothing of the whole, the text outgrows the room
  // reserved for it and moves while it is parsed.
  expect_gz_reads_as_text("small-last.csv.gz",
                          test::gzip_member(text.substr(0, text.size() - 10)) +
                              test::gzip_member(text.substr(text.size() - 10)),
                          text);
  // Not gzip at all: taken as it is.
  expect_gz_reads_as_text("plain.csv.gz", text, text);
}

TEST(ReadStreaming, GzipErrorsWinOverEarlierCsvDefects) {
  // A CSV defect in the first rows, and a gzip defect at the end: the gzip error is reported.
  std::string text = many_rows(3000);
  text.insert(text.find('\n') + 1, "bad,2001,x,1,1,1\r\n");
  const std::string gz = test::gzip_member(text);
  const std::string dir = test::scratch_dir("read-streaming-errors");
  std::string bad_crc = gz;
  bad_crc[gz.size() - 8] = static_cast<char>(bad_crc[gz.size() - 8] ^ 0x55);
  const std::pair<std::string, std::string> files[] = {
      {"cut.csv.gz", gz.substr(0, gz.size() - gz.size() / 5)},
      {"crc.csv.gz", bad_crc},
      {"csv-defect.csv.gz", gz},  // no gzip defect: the CSV one
  };
  ReadOptions o;
  o.threads = 2;
  for (const auto& [name, bytes] : files) {
    const std::string path = dir + "/" + name;
    test::write_file(path, bytes);
    io::InputBytes plain;
    const Outcome want = outcome_of([&] {
      io::inflate_gzip(bytes, path, plain);
      return parse_panel(plain.view(), path, o);
    });
    ASSERT_TRUE(want.failed);
    for (std::size_t rows : {std::size_t{1}, std::size_t{7}, detail::kRowsPerChunk})
      for (std::size_t step : {std::size_t{101}, io::kInflateStep}) {
        const Outcome got =
            outcome_of([&] { return detail::read_panel_chunked(path, o, rows, step); });
        expect_same_outcome(got, want, name);
      }
  }
}

// The inflater's bytes and errors do not depend on its steps.
TEST(ReadStreaming, InflateStepsChangeNothing) {
  struct Watch : io::InflateWatcher {
    std::size_t last = 0;
    bool moved = false;
    void inflated(const char*, std::size_t size) override {
      EXPECT_FALSE(moved);
      EXPECT_GE(size, last);
      last = size;
    }
    void moving() override { moved = true; }
  };
  const std::string text = many_rows(300);
  const std::string gz = test::gzip_member(text);
  std::string flipped = gz;
  flipped[gz.size() / 2] = static_cast<char>(flipped[gz.size() / 2] ^ 0x20);
  const std::string inputs[] = {gz,
                                gz.substr(0, gz.size() / 2),
                                gz.substr(0, gz.size() - 3),
                                flipped,
                                gz + test::gzip_member("x") + "junk",
                                test::gzip_member("x") + gz,
                                gz + gz.substr(0, 30)};
  for (const std::string& in : inputs) {
    auto run = [&](io::InflateWatcher* w, std::size_t step) {
      io::InputBytes out;
      std::string error;
      try {
        io::inflate_gzip(in, "t.csv.gz", out, w, step);
      } catch (const Error& e) {
        error = e.what();
      }
      return std::make_pair(error, std::string(out.view()));
    };
    const auto want = run(nullptr, 0);
    for (std::size_t step : {1, 2, 3, 100, 65536}) {
      Watch w;
      const auto got = run(&w, step);
      EXPECT_EQ(got.first, want.first) << step;
      if (want.first.empty()) {
        EXPECT_EQ(got.second, want.second) << step;
        if (!w.moved) EXPECT_EQ(w.last, want.second.size()) << step;
      }
    }
  }
}

}  // namespace
}  // namespace klynge
