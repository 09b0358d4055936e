// Point statistics of a Sample: group summaries, per-cell differences and the cohort
// aggregate (docs/estimands.md). Per-group arithmetic comes from hd/group_stats.hpp.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>
#include <utility>

#include "klynge/hd/group_stats.hpp"
#include "klynge/statistics.hpp"

namespace klynge {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The valid contributions of one group of one cell for one metric, compacted.
struct GroupData {
  std::vector<double> y, w, x0, x1;
  std::vector<std::int32_t> firm;
  std::uint64_t zero_weight = 0;
};

GroupData gather(const Sample& sample, std::size_t metric, std::uint32_t begin, std::uint32_t end) {
  GroupData g;
  const auto& growth = sample.growth[metric];
  const auto& weight = sample.weight[metric];
  std::size_t valid = 0;
  for (std::uint32_t i = begin; i < end; ++i) {
    if (std::isfinite(growth[i]) && weight[i] > 0.0) ++valid;
  }
  g.y.reserve(valid);
  g.w.reserve(valid);
  g.x0.reserve(valid);
  g.x1.reserve(valid);
  g.firm.reserve(valid);
  for (std::uint32_t i = begin; i < end; ++i) {
    if (!std::isfinite(growth[i])) continue;
    if (!(weight[i] > 0.0)) {
      ++g.zero_weight;
      continue;
    }
    g.y.push_back(growth[i]);
    g.w.push_back(weight[i]);
    g.x0.push_back(sample.start[metric][i]);
    g.x1.push_back(sample.end[metric][i]);
    g.firm.push_back(sample.firm[i]);
  }
  return g;
}

struct GroupResult {
  GroupSummary summary;
  hd::Moments moments{};
};

GroupResult summarize(const GroupData& g, bool weighted, double trim, bool level) {
  GroupResult out;
  GroupSummary& s = out.summary;
  const std::size_t n = g.y.size();
  s.n = n;
  s.n_zero_weight = g.zero_weight;
  out.moments = hd::moments(g.y.data(), g.w.data(), n);
  s.weight_sum = out.moments.sum_w;
  s.mean = n > 0 ? out.moments.mean : kNaN;
  s.sd = std::sqrt(hd::variance(out.moments));
  if (n == 0) {
    s.median = s.trimmed_mean = s.agg_growth = s.min = s.max = kNaN;
    return out;
  }
  // Values ascending with their weights (unweighted: all weights are 1, sort values alone).
  std::vector<double> ys, ws;
  if (weighted) {
    std::vector<std::pair<double, double>> sorted(n);
    for (std::size_t i = 0; i < n; ++i) sorted[i] = {g.y[i], g.w[i]};
    std::sort(sorted.begin(), sorted.end());
    ys.resize(n);
    ws.resize(n);
    for (std::size_t i = 0; i < n; ++i) std::tie(ys[i], ws[i]) = sorted[i];
  } else {
    ys = g.y;
    std::sort(ys.begin(), ys.end());
    ws = g.w;
  }
  s.min = ys.front();
  s.max = ys.back();
  s.median = hd::weighted_median_sorted(ys.data(), ws.data(), n);
  const double cut = weighted ? hd::trim_cut_mass(trim, out.moments.sum_w)
                              : hd::trim_cut_units(trim, out.moments.units);
  s.trimmed_mean = hd::trimmed_mean_sorted(ys.data(), ws.data(), n, cut);
  s.agg_growth = level ? kNaN : hd::aggregate_growth(g.x0.data(), g.x1.data(), g.w.data(), n);
  return out;
}

// The five member-minus-control statistics of one cell.
std::array<std::pair<double, std::string>, kStatisticCount> cell_statistics(
    const GroupResult& member, const GroupResult& control, bool level) {
  std::array<std::pair<double, std::string>, kStatisticCount> out;
  const GroupSummary& m = member.summary;
  const GroupSummary& c = control.summary;
  if (m.n == 0 || c.n == 0) {
    out.fill({kNaN, "empty_group"});
    return out;
  }
  out[static_cast<int>(Statistic::mean_diff)] = {m.mean - c.mean, "ok"};
  out[static_cast<int>(Statistic::median_diff)] = {m.median - c.median, "ok"};
  out[static_cast<int>(Statistic::trimmed_mean_diff)] = {m.trimmed_mean - c.trimmed_mean, "ok"};
  auto& agg = out[static_cast<int>(Statistic::agg_diff)];
  if (level)
    agg = {kNaN, "not_applicable"};
  else if (!std::isfinite(m.agg_growth) || !std::isfinite(c.agg_growth))
    agg = {kNaN, "zero_base"};
  else
    agg = {m.agg_growth - c.agg_growth, "ok"};
  auto& t = out[static_cast<int>(Statistic::welch_t)];
  if (m.n < 2 || c.n < 2) {
    t = {kNaN, "too_few_firms"};
  } else {
    const double value =
        hd::welch_t(m.mean - c.mean, hd::mean_se2(member.moments), hd::mean_se2(control.moments));
    t = std::isfinite(value) ? std::pair<double, std::string>{value, "ok"}
                             : std::pair<double, std::string>{kNaN, "zero_variance"};
  }
  return out;
}

struct CellResult {
  GroupData data[2];
  GroupResult groups[2];
  std::array<std::pair<double, std::string>, kStatisticCount> stats;
};

// Whether a cell's mean difference has a Welch standard error: >= 2 units in each group.
bool has_welch_se(const CellResult& cell) {
  return cell.groups[0].moments.units >= 2.0 && cell.groups[1].moments.units >= 2.0;
}

// Aggregate over cohorts (docs/estimands.md "Cohort aggregate").
void aggregate(const Sample& sample, std::size_t metric, const std::vector<CellResult>& cells,
               std::vector<Estimate>& results) {
  std::vector<char> control_used(sample.firm_ids.size(), 0);
  const int mean_diff = static_cast<int>(Statistic::mean_diff);
  for (int s = 0; s < kStatisticCount; ++s) {
    const auto statistic = static_cast<Statistic>(s);
    const bool welch = statistic == Statistic::welch_t;
    // welch_t studentizes the aggregate mean difference of the cohorts where that has a value
    // and a standard error; a cohort with one valid member is left out of it (as a cohort
    // without a value is left out of every aggregate), not allowed to void it.
    const auto used = [&](const CellResult& cell) {
      return welch ? cell.stats[mean_diff].second == "ok" && has_welch_se(cell)
                   : cell.stats[s].second == "ok";
    };
    Estimate e;
    e.metric = metric;
    e.cohort = kAllCohorts;
    e.statistic = statistic;
    double weight_total = 0.0, weighted_sum = 0.0;
    std::fill(control_used.begin(), control_used.end(), 0);
    for (const CellResult& cell : cells) {
      if (!used(cell)) continue;
      const double n_g = static_cast<double>(cell.groups[0].summary.n);
      weight_total += n_g;
      weighted_sum += n_g * cell.stats[welch ? mean_diff : s].first;
      e.n_member += cell.groups[0].summary.n;
      for (const std::int32_t f : cell.data[1].firm) control_used[static_cast<std::size_t>(f)] = 1;
    }
    for (const char c : control_used) e.n_control += c ? 1 : 0;
    if (!(weight_total > 0.0)) {
      e.value = kNaN;
      // welch_t: cohorts with a mean difference but too few firms for its standard error.
      const bool some_mean = welch && std::any_of(cells.begin(), cells.end(), [&](const auto& c) {
                               return c.stats[mean_diff].second == "ok";
                             });
      e.status = some_mean ? "too_few_firms" : "no_cohort";
      results.push_back(e);
      continue;
    }
    const double mean_value = weighted_sum / weight_total;
    if (!welch) {
      e.value = mean_value;
      results.push_back(e);
      continue;
    }
    // Influence of each firm on the aggregate mean difference, summed over its contributions.
    std::vector<double> influence(sample.firm_ids.size(), 0.0);
    for (const CellResult& cell : cells) {
      if (!used(cell)) continue;
      const double omega = static_cast<double>(cell.groups[0].summary.n) / weight_total;
      for (int g = 0; g < 2; ++g) {
        const GroupData& data = cell.data[g];
        const hd::Moments& mom = cell.groups[g].moments;
        const double units = mom.units;
        const double scale =
            (g == 0 ? omega : -omega) * std::sqrt(units / (units - 1.0)) / mom.sum_w;
        for (std::size_t i = 0; i < data.y.size(); ++i) {
          influence[static_cast<std::size_t>(data.firm[i])] +=
              scale * data.w[i] * (data.y[i] - mom.mean);
        }
      }
    }
    double se2 = 0.0;
    for (const double v : influence) se2 += v * v;
    if (!(se2 > 0.0)) {
      e.value = kNaN;
      e.status = "zero_variance";
    } else {
      e.value = mean_value / std::sqrt(se2);
    }
    results.push_back(e);
  }
}

}  // namespace

Description describe_sample(const Sample& sample, const DesignOptions& options) {
  Description out;
  const bool level = options.growth == GrowthType::level;
  const bool cohort_design = is_cohort_design(options);

  // Drop counts by (metric, cohort, group).
  std::map<std::tuple<std::string, std::int32_t, int>, std::array<std::uint64_t, kDropReasonCount>>
      dropped;
  for (const DropCount& d : sample.drops) {
    dropped[{d.metric, d.cohort, static_cast<int>(d.group)}][static_cast<int>(d.reason)] += d.count;
  }
  auto drops_of = [&](std::size_t metric, std::int32_t cohort, Group group) {
    const auto it = dropped.find({sample.metric_names[metric], cohort, static_cast<int>(group)});
    return it == dropped.end() ? std::array<std::uint64_t, kDropReasonCount>{} : it->second;
  };

  for (std::size_t m = 0; m < sample.metrics(); ++m) {
    std::vector<CellResult> cells(sample.cells.size());
    // Cells are independent: computed in parallel, emitted in order below.
#pragma omp parallel for schedule(dynamic, 1)
    for (std::size_t task = 0; task < 2 * sample.cells.size(); ++task) {
      const Cell& cell = sample.cells[task / 2];
      const int g = static_cast<int>(task % 2);
      CellResult& r = cells[task / 2];
      r.data[g] = g == 0 ? gather(sample, m, cell.member_begin, cell.member_end)
                         : gather(sample, m, cell.member_end, cell.control_end);
      r.groups[g] = summarize(r.data[g], sample.weighted, options.trim, level);
    }
    for (std::size_t c = 0; c < sample.cells.size(); ++c) {
      const Cell& cell = sample.cells[c];
      CellResult& r = cells[c];
      for (int g = 0; g < 2; ++g) {
        GroupSummary& s = r.groups[g].summary;
        s.metric = m;
        s.cohort = cell.cohort;
        s.group = static_cast<Group>(g);
        s.dropped = drops_of(m, cell.cohort, s.group);
        out.groups.push_back(s);
      }
      r.stats = cell_statistics(r.groups[0], r.groups[1], level);
      for (int s = 0; s < kStatisticCount; ++s) {
        Estimate e;
        e.metric = m;
        e.cohort = cell.cohort;
        e.statistic = static_cast<Statistic>(s);
        e.value = r.stats[s].first;
        e.status = r.stats[s].second;
        e.n_member = r.groups[0].summary.n;
        e.n_control = r.groups[1].summary.n;
        out.results.push_back(e);
      }
    }
    // Members without an entry year belong to no cell; show their drops as a group of their own.
    const auto unknown = drops_of(m, kUnknownCohort, Group::member);
    if (std::any_of(unknown.begin(), unknown.end(), [](std::uint64_t v) { return v > 0; })) {
      GroupSummary s;
      s.metric = m;
      s.cohort = kUnknownCohort;
      s.group = Group::member;
      s.mean = s.sd = s.median = s.trimmed_mean = s.agg_growth = s.min = s.max = kNaN;
      s.dropped = unknown;
      out.groups.push_back(s);
    }
    if (cohort_design) aggregate(sample, m, cells, out.results);
  }
  return out;
}

}  // namespace klynge
