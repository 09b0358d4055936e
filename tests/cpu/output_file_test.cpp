// io::OutputFile: temporary + rename, gzip (streamed and parallel blocks), and its failures.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zlib.h>

#include <fcntl.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/gunzip.hpp"
#include "common/run_klynge.hpp"
#include "klynge/error.hpp"
#include "klynge/io/output_file.hpp"

namespace klynge {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  return names;
}

std::string sample_text(std::size_t bytes) {
  std::string s;
  for (std::size_t i = 0; s.size() < bytes; ++i)
    s += "row " + std::to_string(i * 7919 % 100003) + ",x\n";
  s.resize(bytes);
  return s;
}

template <class F>
ExitCode code_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return ExitCode::ok;
}

TEST(OutputFile, WritesThroughATemporaryAndRenamesOnCommit) {
  const std::string dir = test::scratch_dir("out-plain");
  const std::string path = dir + "/report.csv";
  {
    io::OutputFile out(path);
    EXPECT_EQ(out.temp_path(), path + ".tmp." + std::to_string(::getpid()));
    out.write("a,b\n");
    out.write("1,2\n");
    EXPECT_TRUE(fs::exists(out.temp_path()));
    EXPECT_FALSE(fs::exists(path)) << "the final name appears only on commit";
    out.commit();
    EXPECT_FALSE(fs::exists(out.temp_path()));
  }
  EXPECT_EQ(test::read_file(path), "a,b\n1,2\n");
  EXPECT_EQ(entries(dir), std::vector<std::string>{"report.csv"});
}

TEST(OutputFile, WithoutCommitLeavesNothingAndKeepsTheOldFile) {
  const std::string dir = test::scratch_dir("out-abandon");
  const std::string fresh = dir + "/fresh.csv", old = dir + "/old.csv";
  test::write_file(old, "old content\n");
  {
    io::OutputFile a(fresh);
    io::OutputFile b(old);
    a.write(sample_text(3 << 20));  // several internal blocks already on disk
    b.write("new content\n");
  }  // destroyed without commit, as when an exception unwinds
  EXPECT_FALSE(fs::exists(fresh));
  EXPECT_EQ(test::read_file(old), "old content\n");
  EXPECT_EQ(entries(dir), std::vector<std::string>{"old.csv"});
}

TEST(OutputFile, CommitReplacesAnExistingFile) {
  const std::string dir = test::scratch_dir("out-replace");
  const std::string path = dir + "/r.json";
  test::write_file(path, "old");
  io::OutputFile out(path);
  out.write("{}\n");
  out.commit();
  EXPECT_EQ(test::read_file(path), "{}\n");
}

TEST(OutputFile, GzipRoundTripIsIndependentOfHowWritesAreSplit) {
  const std::string dir = test::scratch_dir("out-gzip");
  const std::string text = sample_text((5 << 20) / 2 + 123);  // crosses several 1 MiB blocks
  const std::vector<std::size_t> pieces = {1, 4096, 1 << 20, 3 << 20};
  std::vector<std::string> files;
  for (std::size_t piece : pieces) {
    const std::string path = dir + "/p" + std::to_string(piece) + ".csv.gz";
    io::OutputFile out(path);
    EXPECT_TRUE(out.gzip());
    for (std::size_t at = 0; at < text.size(); at += piece)
      out.write(std::string_view(text).substr(at, piece));
    out.commit();
    EXPECT_EQ(out.bytes_in(), text.size());
    files.push_back(test::read_file(path));
  }
  EXPECT_EQ(test::gunzip(files[0]), text);
  EXPECT_LT(files[0].size(), text.size() / 2);
  for (const std::string& f : files) EXPECT_EQ(f, files[0]) << "gzip bytes depend on write sizes";
  // Fixed header: no name, time stamp 0, OS 255.
  EXPECT_EQ(files[0].substr(0, 10), std::string("\x1f\x8b\x08\0\0\0\0\0\0\xff", 10));
}

TEST(OutputFile, GzipOfNothingIsAValidEmptyFile) {
  const std::string path = test::scratch_dir("out-gzip-empty") + "/e.gz";
  io::OutputFile out(path);
  out.commit();
  EXPECT_EQ(test::gunzip(test::read_file(path)), "");
}

TEST(OutputFile, ParallelBlocksAndStreamedTextMakeOneGzipMember) {
  const std::string path = test::scratch_dir("out-blocks") + "/b.csv.gz";
  const std::string head = "header\n", a = sample_text(700000), mid = "middle\n",
                    b = sample_text(1234);
  {
    io::OutputFile out(path);
    const io::DeflatedBlock ba = io::deflate_block(a, out.gzip_level());
    const io::DeflatedBlock bb = io::deflate_block(b, out.gzip_level());
    EXPECT_EQ(ba.size, a.size());
    out.write(head);
    out.write_block(ba);
    out.write(mid);
    out.write_block(bb);
    out.write_block(io::deflate_block("", out.gzip_level()));
    out.commit();
    EXPECT_EQ(out.bytes_in(), head.size() + a.size() + mid.size() + b.size());
  }
  EXPECT_EQ(test::gunzip(test::read_file(path)), head + a + mid + b);
}

TEST(OutputFile, WriteBlockOnPlainFileIsAnInternalError) {
  io::OutputFile out(test::scratch_dir("out-block-plain") + "/x.csv");
  EXPECT_EQ(code_of([&] { out.write_block(io::deflate_block("x", 6)); }), ExitCode::internal);
}

TEST(OutputFile, MissingDirectoryCannotBeCreated) {
  const std::string dir = test::scratch_dir("out-missing");
  const std::string path = dir + "/no/such/dir/r.csv";
  try {
    io::OutputFile out(path);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::cant_create);
    EXPECT_EQ(std::string(e.what()), path + ": cannot create: No such file or directory");
  }
  EXPECT_TRUE(entries(dir).empty());
}

TEST(OutputFile, ParentThatIsAFileOrPathThatIsADirectoryCannotBeCreated) {
  const std::string dir = test::scratch_dir("out-notdir");
  test::write_file(dir + "/plain", "x");
  EXPECT_EQ(code_of([&] { io::OutputFile out(dir + "/plain/r.csv"); }), ExitCode::cant_create);
  fs::create_directory(dir + "/sub");
  EXPECT_EQ(code_of([&] { io::OutputFile out(dir + "/sub"); }), ExitCode::cant_create);
  EXPECT_EQ(entries(dir).size(), 2u);
}

TEST(OutputFile, UnwritableDirectoryCannotBeCreated) {
  const std::string dir = test::scratch_dir("out-readonly");
  // A regular file where a directory should be: creating inside it fails with ENOTDIR for
  // every user, root included (root ignores permission bits, so chmod alone cannot test this).
  const std::string not_a_dir = dir + "/plain-file";
  test::write_file(not_a_dir, "x");
  EXPECT_EQ(code_of([&] { io::OutputFile out(not_a_dir + "/r.csv"); }), ExitCode::cant_create);
  EXPECT_EQ(entries(dir), std::vector<std::string>{"plain-file"});
  if (::geteuid() != 0) {  // the permission case, where it can be observed
    const std::string ro = test::scratch_dir("out-readonly-perm");
    fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec);
    EXPECT_EQ(code_of([&] { io::OutputFile out(ro + "/r.csv"); }), ExitCode::cant_create);
    fs::permissions(ro, fs::perms::owner_all);
    EXPECT_TRUE(entries(ro).empty());
  }
}

TEST(OutputFile, EmptyPathIsAUsageError) {
  EXPECT_EQ(code_of([] { io::OutputFile out(""); }), ExitCode::usage);
  EXPECT_EQ(code_of([] { io::OutputFile out("-", io::OutputOptions{0}); }), ExitCode::usage);
}

// A file-size limit makes write() fail with EFBIG part-way, like a full disk: the error is an
// I/O error naming the path, and no temporary or partial file stays behind.
TEST(OutputFile, WriteFailureIsAnIoErrorAndLeavesNoFile) {
  const std::string dir = test::scratch_dir("out-full");
  const std::string path = dir + "/big.csv";
  struct rlimit saved {};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  struct rlimit small = saved;
  small.rlim_cur = 1 << 20;
  auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  ExitCode code = ExitCode::ok;
  std::string message;
  try {
    io::OutputFile out(path);
    out.write(sample_text(4 << 20));
    out.commit();
  } catch (const Error& e) {
    code = e.code();
    message = e.what();
  }
  ::setrlimit(RLIMIT_FSIZE, &saved);
  ::signal(SIGXFSZ, old_handler);
  EXPECT_EQ(code, ExitCode::io);
  EXPECT_EQ(message.rfind(path + ": write failed: ", 0), 0u) << message;
  EXPECT_TRUE(entries(dir).empty());
}

// Standard output: no temporary; a failing stdout (here /dev/full) is an I/O error too.
TEST(OutputFile, StdoutFailureIsAnIoError) {
  const int full = ::open("/dev/full", O_WRONLY);
  if (full < 0) GTEST_SKIP() << "no /dev/full";
  fflush(stdout);
  const int saved = ::dup(STDOUT_FILENO);
  ::dup2(full, STDOUT_FILENO);
  ExitCode code = ExitCode::ok;
  {
    io::OutputFile out("-");
    EXPECT_TRUE(out.is_stdout());
    EXPECT_TRUE(out.temp_path().empty());
    out.write("x\n");
    code = code_of([&] { out.commit(); });
  }
  ::dup2(saved, STDOUT_FILENO);
  ::close(saved);
  ::close(full);
  EXPECT_EQ(code, ExitCode::io);
}

}  // namespace
}  // namespace klynge
