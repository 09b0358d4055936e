// The README's power study prints what the README shows (common/readme_example.hpp). Slow
// label: 1 200 datasets, about 5 s in a release build and far more under the sanitizers.
// Its --plot is left out: the table is the example's claim, and matplotlib may be missing.
#include <gtest/gtest.h>

#include "common/readme_example.hpp"

namespace klynge {
namespace {

TEST(ReadmeExample, ThePowerStudyPrintsWhatTheReadmeShows) {
  test::expect_readme_example("## Power studies", "readme_power_example", "--plot");
}

}  // namespace
}  // namespace klynge
