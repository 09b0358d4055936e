// Simulate specs shared by the tests of the record paths (the window and cohort Samples made
// without the panel, tests/cpu/sim_*_test.cpp, tests/gpu/sim_*_matches_cpu.cpp): specs that
// between them take every branch of the process, the stratum column sets, and --balance.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "klynge/design.hpp"
#include "klynge/simulate.hpp"

namespace klynge::test {

// Sizes from one firm up, member shares near 0 and 1, premiums of both signs, zero and missing
// cells, exits, late births, unequal noise and thread counts 0 (all), 1 and 2 (which never
// change a Sample). Each with a name for messages.
inline std::vector<std::pair<std::string, sim::SimSpec>> varied_specs() {
  struct Case {
    std::uint32_t firms;
    double member_share, premium, zero_share, missing_share, exit_rate, birth_share;
    std::uint64_t seed;
    std::uint32_t stream;
  };
  const Case cases[] = {
      {1, 0.5, 0.02, 0.02, 0.01, 0.03, 0.25, 1, 0},  {2, 0.9, 0.0, 0.0, 0.0, 0.0, 0.0, 2, 3},
      {37, 0.05, 0.05, 0.3, 0.0, 0.0, 0.0, 3, 1},    {500, 0.95, -0.1, 0.0, 0.4, 0.2, 0.5, 4, 7},
      {4000, 0.2, 0.02, 0.1, 0.1, 0.1, 0.9, 99, 12}, {2500, 0.5, 1.0, 0.0, 0.0, 0.5, 0.0, 6, 2},
  };
  std::vector<std::pair<std::string, sim::SimSpec>> out;
  for (const Case& c : cases) {
    sim::SimSpec spec;
    spec.firms = c.firms;
    spec.member_share = c.member_share;
    spec.premium = {c.premium, c.premium / 2, -c.premium};
    spec.zero_share = c.zero_share;
    spec.missing_share = c.missing_share;
    spec.exit_rate = c.exit_rate;
    spec.birth_share = c.birth_share;
    spec.seed = c.seed;
    spec.stream = c.stream;
    spec.model.member_noise = c.seed % 2 ? 1.0 : 2.5;
    spec.threads = static_cast<int>(c.seed % 3);
    out.emplace_back("firms " + std::to_string(c.firms) + " seed " + std::to_string(c.seed), spec);
  }
  return out;
}

// The simulate defaults (births, exits, zeros, missing cells) and a spec with far more of each,
// half members with twice the noise: the specs a device's records are checked on.
inline std::vector<sim::SimSpec> device_specs() {
  std::vector<sim::SimSpec> out;
  sim::SimSpec spec;
  spec.firms = 20000;
  out.push_back(spec);
  spec.seed = 3;
  spec.stream = 9;
  spec.zero_share = 0.2;
  spec.missing_share = 0.1;
  spec.exit_rate = 0.2;
  spec.birth_share = 0.7;
  spec.member_share = 0.5;
  spec.model.member_noise = 2.0;
  out.push_back(spec);
  return out;
}

// The stratum column sets a simulated panel can be balanced on, in several orders.
inline std::vector<std::vector<std::string>> stratum_sets() {
  return {{"nace"},           {"region"},     {"nace", "region"},
          {"region", "nace"}, {"size_class"}, {"nace", "size_class", "region"}};
}

inline DesignOptions balanced(DesignOptions design) {
  design.balance = true;
  return design;
}

}  // namespace klynge::test
