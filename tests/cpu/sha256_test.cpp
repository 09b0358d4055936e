// SHA-256 against the FIPS 180-2 known answers (Appendix B and the NIST example values).
#include <gtest/gtest.h>

#include <string>

#include "common/run_klynge.hpp"
#include "klynge/error.hpp"
#include "klynge/report/sha256.hpp"

namespace klynge {
namespace {

TEST(Sha256, FipsKnownAnswers) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, PiecewiseUpdatesGiveTheSameDigest) {
  // Split across block boundaries in uneven pieces: buffering must not change the digest.
  const std::string text(1000, 'x');
  Sha256 h;
  for (std::size_t at = 0, step = 1; at < text.size(); at += step, step = step * 3 % 97 + 1)
    h.update(std::string_view(text).substr(at, step));
  EXPECT_EQ(h.hex_digest(), sha256_hex(text));
}

TEST(Sha256, FileDigestEqualsDigestOfItsBytes) {
  const std::string dir = test::scratch_dir("sha256");
  const std::string content = "firm_id,year\n1,2020\n";
  test::write_file(dir + "/f.csv", content);
  EXPECT_EQ(sha256_file(dir + "/f.csv"), sha256_hex(content));
  try {
    sha256_file(dir + "/absent.csv");
    FAIL() << "no error for a missing file";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::no_input);
  }
}

}  // namespace
}  // namespace klynge
