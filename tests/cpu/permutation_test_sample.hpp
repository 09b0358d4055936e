// Hand-built Samples for the permutation tests: cells of member and control values per
// metric, optional strata and firm indices (a control firm may appear in several cells).
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "klynge/design.hpp"
#include "klynge/sample.hpp"

namespace klynge::test {

struct CellSpec {
  std::int32_t cohort = kWindowCohort;
  std::vector<std::vector<double>> members;                 // [metric][firm]
  std::vector<std::vector<double>> controls;                // [metric][firm]
  std::vector<std::int32_t> member_strata, control_strata;  // empty: -1
  std::vector<std::int32_t> member_firms, control_firms;    // empty: fresh firm indices
};

inline Sample make_sample(const std::vector<CellSpec>& cells) {
  Sample s;
  const std::size_t metrics = cells.at(0).members.size();
  for (std::size_t m = 0; m < metrics; ++m) s.metric_names.push_back("m" + std::to_string(m));
  s.growth.resize(metrics);
  s.start.resize(metrics);
  s.end.resize(metrics);
  s.weight.resize(metrics);
  std::int32_t next_firm = 0, max_firm = -1;
  for (const CellSpec& c : cells) {
    Cell cell;
    cell.cohort = c.cohort;
    cell.member_begin = static_cast<std::uint32_t>(s.firm.size());
    for (int grp = 0; grp < 2; ++grp) {
      const auto& values = grp == 0 ? c.members : c.controls;
      const auto& strata = grp == 0 ? c.member_strata : c.control_strata;
      const auto& firms = grp == 0 ? c.member_firms : c.control_firms;
      for (std::size_t i = 0; i < values.at(0).size(); ++i) {
        const std::int32_t f = firms.empty() ? next_firm++ : firms[i];
        max_firm = std::max(max_firm, f);
        s.firm.push_back(f);
        s.stratum.push_back(strata.empty() ? -1 : strata[i]);
        for (std::size_t m = 0; m < metrics; ++m) {
          const double y = values[m][i];
          s.growth[m].push_back(y);
          s.start[m].push_back(std::isnan(y) ? NAN : 100.0 + 10.0 * m);
          s.end[m].push_back(std::isnan(y) ? NAN : (100.0 + 10.0 * m) * (1.0 + y));
          s.weight[m].push_back(std::isnan(y) ? 0.0 : 1.0);
        }
      }
      if (grp == 0) cell.member_end = static_cast<std::uint32_t>(s.firm.size());
    }
    cell.control_end = static_cast<std::uint32_t>(s.firm.size());
    s.cells.push_back(cell);
  }
  next_firm = std::max(next_firm, max_firm + 1);
  for (std::int32_t f = 0; f < next_firm; ++f) {
    s.firm_ids.push_back("f" + std::to_string(f));
    s.firm_cluster.push_back(-1);
  }
  return s;
}

inline DesignOptions window_options() {
  DesignOptions o;
  o.from = 2010;
  o.to = 2013;
  return o;
}

inline DesignOptions cohort_options() {
  return DesignOptions{};
}

// The mouse data of Efron & Tibshirani (1993, Table 2.1): survival days.
inline const std::vector<double> kMouseTreatment = {94, 197, 16, 38, 99, 141, 23};
inline const std::vector<double> kMouseControl = {52, 104, 146, 10, 51, 30, 40, 27, 46};

}  // namespace klynge::test
