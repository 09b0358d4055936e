// The CPU (OpenMP) bootstrap backend: builds the plain view of the Sample once, then runs the
// shared replicate functor for each replicate of [first, first + count). Replicates are
// independent and each one's sums run in a fixed order, so the table is bit-identical for any
// thread count and any split of the range.
#include "klynge/bootstrap.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <numeric>

#include "klynge/engine/boot_data.hpp"
#include "klynge/engine/cuda_backend.hpp"
#include "klynge/engine/table_memory.hpp"
#include "klynge/error.hpp"
#include "klynge/hd/dense_weighted.hpp"

namespace klynge {

std::string_view scheme_name(Scheme scheme) {
  switch (scheme) {
    case Scheme::groups:
      return "groups";
    case Scheme::strata:
      return "strata";
    case Scheme::poisson:
      return "poisson";
    case Scheme::bayesian:
      return "bayesian";
  }
  return "groups";
}

std::optional<Scheme> parse_scheme(std::string_view name) {
  for (Scheme s : {Scheme::groups, Scheme::strata, Scheme::poisson, Scheme::bayesian})
    if (scheme_name(s) == name) return s;
  return std::nullopt;
}

std::string_view resample_unit_name(ResampleUnit unit) {
  return unit == ResampleUnit::firm ? "firm" : "cluster";
}

std::optional<ResampleUnit> parse_resample_unit(std::string_view name) {
  if (name == "firm") return ResampleUnit::firm;
  if (name == "cluster") return ResampleUnit::cluster;
  return std::nullopt;
}

namespace engine {

namespace {

std::uint32_t checked_u32(std::size_t v, const char* what) {
  if (v > std::numeric_limits<std::uint32_t>::max())
    throw Error(ExitCode::usage, std::string("bootstrap: too many ") + what + " (more than 2^32)");
  return static_cast<std::uint32_t>(v);
}

// Adds one resample group whose units are the given lists of firms (in the given order).
void add_group(BootData& d, const std::vector<std::vector<std::int32_t>>& units) {
  if (units.empty()) return;
  for (const auto& u : units) {
    for (std::int32_t f : u) d.unit_firms.push_back(f);
    d.unit_firm_begin.push_back(static_cast<std::uint32_t>(d.unit_firms.size()));
  }
  d.group_unit_begin.push_back(static_cast<std::uint32_t>(d.unit_firm_begin.size() - 1));
}

// Adds one resample group whose units are single firms, in the given order.
void add_singleton_group(BootData& d, const std::int32_t* firms, std::size_t n) {
  if (n == 0) return;
  for (std::size_t k = 0; k < n; ++k) {
    d.unit_firms.push_back(firms[k]);
    d.unit_firm_begin.push_back(static_cast<std::uint32_t>(d.unit_firms.size()));
  }
  d.group_unit_begin.push_back(static_cast<std::uint32_t>(d.unit_firm_begin.size() - 1));
}

// Adds the (stratum, firm) pairs as one singleton group per stratum, strata ascending, firms in
// the pairs' order within a stratum. Sorted vectors instead of a map of vectors: 10^6 firms
// took a third of a second through the map.
void add_groups_by_stratum(BootData& d, std::vector<std::pair<std::int32_t, std::int32_t>>& pairs) {
  const auto by_stratum = [](const auto& a, const auto& b) { return a.first < b.first; };
  if (!std::is_sorted(pairs.begin(), pairs.end(), by_stratum))  // one stratum: nothing to do
    std::stable_sort(pairs.begin(), pairs.end(), by_stratum);
  std::vector<std::int32_t> firms;
  for (std::size_t a = 0; a < pairs.size();) {
    std::size_t b = a;
    firms.clear();
    for (; b < pairs.size() && pairs[b].first == pairs[a].first; ++b)
      firms.push_back(pairs[b].second);
    add_singleton_group(d, firms.data(), firms.size());
    a = b;
  }
}

void build_units(const Sample& sample, const BootstrapSpec& spec, BootData& d) {
  d.group_unit_begin = {0};
  d.unit_firm_begin = {0};
  d.unit_firms.clear();
  const bool strata = spec.scheme == Scheme::strata;
  if (strata && spec.unit == ResampleUnit::cluster)
    throw_usage_error(
        "--scheme strata cannot be combined with --unit cluster (clusters cross strata)");

  // Members.
  if (spec.unit == ResampleUnit::cluster) {
    // One resample group of clusters; a cluster brings its member firms of every cohort.
    // A member firm without a cluster label is a cluster of its own.
    std::map<std::int32_t, std::vector<std::int32_t>> by_cluster;
    std::vector<std::int32_t> unlabelled;
    bool any_label = false;
    for (const Cell& cell : sample.cells) {
      for (std::uint32_t i = cell.member_begin; i < cell.member_end; ++i) {
        const std::int32_t f = sample.firm[i];
        const std::int32_t c = static_cast<std::size_t>(f) < sample.firm_cluster.size()
                                   ? sample.firm_cluster[static_cast<std::size_t>(f)]
                                   : -1;
        if (c >= 0) {
          any_label = true;
          by_cluster[c].push_back(f);
        } else {
          unlabelled.push_back(f);
        }
      }
    }
    if (!any_label)
      throw_usage_error(
          "--unit cluster needs cluster labels (a --cluster column); no member firm has one");
    std::vector<std::vector<std::int32_t>> units;
    for (auto& [c, firms] : by_cluster) {
      std::sort(firms.begin(), firms.end());
      firms.erase(std::unique(firms.begin(), firms.end()), firms.end());
      units.push_back(std::move(firms));
    }
    std::sort(unlabelled.begin(), unlabelled.end());
    unlabelled.erase(std::unique(unlabelled.begin(), unlabelled.end()), unlabelled.end());
    for (std::int32_t f : unlabelled) units.push_back({f});
    // One cluster would be drawn whole in every replicate: the members would never vary, and
    // the intervals would carry the controls' sampling variation only, under status ok.
    if (units.size() == 1)
      throw_usage_error(
          "--unit cluster: every member firm is in one cluster, so each replicate would draw "
          "the same members; resample member firms (--unit firm)");
    add_group(d, units);
  } else {
    // Members within their cohort (cohort sizes are the design); strata: within cohort x stratum.
    std::vector<std::pair<std::int32_t, std::int32_t>> pairs;  // (stratum, firm)
    for (const Cell& cell : sample.cells) {
      pairs.clear();
      for (std::uint32_t i = cell.member_begin; i < cell.member_end; ++i)
        pairs.emplace_back(strata ? sample.stratum[i] : -1, sample.firm[i]);
      add_groups_by_stratum(d, pairs);
    }
  }
  d.member_groups = static_cast<std::uint32_t>(d.group_unit_begin.size() - 1);

  // Controls: the pool of distinct control firms over all cells, in firm order; strata: split
  // by the stratum of the firm's first contribution (its earliest cohort's baseline cell).
  const std::size_t firms = sample.firm_ids.size();
  std::vector<std::int32_t> control_stratum(firms);  // firm -> stratum of its first contribution
  std::vector<std::uint8_t> is_control(firms, 0);
  for (const Cell& cell : sample.cells) {
    for (std::uint32_t i = cell.member_end; i < cell.control_end; ++i) {
      const auto f = static_cast<std::size_t>(sample.firm[i]);
      if (is_control[f]) continue;
      is_control[f] = 1;
      control_stratum[f] = strata ? sample.stratum[i] : -1;
    }
  }
  std::vector<std::pair<std::int32_t, std::int32_t>> pairs;  // (stratum, firm), firms ascending
  for (std::size_t f = 0; f < firms; ++f)
    if (is_control[f]) pairs.emplace_back(control_stratum[f], static_cast<std::int32_t>(f));
  add_groups_by_stratum(d, pairs);

  checked_u32(d.unit_firms.size(), "resampling units");
}

// Whether every fused record has weight exactly 1 (hd::FusedView::unit_weights).
bool unit_weights(const std::vector<hd::FusedRecord>& records) {
  return std::all_of(records.begin(), records.end(),
                     [](const hd::FusedRecord& r) { return r.w == 1.0; });
}

}  // namespace

void build_boot_data(const Sample& sample, const DesignOptions& options, const BootstrapSpec& spec,
                     BootData& d) {
  const bool cohort = is_cohort_design(options);
  const std::size_t metrics = sample.metrics(), cells = sample.cells.size();
  checked_u32(sample.contributions() * std::max<std::size_t>(metrics, 1), "contributions");
  checked_u32(sample.firm_ids.size(), "firms");

  std::uint32_t mask = 0;
  for (Statistic s : spec.statistics) mask |= 1u << static_cast<int>(s);
  if (mask == 0) throw_usage_error("bootstrap: no statistic requested");
  const std::uint32_t stat_count = static_cast<std::uint32_t>(__builtin_popcount(mask));
  // Medians and trimmed means read each segment sorted by value; nothing else does, so the
  // sort (the costliest step here for a large sample) runs only for them.
  const bool sorted_needed = (mask & ((1u << hd::kStatMedian) | (1u << hd::kStatTrimmed))) != 0;

  // Segments: the valid contributions of each (metric, cell, group).
  const std::size_t most = sample.contributions() * metrics;
  for (auto* a : {&d.y, &d.w, &d.x0, &d.x1, &d.ys, &d.ws}) {
    a->clear();
    a->reserve(a == &d.ys || a == &d.ws ? (sorted_needed ? most : 0) : most);
  }
  d.firm.clear();
  d.firm.reserve(most);
  d.sorted_firm.clear();
  d.sorted_firm.reserve(sorted_needed ? most : 0);
  d.seg_begin = {0};
  d.max_segment = 0;
  // A segment's entries in sorted order: by value, then weight, then firm (a total order, so
  // the sorted arrays do not depend on the sort algorithm).
  struct SortedEntry {
    double y, w;
    std::int32_t firm;
  };
  std::vector<SortedEntry> sorted;
  for (std::size_t m = 0; m < metrics; ++m) {
    const auto& g = sample.growth[m];
    const auto& w = sample.weight[m];
    for (const Cell& cell : sample.cells) {
      for (int grp = 0; grp < 2; ++grp) {
        const std::uint32_t begin = grp == 0 ? cell.member_begin : cell.member_end;
        const std::uint32_t end = grp == 0 ? cell.member_end : cell.control_end;
        const std::size_t seg_start = d.y.size();
        for (std::uint32_t i = begin; i < end; ++i) {
          if (!std::isfinite(g[i]) || !(w[i] > 0.0)) continue;
          d.y.push_back(g[i]);
          d.w.push_back(w[i]);
          d.x0.push_back(sample.start[m][i]);
          d.x1.push_back(sample.end[m][i]);
          d.firm.push_back(sample.firm[i]);
        }
        const std::size_t n = d.y.size() - seg_start;
        if (sorted_needed) {
          sorted.resize(n);
          for (std::size_t k = 0; k < n; ++k)
            sorted[k] = {d.y[seg_start + k], d.w[seg_start + k], d.firm[seg_start + k]};
          std::sort(sorted.begin(), sorted.end(), [](const SortedEntry& a, const SortedEntry& b) {
            if (a.y != b.y) return a.y < b.y;
            if (a.w != b.w) return a.w < b.w;
            return a.firm < b.firm;
          });
          for (const SortedEntry& e : sorted) {
            d.ys.push_back(e.y);
            d.ws.push_back(e.w);
            d.sorted_firm.push_back(e.firm);
          }
        }
        d.max_segment = std::max(d.max_segment, static_cast<std::uint32_t>(n));
        d.seg_begin.push_back(static_cast<std::uint32_t>(d.y.size()));
      }
    }
  }

  build_units(sample, spec, d);

  d.keys.clear();
  for (std::size_t m = 0; m < metrics; ++m) {
    for (std::size_t c = 0; c <= cells; ++c) {
      if (c == cells && !cohort) break;
      for (int s = 0; s < kStatisticCount; ++s) {
        if (!(mask & (1u << s))) continue;
        d.keys.push_back(ResultKey{m, c == cells ? kAllCohorts : sample.cells[c].cohort,
                                   static_cast<Statistic>(s)});
      }
    }
  }

  hd::BootView& v = d.view;
  v.seg_begin = d.seg_begin.data();
  v.y = d.y.data();
  v.w = d.w.data();
  v.x0 = d.x0.data();
  v.x1 = d.x1.data();
  v.firm = d.firm.data();
  v.ys = d.ys.data();
  v.ws = d.ws.data();
  v.sorted_firm = d.sorted_firm.data();
  v.metrics = static_cast<std::uint32_t>(metrics);
  v.cells = static_cast<std::uint32_t>(cells);
  v.cohort_design = cohort;
  v.weighted = sample.weighted;
  v.level = options.growth == GrowthType::level;
  v.trim = options.trim;
  v.group_unit_begin = d.group_unit_begin.data();
  v.resample_groups = static_cast<std::uint32_t>(d.group_unit_begin.size() - 1);
  v.unit_firm_begin = d.unit_firm_begin.data();
  v.unit_firms = d.unit_firms.data();
  v.firms = static_cast<std::uint32_t>(sample.firm_ids.size());
  v.scheme = static_cast<hd::BootScheme>(static_cast<int>(spec.scheme));
  v.seed = spec.seed;
  v.analysis = spec.analysis;
  v.stat_mask = mask;
  v.stat_count = stat_count;

  // Fused records: unit by unit, each firm's valid entries (all metrics) together.
  d.replicate_se = spec.replicate_se;
  d.fused = spec.fused && hd::fused_serves(mask);
  if (!d.fused) return;
  const std::uint32_t segments = static_cast<std::uint32_t>(d.seg_begin.size() - 1);
  const std::size_t entries = d.y.size();
  d.center.assign(segments, 0.0);
  std::vector<std::uint32_t> seg_of(entries);
  for (std::uint32_t s = 0; s < segments; ++s) {
    double sw = 0.0, swy = 0.0;
    for (std::uint32_t i = d.seg_begin[s]; i < d.seg_begin[s + 1]; ++i) {
      sw += d.w[i];
      swy += d.w[i] * d.y[i];
      seg_of[i] = s;
    }
    d.center[s] = sw > 0.0 ? swy / sw : 0.0;
  }
  std::vector<std::uint32_t> firm_begin(v.firms + 1, 0), firm_entries(entries);
  for (std::size_t i = 0; i < entries; ++i) ++firm_begin[static_cast<std::size_t>(d.firm[i]) + 1];
  for (std::uint32_t f = 0; f < v.firms; ++f) firm_begin[f + 1] += firm_begin[f];
  {
    std::vector<std::uint32_t> fill(firm_begin.begin(), firm_begin.end() - 1);
    for (std::size_t i = 0; i < entries; ++i)
      firm_entries[fill[static_cast<std::size_t>(d.firm[i])]++] = static_cast<std::uint32_t>(i);
  }
  const std::uint32_t units = d.group_unit_begin.back();
  d.unit_record_begin.assign(1, 0);
  d.records.clear();
  d.records.reserve(entries);
  for (std::uint32_t u = 0; u < units; ++u) {
    for (std::uint32_t k = d.unit_firm_begin[u]; k < d.unit_firm_begin[u + 1]; ++k) {
      const auto f = static_cast<std::size_t>(d.unit_firms[k]);
      for (std::uint32_t e = firm_begin[f]; e < firm_begin[f + 1]; ++e) {
        const std::uint32_t i = firm_entries[e];
        d.records.push_back(
            {seg_of[i], static_cast<std::uint32_t>(f), d.y[i] - d.center[seg_of[i]], d.w[i]});
      }
    }
    d.unit_record_begin.push_back(static_cast<std::uint32_t>(d.records.size()));
  }
  d.fused_view = hd::FusedView{d.unit_record_begin.data(),
                               d.records.data(),
                               d.center.data(),
                               segments,
                               hd::fused_needs_influence(cohort, mask, spec.replicate_se),
                               unit_weights(d.records),
                               static_cast<std::uint32_t>(metrics),
                               static_cast<std::uint32_t>(2 * cells)};

  // Dense rows serve every scheme (multinomial draws, Poisson counts, Bayesian weights) of firm
  // resampling in one cell; a weighted sample's rows carry each value's weight too
  // (hd/dense_weighted.hpp). They have no second pass over the draws, so a cohort design of one
  // cohort whose aggregate needs its SE (welch_t, replicate SEs) stays on the fused path.
  d.dense = spec.unit == ResampleUnit::firm && metrics <= hd::kDenseMaxMetrics && cells == 1 &&
            !d.fused_view.influence;
  if (!d.dense) return;
  const std::size_t M = metrics, row = sample.weighted ? 2 * M : M;
  d.dense_d.assign(static_cast<std::size_t>(units) * row, 0.0);
  for (std::uint32_t u = 0; u < units; ++u) {
    for (std::size_t k = 0; k < M; ++k)
      d.dense_d[u * row + (sample.weighted ? 2 * k : k)] = std::numeric_limits<double>::quiet_NaN();
    const auto f = static_cast<std::size_t>(d.unit_firms[d.unit_firm_begin[u]]);
    for (std::uint32_t e = firm_begin[f]; e < firm_begin[f + 1]; ++e) {
      const std::uint32_t i = firm_entries[e];
      const std::uint32_t seg = seg_of[i];
      const std::size_t k = seg / 2;  // window: segment = 2 m + group
      if (sample.weighted) {
        d.dense_d[u * row + 2 * k] = d.y[i] - d.center[seg];
        d.dense_d[u * row + 2 * k + 1] = d.w[i];
      } else {
        d.dense_d[u * row + k] = d.y[i] - d.center[seg];
      }
    }
  }
  d.group_segment.resize(v.resample_groups);
  for (std::uint32_t g = 0; g < v.resample_groups; ++g)
    d.group_segment[g] = g < d.member_groups ? 0u : 1u;
  d.dense_view = hd::DenseView{d.dense_d.data(), d.group_segment.data(),
                               static_cast<std::uint32_t>(M), 2u, sample.weighted ? 1u : 0u};
  build_dense_items(d);
}

ScratchBuffers::ScratchBuffers(const BootData& d)
    : firm_count(d.view.firms, 0.0),
      influence(d.view.firms, 0.0),
      seg_counts(std::max<std::uint32_t>(d.max_segment, 1), 0.0),
      sorted_counts(std::max<std::uint32_t>(d.max_segment, 1), 0.0),
      cell_values(std::max<std::size_t>(d.view.cells, 1) * hd::kBootStatistics, 0.0),
      cell_se(std::max<std::size_t>(d.view.cells, 1), 0.0),
      member_units(std::max<std::size_t>(d.view.cells, 1), 0.0),
      cell_moments(2 * std::max<std::size_t>(d.view.cells, 1)) {
  scratch = hd::BootScratch{firm_count.data(),    influence.data(),   seg_counts.data(),
                            sorted_counts.data(), cell_values.data(), cell_se.data(),
                            member_units.data(),  cell_moments.data()};
}

}  // namespace engine

PreparedBootstrap::PreparedBootstrap(const Sample& sample, const DesignOptions& options,
                                     const BootstrapSpec& spec)
    : data_(std::make_unique<engine::BootData>()), spec_(spec) {
  engine::build_boot_data(sample, options, spec, *data_);
}

void PreparedBootstrap::stage() const {
  if (spec_.backend.backend == Backend::cuda) cuda::stage_bootstrap(*data_, spec_.backend);
}

PreparedBootstrap::~PreparedBootstrap() = default;
PreparedBootstrap::PreparedBootstrap(PreparedBootstrap&&) noexcept = default;
PreparedBootstrap& PreparedBootstrap::operator=(PreparedBootstrap&&) noexcept = default;

ReplicateTable run_bootstrap(const Sample& sample, const DesignOptions& options,
                             const BootstrapSpec& spec, std::uint64_t first, std::uint64_t count) {
  return PreparedBootstrap(sample, options, spec).run(first, count);
}

ReplicateTable PreparedBootstrap::run(std::uint64_t first, std::uint64_t count) const {
  if (first + count > (std::uint64_t{1} << 32))
    throw_usage_error("bootstrap: replicate indices must stay below 2^32");
  const engine::BootData& data = *data_;
  const BootstrapSpec& spec = spec_;
  ReplicateTable table;
  table.keys = data.keys;
  table.first = first;
  table.count = count;
  const std::size_t keys = data.keys.size();
  engine::check_replicate_table_fits("--bootstrap", keys, count, true);
  if (spec.backend.backend == Backend::cuda) {  // the same draws on the device (cuda/bootstrap.cu)
    cuda::bootstrap_range(data, spec.backend, first, count, table.values, table.welch_se);
    if (!spec.replicate_se)
      std::fill(table.welch_se.begin(), table.welch_se.end(), hd::nan_value());
    return table;
  }
  table.values.assign(keys * count, 0.0);
  table.welch_se.assign(keys * count, spec.replicate_se ? 0.0 : hd::nan_value());
  const int threads = spec.threads > 0 ? spec.threads : omp_get_max_threads();
  const hd::BootView& view = data.view;

#pragma omp parallel num_threads(threads)
  {
    // The fused path needs only its accumulators; the count path its scratch buffers.
    std::unique_ptr<engine::ScratchBuffers> buffers;
    std::vector<double> acc, unit_count;
    const bool by_unit = data.fused && !data.dense && hd::fused_draws_out_of_order(view);
    if (data.fused) acc.resize(hd::fused_scratch_doubles(data.fused_view));
    if (by_unit) unit_count.resize(view.group_unit_begin[view.resample_groups]);
    if (!data.fused) buffers = std::make_unique<engine::ScratchBuffers>(data);
    std::vector<double> values(std::max<std::size_t>(keys, 1)), se(std::max<std::size_t>(keys, 1));
    ProgressTally tally(spec.progress);
#pragma omp for schedule(dynamic, 16)
    for (std::int64_t j = 0; j < static_cast<std::int64_t>(count); ++j) {
      const auto replicate = static_cast<std::uint32_t>(first + static_cast<std::uint64_t>(j));
      if (data.dense && data.dense_view.weighted)
        hd::dense_weighted_replicate(view, data.fused_view, data.dense_view, replicate, acc.data(),
                                     values.data(), se.data());
      else if (data.dense)
        hd::dense_replicate(view, data.fused_view, data.dense_view, replicate, acc.data(),
                            values.data(), se.data());
      else if (by_unit)
        hd::fused_replicate_by_unit(view, data.fused_view, replicate, acc.data(), unit_count.data(),
                                    values.data(), se.data());
      else if (data.fused)
        hd::fused_replicate(view, data.fused_view, replicate, acc.data(), values.data(), se.data());
      else
        hd::bootstrap_replicate(view, replicate, buffers->scratch, values.data(),
                                spec.replicate_se ? se.data() : nullptr);
      for (std::size_t k = 0; k < keys; ++k) {
        table.values[k * count + static_cast<std::uint64_t>(j)] = values[k];
        if (spec.replicate_se) table.welch_se[k * count + static_cast<std::uint64_t>(j)] = se[k];
      }
      tally.add();
    }
  }
  return table;
}

ReplicateTable merge_replicates(const ReplicateTable& a, const ReplicateTable& b) {
  if (a.first + a.count != b.first || a.keys.size() != b.keys.size())
    throw Error(ExitCode::internal, "merge_replicates: ranges are not consecutive");
  ReplicateTable out;
  out.keys = a.keys;
  out.first = a.first;
  out.count = a.count + b.count;
  const std::size_t keys = a.keys.size();
  out.values.resize(keys * out.count);
  out.welch_se.resize(keys * out.count);
  for (std::size_t k = 0; k < keys; ++k) {
    std::copy_n(a.values.begin() + k * a.count, a.count, out.values.begin() + k * out.count);
    std::copy_n(b.values.begin() + k * b.count, b.count,
                out.values.begin() + k * out.count + a.count);
    std::copy_n(a.welch_se.begin() + k * a.count, a.count, out.welch_se.begin() + k * out.count);
    std::copy_n(b.welch_se.begin() + k * b.count, b.count,
                out.welch_se.begin() + k * out.count + a.count);
  }
  return out;
}

ReplicateTable identity_replicate(const Sample& sample, const DesignOptions& options,
                                  const BootstrapSpec& spec) {
  return identity_replicate(PreparedBootstrap(sample, options, spec));
}

ReplicateTable identity_replicate(const PreparedBootstrap& prepared) {
  const engine::BootData& data = prepared.data();
  engine::ScratchBuffers buffers(data);
  std::fill(buffers.firm_count.begin(), buffers.firm_count.end(), 1.0);
  ReplicateTable table;
  table.keys = data.keys;
  table.count = 1;
  const std::size_t keys = data.keys.size();
  table.values.assign(std::max<std::size_t>(keys, 1), 0.0);
  table.welch_se.assign(std::max<std::size_t>(keys, 1), 0.0);
  const std::uint32_t per_metric = hd::boot_keys_per_metric(data.view);
  for (std::uint32_t m = 0; m < data.view.metrics; ++m)
    hd::metric_statistics(data.view, m, buffers.scratch, table.values.data() + m * per_metric,
                          table.welch_se.data() + m * per_metric);
  table.values.resize(keys);
  table.welch_se.resize(keys);
  return table;
}

}  // namespace klynge
