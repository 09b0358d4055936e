// The OpenMP permutation backend (the reference): builds the PermView of a Sample and runs the
// shared replicate functor over a range of replicates. Each replicate is a pure function of
// (seed, analysis, replicate) or of its rank, and writes only its own column, so the table is
// bit-identical for any thread count and any split of the range.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "klynge/engine/cuda_backend.hpp"
#include "klynge/engine/perm_data.hpp"
#include "klynge/engine/table_memory.hpp"
#include "klynge/error.hpp"
#include "klynge/hd/perm_scratch.hpp"
#include "klynge/hd/permutation_replicate.hpp"
#include "klynge/permutation.hpp"

namespace klynge {

std::string_view perm_scheme_name(PermScheme scheme) {
  return scheme == PermScheme::all ? "all" : "strata";
}

std::optional<PermScheme> parse_perm_scheme(std::string_view name) {
  if (name == "all") return PermScheme::all;
  if (name == "strata") return PermScheme::strata;
  return std::nullopt;
}

std::string_view alternative_name(Alternative alternative) {
  switch (alternative) {
    case Alternative::greater:
      return "greater";
    case Alternative::less:
      return "less";
    default:
      return "two-sided";
  }
}

std::optional<Alternative> parse_alternative(std::string_view name) {
  if (name == "two-sided") return Alternative::two_sided;
  if (name == "greater") return Alternative::greater;
  if (name == "less") return Alternative::less;
  return std::nullopt;
}

namespace engine {
namespace {

constexpr std::uint64_t kRelabelingCap = std::uint64_t{1} << 62;

void checked_u32(std::size_t n, const char* what) {
  if (n >= (std::size_t{1} << 32))
    throw_usage_error(std::string("permutation: too many ") + what + " (limit 2^32)");
}

void add_block(PermData& d, const std::vector<std::uint32_t>& pos, std::uint32_t members,
               std::uint64_t& draws) {
  const auto n = static_cast<std::uint32_t>(pos.size());
  const std::uint32_t k = std::min(members, n - members);
  d.longest_block = std::max(d.longest_block, n);
  d.block_pos.insert(d.block_pos.end(), pos.begin(), pos.end());
  d.block_begin.push_back(static_cast<std::uint32_t>(d.block_pos.size()));
  d.block_members.push_back(members);
  d.block_draw_offset.push_back(draws);
  draws += k;
  const std::uint64_t radix = hd::binomial_capped(n, k, kRelabelingCap);
  d.block_radix.push_back(radix);
  // Saturating product (radix >= 1: a block always has C(n, k) >= 1 relabelings).
  d.relabelings = d.relabelings > kRelabelingCap / radix
                      ? kRelabelingCap
                      : std::min(d.relabelings * radix, kRelabelingCap);
}

}  // namespace

void build_perm_data(const Sample& sample, const DesignOptions& options,
                     const PermutationSpec& spec, PermData& d) {
  const bool cohort = is_cohort_design(options);
  const std::size_t metrics = sample.metrics(), cells = sample.cells.size();
  const std::size_t n = sample.contributions();
  checked_u32(n * std::max<std::size_t>(metrics, 1), "contributions");
  if (spec.scheme == PermScheme::strata && sample.stratum.size() != n)
    throw_usage_error("--perm-scheme strata needs stratum columns");
  // Balanced (--balance): the sampling weights, the factors recomputed for every relabeling
  // (docs/permutation.md "Weights").
  const bool balanced = !sample.unbalanced_weight.empty();
  if (balanced && sample.stratum.size() != n)
    throw Error(ExitCode::internal, "permutation: a balanced sample without strata");
  const std::vector<std::vector<double>>& weights =
      balanced ? sample.unbalanced_weight : sample.weight;
  const std::vector<std::vector<double>>& growths =
      balanced ? sample.unbalanced_growth : sample.growth;

  // Blocks: one per cell (all) or per cell x stratum (strata), members first.
  std::uint64_t draws = 0;
  for (const Cell& cell : sample.cells) {
    d.cell_begin.push_back(cell.member_begin);
    d.cell_end.push_back(cell.control_end);
    d.longest_cell = std::max(d.longest_cell, cell.control_end - cell.member_begin);
    if (spec.scheme == PermScheme::all) {
      std::vector<std::uint32_t> pos(cell.control_end - cell.member_begin);
      std::iota(pos.begin(), pos.end(), cell.member_begin);
      add_block(d, pos, cell.member_end - cell.member_begin, draws);
      d.block_cell.push_back(static_cast<std::uint32_t>(d.cell_begin.size() - 1));
    } else {
      std::map<std::int32_t, std::pair<std::vector<std::uint32_t>, std::uint32_t>> by_stratum;
      for (std::uint32_t i = cell.member_begin; i < cell.control_end; ++i) {
        auto& [pos, members] = by_stratum[sample.stratum[i]];
        pos.push_back(i);
        if (i < cell.member_end) ++members;
      }
      for (const auto& [s, block] : by_stratum) {
        add_block(d, block.first, block.second, draws);
        d.block_cell.push_back(static_cast<std::uint32_t>(d.cell_begin.size() - 1));
      }
    }
    // Balance groups: the cell's strata in ascending order (with --perm-scheme strata the
    // same order as the blocks, so group g is block g).
    if (!balanced) continue;
    std::map<std::int32_t, std::uint32_t> group_of_stratum;
    for (std::uint32_t i = cell.member_begin; i < cell.control_end; ++i)
      group_of_stratum.emplace(sample.stratum[i], 0);
    std::uint32_t next = d.cell_group_begin.back();
    for (auto& [stratum, group] : group_of_stratum) group = next++;
    d.cell_group_begin.push_back(next);
    d.group_of.resize(n, 0);
    for (std::uint32_t i = cell.member_begin; i < cell.control_end; ++i)
      d.group_of[i] = group_of_stratum[sample.stratum[i]];
  }
  d.groups = d.cell_group_begin.back();
  if (draws >= (std::uint64_t{1} << 34)) throw_usage_error("permutation: too many draws");
  d.total_draws = draws;
  checked_u32(d.block_begin.size(), "blocks");

  // Fast path (mean_diff, welch_t): records and totals only. General path: per-metric arrays,
  // and for the median and trimmed mean the sorted valid entries of each (metric, cell).
  // welch_t's cohort aggregate is studentized by the firms' influence (firm_se). Its fast path
  // (hd/perm_firm_influence.hpp) needs every block to draw its members and no balance factors;
  // otherwise it runs on the general path.
  const bool firm_se = cohort && spec.statistic == Statistic::welch_t;
  bool members_drawn = true;
  for (std::size_t b = 0; b < d.block_members.size(); ++b) {
    const std::uint32_t size = d.block_begin[b + 1] - d.block_begin[b];
    if (d.block_members[b] > size - d.block_members[b]) members_drawn = false;
  }
  const bool fast =
      spec.fast &&
      (spec.statistic == Statistic::mean_diff || spec.statistic == Statistic::welch_t) &&
      !(firm_se && (balanced || !members_drawn || cells > hd::kFirmSlotsMax));
  const bool sorted =
      spec.statistic == Statistic::median_diff || spec.statistic == Statistic::trimmed_mean_diff;
  for (std::size_t m = 0; m < metrics && !fast; ++m) {
    d.y.insert(d.y.end(), growths[m].begin(), growths[m].end());
    d.w.insert(d.w.end(), weights[m].begin(), weights[m].end());
    d.x0.insert(d.x0.end(), sample.start[m].begin(), sample.start[m].end());
    d.x1.insert(d.x1.end(), sample.end[m].begin(), sample.end[m].end());
    const auto& g = growths[m];
    const auto& w = weights[m];
    for (const Cell& cell : sample.cells) {
      if (!sorted) break;
      std::vector<std::uint32_t> valid;
      for (std::uint32_t i = cell.member_begin; i < cell.control_end; ++i)
        if (std::isfinite(g[i]) && w[i] > 0.0) valid.push_back(i);
      std::sort(valid.begin(), valid.end(), [&](std::uint32_t a, std::uint32_t b) {
        if (g[a] != g[b]) return g[a] < g[b];
        if (w[a] != w[b]) return w[a] < w[b];
        return a < b;
      });
      for (std::uint32_t i : valid) {
        d.sorted_y.push_back(g[i]);
        d.sorted_w.push_back(w[i]);
        d.sorted_index.push_back(i);
      }
      d.longest_sorted = std::max(d.longest_sorted, static_cast<std::uint32_t>(valid.size()));
      d.sorted_begin.push_back(static_cast<std::uint32_t>(d.sorted_index.size()));
    }
  }

  for (std::size_t m = 0; m < metrics; ++m)
    for (std::size_t c = 0; c <= cells; ++c) {
      if (c == cells && !cohort) break;
      d.keys.push_back(
          ResultKey{m, c == cells ? kAllCohorts : sample.cells[c].cohort, spec.statistic});
    }

  // Fast path data: centered values in block-position order, per-cell and per-block totals.
  if (fast) {
    d.rec.assign(metrics * n * 2, 0.0);
    std::vector<std::uint32_t> position_of(n);
    for (std::uint32_t j = 0; j < d.block_pos.size(); ++j) position_of[d.block_pos[j]] = j;
    for (std::size_t m = 0; m < metrics; ++m) {
      const auto& g = growths[m];
      const auto& w = weights[m];
      for (const Cell& cell : sample.cells) {
        double sw = 0.0, swy = 0.0;
        for (std::uint32_t i = cell.member_begin; i < cell.control_end; ++i)
          if (std::isfinite(g[i]) && w[i] > 0.0) {
            sw += w[i];
            swy += w[i] * g[i];
          }
        const double center = sw > 0.0 ? swy / sw : 0.0;
        d.center.push_back(center);
        hd::PermSums t{0, 0, 0, 0, 0, 0, 0};
        for (std::uint32_t i = cell.member_begin; i < cell.control_end; ++i) {
          if (!(std::isfinite(g[i]) && w[i] > 0.0)) continue;
          const std::size_t j = position_of[i];
          d.rec[(j * metrics + m) * 2] = g[i] - center;
          d.rec[(j * metrics + m) * 2 + 1] = w[i];
          hd::sums_add(t, w[i], g[i] - center);
        }
        d.cell_totals.push_back(t);
      }
      for (std::size_t b = 0; b + 1 < d.block_begin.size(); ++b) {
        hd::PermSums t{0, 0, 0, 0, 0, 0, 0};
        for (std::size_t j = d.block_begin[b]; j < d.block_begin[b + 1]; ++j)
          hd::sums_add(t, d.rec[(j * metrics + m) * 2 + 1], d.rec[(j * metrics + m) * 2]);
        d.block_totals.push_back(t);
      }
    }
    // Balanced with blocks wider than the groups (--perm-scheme all): each position's group and
    // each group's totals, in position order. With strata blocks a group is a block, and the
    // blocks' totals are the groups' (the view points at them).
    if (balanced && spec.scheme == PermScheme::all) {
      d.position_group.resize(d.block_pos.size());
      for (std::size_t j = 0; j < d.block_pos.size(); ++j)
        d.position_group[j] = d.group_of[d.block_pos[j]];
      d.group_totals.assign(metrics * d.groups, hd::PermSums{0, 0, 0, 0, 0, 0, 0});
      for (std::size_t m = 0; m < metrics; ++m)
        for (std::size_t j = 0; j < d.block_pos.size(); ++j)
          hd::sums_add(d.group_totals[m * d.groups + d.position_group[j]],
                       d.rec[(j * metrics + m) * 2 + 1], d.rec[(j * metrics + m) * 2]);
    }
  }

  if (firm_se) build_firm_influence(sample, fast, d);

  hd::PermView& v = d.view;
  v.fast = fast;
  v.firm_se = firm_se;
  v.firms = d.firms;
  v.contribution_firm = d.contribution_firm.data();
  v.firm_slots = d.firm_slots.data();
  v.unit_weight_slots = d.unit_weight_slots;
  v.position_slots = d.position_slots.data();
  v.pair_sums = d.pair_sums.data();
  v.balanced = balanced;
  v.cell_group_begin = d.cell_group_begin.data();
  v.group_of = d.group_of.data();
  v.groups = d.groups;
  v.position_group = d.position_group.data();
  v.group_sums = fast && balanced && spec.scheme == PermScheme::all;
  v.group_totals = v.group_sums ? d.group_totals.data() : d.block_totals.data();
  v.rec = d.rec.data();
  v.center = d.center.data();
  v.cell_totals = d.cell_totals.data();
  v.block_totals = d.block_totals.data();
  v.block_cell = d.block_cell.data();
  v.total_draws = d.total_draws;
  v.block_begin = d.block_begin.data();
  v.block_pos = d.block_pos.data();
  v.block_members = d.block_members.data();
  v.block_draw_offset = d.block_draw_offset.data();
  v.block_radix = d.block_radix.data();
  v.blocks = static_cast<std::uint32_t>(d.block_members.size());
  v.cell_begin = d.cell_begin.data();
  v.cell_end = d.cell_end.data();
  v.cells = static_cast<std::uint32_t>(cells);
  v.y = d.y.data();
  v.w = d.w.data();
  v.x0 = d.x0.data();
  v.x1 = d.x1.data();
  v.metrics = static_cast<std::uint32_t>(metrics);
  v.contributions = static_cast<std::uint32_t>(n);
  v.sorted_begin = d.sorted_begin.data();
  v.sorted_y = d.sorted_y.data();
  v.sorted_w = d.sorted_w.data();
  v.sorted_index = d.sorted_index.data();
  v.statistic = static_cast<int>(spec.statistic);
  v.cohort_design = cohort;
  v.weighted = sample.weighted;
  v.level = options.growth == GrowthType::level;
  v.trim = options.trim;
  v.seed = spec.seed;
  v.analysis = spec.analysis;
}

hd::PermScratchShape perm_scratch_shape(const PermData& d) {
  const bool general = !d.view.fast;
  const std::size_t metrics = std::max<std::uint32_t>(d.view.metrics, 1);
  hd::PermScratchShape s{};
  const bool firm_se = d.view.firm_se;
  s.label = general ? std::max<std::size_t>(d.view.contributions, 1) : 1;
  s.taken = std::max<std::size_t>((d.longest_block + 63) / 64, 1);
  // One bit per firm slot (as many as block positions), and a spare word (hd::marked_window).
  s.marks = firm_se && !general ? d.block_pos.size() / 64 + 2 : 0;
  s.firms = firm_se && general ? d.firms : 0;
  s.cell_terms = firm_se && !general ? metrics * hd::firm_terms_per_metric(d.view) : 0;
  s.cell = general ? std::max<std::uint32_t>(d.longest_cell, 1) : 1;
  s.sorted = general ? std::max<std::uint32_t>(d.longest_sorted, 1) : 1;
  s.cells = std::max<std::uint32_t>(d.view.cells, 1);
  s.groups = general && d.view.balanced ? std::max<std::uint32_t>(d.groups, 1) : 1;
  s.chosen = std::max<std::uint64_t>(d.total_draws, 1);
  // Balanced, the fast path keeps member sums per balance group (hd::add_block_members,
  // hd::add_group_members).
  const std::size_t per_metric =
      d.view.balanced ? std::max<std::size_t>(std::max<std::uint32_t>(d.view.groups, 1), s.cells)
                      : s.cells;
  s.member_sums = per_metric * metrics;
  s.drawn_sums = hd::kPermLanes * metrics;
  return s;
}

namespace {

// One worker's scratch, in the layout the CUDA backend uses too (hd/perm_scratch.hpp).
struct Scratch {
  std::vector<std::uint8_t> label;
  std::vector<std::uint64_t> taken;
  std::vector<double> doubles;
  std::vector<hd::PermSums> sums;
  std::vector<std::uint32_t> chosen;
  hd::PermScratch view{};

  explicit Scratch(const PermData& d) {
    const hd::PermScratchShape shape = perm_scratch_shape(d);
    label.resize(shape.label);
    taken.resize(shape.words());
    doubles.resize(shape.doubles());
    sums.resize(shape.sums());
    chosen.resize(shape.chosen);
    const hd::PermScratchArrays arrays{label.data(), taken.data(), doubles.data(), sums.data(),
                                       chosen.data()};
    view = hd::perm_scratch_of(shape, arrays, 0);
  }
};

}  // namespace
}  // namespace engine

PermutationPlan plan_permutations(const Sample& sample, const DesignOptions& options,
                                  const PermutationSpec& spec) {
  return PreparedPermutations(sample, options, spec).plan();
}

PermutationPlan PreparedPermutations::plan() const {
  const engine::PermData& d = *data_;
  PermutationPlan plan;
  plan.relabelings = d.relabelings;
  plan.blocks = d.block_members.size();
  plan.exact = spec_.permutations > 0 && d.relabelings <= spec_.permutations;
  plan.replicates = plan.exact ? d.relabelings : spec_.permutations;
  return plan;
}

void PreparedPermutations::stage() const {
  if (spec_.backend.backend == Backend::cuda) cuda::stage_permutations(*data_, spec_.backend);
}

PreparedPermutations::PreparedPermutations(const Sample& sample, const DesignOptions& options,
                                           const PermutationSpec& spec)
    : data_(std::make_unique<engine::PermData>()), spec_(spec) {
  engine::build_perm_data(sample, options, spec, *data_);
}

PreparedPermutations::~PreparedPermutations() = default;
PreparedPermutations::PreparedPermutations(PreparedPermutations&&) noexcept = default;
PreparedPermutations& PreparedPermutations::operator=(PreparedPermutations&&) noexcept = default;

PermutationTable run_permutations(const Sample& sample, const DesignOptions& options,
                                  const PermutationSpec& spec, bool exact, std::uint64_t first,
                                  std::uint64_t count) {
  return PreparedPermutations(sample, options, spec).run(exact, first, count);
}

PermutationTable PreparedPermutations::run(bool exact, std::uint64_t first,
                                           std::uint64_t count) const {
  const engine::PermData& data = *data_;
  const PermutationSpec& spec = spec_;
  if (exact && first + count > data.relabelings)
    throw_usage_error("permutation: relabeling ranks beyond the number of relabelings");
  if (!exact && first + count > (std::uint64_t{1} << 32))
    throw_usage_error("permutation: replicate indices must stay below 2^32");
  PermutationTable table;
  table.keys = data.keys;
  table.exact = exact;
  table.first = first;
  table.count = count;
  table.total = exact ? data.relabelings : 0;
  const std::size_t keys = data.keys.size();
  engine::check_replicate_table_fits("--permutations", keys, count, false);
  table.values.assign(keys * count, 0.0);
  table.observed.assign(keys, 0.0);
  const hd::PermView& view = data.view;
  {
    engine::Scratch scratch(data);
    std::vector<double> values(std::max<std::size_t>(keys, 1));
    hd::observed_statistics(view, scratch.view, values.data());
    std::copy_n(values.begin(), keys, table.observed.begin());
  }
  if (spec.backend.backend == Backend::cuda) {  // same functor, one GPU thread per replicate
    cuda::permutation_range(data, spec.backend, exact, first, count, table.values);
    return table;
  }
  const int threads = spec.threads > 0 ? spec.threads : omp_get_max_threads();
#pragma omp parallel num_threads(threads)
  {
    engine::Scratch scratch(data);
    std::vector<double> values(std::max<std::size_t>(keys, 1));
    ProgressTally tally(spec.progress);
#pragma omp for schedule(dynamic, 16)
    for (std::int64_t j = 0; j < static_cast<std::int64_t>(count); ++j) {
      const std::uint64_t index = first + static_cast<std::uint64_t>(j);
      hd::permutation_replicate(view, index, exact, scratch.view, values.data());
      for (std::size_t k = 0; k < keys; ++k)
        table.values[k * count + static_cast<std::uint64_t>(j)] = values[k];
      tally.add();
    }
  }
  return table;
}

PermutationTable run_permutations(const Sample& sample, const DesignOptions& options,
                                  const PermutationSpec& spec) {
  const PermutationPlan plan = plan_permutations(sample, options, spec);
  PermutationTable t = run_permutations(sample, options, spec, plan.exact, 0, plan.replicates);
  return t;
}

PermutationTable merge_permutations(const PermutationTable& a, const PermutationTable& b) {
  if (a.first + a.count != b.first || a.keys.size() != b.keys.size() || a.exact != b.exact)
    throw Error(ExitCode::internal, "merge_permutations: ranges are not consecutive");
  PermutationTable out;
  out.keys = a.keys;
  out.exact = a.exact;
  out.first = a.first;
  out.count = a.count + b.count;
  out.total = a.total;
  out.observed = a.observed;
  const std::size_t keys = a.keys.size();
  out.values.resize(keys * out.count);
  for (std::size_t k = 0; k < keys; ++k) {
    std::copy_n(a.values.begin() + k * a.count, a.count, out.values.begin() + k * out.count);
    std::copy_n(b.values.begin() + k * b.count, b.count,
                out.values.begin() + k * out.count + a.count);
  }
  return out;
}

}  // namespace klynge
