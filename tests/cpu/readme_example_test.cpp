// The README's worked example is what klynge prints (common/readme_example.hpp): a change to
// the numbers (a new default, a fixed statistic) fails here until the README shows the new
// figures.
#include <gtest/gtest.h>

#include "common/readme_example.hpp"

namespace klynge {
namespace {

TEST(ReadmeExample, TheWorkedExamplePrintsWhatTheReadmeShows) {
  test::expect_readme_example("`scripts/demo.sh` runs:", "readme_example");
}

}  // namespace
}  // namespace klynge
