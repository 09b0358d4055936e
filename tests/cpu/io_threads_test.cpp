// The reader gives the same Panel, bit for bit, and the same error for any thread count and
// any chunking of the rows (DESIGN.md §2 reproducibility contract).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "common/bitwise_equal.hpp"
#include "common/panel_equal.hpp"
#include "klynge/error.hpp"
#include "klynge/io/read_panel.hpp"

namespace klynge {
namespace {

// A deterministic panel with every column kind, quoted fields (with delimiters, doubled quotes
// and line breaks), CRLF rows and missing values.
std::string synthetic_panel(int firms, int years) {
  std::string out = "firm_id,year,employees,revenue,value_added,member,cluster,entry,nace,w\n";
  std::uint64_t state = 12345;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::uint32_t>(state >> 33);
  };
  for (int f = 0; f < firms; ++f) {
    const bool member = next() % 4 == 0;
    const int entry = member ? 2000 + static_cast<int>(next() % 10) : 0;
    const std::string cluster =
        member ? (next() % 3 == 0 ? "\"Clu, \"\"" + std::to_string(f % 7) + "\"\"\nX\""
                                  : "C" + std::to_string(f % 5))
               : "";
    const std::string id =
        next() % 5 == 0 ? "\"F " + std::to_string(f) + "\"" : "F" + std::to_string(f);
    const std::string nace = "N" + std::to_string(next() % 30);
    for (int y = 0; y < years; ++y) {
      const std::uint32_t r = next();
      std::string row = id + "," + std::to_string(2000 + y) + ",";
      row += (r % 17 == 0) ? "NA" : std::to_string(r % 500);
      row += ",";
      row += (r % 13 == 0) ? "" : std::to_string(r % 100000) + "." + std::to_string(r % 97);
      row += ",";
      row += (r % 11 == 0) ? "." : std::to_string((r >> 8) % 1000) + "e1";
      row += ",";
      row += member ? (2000 + y >= entry ? "yes" : "0") : "false";
      row += "," + cluster + ",";
      row += member ? std::to_string(entry) : "";
      row += "," + nace + ",";
      row += (r % 7 == 0) ? "" : "1." + std::to_string(r % 9 + 1);
      row += (r % 5 == 0) ? "\r\n" : "\n";
      out += row;
    }
  }
  return out;
}

ReadOptions options(int threads) {
  ReadOptions o;
  o.columns.entry = "entry";
  o.columns.strata = {"nace"};
  o.columns.weight = "w";
  o.threads = threads;
  return o;
}

using klynge::test::bitwise_equal;

TEST(IoThreads, SamePanelForAnyThreadCountAndChunking) {
  const std::string text = synthetic_panel(3000, 12);  // 36 000 rows
  const Panel reference = detail::parse_panel_chunked(text, "t.csv", options(1), 1u << 30);
  ASSERT_EQ(reference.rows(), 36000u);
  ASSERT_EQ(reference.firms(), 3000u);
  EXPECT_EQ(reference.firm_ids[0], "F0");
  for (int threads : {1, 2, 3, 8}) {
    for (std::size_t chunk : {detail::kRowsPerChunk, std::size_t{997}, std::size_t{64}}) {
      SCOPED_TRACE(testing::Message() << threads << " threads, " << chunk << " rows per chunk");
      test::expect_same_panel(reference,
                              detail::parse_panel_chunked(text, "t.csv", options(threads), chunk));
    }
  }
  // Single-row chunks on a smaller panel: every row its own chunk.
  const std::string small = synthetic_panel(50, 6);
  const Panel small_ref = detail::parse_panel_chunked(small, "t.csv", options(1), 1u << 30);
  for (int threads : {1, 4})
    test::expect_same_panel(small_ref,
                            detail::parse_panel_chunked(small, "t.csv", options(threads), 1));
}

TEST(IoThreads, SameErrorForAnyThreadCountAndChunking) {
  std::string text = synthetic_panel(2000, 10);
  // Two defects: a negative metric about two thirds in and a ragged row near the end. The
  // first must always win.
  // The offset just after "\n<id>,<year>," of the first unquoted firm id from `firm` on.
  auto row_at = [&text](int firm, int year) {
    for (;; ++firm) {
      const std::string key = "\nF" + std::to_string(firm) + "," + std::to_string(year) + ",";
      const std::size_t at = text.find(key);
      if (at != std::string::npos) return at + key.size();
    }
  };
  text.insert(row_at(1333, 2003), "-");
  const std::size_t late = row_at(1900, 2001);
  text.insert(text.rfind('\n', late) + 1, "extra,");
  std::string first_message;
  for (int threads : {1, 2, 4}) {
    for (std::size_t chunk : {detail::kRowsPerChunk, std::size_t{500}, std::size_t{3}}) {
      try {
        detail::parse_panel_chunked(text, "t.csv", options(threads), chunk);
        FAIL() << "no error";
      } catch (const Error& e) {
        if (first_message.empty()) first_message = e.what();
        EXPECT_EQ(first_message, e.what());
      }
    }
  }
  EXPECT_NE(first_message.find("metric values must be >= 0"), std::string::npos) << first_message;
}

}  // namespace
}  // namespace klynge
