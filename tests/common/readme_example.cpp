#include "common/readme_example.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <vector>

#include "common/run_klynge.hpp"

namespace klynge::test {

namespace {

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

}  // namespace

void expect_readme_example(const std::string& marker, const std::string& scratch_name,
                           const std::string& drop) {
  const std::vector<std::string> readme = lines_of(read_file(example_file("../README.md")));
  std::size_t at = 0;
  while (at < readme.size() && readme[at].find(marker) == std::string::npos) ++at;
  ASSERT_LT(at, readme.size()) << "README has no \"" << marker << "\"";
  std::size_t next = 0;
  const std::vector<std::string> command = words_of(next_block(readme, at, next));
  const std::vector<std::string> shown = next_block(readme, next, next);
  ASSERT_GE(command.size(), 2u);
  ASSERT_EQ(command[0], "build/klynge");
  ASSERT_GT(shown.size(), 5u);

  // From the checkout's root, as the README runs it, so paths are printed as shown (a longer
  // path would also wrap a line elsewhere).
  const std::string dir = scratch_dir(scratch_name);
  std::vector<std::string> args = {"-c", "cd \"$1\" && shift && exec \"$@\"", "sh",
                                   example_file(".."), klynge_binary()};
  const auto is_output_flag = [](const std::string& w) {
    return w == "--json" || w == "--csv" || w == "-o" || w == "--output" || w == "--plot" ||
           w == "--save-replicates";
  };
  for (auto w = command.begin() + 1; w != command.end(); ++w) {
    if (!drop.empty() && *w == drop) {
      if (w + 1 != command.end()) ++w;
      continue;
    }
    args.push_back(*w);
    if (is_output_flag(*w) && w + 1 != command.end()) {
      ++w;
      args.push_back(dir + "/" + w->substr(w->rfind('/') + 1));  // npos + 1 = 0: no folder
    }
  }
  const RunResult run = run_program("/bin/sh", args);
  ASSERT_EQ(run.exit_code, 0) << run.err;

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

}  // namespace klynge::test
