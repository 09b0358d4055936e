// The README's worked example is what klynge prints: the command shown after "`scripts/demo.sh`
// runs:" is run as written from the checkout's root (its output files moved to a scratch folder),
// and every line of the output block that follows it must appear in klynge's output, in the same
// order. The README leaves rows out ("..." and the per-cohort rows), never changes one. A change to
// the numbers (a new default, a fixed statistic) fails here until the README shows the new figures.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "common/run_klynge.hpp"

namespace klynge {
namespace {

using test::example_file;
using test::read_file;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The fenced block that starts after line `from` (its lines, without the fences); `next` is
// set past its closing fence.
std::vector<std::string> next_block(const std::vector<std::string>& lines, std::size_t from,
                                    std::size_t& next) {
  std::size_t open = from;
  while (open < lines.size() && lines[open].rfind("```", 0) != 0) ++open;
  std::vector<std::string> block;
  std::size_t k = open + 1;
  for (; k < lines.size() && lines[k].rfind("```", 0) != 0; ++k) block.push_back(lines[k]);
  EXPECT_LT(k, lines.size()) << "README: a block opened at line " << open + 1 << " never closes";
  next = k + 1;
  return block;
}

// The shell command of a block: continuation lines joined, split at blanks (no quoting there).
std::vector<std::string> words_of(const std::vector<std::string>& block) {
  std::string joined;
  for (const std::string& line : block) {
    std::string part = line;
    if (!part.empty() && part.back() == '\\') part.pop_back();
    joined += part + " ";
  }
  std::vector<std::string> words;
  std::istringstream in(joined);
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

TEST(ReadmeExample, TheWorkedExamplePrintsWhatTheReadmeShows) {
  const std::vector<std::string> readme = lines_of(read_file(example_file("../README.md")));
  std::size_t at = 0;
  while (at < readme.size() && readme[at].find("`scripts/demo.sh` runs:") == std::string::npos)
    ++at;
  ASSERT_LT(at, readme.size()) << "README has no \"`scripts/demo.sh` runs:\"";
  std::size_t next = 0;
  const std::vector<std::string> command = words_of(next_block(readme, at, next));
  const std::vector<std::string> shown = next_block(readme, next, next);
  ASSERT_GE(command.size(), 2u);
  ASSERT_EQ(command[0], "build/klynge");
  ASSERT_GT(shown.size(), 10u);

  // Run from the checkout's root, as the README does, so the input's path is printed as shown
  // (a longer path would also wrap the header line elsewhere); the outputs go to scratch.
  const std::string dir = test::scratch_dir("readme_example");
  std::vector<std::string> args = {"-c", "cd \"$1\" && shift && exec \"$@\"", "sh",
                                   example_file(".."), test::klynge_binary()};
  for (auto w = command.begin() + 1; w != command.end(); ++w)
    args.push_back(w->rfind("out/", 0) == 0 ? dir + "/" + w->substr(4) : *w);
  const test::RunResult run = test::run_program("/bin/sh", args);
  ASSERT_EQ(run.exit_code, 0) << run.err;

  // The thread count is the README machine's (2 cores); results never depend on it.
  const std::string printed =
      std::regex_replace(run.out + run.err, std::regex(R"(\(\d+ threads?\))"), "(2 threads)");
  const std::vector<std::string> out = lines_of(printed);

  std::size_t o = 0;
  for (const std::string& line : shown) {
    if (line.find("...") != std::string::npos) continue;
    std::size_t k = o;
    while (k < out.size() && out[k] != line) ++k;
    ASSERT_LT(k, out.size()) << "the README shows a line klynge does not print (after line " << o
                             << " of its output):\n"
                             << line << "\nklynge printed:\n"
                             << printed;
    o = k + 1;
  }
}

}  // namespace
}  // namespace klynge
