#include "sim_sample.hpp"

namespace klynge::power {

DesignOptions window_design(int from, int to) {
  DesignOptions design;
  design.growth = GrowthType::log;
  design.from = from;
  design.to = to;
  return design;
}

}  // namespace klynge::power
