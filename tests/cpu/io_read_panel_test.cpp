// The panel reader on every accepted form: delimiters, quoting, line ends, BOM, gzip, missing
// markers, membership words and membership derived from a cluster or entry column.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <string>

#include "common/run_klynge.hpp"
#include "klynge/error.hpp"
#include "klynge/io/read_panel.hpp"

namespace klynge {
namespace {

using test::test_data;

const std::string kHeader =
    "firm_id,year,employees,revenue,value_added,member,cluster,nace,region\n";

Panel parse(const std::string& text, const ReadOptions& options = {}) {
  return parse_panel(text, "mem.csv", options);
}

// What parse() throws; fails the test when it does not.
Error parse_error(const std::string& text, const ReadOptions& options = {}) {
  try {
    parse(text, options);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no error for:\n" << text;
  return Error(ExitCode::ok, "");
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

ColumnMap minimal_columns() {
  ColumnMap m;
  m.id = "id";
  m.year = "year";
  m.metrics = {"x"};
  m.member = "member";
  return m;
}

ReadOptions minimal_options() {
  ReadOptions o;
  o.columns = minimal_columns();
  return o;
}

// The committed tests/data/io/panel.csv, whichever way it is written.
void expect_reference_panel(const Panel& p) {
  ASSERT_EQ(p.rows(), 9u);
  EXPECT_EQ(p.data_lines, 9u);
  ASSERT_EQ(p.firms(), 3u);
  EXPECT_EQ(p.firm_ids, (std::vector<std::string>{"A1", "B2", "C3"}));
  EXPECT_EQ(p.firm, (std::vector<std::int32_t>{0, 0, 0, 1, 1, 1, 2, 2, 2}));
  EXPECT_EQ(p.year,
            (std::vector<std::int32_t>{2004, 2005, 2006, 2004, 2005, 2006, 2004, 2005, 2006}));
  EXPECT_EQ(p.metric_names, (std::vector<std::string>{"employees", "revenue", "value_added"}));
  ASSERT_EQ(p.metric.size(), 3u);
  EXPECT_EQ(p.metric[0], (std::vector<double>{10, 12, 15, 5, 6, 6, 40, 44, 47}));
  EXPECT_EQ(p.metric[1][0], 1000.5);
  EXPECT_EQ(p.metric[1][2], 1250.25);
  EXPECT_TRUE(std::isnan(p.metric[1][4]));  // NA
  EXPECT_EQ(p.metric[1][6], 5000.0);        // 5e3
  EXPECT_TRUE(std::isnan(p.metric[2][2]));  // empty
  EXPECT_EQ(p.metric[2][6], 1200.0);        // 1.2e3
  EXPECT_TRUE(std::isnan(p.metric[2][8]));  // .
  EXPECT_EQ(p.member, (std::vector<std::int8_t>{1, 1, 1, 0, 0, 0, 1, 1, 1}));
  EXPECT_EQ(p.member_source, "member");
  EXPECT_FALSE(p.member_derived);
  ASSERT_TRUE(p.cluster.has_value());
  EXPECT_EQ(p.cluster->name, "cluster");
  ASSERT_EQ(p.cluster->labels.size(), 2u);
  EXPECT_EQ(p.cluster->labels[0], "Oslo Tech");
  EXPECT_EQ(p.cluster->code,
            (std::vector<std::int32_t>{0, 0, 0, kNoLabel, kNoLabel, kNoLabel, 1, 1, 1}));
  EXPECT_TRUE(p.entry.empty());
  EXPECT_TRUE(p.weight.empty());
  EXPECT_TRUE(p.strata.empty());
}

TEST(IoReadPanel, CommaFile) {
  const std::string path = test_data("io/panel.csv");
  const Panel p = read_panel(path, {});
  expect_reference_panel(p);
  EXPECT_EQ(p.path, path);
  EXPECT_EQ(p.line, (std::vector<std::int64_t>{2, 3, 4, 5, 6, 7, 8, 9, 10}));
  EXPECT_EQ(p.bytes, test::read_file(path).size());
}

TEST(IoReadPanel, SemicolonAndTabAreSniffed) {
  expect_reference_panel(read_panel(test_data("io/panel_semicolon.csv"), {}));
  expect_reference_panel(read_panel(test_data("io/panel_tab.tsv"), {}));
}

TEST(IoReadPanel, ForcedDelimiter) {
  ReadOptions o;
  o.delimiter = ';';
  expect_reference_panel(read_panel(test_data("io/panel_semicolon.csv"), o));
  // Forcing ',' on a ';' file: one column, so the first mapped column is missing.
  o.delimiter = ',';
  try {
    read_panel(test_data("io/panel_semicolon.csv"), o);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::bad_data);
    EXPECT_TRUE(contains(e.what(), "column 'firm_id'")) << e.what();
  }
  o.delimiter = '"';
  try {
    read_panel(test_data("io/panel.csv"), o);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
  }
}

TEST(IoReadPanel, SniffingCountsOnlyOutsideQuotesAndTiesGoToComma) {
  // Two ';' inside a quoted name, one ',' per gap outside: comma.
  const Panel p = parse("\"q;r;s\",id,year,x,member\nz,A,2004,1,0\n", minimal_options());
  EXPECT_EQ(p.firm_ids, std::vector<std::string>{"A"});
  // One ',' and one ';': a tie, so ','. The header is then "a;b" and "c".
  const Error e = parse_error("a;b,c\n1;2,2004\n", minimal_options());
  EXPECT_TRUE(contains(e.what(), "the header has 2 columns: \"a;b\", \"c\"")) << e.what();
}

TEST(IoReadPanel, QuotedCrlfBomFile) {
  const Panel p = read_panel(test_data("io/quoted_crlf_bom.csv"), {});
  ASSERT_EQ(p.rows(), 9u);
  EXPECT_EQ(p.firm_ids, (std::vector<std::string>{"A1", "B2", "C3"}));
  EXPECT_EQ(p.metric[0], (std::vector<double>{10, 12, 15, 5, 6, 6, 40, 44, 47}));
  EXPECT_TRUE(std::isnan(p.metric[1][4]));  // "NA" quoted is still missing
  EXPECT_TRUE(std::isnan(p.metric[2][2]));  // "" is missing
  ASSERT_EQ(p.cluster->labels.size(), 2u);
  EXPECT_EQ(p.cluster->labels[0], "Oslo Tech");  // no stray \r
  EXPECT_EQ(p.cluster->labels[1], "Bergen \"Sea\", West\nCoast");
  EXPECT_EQ(p.member, (std::vector<std::int8_t>{1, 1, 1, 0, 0, 0, 1, 1, 1}));
  // Physical lines: each C3 row spans two because of the line break in its label.
  EXPECT_EQ(p.line, (std::vector<std::int64_t>{2, 3, 4, 5, 6, 7, 8, 10, 12}));
}

TEST(IoReadPanel, MpdtaStyleQuotedHeaderAndZeroEntry) {
  ReadOptions o;
  o.columns.id = "countyreal";
  o.columns.year = "year";
  o.columns.metrics = {"emp", "lemp"};
  o.columns.member = "treated";
  o.columns.entry = "first_treat";
  const Panel p = read_panel(test_data("io/mpdta_style.csv"), o);
  ASSERT_EQ(p.rows(), 15u);
  EXPECT_EQ(p.firm_ids, (std::vector<std::string>{"8001", "8019", "8023"}));
  EXPECT_EQ(p.entry[0], 2007);
  EXPECT_EQ(p.entry[5], kMissingYear);  // first_treat 0 = never entered
  EXPECT_EQ(p.entry[10], 2006);
  EXPECT_EQ(p.member[5], 0);
  EXPECT_EQ(p.metric[0][1], 4742.0);
  EXPECT_FALSE(p.cluster.has_value());
}

TEST(IoReadPanel, LineEndsBlankTailAndFinalLine) {
  for (const std::string eol : {"\n", "\r\n"}) {
    const std::string body = "id,year,x,member" + eol + "A,2004,1,1" + eol + "A,2005,2,1";
    for (const std::string tail :
         {std::string(), eol, eol + eol + eol, eol + "\r\n\n", eol + "\n\n"}) {
      SCOPED_TRACE(testing::Message()
                   << "eol size " << eol.size() << ", tail size " << tail.size());
      const Panel p = parse(body + tail, minimal_options());
      ASSERT_EQ(p.rows(), 2u);
      EXPECT_EQ(p.metric[0], (std::vector<double>{1, 2}));
      EXPECT_EQ(p.line, (std::vector<std::int64_t>{2, 3}));
      EXPECT_EQ(p.bytes, body.size() + tail.size());
    }
  }
}

TEST(IoReadPanel, BomIsStripped) {
  const Panel p = parse("\xEF\xBB\xBFid,year,x,member\nA,2004,1,1\n", minimal_options());
  EXPECT_EQ(p.firm_ids, std::vector<std::string>{"A"});
  EXPECT_EQ(p.line[0], 2);
}

TEST(IoReadPanel, SpacesAroundValues) {
  const Panel p = parse("id , year,x,member\n A ,  2004 , 1.5 , 1 \n\"B \", 2004,\" 2\",no\n",
                        minimal_options());
  // Unquoted text is trimmed, quoted text kept as written; numbers are trimmed either way.
  EXPECT_EQ(p.firm_ids, (std::vector<std::string>{"A", "B "}));
  EXPECT_EQ(p.year, (std::vector<std::int32_t>{2004, 2004}));
  EXPECT_EQ(p.metric[0], (std::vector<double>{1.5, 2}));
  EXPECT_EQ(p.member, (std::vector<std::int8_t>{1, 0}));
}

TEST(IoReadPanel, NumbersAreParsedExactly) {
  const Panel p = parse(
      "id,year,x,member\nA,2001,0.1,0\nA,2002,1e-3,0\nA,2003,+7,0\nA,2004,-0,0\nA,2005,"
      "123456789012345678,0\nA,2006,2.5E+2,0\nA,2007,.5,0\nA,2008,5.,0\n",
      minimal_options());
  EXPECT_EQ(p.metric[0][0], 0.1);
  EXPECT_EQ(p.metric[0][1], 1e-3);
  EXPECT_EQ(p.metric[0][2], 7.0);
  EXPECT_EQ(p.metric[0][3], 0.0);
  EXPECT_FALSE(std::signbit(p.metric[0][3]));
  EXPECT_EQ(p.metric[0][4], 123456789012345678.0);
  EXPECT_EQ(p.metric[0][5], 250.0);
  EXPECT_EQ(p.metric[0][6], 0.5);
  EXPECT_EQ(p.metric[0][7], 5.0);
}

TEST(IoReadPanel, YearsWithZeroFraction) {
  const Panel p =
      parse("id,year,x,member\nA,2004.0,1,1\nA,2005.00,1,1\nA,+2006,1,1\n", minimal_options());
  EXPECT_EQ(p.year, (std::vector<std::int32_t>{2004, 2005, 2006}));
}

TEST(IoReadPanel, MissingMarkersInEveryColumnKind) {
  ReadOptions o = minimal_options();
  o.columns.cluster = "cl";
  o.columns.entry = "entry";
  o.columns.strata = {"s"};
  o.columns.weight = "w";
  const Panel p = parse(
      "id,year,x,member,cl,entry,s,w\n"
      "A,2004,,,,,,\n"
      "B,2004,NA,NA,NA,NA,NA,NA\n"
      "C,2004,.,.,.,.,.,.\n"
      "D,2004,\"\",\"NA\",\".\",\"\",\"NA\",\".\"\n"
      "E,2004,1,1,K,2004,S,2.5\n",
      o);
  ASSERT_EQ(p.rows(), 5u);
  for (std::size_t r = 0; r < 4; ++r) {
    SCOPED_TRACE(r);
    EXPECT_TRUE(std::isnan(p.metric[0][r]));
    EXPECT_EQ(p.member[r], -1);
    EXPECT_EQ(p.cluster->code[r], kNoLabel);
    EXPECT_EQ(p.entry[r], kMissingYear);
    EXPECT_EQ(p.strata[0].code[r], kNoLabel);
    EXPECT_TRUE(std::isnan(p.weight[r]));
  }
  EXPECT_EQ(p.metric[0][4], 1.0);
  EXPECT_EQ(p.member[4], 1);
  EXPECT_EQ(p.cluster->labels, std::vector<std::string>{"K"});
  EXPECT_EQ(p.entry[4], 2004);
  EXPECT_EQ(p.strata[0].name, "s");
  EXPECT_EQ(p.strata[0].labels, std::vector<std::string>{"S"});
  EXPECT_EQ(p.weight[4], 2.5);
}

TEST(IoReadPanel, MembershipWords) {
  const Panel p = parse(
      "id,year,x,member\n"
      "A,2004,1,1\nB,2004,1,0\nC,2004,1,true\nD,2004,1,FALSE\nE,2004,1,Yes\nF,2004,1,no\n"
      "G,2004,1,1.0\nH,2004,1,0.0\nI,2004,1,tRuE\n",
      minimal_options());
  EXPECT_EQ(p.member, (std::vector<std::int8_t>{1, 0, 1, 0, 1, 0, 1, 0, 1}));
}

TEST(IoReadPanel, MembershipMissingInSomeRowsIsNotAChange) {
  const Panel p = parse("id,year,x,member\nA,2004,1,1\nA,2005,1,\nA,2006,1,1\n", minimal_options());
  EXPECT_EQ(p.member, (std::vector<std::int8_t>{1, -1, 1}));
}

TEST(IoReadPanel, MembershipMayChangeWhenTheFirmHasAnEntryYear) {
  ReadOptions o = minimal_options();
  o.columns.entry = "entry";
  const Panel p = parse(
      "id,year,x,member,entry\nA,2004,1,0,2005\nA,2005,1,1,2005\nA,2006,1,1,\nB,2004,1,0,\n", o);
  EXPECT_EQ(p.member, (std::vector<std::int8_t>{0, 1, 1, 0}));
  EXPECT_EQ(p.entry, (std::vector<std::int32_t>{2005, 2005, kMissingYear, kMissingYear}));
}

TEST(IoReadPanel, ClusterColumnUsedByDefaultWhenPresent) {
  const Panel with =
      parse("id,year,x,member,cluster\nA,2004,1,1,K\nB,2004,1,0,\n", minimal_options());
  ASSERT_TRUE(with.cluster.has_value());
  EXPECT_EQ(with.cluster->code, (std::vector<std::int32_t>{0, kNoLabel}));
  const Panel without = parse("id,year,x,member\nA,2004,1,1\n", minimal_options());
  EXPECT_FALSE(without.cluster.has_value());
}

TEST(IoReadPanel, MembershipDerivedFromCluster) {
  const Panel p = parse("id,year,x,cluster\nA,2004,1,K\nA,2005,1,K\nB,2004,1,\nC,2004,1,NA\n",
                        minimal_options());
  EXPECT_EQ(p.member, (std::vector<std::int8_t>{1, 1, 0, 0}));
  EXPECT_TRUE(p.member_derived);
  EXPECT_EQ(p.member_source, "cluster");
  // A firm may have its label in some rows only when it has an entry year.
  ReadOptions o = minimal_options();
  o.columns.entry = "entry";
  const Panel q = parse("id,year,x,cluster,entry\nA,2004,1,,2005\nA,2005,1,K,2005\n", o);
  EXPECT_EQ(q.member, (std::vector<std::int8_t>{0, 1}));
  EXPECT_EQ(q.member_source, "cluster");
}

TEST(IoReadPanel, MembershipFromTheClusterColumnWhenMemberNamesIt) {
  ReadOptions o = minimal_options();
  o.columns.member = "grp";
  o.columns.cluster = "grp";
  const Panel p = parse("id,year,x,grp\nA,2004,1,Oslo Tech\nB,2004,1,\n", o);
  EXPECT_EQ(p.member, (std::vector<std::int8_t>{1, 0}));
  EXPECT_TRUE(p.member_derived);
}

// Derivation stands in for the default column only: a membership column the user named that is
// not in the header is an error, not membership quietly taken from the cluster labels.
TEST(IoReadPanel, ANamedMembershipColumnThatIsMissingIsAnError) {
  ReadOptions o = minimal_options();
  o.columns.member = "in_cluster";
  const Error e = parse_error("id,year,x,cluster\nA,2004,1,K\nB,2004,1,\n", o);
  EXPECT_EQ(e.code(), ExitCode::bad_data);
  EXPECT_TRUE(contains(e.what(), "column 'in_cluster'")) << e.what();
  EXPECT_TRUE(contains(e.what(), ":1:")) << e.what();
}

TEST(IoReadPanel, MembershipDerivedFromEntry) {
  ReadOptions o = minimal_options();
  o.columns.entry = "entry";
  const Panel p =
      parse("id,year,x,entry\nA,2004,1,2005\nA,2005,1,2005\nB,2004,1,\nC,2004,1,0\n", o);
  EXPECT_EQ(p.member, (std::vector<std::int8_t>{1, 1, 0, 0}));
  EXPECT_TRUE(p.member_derived);
  EXPECT_EQ(p.member_source, "entry");
}

// A pool of potential controls (`power --pool`): no membership column is needed, and one that
// is there is not read (so neither are its values checked); every row is a non-member.
TEST(IoReadPanel, MembershipOffReadsNoMembershipAndMakesEveryRowANonMember) {
  ReadOptions o = minimal_options();
  o.membership = false;
  const Panel bare = parse("id,year,x\nA,2004,1\nB,2004,2\n", o);
  EXPECT_EQ(bare.member, (std::vector<std::int8_t>{0, 0}));
  EXPECT_EQ(bare.member_source, "");
  EXPECT_FALSE(bare.member_derived);
  const Panel full =
      parse("id,year,x,member,cluster\nA,2004,1,maybe,K\nA,2005,1,1,L\nB,2004,1,0,\n", o);
  EXPECT_EQ(full.member, (std::vector<std::int8_t>{0, 0, 0}));
  EXPECT_FALSE(full.cluster.has_value());
  // Without the option the same file lacks its membership column: an error naming it.
  const Error e = parse_error("id,year,x\nA,2004,1\n", minimal_options());
  EXPECT_EQ(e.code(), ExitCode::bad_data);
  EXPECT_TRUE(contains(e.what(), "member")) << e.what();
}

TEST(IoReadPanel, UnknownColumnsIgnoredEvenWithOddQuoting) {
  const Panel p = parse(
      "note,id,year,x,member,junk\n"
      "Smith \"Jr\" AS,A,2004,1,0,\"\"\"\"\n"
      "\"multi\nline\",A,2005,2,0,xyz\n",
      minimal_options());
  EXPECT_EQ(p.rows(), 2u);
  EXPECT_EQ(p.line, (std::vector<std::int64_t>{2, 3}));
}

TEST(IoReadPanel, IdsAndLabelsInOrderOfFirstAppearance) {
  ReadOptions o = minimal_options();
  o.columns.strata = {"nace", "region"};
  const Panel p = parse(
      "id,year,x,member,nace,region\n"
      "Z,2004,1,0,C25,R1\nY,2004,1,0,C10,R1\nZ,2005,1,0,C25,R2\n\"X,\"\"1\"\"\",2004,1,0,C10,\n",
      o);
  EXPECT_EQ(p.firm_ids, (std::vector<std::string>{"Z", "Y", "X,\"1\""}));
  EXPECT_EQ(p.firm, (std::vector<std::int32_t>{0, 1, 0, 2}));
  EXPECT_EQ(p.strata[0].labels, (std::vector<std::string>{"C25", "C10"}));
  EXPECT_EQ(p.strata[0].code, (std::vector<std::int32_t>{0, 1, 0, 1}));
  EXPECT_EQ(p.strata[1].labels, (std::vector<std::string>{"R1", "R2"}));
  EXPECT_EQ(p.strata[1].code, (std::vector<std::int32_t>{0, 0, 1, kNoLabel}));
}

TEST(IoReadPanel, GzipFile) {
  const std::string dir = test::scratch_dir("io-gzip");
  const std::string plain = test::read_file(test_data("io/panel.csv"));
  const std::string path = dir + "/panel.csv.gz";
  gzFile gz = gzopen(path.c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  ASSERT_EQ(gzwrite(gz, plain.data(), static_cast<unsigned>(plain.size())),
            static_cast<int>(plain.size()));
  ASSERT_EQ(gzclose(gz), Z_OK);
  const Panel p = read_panel(path, {});
  expect_reference_panel(p);
  EXPECT_EQ(p.bytes, plain.size());  // uncompressed bytes
  EXPECT_EQ(p.path, path);
}

TEST(IoReadPanel, TruncatedGzipIsAnIoError) {
  const std::string dir = test::scratch_dir("io-gzip-cut");
  std::string plain;
  for (int i = 0; i < 2000; ++i)
    plain += "A" + std::to_string(i) + ",2004," + std::to_string(i * 7919 % 1000) + ",1\n";
  plain = "id,year,x,member\n" + plain;
  const std::string full = dir + "/full.csv.gz", cut = dir + "/cut.csv.gz";
  gzFile gz = gzopen(full.c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  gzwrite(gz, plain.data(), static_cast<unsigned>(plain.size()));
  gzclose(gz);
  const std::string bytes = test::read_file(full);
  test::write_file(cut, bytes.substr(0, bytes.size() / 2));
  try {
    read_panel(cut, minimal_options());
    FAIL() << "a truncated .gz was read without error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::io) << e.what();
    EXPECT_EQ(std::string(e.what()), cut + ": read error: gzip: unexpected end of file");
  }
}

TEST(IoReadPanel, MissingFileAndDirectory) {
  for (const std::string path :
       {test_data("io/no-such-file.csv"), test_data("io/no-such.csv.gz"), test_data("io")}) {
    try {
      read_panel(path, {});
      FAIL() << "no error for " << path;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::no_input) << e.what();
      EXPECT_EQ(std::string(e.what()).rfind(path + ": cannot open: ", 0), 0u) << e.what();
    }
  }
}

}  // namespace
}  // namespace klynge
