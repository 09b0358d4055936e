// The README's examples as tests: a command shown in a ```sh block and the output block after
// it. Run from the checkout's root as the README runs it (output files moved to a scratch
// folder, so the checkout stays clean), every line of the shown output must appear in klynge's
// output, in the same order: the README may leave rows out ("..."), never change one.
#pragma once

#include <string>

namespace klynge::test {

// Finds `marker` in README.md, takes the next fenced block as the command ("build/klynge ...",
// continuation lines joined; the file after --json, --csv, -o, --output, --plot or
// --save-replicates goes to a scratch folder, and the flag `drop` is left out with its value) and
// the block after that as its output, runs the command and checks the output (gtest failures naming
// the first line that is not printed). The thread count "(N threads)" is compared as the README's
// "(2 threads)": results never depend on it.
void expect_readme_example(const std::string& marker, const std::string& scratch_name,
                           const std::string& drop = "");

}  // namespace klynge::test
