#include "common/pool_sample_expect.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "klynge/io/read_panel.hpp"

namespace klynge::test {

namespace {

bool same_double(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || a == b;
}

}  // namespace

Panel drawn_cohort_panel(const Panel& p, const Sample& s) {
  std::map<std::string, std::vector<std::size_t>> rows_of;
  for (std::size_t r = 0; r < p.rows(); ++r)
    rows_of[p.firm_ids[static_cast<std::size_t>(p.firm[r])]].push_back(r);
  std::vector<int> entry(s.firm_ids.size(), 0);
  for (const Cell& cell : s.cells)
    for (std::uint32_t i = cell.member_begin; i < cell.member_end; ++i)
      entry[static_cast<std::size_t>(s.firm[i])] = cell.cohort;
  std::string csv =
      fmt::format("firm_id,year,{},member,entry_year,nace\n", fmt::join(p.metric_names, ","));
  for (std::size_t j = 0; j < s.firm_ids.size(); ++j) {
    const std::string& id = s.firm_ids[j];
    for (const std::size_t r : rows_of.at(id.substr(0, id.find('#')))) {
      std::string values;
      for (std::size_t m = 0; m < p.metric_names.size(); ++m) {
        const double x = p.metric[m][r];
        values += std::isnan(x) ? std::string(",") : fmt::format("{},", x);
      }
      const std::int32_t code = p.strata[0].code[r];
      csv += fmt::format("{},{},{}{},{},{}\n", id, p.year[r], values, entry[j] ? 1 : 0,
                         entry[j] ? std::to_string(entry[j]) : std::string(),
                         code < 0 ? std::string() : p.strata[0].labels[code]);
    }
  }
  ReadOptions read;
  read.columns.metrics = p.metric_names;
  read.columns.strata = {"nace"};
  read.columns.entry = "entry_year";
  return parse_panel(csv, "drawn.csv", read);
}

void expect_same_sample(const Sample& s, const Sample& b) {
  ASSERT_EQ(s.cells.size(), b.cells.size());
  for (std::size_t c = 0; c < s.cells.size(); ++c) {
    EXPECT_EQ(s.cells[c].cohort, b.cells[c].cohort);
    EXPECT_EQ(s.cells[c].from, b.cells[c].from);
    EXPECT_EQ(s.cells[c].to, b.cells[c].to);
    EXPECT_EQ(s.cells[c].member_begin, b.cells[c].member_begin);
    EXPECT_EQ(s.cells[c].member_end, b.cells[c].member_end);
    EXPECT_EQ(s.cells[c].control_end, b.cells[c].control_end);
  }
  EXPECT_EQ(s.firm, b.firm);
  EXPECT_EQ(s.firm_ids, b.firm_ids);
  EXPECT_EQ(s.metric_names, b.metric_names);
  EXPECT_EQ(s.weighted, b.weighted);
  ASSERT_EQ(s.stratum.size(), b.stratum.size());
  for (std::size_t i = 0; i < s.stratum.size(); ++i)
    EXPECT_EQ(s.stratum_labels[s.stratum[i]], b.stratum_labels[b.stratum[i]]) << i;
  for (std::size_t m = 0; m < s.metric_names.size(); ++m)
    for (std::size_t i = 0; i < s.contributions(); ++i) {
      EXPECT_TRUE(same_double(s.growth[m][i], b.growth[m][i])) << m << " " << i;
      EXPECT_TRUE(same_double(s.start[m][i], b.start[m][i])) << m << " " << i;
      EXPECT_TRUE(same_double(s.end[m][i], b.end[m][i])) << m << " " << i;
      EXPECT_EQ(s.weight[m][i], b.weight[m][i]) << m << " " << i;
    }
  EXPECT_EQ(s.unbalanced_weight, b.unbalanced_weight);
  ASSERT_EQ(s.drops.size(), b.drops.size());
  for (std::size_t i = 0; i < s.drops.size(); ++i) {
    EXPECT_EQ(s.drops[i].metric, b.drops[i].metric) << i;
    EXPECT_EQ(s.drops[i].cohort, b.drops[i].cohort) << i;
    EXPECT_EQ(s.drops[i].group, b.drops[i].group) << i;
    EXPECT_EQ(s.drops[i].reason, b.drops[i].reason) << i;
    EXPECT_EQ(s.drops[i].count, b.drops[i].count) << i;
  }
  ASSERT_EQ(s.unmatched.size(), b.unmatched.size());
  for (std::size_t i = 0; i < s.unmatched.size(); ++i) {
    EXPECT_EQ(s.unmatched[i].cohort, b.unmatched[i].cohort);
    EXPECT_EQ(s.unmatched[i].stratum, b.unmatched[i].stratum);
    EXPECT_EQ(s.unmatched[i].members, b.unmatched[i].members);
  }
}

}  // namespace klynge::test
