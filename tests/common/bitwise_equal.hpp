// Bit-for-bit equality of two arrays: the reproducibility contract (DESIGN.md §2) promises
// identical bits, which == on doubles cannot check (NaN != NaN, 0.0 == -0.0).
#pragma once

#include <cstring>
#include <vector>

namespace klynge::test {

template <typename T>
bool bitwise_equal(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

}  // namespace klynge::test
