// Where outputs go: a FIFO or device is written in place (renaming a temporary onto it would
// replace it with a regular file), a symbolic link keeps pointing at its target, no output may
// replace an input of the run, two outputs may not name one file, and only one may go to
// standard output, which then carries nothing else.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <thread>

#include "common/expect_usage.hpp"
#include "common/run_klynge.hpp"
#include "klynge/io/output_file.hpp"

namespace klynge {
namespace {

namespace fs = std::filesystem;

TEST(OutputPaths, AFifoIsWrittenInPlace) {
  const std::string dir = test::scratch_dir("output_fifo");
  const std::string fifo = dir + "/pipe";
  fs::remove(fifo);
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string got;
  std::thread reader([&] {
    const int fd = ::open(fifo.c_str(), O_RDONLY);
    char buf[256];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;)
      got.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
  });
  {
    io::OutputFile out(fifo);
    EXPECT_TRUE(out.is_direct());
    out.write("through the pipe\n");
    out.commit();
  }
  reader.join();
  EXPECT_EQ(got, "through the pipe\n");
  struct stat st {};
  ASSERT_EQ(::lstat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode)) << "the FIFO was replaced";
}

TEST(OutputPaths, ASymbolicLinkKeepsPointingAtItsTarget) {
  const std::string dir = test::scratch_dir("output_link");
  const std::string target = dir + "/real.json", link = dir + "/link.json";
  fs::remove(link);
  test::write_file(target, "old\n");
  fs::create_symlink("real.json", link);
  io::OutputFile out(link);
  out.write("new\n");
  out.commit();
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(test::read_file(target), "new\n");
}

TEST(OutputPaths, AnInputOfTheRunIsNotReplaced) {
  const std::string dir = test::scratch_dir("output_input");
  const std::string input = dir + "/panel.csv";
  test::write_file(input, "firm_id,year\n");
  io::note_input(input);
  test::expect_usage_error([&] { io::OutputFile out(dir + "/./panel.csv"); },
                           "is an input file of this run");
  EXPECT_EQ(test::read_file(input), "firm_id,year\n");
}

TEST(OutputPathsCli, ClashingOutputsAreUsageErrorsBeforeTheRun) {
  const std::string dir = test::scratch_dir("output_clash");
  const std::string panel = dir + "/p.csv";
  fs::copy_file(test::example_file("firms.csv"), panel, fs::copy_options::overwrite_existing);
  const std::string before = test::read_file(panel);
  const auto analyze = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"analyze", "--input",        panel,
                                     "--entry", "entry_year",     "--bootstrap",
                                     "99",      "--permutations", "0"};
    args.insert(args.end(), extra.begin(), extra.end());
    return test::run_klynge(args);
  };
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--json", panel}, "is the input file"},
      {{"--json", dir + "/r.json", "--csv", dir + "/./r.json"}, "both write"},
      {{"--json", "-", "--csv", "-"}, "only one output can go to standard output"},
  };
  for (const auto& [extra, needle] : cases) {
    const test::RunResult r = analyze(extra);
    EXPECT_EQ(r.exit_code, 64) << needle << ": " << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "") << "the run went ahead: " << needle;
  }
  EXPECT_EQ(test::read_file(panel), before);
  EXPECT_FALSE(fs::exists(dir + "/r.json"));

  // The CSV on standard output is all that goes there.
  const test::RunResult csv = analyze({"--csv", "-"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out.rfind("term,metric,cohort,statistic", 0), 0u) << csv.out.substr(0, 200);
  EXPECT_EQ(csv.out.find("bootstrap: B ="), std::string::npos);
}

}  // namespace
}  // namespace klynge
