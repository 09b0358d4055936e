// The window design (DESIGN.md §1) as the tests build it: growth of every firm from `from` to
// `to`, every other design option at its default.
#pragma once

#include "klynge/design.hpp"
#include "klynge/growth_type.hpp"

namespace klynge::test {

inline DesignOptions window(int from, int to, GrowthType growth = GrowthType::log) {
  DesignOptions design;
  design.growth = growth;
  design.from = from;
  design.to = to;
  return design;
}

}  // namespace klynge::test
