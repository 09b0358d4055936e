// Panel -> Sample: firm facts, the window and cohort designs, growth per contribution and
// metric, drop accounting and --balance weights. Definitions: docs/estimands.md.
#include "klynge/build_sample.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <numeric>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

#include "klynge/balance.hpp"
#include "klynge/error.hpp"
#include "klynge/hd/growth.hpp"

namespace klynge {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

enum class FirmStatus : std::uint8_t { unknown, member, never_member };

// GrowthStatus codes after `ok` are the first DropReasons, in the same order.
static_assert(static_cast<int>(hd::GrowthStatus::missing_start) - 1 ==
              static_cast<int>(DropReason::missing_start));
static_assert(static_cast<int>(hd::GrowthStatus::missing_end) - 1 ==
              static_cast<int>(DropReason::missing_end));
static_assert(static_cast<int>(hd::GrowthStatus::nonpositive_start) - 1 ==
              static_cast<int>(DropReason::nonpositive_start));
static_assert(static_cast<int>(hd::GrowthStatus::nonpositive_end) - 1 ==
              static_cast<int>(DropReason::nonpositive_end));
static_assert(static_cast<int>(hd::GrowthStatus::zero_both) - 1 ==
              static_cast<int>(DropReason::zero_both));

// The drop reason of a failed growth (status != ok).
DropReason to_drop_reason(hd::GrowthStatus status) {
  return static_cast<DropReason>(static_cast<int>(status) - 1);
}

constexpr std::uint32_t kNoRow = std::numeric_limits<std::uint32_t>::max();

// (firm, year) -> row. Each firm's rows, sorted by year, occupy one range of positions.
// Panels are usually written firm by firm in year order; then the positions are the rows
// themselves and nothing is copied. Otherwise the rows are counting-sorted by firm and each
// firm's rows sorted by year (CSR).
class RowIndex {
 public:
  explicit RowIndex(const Panel& panel) : years_(panel.year.data()) {
    const std::size_t firms = panel.firms(), rows = panel.rows();
    if (rows >= kNoRow) {
      throw Error(ExitCode::usage,
                  fmt::format("{}: more than 2^32 - 2 rows are not supported", panel.path));
    }
    for (std::size_t r = 0; r < rows; ++r) {
      const auto f = panel.firm[r];
      if (f < 0 || static_cast<std::size_t>(f) >= firms) {
        throw Error(ExitCode::internal,
                    fmt::format("panel row {} has firm index {} outside [0, {})", r, f, firms));
      }
    }
    begin_.assign(firms + 1, 0);
    if (grouped_in_year_order(panel)) {
      for (std::size_t r = 0; r < rows; ++r) ++begin_[static_cast<std::size_t>(panel.firm[r]) + 1];
      std::partial_sum(begin_.begin(), begin_.end(), begin_.begin());
      return;
    }
    for (std::size_t r = 0; r < rows; ++r) ++begin_[static_cast<std::size_t>(panel.firm[r]) + 1];
    std::partial_sum(begin_.begin(), begin_.end(), begin_.begin());
    rows_.resize(rows);
    own_years_.resize(rows);
    std::vector<std::uint32_t> next(begin_.begin(), begin_.end() - 1);
    for (std::size_t r = 0; r < rows; ++r) {
      const std::uint32_t at = next[static_cast<std::size_t>(panel.firm[r])]++;
      rows_[at] = static_cast<std::uint32_t>(r);
      own_years_[at] = panel.year[r];
    }
    for (std::size_t f = 0; f < firms; ++f) {
      const std::uint32_t b = begin_[f], e = begin_[f + 1];
      if (std::is_sorted(own_years_.begin() + b, own_years_.begin() + e)) continue;
      std::sort(rows_.begin() + b, rows_.begin() + e,
                [&](std::uint32_t x, std::uint32_t y) { return panel.year[x] < panel.year[y]; });
      for (std::uint32_t k = b; k < e; ++k) own_years_[k] = panel.year[rows_[k]];
    }
    years_ = own_years_.data();
  }

  // The row of firm f in `year`, or kNoRow.
  std::uint32_t find(std::size_t f, std::int64_t year) const {
    const std::uint32_t pos = lower_bound(f, year);
    if (pos == begin_[f + 1] || years_[pos] != year) return kNoRow;
    return row(pos);
  }

  // Whether firm f has any row with a year in [from, to].
  bool observed(std::size_t f, std::int64_t from, std::int64_t to) const {
    const std::uint32_t pos = lower_bound(f, from);
    return pos != begin_[f + 1] && years_[pos] <= to;
  }

  // Positions [begin(f), end(f)) hold firm f's rows in ascending year; row(pos) is the row.
  std::uint32_t begin(std::size_t f) const { return begin_[f]; }
  std::uint32_t end(std::size_t f) const { return begin_[f + 1]; }
  std::uint32_t row(std::uint32_t pos) const { return rows_.empty() ? pos : rows_[pos]; }

 private:
  // Rows 0.. belong to firm 0, then firm 1, ... (firm indices count up in order of first
  // appearance), each in strictly increasing year.
  static bool grouped_in_year_order(const Panel& panel) {
    const std::size_t rows = panel.rows();
    if (rows == 0) return true;
    if (panel.firm[0] != 0) return false;
    for (std::size_t r = 1; r < rows; ++r) {
      const auto f = panel.firm[r], prev = panel.firm[r - 1];
      if (f == prev) {
        if (panel.year[r] <= panel.year[r - 1]) return false;
      } else if (f != prev + 1) {
        return false;
      }
    }
    return true;
  }

  std::uint32_t lower_bound(std::size_t f, std::int64_t year) const {
    std::uint32_t lo = begin_[f], hi = begin_[f + 1];
    while (lo < hi) {
      const std::uint32_t mid = lo + (hi - lo) / 2;
      if (years_[mid] < year)
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo;
  }

  const std::int32_t* years_;
  std::vector<std::uint32_t> begin_;
  std::vector<std::uint32_t> rows_;  // empty when positions are rows
  std::vector<std::int32_t> own_years_;
};

struct FirmFacts {
  std::vector<FirmStatus> status;
  std::vector<std::int32_t> entry;    // kMissingYear when none (or no entry column)
  std::vector<std::int32_t> cluster;  // -1 none
};

FirmFacts firm_facts(const Panel& panel, const RowIndex& index) {
  const std::size_t firms = panel.firms();
  FirmFacts facts;
  facts.status.assign(firms, FirmStatus::unknown);
  facts.entry.assign(firms, kMissingYear);
  facts.cluster.assign(firms, -1);
  const bool has_entry = !panel.entry.empty();
  const bool has_cluster = panel.cluster.has_value() && !panel.cluster->code.empty();
  for (std::size_t f = 0; f < firms; ++f) {
    bool any_member = false, any_non_member = false;
    for (std::uint32_t pos = index.begin(f); pos < index.end(f); ++pos) {
      const std::uint32_t r = index.row(pos);
      const std::int8_t m = panel.member[r];
      any_member |= m == 1;
      any_non_member |= m == 0;
      if (has_entry && facts.entry[f] == kMissingYear) facts.entry[f] = panel.entry[r];
      if (has_cluster && facts.cluster[f] < 0 && panel.cluster->code[r] != kNoLabel) {
        facts.cluster[f] = panel.cluster->code[r];
      }
    }
    facts.status[f] = any_member       ? FirmStatus::member
                      : any_non_member ? FirmStatus::never_member
                                       : FirmStatus::unknown;
  }
  return facts;
}

// Stratum cells: the combination of the stratum columns' codes at a row (missing = "NA").
class StratumCells {
 public:
  explicit StratumCells(const Panel& panel) : panel_(panel) {
    std::uint64_t mult = 1;
    for (const auto& column : panel.strata) {
      radix_.push_back(mult);
      const std::uint64_t levels = column.labels.size() + 1;  // + NA
      if (mult > std::numeric_limits<std::uint64_t>::max() / levels)
        packed_ = false;
      else
        mult *= levels;
    }
  }

  // Cell of the row (kNoRow: every column NA). Assigns new cells in first-use order.
  std::int32_t of_row(std::uint32_t row) {
    const std::size_t columns = panel_.strata.size();
    auto code = [&](std::size_t k) {
      return row == kNoRow ? kNoLabel : panel_.strata[k].code[row];
    };
    if (packed_) {
      std::uint64_t key = 0;
      for (std::size_t k = 0; k < columns; ++k) {
        key += static_cast<std::uint64_t>(code(k) + 1) * radix_[k];
      }
      const auto [it, added] =
          packed_ids_.try_emplace(key, static_cast<std::int32_t>(cells_.size()));
      if (added) cells_.push_back(codes(code));
      return it->second;
    }
    std::vector<std::int32_t> tuple = codes(code);
    const auto [it, added] =
        tuple_ids_.try_emplace(tuple, static_cast<std::int32_t>(cells_.size()));
    if (added) cells_.push_back(std::move(tuple));
    return it->second;
  }

  std::size_t size() const { return cells_.size(); }

 private:
  template <class Code>
  std::vector<std::int32_t> codes(const Code& code) const {
    std::vector<std::int32_t> out(panel_.strata.size());
    for (std::size_t k = 0; k < out.size(); ++k) out[k] = code(k);
    return out;
  }

 public:
  // Sorts the cells by their labels (column by column, "NA" last) and returns old -> new.
  std::vector<std::int32_t> sort_and_label(std::vector<std::string>& labels) const {
    std::vector<std::int32_t> order(cells_.size());
    std::iota(order.begin(), order.end(), 0);
    auto less = [&](std::int32_t a, std::int32_t b) {
      for (std::size_t k = 0; k < panel_.strata.size(); ++k) {
        const std::int32_t ca = cells_[a][k], cb = cells_[b][k];
        if (ca == cb) continue;
        if (ca < 0) return false;
        if (cb < 0) return true;
        const auto& la = panel_.strata[k].labels[ca];
        const auto& lb = panel_.strata[k].labels[cb];
        if (la != lb) return la < lb;
        return ca < cb;
      }
      return false;
    };
    std::sort(order.begin(), order.end(), less);
    std::vector<std::int32_t> remap(cells_.size());
    labels.clear();
    for (std::size_t i = 0; i < order.size(); ++i) {
      remap[order[i]] = static_cast<std::int32_t>(i);
      std::string label;
      for (std::size_t k = 0; k < panel_.strata.size(); ++k) {
        const std::int32_t code = cells_[order[i]][k];
        if (k > 0) label += ", ";
        label += panel_.strata[k].name;
        label += '=';
        label += code < 0 ? std::string("NA") : panel_.strata[k].labels[code];
      }
      labels.push_back(std::move(label));
    }
    return remap;
  }

 private:
  const Panel& panel_;
  std::vector<std::uint64_t> radix_;
  bool packed_ = true;
  std::unordered_map<std::uint64_t, std::int32_t> packed_ids_;
  std::map<std::vector<std::int32_t>, std::int32_t> tuple_ids_;
  std::vector<std::vector<std::int32_t>> cells_;
};

// Drop counts: [metric][cell slot (cells, then one for kUnknownCohort)][group][reason].
class DropTable {
 public:
  DropTable(std::size_t metrics, std::size_t cells)
      : slots_(cells + 1), counts_(metrics * slots_ * 2 * kDropReasonCount, 0) {}
  std::size_t unknown_slot() const { return slots_ - 1; }
  void add(std::size_t metric, std::size_t slot, Group group, DropReason reason,
           std::uint64_t n = 1) {
    counts_[at(metric, slot, group, reason)] += n;
  }
  std::uint64_t get(std::size_t metric, std::size_t slot, Group group, DropReason reason) const {
    return counts_[at(metric, slot, group, reason)];
  }

 private:
  std::size_t at(std::size_t metric, std::size_t slot, Group group, DropReason reason) const {
    return ((metric * slots_ + slot) * 2 + static_cast<std::size_t>(group)) * kDropReasonCount +
           static_cast<std::size_t>(reason);
  }
  std::size_t slots_;
  std::vector<std::uint64_t> counts_;
};

std::int32_t checked_year(std::int64_t year, const char* what) {
  if (year < std::numeric_limits<std::int32_t>::min() + 3 ||
      year > std::numeric_limits<std::int32_t>::max()) {
    throw_usage_error(
        fmt::format("the {} year {} is out of range: check --offset and --horizon", what, year));
  }
  return static_cast<std::int32_t>(year);
}

}  // namespace

Cell cohort_cell(std::int32_t cohort, const DesignOptions& options) {
  const std::int64_t g = cohort;
  Cell cell;
  cell.cohort = cohort;
  cell.from = checked_year(g + options.offset, "window start");
  cell.to =
      checked_year(g + static_cast<std::int64_t>(options.offset) + options.horizon, "window end");
  return cell;
}

std::uint32_t contribution_index(std::size_t n) {
  if (n > std::numeric_limits<std::uint32_t>::max()) {
    throw_usage_error(
        "the design has more than 2^32 - 1 contributions: use fewer cohorts or a smaller panel");
  }
  return static_cast<std::uint32_t>(n);
}

namespace {

// The contribution layout: cells with their members (ascending firm) then controls
// (ascending firm). Returns the firm of each contribution; fills cells and the drop table
// for members without an entry year.
std::vector<std::int32_t> lay_out_cells(const Panel& panel, const DesignOptions& options,
                                        const RowIndex& index, const FirmFacts& facts,
                                        std::vector<Cell>& cells,
                                        std::uint64_t& members_without_entry) {
  const std::size_t firms = panel.firms();
  std::vector<std::int32_t> firm_of;

  members_without_entry = 0;
  if (!is_cohort_design(options)) {
    const std::int32_t from = *options.from, to = *options.to;
    Cell cell{kWindowCohort, from, to, 0, 0, 0};
    for (std::size_t f = 0; f < firms; ++f) {
      if (facts.status[f] == FirmStatus::member && index.observed(f, from, to)) {
        firm_of.push_back(static_cast<std::int32_t>(f));
      }
    }
    cell.member_end = contribution_index(firm_of.size());
    for (std::size_t f = 0; f < firms; ++f) {
      if (facts.status[f] == FirmStatus::never_member && index.observed(f, from, to)) {
        firm_of.push_back(static_cast<std::int32_t>(f));
      }
    }
    cell.control_end = contribution_index(firm_of.size());
    cells.push_back(cell);
    return firm_of;
  }

  // Cohort design: cohorts are the distinct entry years of members, and any extra ones asked for.
  std::vector<std::int32_t> cohorts(options.extra_cohorts.begin(), options.extra_cohorts.end());
  std::vector<std::int32_t> never_members;
  for (std::size_t f = 0; f < firms; ++f) {
    if (facts.status[f] == FirmStatus::member) {
      if (facts.entry[f] == kMissingYear)
        ++members_without_entry;
      else
        cohorts.push_back(facts.entry[f]);
    } else if (facts.status[f] == FirmStatus::never_member) {
      never_members.push_back(static_cast<std::int32_t>(f));
    }
  }
  std::sort(cohorts.begin(), cohorts.end());
  cohorts.erase(std::unique(cohorts.begin(), cohorts.end()), cohorts.end());

  // Members bucketed by cohort, ascending firm within each (counting sort).
  std::vector<std::uint32_t> bucket_begin(cohorts.size() + 1, 0);
  std::vector<std::uint32_t> cohort_of(firms, 0);
  for (std::size_t f = 0; f < firms; ++f) {
    if (facts.status[f] != FirmStatus::member || facts.entry[f] == kMissingYear) continue;
    const auto c = static_cast<std::uint32_t>(
        std::lower_bound(cohorts.begin(), cohorts.end(), facts.entry[f]) - cohorts.begin());
    cohort_of[f] = c;
    ++bucket_begin[c + 1];
  }
  std::partial_sum(bucket_begin.begin(), bucket_begin.end(), bucket_begin.begin());
  std::vector<std::int32_t> members_sorted(bucket_begin.back());
  {
    std::vector<std::uint32_t> next(bucket_begin.begin(), bucket_begin.end() - 1);
    for (std::size_t f = 0; f < firms; ++f) {
      if (facts.status[f] != FirmStatus::member || facts.entry[f] == kMissingYear) continue;
      members_sorted[next[cohort_of[f]]++] = static_cast<std::int32_t>(f);
    }
  }

  for (std::size_t c = 0; c < cohorts.size(); ++c) {
    Cell cell = cohort_cell(cohorts[c], options);
    cell.member_begin = contribution_index(firm_of.size());
    firm_of.insert(firm_of.end(), members_sorted.begin() + bucket_begin[c],
                   members_sorted.begin() + bucket_begin[c + 1]);
    cell.member_end = contribution_index(firm_of.size());
    for (const std::int32_t f : never_members) {
      if (index.observed(static_cast<std::size_t>(f), cell.from, cell.to)) firm_of.push_back(f);
    }
    cell.control_end = contribution_index(firm_of.size());
    cells.push_back(cell);
  }
  return firm_of;
}

}  // namespace

Sample build_sample(const Panel& panel, const DesignOptions& options) {
  validate_design_options(options);
  const bool cohort_design = is_cohort_design(options);
  if (cohort_design && panel.entry.empty() && options.extra_cohorts.empty()) {
    throw_usage_error(fmt::format(
        "{}: the cohort design needs an entry-year column (--entry); or give --from and --to "
        "for the window design",
        panel.path));
  }
  if (options.balance && panel.strata.empty()) {
    throw_usage_error("--balance needs stratum columns (--strata)");
  }

  const RowIndex index(panel);
  const FirmFacts facts = firm_facts(panel, index);

  Sample sample;
  sample.metric_names = panel.metric_names;
  sample.firm_ids = panel.firm_ids;
  sample.firm_cluster = facts.cluster;
  if (panel.cluster) sample.cluster_labels = panel.cluster->labels;
  sample.weighted = !panel.weight.empty() || options.balance;
  for (const FirmStatus s : facts.status) {
    if (s == FirmStatus::unknown) ++sample.firms_unknown_membership;
  }

  std::uint64_t members_without_entry = 0;
  sample.firm = lay_out_cells(panel, options, index, facts, sample.cells, members_without_entry);
  const std::size_t n = sample.firm.size();
  const std::size_t metrics = panel.metric_names.size();
  DropTable drops(metrics, sample.cells.size());
  for (std::size_t m = 0; m < metrics; ++m) {
    drops.add(m, drops.unknown_slot(), Group::member, DropReason::no_entry_year,
              members_without_entry);
  }

  // Endpoint rows, baseline weight and stratum cell of every contribution.
  std::vector<std::uint32_t> start_row(n), end_row(n);
  const bool has_weight = !panel.weight.empty();
  std::vector<double> base_weight(has_weight ? n : 0);
  for (const Cell& cell : sample.cells) {
    const auto b = static_cast<std::int64_t>(cell.member_begin);
    const auto e = static_cast<std::int64_t>(cell.control_end);
#pragma omp parallel for schedule(static)
    for (std::int64_t i = b; i < e; ++i) {
      const auto f = static_cast<std::size_t>(sample.firm[i]);
      start_row[i] = index.find(f, cell.from);
      end_row[i] = index.find(f, cell.to);
      if (has_weight) base_weight[i] = start_row[i] == kNoRow ? kNaN : panel.weight[start_row[i]];
    }
  }
  sample.stratum.assign(n, -1);
  if (!panel.strata.empty()) {
    StratumCells strata(panel);
    for (std::size_t i = 0; i < n; ++i) sample.stratum[i] = strata.of_row(start_row[i]);
    const std::vector<std::int32_t> remap = strata.sort_and_label(sample.stratum_labels);
    for (auto& s : sample.stratum) s = remap[static_cast<std::size_t>(s)];
  }

  // Growth per metric; drops counted once per contribution and metric, first reason wins:
  // growth requirements, then the baseline weight, then (below) the stratum match.
  const auto kind = static_cast<hd::GrowthKind>(options.growth);
  sample.growth.resize(metrics);
  sample.start.resize(metrics);
  sample.end.resize(metrics);
  sample.weight.resize(metrics);
  for (std::size_t m = 0; m < metrics; ++m) {
    const double* x = panel.metric[m].data();
    sample.growth[m].resize(n);
    sample.start[m].resize(n);
    sample.end[m].resize(n);
    sample.weight[m].resize(n);
    double* growth = sample.growth[m].data();
    double* start = sample.start[m].data();
    double* end = sample.end[m].data();
    double* weight = sample.weight[m].data();
    const double* base = has_weight ? base_weight.data() : nullptr;
    for (std::size_t c = 0; c < sample.cells.size(); ++c) {
      const Cell& cell = sample.cells[c];
      const double h = static_cast<double>(cell.to) - static_cast<double>(cell.from);
      constexpr int kSlots = 2 * kDropReasonCount;  // [group][reason]
      std::uint64_t counts[kSlots] = {};
      const auto b = static_cast<std::int64_t>(cell.member_begin);
      const auto e = static_cast<std::int64_t>(cell.control_end);
      const auto member_end = static_cast<std::int64_t>(cell.member_end);
#pragma omp parallel for schedule(static) reduction(+ : counts[:kSlots])
      for (std::int64_t i = b; i < e; ++i) {
        const double x0 = start_row[i] == kNoRow ? kNaN : x[start_row[i]];
        const double x1 = end_row[i] == kNoRow ? kNaN : x[end_row[i]];
        start[i] = x0;
        end[i] = x1;
        const hd::GrowthResult g = hd::growth(kind, x0, x1, h);
        const double w = base ? base[i] : 1.0;
        int reason = -1;
        if (g.status != hd::GrowthStatus::ok) {
          reason = static_cast<int>(to_drop_reason(g.status));
        } else if (!(w > 0.0)) {
          reason = static_cast<int>(DropReason::missing_weight);
        }
        if (reason < 0) {
          growth[i] = g.value;
          weight[i] = w;
        } else {
          growth[i] = kNaN;
          weight[i] = 0.0;
          ++counts[(i < member_end ? 0 : kDropReasonCount) + reason];
        }
      }
      for (int k = 0; k < kSlots; ++k) {
        drops.add(m, c, k < kDropReasonCount ? Group::member : Group::control,
                  static_cast<DropReason>(k % kDropReasonCount), counts[k]);
      }
    }
  }

  if (options.balance) {
    for (std::size_t m = 0; m < metrics; ++m) {
      for (std::size_t c = 0; c < sample.cells.size(); ++c) {
        drops.add(m, c, Group::member, DropReason::unmatched_stratum, balance_cell(sample, m, c));
      }
    }
  }

  for (std::size_t m = 0; m < metrics; ++m) {
    for (std::size_t slot = 0; slot <= sample.cells.size(); ++slot) {
      const std::int32_t cohort =
          slot < sample.cells.size() ? sample.cells[slot].cohort : kUnknownCohort;
      for (const Group group : {Group::member, Group::control}) {
        for (int r = 0; r < kDropReasonCount; ++r) {
          const auto reason = static_cast<DropReason>(r);
          const std::uint64_t count = drops.get(m, slot, group, reason);
          if (count > 0) {
            sample.drops.push_back(DropCount{panel.metric_names[m], cohort, group, reason, count});
          }
        }
      }
    }
  }
  return sample;
}

}  // namespace klynge
