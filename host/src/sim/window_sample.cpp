// Simulated window records -> the window design's Sample, in build_sample's layout
// (design/build_sample.cpp: lay_out_cells, the growth loop, the drop table), so that the Sample
// of a simulated dataset is the one `analyze --from --to` would build from its CSV. What a
// panel could have and a simulated one has not (weights, clusters, unknown membership) takes
// build_sample's values for its absence. Its stratum columns are the simulated industry and
// region (`nace`, `region`), read at the start year's row as build_sample reads them.
#include <omp.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>

#include "klynge/balance.hpp"
#include "klynge/build_sample.hpp"
#include "klynge/error.hpp"
#include "klynge/sim_window.hpp"

namespace klynge::sim {

namespace {

// GrowthStatus codes after `ok` are the first DropReasons, in the same order (as build_sample
// checks with static_asserts).
static_assert(static_cast<int>(hd::GrowthStatus::zero_both) - 1 ==
              static_cast<int>(DropReason::zero_both));

// Contribution order: observed members in firm order, then observed non-members. `panel_index`
// is the firm's index among the firms with a row (the reader numbers firms as they appear).
struct Layout {
  std::vector<std::int32_t> panel_index;  // per simulated firm, -1 when not in the panel
  std::vector<std::uint32_t> source;      // per contribution: the simulated firm
  std::uint32_t members = 0;
};

Layout lay_out(const std::vector<SimWindowFirm>& firms) {
  Layout layout;
  layout.panel_index.assign(firms.size(), -1);
  std::int32_t next = 0;
  for (std::size_t i = 0; i < firms.size(); ++i)
    if (firms[i].in_panel) layout.panel_index[i] = next++;
  for (const std::uint8_t group_member : {1, 0}) {
    for (std::size_t i = 0; i < firms.size(); ++i)
      if (firms[i].in_panel && firms[i].observed && firms[i].member == group_member)
        layout.source.push_back(static_cast<std::uint32_t>(i));
    if (group_member == 1) layout.members = static_cast<std::uint32_t>(layout.source.size());
  }
  return layout;
}

// Per contribution its stratum cell, numbered as build_sample numbers them: cells sorted by
// their values column by column, "NA" last; labels "nace=10, region=Oslo". A firm without a
// start-year row has NA in every column (build_sample reads the strata at that row).
void assign_strata(const std::vector<SimWindowFirm>& firms, const Layout& layout,
                   const std::vector<std::string>& strata, Sample& s) {
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
  std::vector<Cells::iterator> cell_of(layout.source.size());
  for (std::size_t c = 0; c < layout.source.size(); ++c) {
    const SimWindowFirm& rec = firms[layout.source[c]];
    Key key;
    for (const std::string& name : strata)
      key.push_back(rec.start_row ? stratum_value(name, rec.nace, rec.region, rec.start[0])
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
  for (std::size_t c = 0; c < cell_of.size(); ++c) s.stratum[c] = cell_of[c]->second;
}

}  // namespace

std::string_view stratum_value(std::string_view name, std::uint32_t nace, std::uint32_t region,
                               double employees) {
  if (name == "nace") return nace_code(nace);
  if (name == "region") return region_name(region);
  return std::isnan(employees) ? std::string_view()
                               : size_class(static_cast<std::int64_t>(employees));
}

void check_stratum_names(const std::vector<std::string>& names) {
  for (std::size_t k = 0; k < names.size(); ++k) {
    if (names[k] != "nace" && names[k] != "region" && names[k] != "size_class")
      throw_usage_error("--strata " + names[k] +
                        ": a simulated panel's stratum columns are nace, region and size_class");
    for (std::size_t j = 0; j < k; ++j)
      if (names[j] == names[k]) throw_usage_error("--strata names " + names[k] + " twice");
  }
}

Sample window_sample(const std::vector<SimWindowFirm>& firms, const DesignOptions& design,
                     int threads, const std::vector<std::string>& strata) {
  validate_design_options(design);
  if (is_cohort_design(design))
    throw Error(ExitCode::internal, "simulated window sample: the design has no --from/--to");
  check_stratum_names(strata);
  if (design.balance && strata.empty())
    throw_usage_error("--balance needs stratum columns (--strata)");

  const Layout layout = lay_out(firms);
  const SimWindow window = window_of(design);
  const std::size_t n = layout.source.size();

  Sample s;
  for (const std::string_view name : kMetricNames) s.metric_names.emplace_back(name);
  for (std::size_t i = 0; i < firms.size(); ++i)
    if (firms[i].in_panel) s.firm_ids.push_back(std::to_string(kFirstFirmId + i));
  s.firm_cluster.assign(s.firm_ids.size(), -1);
  s.cells.push_back(Cell{kWindowCohort, window.from, window.to, 0, layout.members,
                         static_cast<std::uint32_t>(n)});
  s.firm.resize(n);
  for (std::size_t c = 0; c < n; ++c) s.firm[c] = layout.panel_index[layout.source[c]];
  s.stratum.assign(n, -1);
  if (!strata.empty()) assign_strata(firms, layout, strata, s);
  s.weighted = design.balance;

  const auto kind = static_cast<hd::GrowthKind>(design.growth);
  const double h = static_cast<double>(window.to) - static_cast<double>(window.from);
  const int team = threads > 0 ? threads : std::max(1, omp_get_max_threads());
  const auto contributions = static_cast<std::int64_t>(n);
  const auto member_end = static_cast<std::int64_t>(layout.members);
  constexpr int kSlots = 2 * kDropReasonCount;  // [group][reason]
  constexpr auto kMetricCount = static_cast<std::size_t>(kMetrics);
  std::vector<std::array<std::uint64_t, kSlots>> drops(kMetricCount);
  for (int m = 0; m < kMetrics; ++m) {
    std::vector<double>& growth = s.growth.emplace_back(n);
    std::vector<double>& start = s.start.emplace_back(n);
    std::vector<double>& end = s.end.emplace_back(n);
    std::vector<double>& weight = s.weight.emplace_back(n);
    std::uint64_t counts[kSlots] = {};
#pragma omp parallel for schedule(static) num_threads(team) reduction(+ : counts[:kSlots])
    for (std::int64_t c = 0; c < contributions; ++c) {
      const SimWindowFirm& rec = firms[layout.source[static_cast<std::size_t>(c)]];
      const hd::GrowthResult g = hd::sim::window_growth(rec, m, kind, h);
      start[c] = rec.start[m];
      end[c] = rec.end[m];
      // build_sample stores a failed growth as its NaN and weight 0 (no --weight column here).
      growth[c] =
          g.status == hd::GrowthStatus::ok ? g.value : std::numeric_limits<double>::quiet_NaN();
      weight[c] = g.status == hd::GrowthStatus::ok ? 1.0 : 0.0;
      if (g.status != hd::GrowthStatus::ok)
        ++counts[(c < member_end ? 0 : kDropReasonCount) + static_cast<int>(g.status) - 1];
    }
    std::copy(counts, counts + kSlots, drops[static_cast<std::size_t>(m)].begin());
  }
  // As build_sample: the stratum match is checked after the growth, its drops counted last.
  if (design.balance)
    for (std::size_t m = 0; m < kMetricCount; ++m)
      drops[m][static_cast<int>(DropReason::unmatched_stratum)] += balance_cell(s, m, 0);
  for (std::size_t m = 0; m < kMetricCount; ++m)
    for (int k = 0; k < kSlots; ++k)
      if (drops[m][k] > 0)
        s.drops.push_back(DropCount{s.metric_names[m], kWindowCohort,
                                    k < kDropReasonCount ? Group::member : Group::control,
                                    static_cast<DropReason>(k % kDropReasonCount), drops[m][k]});
  return s;
}

}  // namespace klynge::sim
