// One committed file per input defect (tests/data/bad/): each must end in a bad-data error
// (exit 65) whose one-line message names the file, the line and, where there is one, the column
// and the value.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "common/run_klynge.hpp"
#include "klynge/error.hpp"
#include "klynge/io/read_panel.hpp"

namespace klynge {
namespace {

struct BadCase {
  const char* file;    // under tests/data/bad/
  int line;            // expected line in "<path>:<line>:"
  const char* column;  // expected "column '<name>'" ("" = none expected)
  const char* value;   // expected 'value "<value>"' (nullptr = no value part)
  const char* reason;  // a distinctive piece of the reason
  void (*adjust)(ReadOptions&) = nullptr;
};

// Names the case in test listings (instead of a byte dump).
void PrintTo(const BadCase& c, std::ostream* os) {
  *os << c.file;
}

void with_entry(ReadOptions& o) {
  o.columns.entry = "entry";
}
void with_weight(ReadOptions& o) {
  o.columns.weight = "w";
}

const BadCase kCases[] = {
    {"missing_column.csv", 1, "revenue", nullptr, "no such column in the header"},
    {"non_numeric.csv", 4, "employees' (3", "12a", "not a number"},
    {"negative_metric.csv", 3, "revenue' (4", "-4", "metric values must be >= 0"},
    {"huge_metric.csv", 3, "employees' (3", "1.7e300", "between 1e-100 and 1e100"},
    {"tiny_metric.csv", 4, "revenue' (4", "1e-300", "metric values must be 0 or between"},
    {"nan_metric.csv", 4, "value_added' (5", "NaN", "not a finite number"},
    {"inf_metric.csv", 3, "employees' (3", "inf", "not a finite number"},
    {"decimal_comma.csv", 2, "revenue' (4", "1000,5", "decimal comma"},
    {"duplicate_firm_year.csv", 5, "year' (2", "2004",
     "duplicate (firm, year): firm \"A1\" already has a row for year 2004 on line 2"},
    {"membership_change.csv", 4, "member' (6", "0",
     "membership changes within firm \"A1\": it is 1 on line 2"},
    {"cluster_membership_change.csv", 3, "cluster' (6", "Oslo Tech",
     "derived from column 'cluster'"},
    {"entry_change.csv", 4, "entry' (7", "2006",
     "entry year changes within firm \"A1\": it is 2005 on line 2", with_entry},
    {"cluster_change.csv", 4, "cluster' (7", "Bergen Sea",
     "cluster label changes within firm \"A1\": it is \"Oslo Tech\" on line 2"},
    {"unterminated_quote.csv", 5, "", "\"B2,2005", "unterminated quoted field"},
    {"ragged_too_few.csv", 4, "", "B2,2004,5,400,100,0,,C10", "expected 9 fields"},
    {"ragged_too_many.csv", 3, "", "A1,2005",
     "expected 9 fields (as in the header, delimiter ','), found 10"},
    {"empty.csv", 1, "", nullptr, "empty file"},
    {"header_only.csv", 1, "", nullptr, "header line but no data rows"},
    {"blank_line.csv", 4, "", nullptr, "blank line inside the data"},
    {"blank_first_line.csv", 1, "", nullptr, "line 1 is blank"},
    {"missing_year.csv", 3, "year' (2", "NA", "missing year"},
    {"bad_year.csv", 3, "year' (2", "2005.5", "not an integer year"},
    {"missing_id.csv", 4, "firm_id' (1", "", "missing firm id"},
    {"bad_member.csv", 4, "member' (6", "maybe", "membership must be 0/1"},
    {"bad_weight.csv", 3, "w' (7", "0", "weights must be > 0", with_weight},
    {"tiny_weight.csv", 4, "w' (7", "1e-200", "weights must be between 1e-100 and 1e100",
     with_weight},
    {"huge_weight.csv", 3, "w' (7", "1.7e308", "only their ratios matter", with_weight},
    {"bad_entry.csv", 3, "entry' (7", "soon", "not an integer entry year", with_entry},
    {"stray_quote.csv", 3, "cluster' (7", "Oslo \"Tech\"", "a quote inside an unquoted field"},
    {"text_after_quote.csv", 3, "cluster' (7", "\"Oslo\" Tech", "text after the closing quote"},
    {"multiline_then_negative.csv", 5, "revenue' (4", "-420", "metric values must be >= 0"},
    {"duplicate_header_column.csv", 1, "year' (7", nullptr, "more than once"},
};

class IoBadInput : public testing::TestWithParam<BadCase> {};

TEST_P(IoBadInput, NamesFileLineColumnValue) {
  const BadCase& c = GetParam();
  const std::string path = test::test_data(std::string("bad/") + c.file);
  ReadOptions options;
  if (c.adjust) c.adjust(options);
  for (int threads : {1, 2}) {
    options.threads = threads;
    try {
      read_panel(path, options);
      FAIL() << c.file << " was accepted";
    } catch (const Error& e) {
      const std::string msg = e.what();
      SCOPED_TRACE(msg);
      EXPECT_EQ(e.code(), ExitCode::bad_data);
      EXPECT_EQ(msg.rfind(path + ":" + std::to_string(c.line) + ":", 0), 0u) << "file and line";
      if (*c.column)
        EXPECT_NE(msg.find(std::string("column '") + c.column), std::string::npos);
      else
        EXPECT_EQ(msg.find("column '"), std::string::npos);
      if (c.value) EXPECT_NE(msg.find(std::string("value \"") + c.value), std::string::npos);
      EXPECT_NE(msg.find(c.reason), std::string::npos) << "reason";
      EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Files, IoBadInput, testing::ValuesIn(kCases),
                         [](const testing::TestParamInfo<BadCase>& info) {
                           std::string name = info.param.file;
                           name = name.substr(0, name.find('.'));
                           for (char& ch : name)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return name;
                         });

TEST(IoBadInputMessages, MissingColumnListsTheHeader) {
  try {
    read_panel(test::test_data("bad/missing_column.csv"), {});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("the header has 5 columns: \"firm_id\", \"year\", "
                                         "\"employees\", \"value_added\", \"member\""),
              std::string::npos)
        << e.what();
  }
}

TEST(IoBadInputMessages, MissingMemberSuggestsDerivation) {
  try {
    ReadOptions o;
    o.columns.metrics = {"x"};
    parse_panel("firm_id,year,x\nA,2004,1\n", "m.csv", o);
    FAIL();
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_EQ(e.code(), ExitCode::bad_data);
    EXPECT_EQ(msg.rfind("m.csv:1: column 'member'", 0), 0u) << msg;
    EXPECT_NE(msg.find("derived from a cluster-label column"), std::string::npos) << msg;
  }
}

TEST(IoBadInputMessages, CaseMismatchHint) {
  try {
    ReadOptions o;
    o.columns.metrics = {"x"};
    parse_panel("firm_id,Year,x,member\nA,2004,1,1\n", "m.csv", o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean \"Year\"?"), std::string::npos) << e.what();
  }
}

TEST(IoBadInputMessages, ControlBytesAndLongValuesStayOnOneLine) {
  ReadOptions o;
  o.columns.metrics = {"x"};
  const std::string long_value(500, '7');
  for (const std::string& bad : {std::string("\"1\n2\""), std::string("1\x01"), long_value + "x"}) {
    try {
      parse_panel("firm_id,year,x,member\nA,2004," + bad + ",1\n", "m.csv", o);
      FAIL() << bad;
    } catch (const Error& e) {
      const std::string msg = e.what();
      EXPECT_EQ(e.code(), ExitCode::bad_data);
      EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
      EXPECT_LT(msg.size(), 300u) << msg;
    }
  }
}

TEST(IoBadInputMessages, FirstDefectInTheFileWins) {
  // Row defects before a firm-level defect, an earlier firm-level defect before a later one.
  ReadOptions o;
  o.columns.metrics = {"x"};
  const std::string head = "firm_id,year,x,member\n";
  try {
    parse_panel(head + "A,2004,1,1\nA,2004,1,1\nB,2004,-1,0\n", "m.csv", o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("m.csv:4:", 0), 0u) << e.what();
  }
  try {
    parse_panel(head + "B,2004,1,1\nA,2004,1,1\nA,2005,1,0\nB,2004,1,1\n", "m.csv", o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("m.csv:4:", 0), 0u) << e.what();
    EXPECT_NE(std::string(e.what()).find("membership"), std::string::npos) << e.what();
  }
  // A value error before an unterminated quote further down.
  try {
    parse_panel(head + "A,2004,x,1\nB,2004,\"1,0\n", "m.csv", o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("m.csv:2:", 0), 0u) << e.what();
  }
}

TEST(IoBadInputMessages, YearsOutOfRange) {
  ReadOptions o;
  o.columns.metrics = {"x"};
  for (const std::string y : {"0", "-2004", "10000", "99999999999999999999", "2004e0", "20O4"}) {
    try {
      parse_panel("firm_id,year,x,member\nA," + y + ",1,1\n", "m.csv", o);
      FAIL() << y;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::bad_data) << e.what();
      EXPECT_EQ(std::string(e.what()).rfind("m.csv:2: column 'year' (2): value \"" + y, 0), 0u)
          << e.what();
    }
  }
}

TEST(IoBadInputMessages, NumbersThatAreNot) {
  ReadOptions o;
  o.columns.metrics = {"x"};
  for (const std::string x : {"1e400", "0x10", "1 2", "--1", "+-1", "++1", "+", "nan", "-inf",
                              "Infinity", "1_000", "NULL", "na"}) {
    try {
      parse_panel("firm_id,year,x,member\nA,2004," + x + ",1\n", "m.csv", o);
      FAIL() << x;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::bad_data) << e.what();
      EXPECT_EQ(std::string(e.what()).rfind("m.csv:2: column 'x' (3): value \"", 0), 0u)
          << e.what();
    }
  }
}

}  // namespace
}  // namespace klynge
