// Two panels equal in every column, bit for bit (doubles compared as bits: NaN == NaN), for the
// tests that read one input several ways (threads, chunking, compression) and expect one panel.
#pragma once

#include <gtest/gtest.h>

#include "common/bitwise_equal.hpp"
#include "klynge/panel.hpp"

namespace klynge::test {

inline void expect_same_panel(const Panel& a, const Panel& b) {
  EXPECT_EQ(a.data_lines, b.data_lines);
  EXPECT_EQ(a.bytes, b.bytes);
  EXPECT_EQ(a.firm_ids, b.firm_ids);
  EXPECT_TRUE(bitwise_equal(a.firm, b.firm));
  EXPECT_TRUE(bitwise_equal(a.year, b.year));
  EXPECT_TRUE(bitwise_equal(a.line, b.line));
  ASSERT_EQ(a.metric.size(), b.metric.size());
  for (std::size_t k = 0; k < a.metric.size(); ++k)
    EXPECT_TRUE(bitwise_equal(a.metric[k], b.metric[k]));
  EXPECT_TRUE(bitwise_equal(a.member, b.member));
  ASSERT_EQ(a.cluster.has_value(), b.cluster.has_value());
  if (a.cluster) {
    EXPECT_EQ(a.cluster->labels, b.cluster->labels);
    EXPECT_TRUE(bitwise_equal(a.cluster->code, b.cluster->code));
  }
  EXPECT_TRUE(bitwise_equal(a.entry, b.entry));
  ASSERT_EQ(a.strata.size(), b.strata.size());
  for (std::size_t s = 0; s < a.strata.size(); ++s) {
    EXPECT_EQ(a.strata[s].labels, b.strata[s].labels);
    EXPECT_TRUE(bitwise_equal(a.strata[s].code, b.strata[s].code));
  }
  EXPECT_TRUE(bitwise_equal(a.weight, b.weight));
}

}  // namespace klynge::test
