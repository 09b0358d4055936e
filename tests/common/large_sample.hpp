// A synthetic window-design Sample with large groups (chunked draws, hd/bootstrap_chunked.hpp):
// two metrics (every 97th firm dropped for the second), logistic noise, members 0.03 higher,
// optionally unequal weights. Built directly, without a panel file, so tests of the resampling
// paths can use groups of any size cheaply.
#pragma once

#include <cstdint>

#include "klynge/sample.hpp"

namespace klynge::test {

Sample large_sample(bool weighted, std::uint32_t members = 9000, std::uint32_t controls = 12000);

}  // namespace klynge::test
