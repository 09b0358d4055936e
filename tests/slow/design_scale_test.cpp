// Scale of the design stage (slow: label `slow`, `ctest -L slow`, never CI): build_sample and
// describe_sample on a synthetic panel of a million firms over thirteen years (13 million
// rows), window and cohort designs, with and without --balance. Prints the timings; asserts
// the shape of the sample, which is known from the construction below.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "klynge/build_sample.hpp"
#include "klynge/statistics.hpp"

namespace klynge {
namespace {

constexpr std::size_t kFirms = 1000000;

// Every firm has a row in every year. Firm f is a member when f % 10 == 0 (100 000 members),
// entering in first_year + 2 + (f / 10) % 6 (six cohorts of 16 666 or 16 667); every member
// row carries its entry year. Employees are missing in about 2% of the cells; revenue and
// value added never.
Panel synthetic_panel(std::size_t firms, int years, int first_year) {
  Panel p;
  p.path = "synthetic";
  p.metric_names = {"employees", "revenue", "value_added"};
  p.metric.resize(3);
  p.entry.reserve(firms * years);
  std::uint64_t state = 12345;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) / 9007199254740992.0;
  };
  p.strata.push_back(CategoricalColumn{"nace", {}, {"A", "B", "C", "D", "E", "F", "G", "H"}});
  for (std::size_t f = 0; f < firms; ++f) {
    p.firm_ids.push_back("f" + std::to_string(f));
    const bool member = f % 10 == 0;
    const int entry = member ? first_year + 2 + static_cast<int>(f / 10 % 6) : kMissingYear;
    const auto nace = static_cast<std::int32_t>(f % 8);
    double x = 1 + 100 * next();
    for (int y = 0; y < years; ++y) {
      p.firm.push_back(static_cast<std::int32_t>(f));
      p.year.push_back(first_year + y);
      p.line.push_back(static_cast<std::int64_t>(p.line.size()) + 2);
      x *= 0.9 + 0.25 * next();
      p.metric[0].push_back(next() < 0.02 ? std::numeric_limits<double>::quiet_NaN() : x);
      p.metric[1].push_back(50 * x);
      p.metric[2].push_back(20 * x);
      p.member.push_back(member ? 1 : 0);
      p.entry.push_back(entry);
      p.strata[0].code.push_back(nace);
    }
  }
  return p;
}

DesignOptions window(int from, int to, GrowthType growth) {
  DesignOptions o;
  o.growth = growth;
  o.from = from;
  o.to = to;
  return o;
}

// Runs both stages, prints their times, returns the sample and checks describe gave rows.
Sample timed(const Panel& p, const char* what, const DesignOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  Sample s = build_sample(p, o);
  const auto t1 = std::chrono::steady_clock::now();
  const Description d = describe_sample(s, o);
  const auto t2 = std::chrono::steady_clock::now();
  std::printf("%-40s %9zu contributions  build %.3f s  describe %.3f s\n", what,
              s.contributions(), std::chrono::duration<double>(t1 - t0).count(),
              std::chrono::duration<double>(t2 - t1).count());
  EXPECT_FALSE(d.results.empty());
  for (const Estimate& e : d.results) {
    if (e.statistic == Statistic::mean_diff) EXPECT_EQ(e.status, "ok") << what;
  }
  return s;
}

TEST(DesignScale, MillionFirmsThirteenYears) {
  const Panel p = synthetic_panel(kFirms, 13, 2010);
  ASSERT_EQ(p.firm.size(), kFirms * 13);

  // Window: one contribution per firm (a firm whose employees are missing keeps its place
  // with a NaN growth for that metric).
  const Sample w = timed(p, "window 2012-2015", window(2012, 2015, GrowthType::log));
  EXPECT_EQ(w.cells.size(), 1u);
  EXPECT_EQ(w.contributions(), kFirms);
  EXPECT_EQ(w.cells[0].member_end - w.cells[0].member_begin, kFirms / 10);

  // Cohort design (h = 3): six cohorts 2012..2017, each with its own members and all 900 000
  // never-members as controls (windows end by 2020, inside the panel).
  DesignOptions cohort;
  const Sample c = timed(p, "cohort (6 cohorts, h=3)", cohort);
  ASSERT_EQ(c.cells.size(), 6u);
  std::size_t members = 0;
  for (const Cell& cell : c.cells) {
    members += cell.member_end - cell.member_begin;
    EXPECT_EQ(cell.control_end - cell.member_end, kFirms - kFirms / 10) << cell.cohort;
  }
  EXPECT_EQ(members, kFirms / 10);
  EXPECT_EQ(c.contributions(), kFirms / 10 + 6 * (kFirms - kFirms / 10));

  // --balance over one stratum column whose every cell has controls: nothing is unmatched.
  cohort.balance = true;
  const Sample b = timed(p, "cohort (6 cohorts, h=3) --balance", cohort);
  EXPECT_TRUE(b.unmatched.empty());
  EXPECT_TRUE(b.weighted);
  EXPECT_EQ(b.contributions(), c.contributions());
}

}  // namespace
}  // namespace klynge
