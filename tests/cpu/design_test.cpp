// The window and cohort designs (build_sample) on tiny hand-made panels: layout of cells and
// contributions, hand-computed growth and differences, every drop reason, --weight and
// --balance weights, and the usage errors. Definitions: docs/estimands.md.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "common/design_window.hpp"
#include "klynge/build_sample.hpp"
#include "klynge/error.hpp"
#include "klynge/statistics.hpp"

namespace klynge {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kNoEntry = kMissingYear;

// Hand values like 220/200 - 1 = 0.1 carry a few ulps of rounding.
#define EXPECT_CLOSE(a, b) EXPECT_NEAR(a, b, 1e-14)

struct Row {
  std::string firm;
  int year;
  std::vector<double> metrics;
  int member;  // 1, 0, -1
  int entry = kNoEntry;
  std::vector<std::string> strata = {};  // "" = missing
  double weight = kNaN;
};

struct PanelSpec {
  std::vector<std::string> metrics = {"emp"};
  bool entry = false;
  std::vector<std::string> strata = {};
  bool weight = false;
};

std::int32_t code_of(CategoricalColumn& column, const std::string& label) {
  if (label.empty()) return kNoLabel;
  for (std::size_t i = 0; i < column.labels.size(); ++i) {
    if (column.labels[i] == label) return static_cast<std::int32_t>(i);
  }
  column.labels.push_back(label);
  return static_cast<std::int32_t>(column.labels.size() - 1);
}

// A Panel as the reader would produce it, rows in the given order.
Panel make_panel(const PanelSpec& spec, const std::vector<Row>& rows) {
  Panel p;
  p.path = "test.csv";
  p.metric_names = spec.metrics;
  p.metric.resize(spec.metrics.size());
  for (const auto& name : spec.strata) p.strata.push_back(CategoricalColumn{name, {}, {}});
  std::map<std::string, std::int32_t> ids;
  std::int64_t line = 2;
  for (const Row& r : rows) {
    auto [it, added] = ids.try_emplace(r.firm, static_cast<std::int32_t>(p.firm_ids.size()));
    if (added) p.firm_ids.push_back(r.firm);
    p.firm.push_back(it->second);
    p.year.push_back(r.year);
    p.line.push_back(line++);
    for (std::size_t m = 0; m < spec.metrics.size(); ++m) p.metric[m].push_back(r.metrics.at(m));
    p.member.push_back(static_cast<std::int8_t>(r.member));
    if (spec.entry) p.entry.push_back(r.entry);
    for (std::size_t k = 0; k < spec.strata.size(); ++k) {
      p.strata[k].code.push_back(code_of(p.strata[k], r.strata.at(k)));
    }
    if (spec.weight) p.weight.push_back(r.weight);
  }
  p.data_lines = rows.size();
  return p;
}

std::uint64_t drop_count(const Sample& s, const std::string& metric, std::int32_t cohort,
                         Group group, DropReason reason) {
  std::uint64_t n = 0;
  for (const DropCount& d : s.drops) {
    if (d.metric == metric && d.cohort == cohort && d.group == group && d.reason == reason) {
      n += d.count;
    }
  }
  return n;
}

std::uint64_t total_drops(const Sample& s) {
  std::uint64_t n = 0;
  for (const DropCount& d : s.drops) n += d.count;
  return n;
}

const Estimate& result(const Description& d, std::size_t metric, std::int32_t cohort,
                       Statistic statistic) {
  for (const Estimate& e : d.results) {
    if (e.metric == metric && e.cohort == cohort && e.statistic == statistic) return e;
  }
  ADD_FAILURE() << "no result";
  static Estimate none;
  return none;
}

const GroupSummary& group(const Description& d, std::size_t metric, std::int32_t cohort, Group g) {
  for (const GroupSummary& s : d.groups) {
    if (s.metric == metric && s.cohort == cohort && s.group == g) return s;
  }
  ADD_FAILURE() << "no group";
  static GroupSummary none;
  return none;
}

// pct growth unless given: the hand-computed growths below are simple (100 -> 150 is 0.5).
DesignOptions window(int from, int to, GrowthType growth = GrowthType::pct) {
  return test::window(from, to, growth);
}

// Every contribution of every metric is valid, dropped (counted once) or balanced to weight 0.
void expect_conservation(const Sample& s) {
  for (std::size_t m = 0; m < s.metrics(); ++m) {
    for (const Cell& cell : s.cells) {
      for (const Group g : {Group::member, Group::control}) {
        const std::uint32_t b = g == Group::member ? cell.member_begin : cell.member_end;
        const std::uint32_t e = g == Group::member ? cell.member_end : cell.control_end;
        std::uint64_t finite = 0, nan_zero = 0;
        for (std::uint32_t i = b; i < e; ++i) {
          if (std::isfinite(s.growth[m][i])) {
            ++finite;
            EXPECT_GE(s.weight[m][i], 0.0);
          } else {
            ++nan_zero;
            EXPECT_EQ(s.weight[m][i], 0.0);
          }
        }
        std::uint64_t dropped = 0;
        for (int r = 0; r < kDropReasonCount; ++r) {
          dropped += drop_count(s, s.metric_names[m], cell.cohort, g, static_cast<DropReason>(r));
        }
        EXPECT_EQ(dropped, nan_zero) << "metric " << m << " cohort " << cell.cohort;
        EXPECT_EQ(finite + nan_zero, e - b);
      }
    }
  }
}

// ---- window design ---------------------------------------------------------------------------

// Firms A..H over 2010..2012; pct growth of emp and rev over [2010, 2012].
Panel window_panel() {
  PanelSpec spec;
  spec.metrics = {"emp", "rev"};
  return make_panel(spec, {
                              {"A", 2010, {100, 10}, 1},
                              {"A", 2011, {120, 11}, 1},
                              {"A", 2012, {150, kNaN}, 1},
                              {"B", 2010, {200, 0}, 1},
                              {"B", 2012, {220, 5}, 1},
                              {"C", 2011, {7, 7}, 1},  // observed, no endpoints
                              {"D", 2012, {90, 12}, 0},
                              {"D", 2010, {100, 10}, 0},  // rows out of year order
                              {"E", 2010, {100, 20}, 0},
                              {"E", 2012, {100, 25}, 0},
                              {"F", 2005, {1, 1}, 0},  // not observed in window
                              {"G", 2010, {5, 5}, -1},
                              {"G", 2012, {6, 6}, -1},  // membership unknown
                              {"H", 2010, {10, 10}, 0},
                              {"H", 2012, {13, 11}, 1},  // member in some row
                          });
}

TEST(WindowDesign, LaysOutOneCellMembersThenControlsByFirm) {
  const Sample s = build_sample(window_panel(), window(2010, 2012));
  ASSERT_EQ(s.cells.size(), 1u);
  const Cell& c = s.cells[0];
  EXPECT_EQ(c.cohort, kWindowCohort);
  EXPECT_EQ(c.from, 2010);
  EXPECT_EQ(c.to, 2012);
  EXPECT_EQ(c.member_begin, 0u);
  EXPECT_EQ(c.member_end, 4u);
  EXPECT_EQ(c.control_end, 6u);
  // A=0 B=1 C=2 D=3 E=4 F=5 G=6 H=7: members A B C H, controls D E; F unobserved, G unknown.
  EXPECT_EQ(s.firm, (std::vector<std::int32_t>{0, 1, 2, 7, 3, 4}));
  EXPECT_EQ(s.firms_unknown_membership, 1u);
  EXPECT_FALSE(s.weighted);
  EXPECT_EQ(s.metric_names, (std::vector<std::string>{"emp", "rev"}));
  EXPECT_EQ(s.firm_ids.size(), 8u);
  EXPECT_EQ(s.stratum, (std::vector<std::int32_t>(6, -1)));
}

TEST(WindowDesign, GrowthStartEndAndWeights) {
  const Sample s = build_sample(window_panel(), window(2010, 2012));
  const auto& g = s.growth[0];
  EXPECT_CLOSE(g[0], 0.5);        // A 100 -> 150
  EXPECT_CLOSE(g[1], 0.1);        // B 200 -> 220
  EXPECT_TRUE(std::isnan(g[2]));  // C
  EXPECT_CLOSE(g[3], 0.3);        // H 10 -> 13
  EXPECT_CLOSE(g[4], -0.1);       // D 100 -> 90
  EXPECT_CLOSE(g[5], 0.0);        // E
  EXPECT_EQ(s.weight[0], (std::vector<double>{1, 1, 0, 1, 1, 1}));
  EXPECT_EQ(s.start[0][3], 10.0);
  EXPECT_EQ(s.end[0][3], 13.0);
  EXPECT_TRUE(std::isnan(s.start[0][2]));
  // rev: A has no end value, B starts at 0; start/end keep the values that exist.
  EXPECT_TRUE(std::isnan(s.growth[1][0]));
  EXPECT_EQ(s.start[1][0], 10.0);
  EXPECT_TRUE(std::isnan(s.end[1][0]));
  EXPECT_TRUE(std::isnan(s.growth[1][1]));
  EXPECT_EQ(s.start[1][1], 0.0);
  EXPECT_EQ(s.end[1][1], 5.0);
  EXPECT_CLOSE(s.growth[1][3], 0.1);
  EXPECT_CLOSE(s.growth[1][4], 0.2);
  EXPECT_CLOSE(s.growth[1][5], 0.25);
  expect_conservation(s);
}

TEST(WindowDesign, DropsPerMetricGroupAndReason) {
  const Sample s = build_sample(window_panel(), window(2010, 2012));
  EXPECT_EQ(drop_count(s, "emp", kWindowCohort, Group::member, DropReason::missing_start), 1u);
  EXPECT_EQ(drop_count(s, "rev", kWindowCohort, Group::member, DropReason::missing_start), 1u);
  EXPECT_EQ(drop_count(s, "rev", kWindowCohort, Group::member, DropReason::missing_end), 1u);
  EXPECT_EQ(drop_count(s, "rev", kWindowCohort, Group::member, DropReason::nonpositive_start), 1u);
  EXPECT_EQ(total_drops(s), 4u);
  EXPECT_EQ(s.drops.size(), 4u);  // only non-zero counts are listed
}

TEST(WindowDesign, HandComputedDifferences) {
  const DesignOptions o = window(2010, 2012);
  const Description d = describe_sample(build_sample(window_panel(), o), o);
  // emp: members {0.5, 0.1, 0.3}, controls {-0.1, 0}.
  const GroupSummary& m = group(d, 0, kWindowCohort, Group::member);
  EXPECT_EQ(m.n, 3u);
  EXPECT_CLOSE(m.mean, 0.3);
  EXPECT_CLOSE(m.sd, 0.2);
  EXPECT_CLOSE(m.median, 0.3);
  EXPECT_CLOSE(m.min, 0.1);
  EXPECT_CLOSE(m.max, 0.5);
  EXPECT_CLOSE(m.agg_growth, 383.0 / 310.0 - 1.0);
  EXPECT_EQ(m.dropped[static_cast<int>(DropReason::missing_start)], 1u);
  EXPECT_CLOSE(result(d, 0, kWindowCohort, Statistic::mean_diff).value, 0.35);
  EXPECT_CLOSE(result(d, 0, kWindowCohort, Statistic::median_diff).value, 0.35);
  EXPECT_CLOSE(result(d, 0, kWindowCohort, Statistic::agg_diff).value,
               (383.0 / 310.0 - 1.0) - (190.0 / 200.0 - 1.0));
  const Estimate& t = result(d, 0, kWindowCohort, Statistic::welch_t);
  // s2_M = 0.04, s2_C = 0.005: t = 0.35 / sqrt(0.04/3 + 0.005/2)
  EXPECT_NEAR(t.value, 0.35 / std::sqrt(0.04 / 3 + 0.005 / 2), 1e-12);
  EXPECT_EQ(t.n_member, 3u);
  EXPECT_EQ(t.n_control, 2u);
  EXPECT_EQ(t.status, "ok");
  // rev: only H is a valid member: Welch t needs two firms per group.
  EXPECT_CLOSE(result(d, 1, kWindowCohort, Statistic::mean_diff).value, 0.1 - 0.225);
  EXPECT_EQ(result(d, 1, kWindowCohort, Statistic::welch_t).status, "too_few_firms");
  EXPECT_TRUE(std::isnan(result(d, 1, kWindowCohort, Statistic::welch_t).value));
  // No aggregate rows in the window design: 2 metrics x 1 cell x 5 statistics.
  EXPECT_EQ(d.results.size(), 10u);
  EXPECT_EQ(d.groups.size(), 4u);
}

TEST(WindowDesign, LevelAllowsFromEqualTo) {
  const DesignOptions o = window(2012, 2012, GrowthType::level);
  const Sample s = build_sample(window_panel(), o);
  // Observed in 2012: A B D E H (C and G excluded: C has no 2012 row, G unknown).
  EXPECT_EQ(s.firm, (std::vector<std::int32_t>{0, 1, 7, 3, 4}));
  EXPECT_EQ(s.growth[0], (std::vector<double>{150, 220, 13, 90, 100}));
  EXPECT_TRUE(std::isnan(s.growth[1][0]));  // A has no rev in 2012
  EXPECT_EQ(drop_count(s, "rev", kWindowCohort, Group::member, DropReason::missing_end), 1u);
  const Description d = describe_sample(s, o);
  EXPECT_CLOSE(result(d, 0, kWindowCohort, Statistic::mean_diff).value, 383.0 / 3 - 95.0);
  EXPECT_EQ(result(d, 0, kWindowCohort, Statistic::agg_diff).status, "not_applicable");
}

TEST(WindowDesign, RealWindowForLevelUsesTheEndYear) {
  const Sample s = build_sample(window_panel(), window(2010, 2012, GrowthType::level));
  EXPECT_EQ(s.growth[0][0], 150.0);
  EXPECT_TRUE(std::isnan(s.growth[0][2]));  // C observed in 2011 only
  EXPECT_EQ(drop_count(s, "emp", kWindowCohort, Group::member, DropReason::missing_end), 1u);
}

// ---- every drop reason -----------------------------------------------------------------------

TEST(Drops, EveryReasonIsCountedExactlyOnce) {
  // log growth over [2000, 2001]; weights; strata; cohort column unused in the window design.
  PanelSpec spec;
  spec.metrics = {"x"};
  spec.weight = true;
  spec.strata = {"s"};
  const std::vector<Row> rows = {
      {"ms", 2000, {kNaN}, 1, kNoEntry, {"a"}, 1.0}, {"ms", 2001, {2}, 1, kNoEntry, {"a"}, 1.0},
      {"me", 2000, {1}, 1, kNoEntry, {"a"}, 1.0},    {"me", 2001, {kNaN}, 1, kNoEntry, {"a"}, 1.0},
      {"ps", 2000, {0}, 1, kNoEntry, {"a"}, 1.0},    {"ps", 2001, {2}, 1, kNoEntry, {"a"}, 1.0},
      {"pe", 2000, {3}, 1, kNoEntry, {"a"}, 1.0},    {"pe", 2001, {0}, 1, kNoEntry, {"a"}, 1.0},
      {"mw", 2000, {3}, 1, kNoEntry, {"a"}, kNaN},   {"mw", 2001, {4}, 1, kNoEntry, {"a"}, 2.0},
      {"ok", 2000, {1}, 1, kNoEntry, {"a"}, 1.0},    {"ok", 2001, {2}, 1, kNoEntry, {"a"}, 1.0},
      {"um", 2000, {1}, 1, kNoEntry, {"b"}, 1.0},    {"um", 2001, {2}, 1, kNoEntry, {"b"}, 1.0},
      {"c1", 2000, {1}, 0, kNoEntry, {"a"}, 1.0},    {"c1", 2001, {1}, 0, kNoEntry, {"a"}, 1.0},
      {"c2", 2000, {1}, 0, kNoEntry, {"a"}, kNaN},   {"c2", 2001, {1}, 0, kNoEntry, {"a"}, 1.0},
  };
  DesignOptions o = window(2000, 2001, GrowthType::log);
  o.balance = true;
  const Sample s = build_sample(make_panel(spec, rows), o);
  const auto w = kWindowCohort;
  EXPECT_EQ(drop_count(s, "x", w, Group::member, DropReason::missing_start), 1u);
  EXPECT_EQ(drop_count(s, "x", w, Group::member, DropReason::missing_end), 1u);
  EXPECT_EQ(drop_count(s, "x", w, Group::member, DropReason::nonpositive_start), 1u);
  EXPECT_EQ(drop_count(s, "x", w, Group::member, DropReason::nonpositive_end), 1u);
  EXPECT_EQ(drop_count(s, "x", w, Group::member, DropReason::missing_weight), 1u);
  EXPECT_EQ(drop_count(s, "x", w, Group::member, DropReason::unmatched_stratum), 1u);
  EXPECT_EQ(drop_count(s, "x", w, Group::control, DropReason::missing_weight), 1u);
  EXPECT_EQ(total_drops(s), 7u);
  EXPECT_TRUE(s.weighted);
  ASSERT_EQ(s.unmatched.size(), 1u);
  EXPECT_EQ(s.unmatched[0].stratum, "s=b");
  EXPECT_EQ(s.unmatched[0].members, 1u);
  expect_conservation(s);

  // zero_both (dhs) and no_entry_year (cohort design).
  PanelSpec cs;
  cs.metrics = {"x"};
  cs.entry = true;
  const Sample z = build_sample(make_panel(cs, {{"m", 2000, {0}, 1, 2000},
                                                {"m", 2003, {0}, 1, 2000},
                                                {"n", 2000, {1}, 1, kNoEntry},
                                                {"c", 2000, {0}, 0},
                                                {"c", 2003, {0}, 0}}),
                                [] {
                                  DesignOptions d;
                                  d.growth = GrowthType::dhs;
                                  return d;
                                }());
  EXPECT_EQ(drop_count(z, "x", 2000, Group::member, DropReason::zero_both), 1u);
  EXPECT_EQ(drop_count(z, "x", 2000, Group::control, DropReason::zero_both), 1u);
  EXPECT_EQ(drop_count(z, "x", kUnknownCohort, Group::member, DropReason::no_entry_year), 1u);
  EXPECT_EQ(total_drops(z), 3u);
  expect_conservation(z);
}

TEST(Drops, GrowthReasonWinsOverMissingWeight) {
  PanelSpec spec;
  spec.metrics = {"a", "b"};
  spec.weight = true;
  const Sample s = build_sample(make_panel(spec, {{"m", 2000, {1, kNaN}, 1, kNoEntry, {}, kNaN},
                                                  {"m", 2001, {2, 2}, 1, kNoEntry, {}, 1.0}}),
                                window(2000, 2001));
  EXPECT_EQ(drop_count(s, "a", kWindowCohort, Group::member, DropReason::missing_weight), 1u);
  EXPECT_EQ(drop_count(s, "b", kWindowCohort, Group::member, DropReason::missing_start), 1u);
  EXPECT_EQ(total_drops(s), 2u);
}

// ---- cohort design ---------------------------------------------------------------------------

// Log growth over [g - 1, g] (offset -1, horizon 1: the difference-in-differences window).
Panel cohort_panel() {
  PanelSpec spec;
  spec.entry = true;
  return make_panel(spec, {
                              // members
                              {"M1", 2003, {100}, 1, 2004},
                              {"M1", 2004, {110}, 1, 2004},
                              {"M2", 2003, {50}, 0, 2004},
                              {"M2", 2004, {45}, 1, 2004},
                              {"M3", 2005, {20}, 0, 2006},
                              {"M3", 2006, {30}, 1, 2006},
                              {"M4", 2005, {20}, 1, 2006},      // no 2006 row
                              {"M5", 2005, {20}, 1, kNoEntry},  // member without entry
                                                                // never-members
                              {"C1", 2002, {90}, 0},
                              {"C1", 2003, {100}, 0},
                              {"C1", 2004, {100}, 0},
                              {"C1", 2005, {80}, 0},
                              {"C1", 2006, {100}, 0},
                              {"C1", 2007, {100}, 0},
                              {"C2", 2003, {10}, 0},
                              {"C2", 2004, {12}, 0},  // gone before 2005
                              {"C3", 2005, {0}, 0},
                              {"C3", 2006, {5}, 0},  // born after 2004
                              {"C4", 2004, {7}, 0},
                              {"C4", 2006, {8}, 0},  // gaps
                              {"C5", 2010, {1}, 0},  // never in any window
                          });
}

DesignOptions did_options() {
  DesignOptions o;
  o.growth = GrowthType::log;
  o.offset = -1;
  o.horizon = 1;
  return o;
}

TEST(CohortDesign, OneCellPerCohortControlsReusedAcrossCohorts) {
  const Sample s = build_sample(cohort_panel(), did_options());
  ASSERT_EQ(s.cells.size(), 2u);
  EXPECT_EQ(s.cells[0].cohort, 2004);
  EXPECT_EQ(s.cells[0].from, 2003);
  EXPECT_EQ(s.cells[0].to, 2004);
  EXPECT_EQ(s.cells[1].cohort, 2006);
  EXPECT_EQ(s.cells[1].from, 2005);
  EXPECT_EQ(s.cells[1].to, 2006);
  // M1..M5 = 0..4, C1..C5 = 5..9.
  EXPECT_EQ(s.cells[0].member_begin, 0u);
  EXPECT_EQ(s.cells[0].member_end, 2u);
  EXPECT_EQ(s.cells[0].control_end, 5u);
  EXPECT_EQ(s.cells[1].member_begin, 5u);
  EXPECT_EQ(s.cells[1].member_end, 7u);
  EXPECT_EQ(s.cells[1].control_end, 10u);
  EXPECT_EQ(s.firm, (std::vector<std::int32_t>{0, 1, 5, 6, 8, 2, 3, 5, 7, 8}));
  const auto& g = s.growth[0];
  EXPECT_CLOSE(g[0], std::log(1.1));
  EXPECT_CLOSE(g[1], std::log(0.9));
  EXPECT_CLOSE(g[2], 0.0);
  EXPECT_CLOSE(g[3], std::log(1.2));
  EXPECT_TRUE(std::isnan(g[4]));
  EXPECT_CLOSE(g[5], std::log(1.5));
  EXPECT_TRUE(std::isnan(g[6]));
  EXPECT_CLOSE(g[7], std::log(1.25));  // C1 again, over 2005 -> 2006
  EXPECT_TRUE(std::isnan(g[8]));
  EXPECT_TRUE(std::isnan(g[9]));
  expect_conservation(s);
}

TEST(CohortDesign, DropsBelongToTheirCohort) {
  const Sample s = build_sample(cohort_panel(), did_options());
  EXPECT_EQ(drop_count(s, "emp", kUnknownCohort, Group::member, DropReason::no_entry_year), 1u);
  EXPECT_EQ(drop_count(s, "emp", 2006, Group::member, DropReason::missing_end), 1u);
  EXPECT_EQ(drop_count(s, "emp", 2004, Group::control, DropReason::missing_start), 1u);
  EXPECT_EQ(drop_count(s, "emp", 2006, Group::control, DropReason::missing_start), 1u);
  EXPECT_EQ(drop_count(s, "emp", 2006, Group::control, DropReason::nonpositive_start), 1u);
  EXPECT_EQ(total_drops(s), 5u);  // C2 in 2006, C3 in 2004 and C5 anywhere are not observed
}

TEST(CohortDesign, HandComputedAttAndAggregate) {
  const DesignOptions o = did_options();
  const Description d = describe_sample(build_sample(cohort_panel(), o), o);
  const double att04 = (std::log(1.1) + std::log(0.9)) / 2 - std::log(1.2) / 2;
  const double att06 = std::log(1.5) - std::log(1.25);
  const Estimate& e04 = result(d, 0, 2004, Statistic::mean_diff);
  EXPECT_NEAR(e04.value, att04, 1e-15);
  EXPECT_EQ(e04.n_member, 2u);
  EXPECT_EQ(e04.n_control, 2u);
  EXPECT_NEAR(result(d, 0, 2006, Statistic::mean_diff).value, att06, 1e-15);
  const Estimate& all = result(d, 0, kAllCohorts, Statistic::mean_diff);
  EXPECT_NEAR(all.value, (2 * att04 + 1 * att06) / 3, 1e-15);
  EXPECT_EQ(all.n_member, 3u);
  EXPECT_EQ(all.n_control, 2u);  // C1 (both cohorts) and C2: distinct firms
  EXPECT_EQ(all.status, "ok");
  EXPECT_EQ(result(d, 0, 2006, Statistic::welch_t).status, "too_few_firms");
  // welch_t's aggregate leaves out 2006 (one member, no standard error): 2004's t alone.
  const Estimate& t = result(d, 0, kAllCohorts, Statistic::welch_t);
  EXPECT_EQ(t.status, "ok");
  EXPECT_NEAR(t.value, result(d, 0, 2004, Statistic::welch_t).value, 1e-14);
  EXPECT_EQ(t.n_member, 2u);
  // Members without entry show up as a group of their own with their drops.
  const GroupSummary& unknown = group(d, 0, kUnknownCohort, Group::member);
  EXPECT_EQ(unknown.n, 0u);
  EXPECT_EQ(unknown.dropped[static_cast<int>(DropReason::no_entry_year)], 1u);
  // 2 cells x 5 + 5 aggregate results.
  EXPECT_EQ(d.results.size(), 15u);
}

TEST(CohortDesign, DefaultWindowStartsAtEntry) {
  DesignOptions o;
  o.growth = GrowthType::pct;
  o.horizon = 2;
  PanelSpec spec;
  spec.entry = true;
  const Sample s = build_sample(make_panel(spec, {{"m", 2010, {10}, 1, 2010},
                                                  {"m", 2012, {15}, 1, 2010},
                                                  {"c", 2011, {4}, 0},
                                                  {"c", 2012, {5}, 0}}),
                                o);
  ASSERT_EQ(s.cells.size(), 1u);
  EXPECT_EQ(s.cells[0].from, 2010);
  EXPECT_EQ(s.cells[0].to, 2012);
  EXPECT_CLOSE(s.growth[0][0], 0.5);
  EXPECT_TRUE(std::isnan(s.growth[0][1]));  // c observed in the window, no 2010 row
  EXPECT_EQ(drop_count(s, "emp", 2010, Group::control, DropReason::missing_start), 1u);
}

TEST(CohortDesign, NoMembersGivesNoCells) {
  PanelSpec spec;
  spec.entry = true;
  const Sample s =
      build_sample(make_panel(spec, {{"c", 2011, {4}, 0}, {"c", 2012, {5}, 0}}), DesignOptions{});
  EXPECT_TRUE(s.cells.empty());
  EXPECT_EQ(s.contributions(), 0u);
  const Description d = describe_sample(s, DesignOptions{});
  ASSERT_EQ(d.results.size(), 5u);  // aggregates only
  EXPECT_EQ(d.results[0].status, "no_cohort");
}

// ---- weights and balancing -------------------------------------------------------------------

TEST(Weights, BaselineSamplingWeightsAreUsed) {
  PanelSpec spec;
  spec.weight = true;
  const Panel p = make_panel(spec, {
                                       {"a", 2000, {10}, 1, kNoEntry, {}, 1.0},
                                       {"a", 2001, {11}, 1, kNoEntry, {}, 9.0},
                                       {"b", 2000, {10}, 1, kNoEntry, {}, 3.0},
                                       {"b", 2001, {15}, 1, kNoEntry, {}, kNaN},
                                       {"c", 2000, {10}, 0, kNoEntry, {}, 2.0},
                                       {"c", 2001, {10}, 0, kNoEntry, {}, 2.0},
                                   });
  const DesignOptions o = window(2000, 2001);
  const Sample s = build_sample(p, o);
  EXPECT_TRUE(s.weighted);
  EXPECT_EQ(s.weight[0], (std::vector<double>{1.0, 3.0, 2.0}));  // weight at the start year
  const Description d = describe_sample(s, o);
  EXPECT_CLOSE(group(d, 0, kWindowCohort, Group::member).mean, (0.1 + 3 * 0.5) / 4);
  EXPECT_CLOSE(group(d, 0, kWindowCohort, Group::member).weight_sum, 4.0);
}

// Members: m1 m2 in A, m3 in B, m4 in C. Controls: c1 in A, c2 c3 c4 in B, c5 with nace missing.
Panel balance_panel() {
  PanelSpec spec;
  spec.strata = {"nace", "region"};
  auto firm = [](const char* id, int member, const char* nace, double growth) {
    return std::vector<Row>{{id, 2000, {100}, member, kNoEntry, {nace, "03"}},
                            {id, 2001, {100 * (1 + growth)}, member, kNoEntry, {"Z", "99"}}};
  };
  std::vector<Row> rows;
  for (auto part : {firm("m1", 1, "A", 0.2), firm("m2", 1, "A", 0.4), firm("m3", 1, "B", 0.4),
                    firm("m4", 1, "C", 0.9), firm("c1", 0, "A", 0.3), firm("c2", 0, "B", 0.0),
                    firm("c3", 0, "B", 0.1), firm("c4", 0, "B", 0.2), firm("c5", 0, "", 5.0)}) {
    rows.insert(rows.end(), part.begin(), part.end());
  }
  return make_panel(spec, rows);
}

TEST(Balance, HandComputedWeightsAndUnmatchedStratum) {
  DesignOptions o = window(2000, 2001);
  o.balance = true;
  const Sample s = build_sample(balance_panel(), o);
  EXPECT_TRUE(s.weighted);
  // Strata at the baseline (2000) rows, labels sorted, missing = NA last.
  EXPECT_EQ(s.stratum_labels,
            (std::vector<std::string>{"nace=A, region=03", "nace=B, region=03", "nace=C, region=03",
                                      "nace=NA, region=03"}));
  EXPECT_EQ(s.stratum, (std::vector<std::int32_t>{0, 0, 1, 2, 0, 1, 1, 1, 3}));
  // Matched members: A 2, B 1 (W_M = 3); matched controls: A 1, B 3 (W_C = 4).
  // Factor A = (2/3)/(1/4) = 8/3, B = (1/3)/(3/4) = 4/9; c5's cell has no members: 0.
  const auto& w = s.weight[0];
  EXPECT_EQ(w[0], 1.0);
  EXPECT_EQ(w[1], 1.0);
  EXPECT_EQ(w[2], 1.0);
  EXPECT_EQ(w[3], 0.0);  // m4: unmatched
  EXPECT_TRUE(std::isnan(s.growth[0][3]));
  EXPECT_NEAR(w[4], 8.0 / 3.0, 1e-15);
  EXPECT_NEAR(w[5], 4.0 / 9.0, 1e-15);
  EXPECT_NEAR(w[6], 4.0 / 9.0, 1e-15);
  EXPECT_NEAR(w[7], 4.0 / 9.0, 1e-15);
  EXPECT_EQ(w[8], 0.0);
  EXPECT_CLOSE(s.growth[0][8], 5.0);  // kept: valid growth, no weight
  ASSERT_EQ(s.unmatched.size(), 1u);
  EXPECT_EQ(s.unmatched[0].metric, "emp");
  EXPECT_EQ(s.unmatched[0].cohort, kWindowCohort);
  EXPECT_EQ(s.unmatched[0].stratum, "nace=C, region=03");
  EXPECT_EQ(s.unmatched[0].members, 1u);
  EXPECT_EQ(drop_count(s, "emp", kWindowCohort, Group::member, DropReason::unmatched_stratum), 1u);
  EXPECT_EQ(total_drops(s), 1u);
  expect_conservation(s);

  const Description d = describe_sample(s, o);
  const GroupSummary& c = group(d, 0, kWindowCohort, Group::control);
  EXPECT_EQ(c.n, 4u);
  EXPECT_EQ(c.n_zero_weight, 1u);
  EXPECT_NEAR(c.weight_sum, 4.0, 1e-14);
  // Balanced controls: 2/3 of the mass on A (0.3), 1/3 on B (mean 0.1) = 7/30.
  EXPECT_NEAR(c.mean, 7.0 / 30.0, 1e-14);
  EXPECT_NEAR(group(d, 0, kWindowCohort, Group::member).mean, 1.0 / 3.0, 1e-14);
  EXPECT_NEAR(result(d, 0, kWindowCohort, Statistic::mean_diff).value, 1.0 / 3 - 7.0 / 30, 1e-14);
}

TEST(Balance, SamplingWeightsEnterTheStratumTotals) {
  PanelSpec spec;
  spec.strata = {"s"};
  spec.weight = true;
  const Panel p = make_panel(spec, {
                                       {"m1", 0, {1}, 1, kNoEntry, {"a"}, 3.0},
                                       {"m1", 1, {2}, 1, kNoEntry, {"a"}, 3.0},
                                       {"m2", 0, {1}, 1, kNoEntry, {"b"}, 1.0},
                                       {"m2", 1, {2}, 1, kNoEntry, {"b"}, 1.0},
                                       {"c1", 0, {1}, 0, kNoEntry, {"a"}, 2.0},
                                       {"c1", 1, {2}, 0, kNoEntry, {"a"}, 2.0},
                                       {"c2", 0, {1}, 0, kNoEntry, {"b"}, 2.0},
                                       {"c2", 1, {2}, 0, kNoEntry, {"b"}, 2.0},
                                       {"c3", 0, {1}, 0, kNoEntry, {"b"}, 4.0},
                                       {"c3", 1, {2}, 0, kNoEntry, {"b"}, 4.0},
                                   });
  DesignOptions o = window(0, 1);
  o.balance = true;
  const Sample s = build_sample(p, o);
  // W_M: a 3, b 1 (4); W_C: a 2, b 6 (8). a: (3/4)/(2/8) = 3; b: (1/4)/(6/8) = 1/3.
  EXPECT_NEAR(s.weight[0][2], 2.0 * 3.0, 1e-15);
  EXPECT_NEAR(s.weight[0][3], 2.0 / 3.0, 1e-15);
  EXPECT_NEAR(s.weight[0][4], 4.0 / 3.0, 1e-15);
}

TEST(Balance, WorksPerCohort) {
  PanelSpec spec;
  spec.entry = true;
  spec.strata = {"s"};
  // Cohort 2001: member in a; cohort 2002: member in b. Control c is in a in 2001, b in 2002.
  const Panel p = make_panel(spec, {
                                       {"m1", 2001, {1}, 1, 2001, {"a"}},
                                       {"m1", 2002, {2}, 1, 2001, {"a"}},
                                       {"m2", 2002, {1}, 1, 2002, {"b"}},
                                       {"m2", 2003, {2}, 1, 2002, {"b"}},
                                       {"c", 2001, {1}, 0, kNoEntry, {"a"}},
                                       {"c", 2002, {1}, 0, kNoEntry, {"b"}},
                                       {"c", 2003, {1}, 0, kNoEntry, {"b"}},
                                       {"d", 2001, {1}, 0, kNoEntry, {"b"}},
                                       {"d", 2002, {1}, 0, kNoEntry, {"a"}},
                                       {"d", 2003, {1}, 0, kNoEntry, {"a"}},
                                   });
  DesignOptions o;
  o.horizon = 1;
  o.balance = true;
  const Sample s = build_sample(p, o);
  ASSERT_EQ(s.cells.size(), 2u);
  // Cohort 2001: c (a) matches m1, d (b) has no members. Cohort 2002: the reverse.
  EXPECT_EQ(s.firm, (std::vector<std::int32_t>{0, 2, 3, 1, 2, 3}));
  EXPECT_EQ(s.weight[0], (std::vector<double>{1, 1, 0, 1, 1, 0}));
  EXPECT_TRUE(s.unmatched.empty());
}

// ---- usage errors ----------------------------------------------------------------------------

ExitCode error_code(const Panel& p, const DesignOptions& o) {
  try {
    build_sample(p, o);
  } catch (const Error& e) {
    return e.code();
  }
  return ExitCode::ok;
}

TEST(DesignOptionsCheck, BadCombinationsAreUsageErrors) {
  const Panel window_only = window_panel();  // no entry column, no strata
  const Panel cohorts = cohort_panel();
  EXPECT_EQ(error_code(window_only, window(2012, 2010)), ExitCode::usage);
  EXPECT_EQ(error_code(window_only, window(2010, 2010)), ExitCode::usage);  // not level
  EXPECT_EQ(error_code(window_only, window(2010, 2010, GrowthType::level)), ExitCode::ok);
  DesignOptions only_from;
  only_from.from = 2010;
  EXPECT_EQ(error_code(cohorts, only_from), ExitCode::usage);
  EXPECT_EQ(error_code(window_only, DesignOptions{}), ExitCode::usage);  // no entry column
  DesignOptions h0;
  h0.horizon = 0;
  EXPECT_EQ(error_code(cohorts, h0), ExitCode::usage);
  h0.growth = GrowthType::level;
  EXPECT_EQ(error_code(cohorts, h0), ExitCode::ok);
  h0.horizon = -1;
  EXPECT_EQ(error_code(cohorts, h0), ExitCode::usage);
  for (double trim : {-0.1, 0.5, 0.7, kNaN}) {
    DesignOptions t = window(2010, 2012);
    t.trim = trim;
    EXPECT_EQ(error_code(window_only, t), ExitCode::usage) << trim;
  }
  DesignOptions t0 = window(2010, 2012);
  t0.trim = 0.0;
  EXPECT_EQ(error_code(window_only, t0), ExitCode::ok);
  DesignOptions b = window(2010, 2012);
  b.balance = true;
  EXPECT_EQ(error_code(window_only, b), ExitCode::usage);  // no strata
  EXPECT_TRUE(is_cohort_design(DesignOptions{}));
  EXPECT_FALSE(is_cohort_design(window(1, 2)));
}

}  // namespace
}  // namespace klynge
