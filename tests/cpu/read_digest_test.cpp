// read_panel hashes the file while reading it: the digest kept in the Panel must be
// sha256_file's for plain, gzip and multi-member gzip files; gzip inputs
// must read as before (same panel for any thread count, gzread's transparent mode, every error
// word); and the SHA instructions must agree with the portable code.
#include <gtest/gtest.h>
#include <zlib.h>

#include <random>
#include <string>

#include "common/bitwise_equal.hpp"
#include "common/gunzip.hpp"
#include "common/panel_equal.hpp"
#include "common/run_klynge.hpp"
#include "klynge/error.hpp"
#include "klynge/io/read_panel.hpp"
#include "klynge/report/sha256.hpp"

namespace klynge {
namespace {

using test::bitwise_equal;

// 4 years of `firms` firms in the default columns: more than one parse chunk of rows when
// firms > 4096.
std::string synthetic_panel(int firms) {
  std::string text = "firm_id,year,employees,revenue,value_added,member\n";
  for (int f = 0; f < firms; ++f)
    for (int y = 2001; y <= 2004; ++y)
      text += "F" + std::to_string(f) + "," + std::to_string(y) + "," +
              std::to_string(f % 97 + y - 2000) + "," + std::to_string((f * 7919) % 10007) + ".5," +
              (f % 11 == 0 ? "NA" : std::to_string(f % 13)) + "," + (f % 3 == 0 ? "1" : "0") + "\n";
  return text;
}

ReadOptions threads(int n) {
  ReadOptions o;
  o.threads = n;
  return o;
}

std::string read_error(const std::string& path) {
  try {
    read_panel(path, threads(2));
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::io) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error for " << path;
  return "";
}

TEST(ReadDigest, KeptDigestIsTheFilesSha256ForPlainGzipAndMultiMemberGzip) {
  const std::string dir = test::scratch_dir("read-digest");
  const std::string text = synthetic_panel(5000);  // 20 000 rows: two parse chunks
  const std::size_t cut = text.find('\n', text.size() / 2) + 1;
  const std::string files[] = {dir + "/p.csv", dir + "/p.csv.gz", dir + "/multi.csv.gz"};
  test::write_file(files[0], text);
  test::write_file(files[1], test::gzip_member(text));
  // Concatenated members (`cat a.gz b.gz`), split inside the data.
  test::write_file(files[2],
                   test::gzip_member(text.substr(0, cut)) + test::gzip_member(text.substr(cut), 1));
  const Panel plain = read_panel(files[0], threads(2));
  for (const std::string& path : files) {
    SCOPED_TRACE(path);
    const Panel p = read_panel(path, threads(2));
    ASSERT_EQ(p.input_sha256.size(), 64u);
    EXPECT_EQ(p.input_sha256, sha256_file(path));
    EXPECT_EQ(p.rows(), 20000u);
    test::expect_same_panel(p, plain);
  }
  EXPECT_NE(read_panel(files[1], {}).input_sha256, read_panel(files[2], {}).input_sha256);
}

TEST(ReadDigest, GzipPanelIsTheSameForOneAndTwoThreads) {
  const std::string path = test::scratch_dir("read-digest-threads") + "/p.csv.gz";
  test::write_file(path, test::gzip_member(synthetic_panel(9000)));  // 36 000 rows: three chunks
  const Panel one = read_panel(path, threads(1));
  const Panel two = read_panel(path, threads(2));
  EXPECT_EQ(one.rows(), 36000u);
  test::expect_same_panel(one, two);
  EXPECT_EQ(one.input_sha256, two.input_sha256);
}

TEST(ReadDigest, GzipNameOnPlainTextAndTrailingBytesReadAsGzreadDoes) {
  const std::string dir = test::scratch_dir("read-digest-transparent");
  const std::string text = synthetic_panel(20);
  const Panel want = parse_panel(text, "x", {});
  // Not gzip at all: zlib's gzread passes such a file through unchanged.
  test::write_file(dir + "/plain.csv.gz", text);
  test::expect_same_panel(read_panel(dir + "/plain.csv.gz", {}), want);
  // Bytes after the last member that do not start another one are ignored, one byte included.
  for (const std::string tail : {std::string("garbage\n"), std::string("\x1f")}) {
    test::write_file(dir + "/tail.csv.gz", test::gzip_member(text) + tail);
    const Panel p = read_panel(dir + "/tail.csv.gz", {});
    test::expect_same_panel(p, want);
    EXPECT_EQ(p.input_sha256, sha256_file(dir + "/tail.csv.gz"));
  }
}

TEST(ReadDigest, TruncatedAndCorruptGzipKeepTheirErrors) {
  const std::string dir = test::scratch_dir("read-digest-bad");
  const std::string text = synthetic_panel(3000);
  const std::string gz = test::gzip_member(text);
  const std::string prefix = dir + "/";
  auto expect_error = [&](const std::string& name, const std::string& bytes,
                          const std::string& why) {
    SCOPED_TRACE(name);
    test::write_file(prefix + name, bytes);
    EXPECT_EQ(read_error(prefix + name), prefix + name + ": read error: gzip: " + why);
  };
  expect_error("cut.csv.gz", gz.substr(0, gz.size() / 2), "unexpected end of file");
  expect_error("no-trailer.csv.gz", gz.substr(0, gz.size() - 4), "unexpected end of file");
  // The second member cut short: an error, not a shorter panel.
  const std::string second = test::gzip_member(text);
  expect_error("cut-second.csv.gz", gz + second.substr(0, second.size() / 3),
               "unexpected end of file");
  std::string bad_crc = gz;
  bad_crc[gz.size() - 8] = static_cast<char>(bad_crc[gz.size() - 8] ^ 0x55);
  expect_error("crc.csv.gz", bad_crc, "incorrect data check");
  std::string bad_length = gz;
  bad_length[gz.size() - 4] = static_cast<char>(bad_length[gz.size() - 4] ^ 0x01);
  expect_error("length.csv.gz", bad_length, "incorrect length check");
  std::string bad_method = gz;
  bad_method[2] = 7;
  expect_error("method.csv.gz", bad_method, "unknown compression method");
  // Corrupt deflate data: whatever zlib says, as "gzip: <reason>".
  std::string flipped = gz;
  for (std::size_t i = 20; i < 60; ++i) flipped[i] = static_cast<char>(~flipped[i]);
  test::write_file(prefix + "flipped.csv.gz", flipped);
  EXPECT_EQ(
      read_error(prefix + "flipped.csv.gz").rfind(prefix + "flipped.csv.gz: read error: gzip: ", 0),
      0u);
}

TEST(ReadDigest, ShaInstructionsAgreeWithThePortableCode) {
  std::mt19937 rng(7);
  for (std::size_t n = 0; n < 4200; n += (n < 200 ? 1 : 61)) {
    std::string s(n, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    ASSERT_EQ(sha256_hex(s), detail::sha256_hex_portable(s)) << n << " bytes";
  }
}

}  // namespace
}  // namespace klynge
