// Checks shared by the CPU and GPU tests of the simulated window Sample: two Samples identical
// on every array (bit for bit) and every id, name, cell and count; two records identical; and
// the spec of a `klynge power` dataset, the case the window Sample is made for.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "common/bitwise_equal.hpp"
#include "klynge/hd/sim_window.hpp"
#include "klynge/power.hpp"
#include "klynge/sample.hpp"

namespace klynge::test {

inline void expect_same_sample(const Sample& got, const Sample& want, const std::string& what) {
  EXPECT_EQ(got.metric_names, want.metric_names) << what;
  ASSERT_EQ(got.cells.size(), want.cells.size()) << what;
  for (std::size_t c = 0; c < want.cells.size(); ++c) {
    const Cell &a = got.cells[c], &b = want.cells[c];
    EXPECT_EQ(a.cohort, b.cohort) << what;
    EXPECT_EQ(a.from, b.from) << what;
    EXPECT_EQ(a.to, b.to) << what;
    EXPECT_EQ(a.member_begin, b.member_begin) << what;
    EXPECT_EQ(a.member_end, b.member_end) << what;
    EXPECT_EQ(a.control_end, b.control_end) << what;
  }
  EXPECT_TRUE(bitwise_equal(got.firm, want.firm)) << what << ": firm";
  EXPECT_TRUE(bitwise_equal(got.stratum, want.stratum)) << what << ": stratum";
  ASSERT_EQ(got.growth.size(), want.growth.size()) << what;
  for (std::size_t m = 0; m < want.growth.size(); ++m) {
    EXPECT_TRUE(bitwise_equal(got.growth[m], want.growth[m])) << what << ": growth " << m;
    EXPECT_TRUE(bitwise_equal(got.start[m], want.start[m])) << what << ": start " << m;
    EXPECT_TRUE(bitwise_equal(got.end[m], want.end[m])) << what << ": end " << m;
    EXPECT_TRUE(bitwise_equal(got.weight[m], want.weight[m])) << what << ": weight " << m;
  }
  EXPECT_EQ(got.start.size(), want.start.size()) << what;
  EXPECT_EQ(got.end.size(), want.end.size()) << what;
  EXPECT_EQ(got.weight.size(), want.weight.size()) << what;
  EXPECT_EQ(got.firm_ids, want.firm_ids) << what;
  EXPECT_EQ(got.firm_cluster, want.firm_cluster) << what;
  EXPECT_EQ(got.cluster_labels, want.cluster_labels) << what;
  EXPECT_EQ(got.stratum_labels, want.stratum_labels) << what;
  ASSERT_EQ(got.drops.size(), want.drops.size()) << what;
  for (std::size_t k = 0; k < want.drops.size(); ++k) {
    const DropCount &a = got.drops[k], &b = want.drops[k];
    EXPECT_EQ(a.metric, b.metric) << what << ": drop " << k;
    EXPECT_EQ(a.cohort, b.cohort) << what << ": drop " << k;
    EXPECT_EQ(a.group, b.group) << what << ": drop " << k;
    EXPECT_EQ(a.reason, b.reason) << what << ": drop " << k;
    EXPECT_EQ(a.count, b.count) << what << ": drop " << k;
  }
  EXPECT_EQ(got.unbalanced_weight.size(), want.unbalanced_weight.size()) << what;
  for (std::size_t m = 0; m < want.unbalanced_weight.size() && m < got.unbalanced_weight.size();
       ++m) {
    EXPECT_TRUE(bitwise_equal(got.unbalanced_weight[m], want.unbalanced_weight[m]))
        << what << ": unbalanced weight " << m;
    EXPECT_TRUE(bitwise_equal(got.unbalanced_growth[m], want.unbalanced_growth[m]))
        << what << ": unbalanced growth " << m;
  }
  ASSERT_EQ(got.unmatched.size(), want.unmatched.size()) << what;
  for (std::size_t k = 0; k < want.unmatched.size(); ++k) {
    const UnmatchedStratum &a = got.unmatched[k], &b = want.unmatched[k];
    EXPECT_EQ(a.metric, b.metric) << what << ": unmatched " << k;
    EXPECT_EQ(a.cohort, b.cohort) << what << ": unmatched " << k;
    EXPECT_EQ(a.stratum, b.stratum) << what << ": unmatched " << k;
    EXPECT_EQ(a.members, b.members) << what << ": unmatched " << k;
  }
  EXPECT_EQ(got.firms_unknown_membership, want.firms_unknown_membership) << what;
  EXPECT_EQ(got.weighted, want.weighted) << what;
}

// Field by field (the struct's padding is not part of a record).
inline bool same_record(const hd::sim::SimWindowFirm& a, const hd::sim::SimWindowFirm& b) {
  return std::memcmp(a.start, b.start, sizeof a.start) == 0 &&
         std::memcmp(a.end, b.end, sizeof a.end) == 0 && a.in_panel == b.in_panel &&
         a.member == b.member && a.observed == b.observed && a.start_row == b.start_row &&
         a.nace == b.nace && a.region == b.region;
}

// Dataset `dataset` of a `klynge power` study of the default design (window 2017:2020, a fifth
// members), as power::dataset_spec makes it: every member joins in the window's first year, no
// births or exits, the panel is the window. `premium`: one per simulated metric.
inline sim::SimSpec power_dataset(std::uint32_t firms, std::vector<double> premium,
                                  std::uint32_t dataset) {
  return power::dataset_spec(power::PowerSpec{}, power::PremiumPoint{std::move(premium), ""}, firms,
                             dataset);
}

}  // namespace klynge::test
