#include "sample_layout.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string_view>

#include "klynge/balance.hpp"
#include "klynge/hd/growth.hpp"
#include "klynge/sim_window.hpp"

namespace klynge::sim {

namespace {

// GrowthStatus codes after `ok` are the first DropReasons, in the same order (as build_sample
// checks with static_asserts).
static_assert(static_cast<int>(hd::GrowthStatus::missing_start) - 1 ==
              static_cast<int>(DropReason::missing_start));
static_assert(static_cast<int>(hd::GrowthStatus::zero_both) - 1 ==
              static_cast<int>(DropReason::zero_both));

constexpr int kSlots = 2 * kDropReasonCount;  // drop counts of one cell: [group][reason]

}  // namespace

Sample panel_sample(const std::vector<std::uint8_t>& in_panel,
                    std::vector<std::int32_t>& panel_index) {
  Sample s;
  for (const std::string_view name : kMetricNames) s.metric_names.emplace_back(name);
  panel_index.assign(in_panel.size(), -1);
  for (std::size_t i = 0; i < in_panel.size(); ++i) {
    if (!in_panel[i]) continue;
    panel_index[i] = static_cast<std::int32_t>(s.firm_ids.size());
    s.firm_ids.push_back(std::to_string(kFirstFirmId + i));
  }
  s.firm_cluster.assign(s.firm_ids.size(), -1);
  return s;
}

void assign_strata(const std::vector<StratumRow>& rows, const std::vector<std::string>& strata,
                   Sample& s) {
  using Key = std::vector<std::string_view>;  // "" = NA
  auto less = [](const Key& a, const Key& b) {
    for (std::size_t k = 0; k < a.size(); ++k) {
      if (a[k] == b[k]) continue;
      if (a[k].empty()) return false;
      if (b[k].empty()) return true;
      return a[k] < b[k];
    }
    return false;
  };
  using Cells = std::map<Key, std::int32_t, decltype(less)>;
  Cells cells(less);
  std::vector<Cells::iterator> cell_of(rows.size());
  for (std::size_t c = 0; c < rows.size(); ++c) {
    const StratumRow& r = rows[c];
    Key key;
    for (const std::string& name : strata)
      key.push_back(r.row ? stratum_value(name, r.nace, r.region, r.employees)
                          : std::string_view());
    cell_of[c] = cells.try_emplace(std::move(key), 0).first;
  }
  for (auto& [key, index] : cells) {
    index = static_cast<std::int32_t>(s.stratum_labels.size());
    std::string label;
    for (std::size_t k = 0; k < strata.size(); ++k) {
      if (k > 0) label += ", ";
      label += strata[k];
      label += '=';
      label += key[k].empty() ? std::string_view("NA") : key[k];
    }
    s.stratum_labels.push_back(std::move(label));
  }
  s.stratum.resize(rows.size());
  for (std::size_t c = 0; c < cell_of.size(); ++c) s.stratum[c] = cell_of[c]->second;
}

void finish_sample(Sample& s, const DesignOptions& design, int threads) {
  const std::size_t n = s.contributions(), metrics = s.metrics(), cells = s.cells.size();
  const auto kind = static_cast<hd::GrowthKind>(design.growth);
  const int team = threads > 0 ? threads : std::max(1, omp_get_max_threads());
  s.weighted = design.balance;
  // drops[(metric * cells + cell) * kSlots + group * kDropReasonCount + reason]
  std::vector<std::uint64_t> drops(metrics * cells * kSlots, 0);
  s.growth.assign(metrics, std::vector<double>(n));
  s.weight.assign(metrics, std::vector<double>(n));
  for (std::size_t m = 0; m < metrics; ++m) {
    const double* start = s.start[m].data();
    const double* end = s.end[m].data();
    double* growth = s.growth[m].data();
    double* weight = s.weight[m].data();
    for (std::size_t c = 0; c < cells; ++c) {
      const Cell& cell = s.cells[c];
      const double h = static_cast<double>(cell.to) - static_cast<double>(cell.from);
      const auto b = static_cast<std::int64_t>(cell.member_begin);
      const auto e = static_cast<std::int64_t>(cell.control_end);
      const auto member_end = static_cast<std::int64_t>(cell.member_end);
      std::uint64_t counts[kSlots] = {};
#pragma omp parallel for schedule(static) num_threads(team) reduction(+ : counts[:kSlots])
      for (std::int64_t i = b; i < e; ++i) {
        const hd::GrowthResult g = hd::growth(kind, start[i], end[i], h);
        // build_sample stores a failed growth as its NaN and weight 0 (no --weight column here).
        const bool ok = g.status == hd::GrowthStatus::ok;
        growth[i] = ok ? g.value : std::numeric_limits<double>::quiet_NaN();
        weight[i] = ok ? 1.0 : 0.0;
        if (!ok) ++counts[(i < member_end ? 0 : kDropReasonCount) + static_cast<int>(g.status) - 1];
      }
      std::copy(counts, counts + kSlots, drops.begin() + (m * cells + c) * kSlots);
    }
  }
  // As build_sample: the stratum match is checked after the growth, its drops counted last.
  if (design.balance)
    for (std::size_t m = 0; m < metrics; ++m)
      for (std::size_t c = 0; c < cells; ++c)
        drops[(m * cells + c) * kSlots + static_cast<int>(DropReason::unmatched_stratum)] +=
            balance_cell(s, m, c);
  for (std::size_t m = 0; m < metrics; ++m)
    for (std::size_t c = 0; c < cells; ++c)
      for (int k = 0; k < kSlots; ++k)
        if (const std::uint64_t count = drops[(m * cells + c) * kSlots + k]; count > 0)
          s.drops.push_back(DropCount{s.metric_names[m], s.cells[c].cohort,
                                      k < kDropReasonCount ? Group::member : Group::control,
                                      static_cast<DropReason>(k % kDropReasonCount), count});
}

}  // namespace klynge::sim
