// The pool of `klynge power --pool`, computed once: the panel reader reads the file with
// membership ignored (every firm a potential control), the window design's build_sample gives
// every firm's growth per metric over [from, to] (the study's --growth) exactly as
// `analyze --from --to --growth` would,
// and the firms with no valid growth for any metric are left out of the population (drawing
// them would only shrink the datasets below --firms). A firm valid for one metric but not for
// another stays in, with its missing growth (it is then dropped for that metric only, as in a
// real study). The pool's metrics are the panel's metric columns, whatever their names
// (`--metrics`), so "valid for some metric" counts only the columns the study measures.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "klynge/build_sample.hpp"
#include "klynge/error.hpp"
#include "klynge/io/read_panel.hpp"
#include "klynge/power_pool.hpp"

namespace klynge::power {

namespace {

// "employees, revenue or value_added" (one name alone as it is).
std::string alternatives(const std::vector<std::string>& names) {
  std::string out = names.back();
  if (names.size() > 1)
    out = fmt::format("{} or {}", fmt::join(names.begin(), names.end() - 1, ", "), names.back());
  return out;
}

// The windows a pool's growth is measured over, for messages: "[2017, 2020]", or
// "the cohort windows [g + 0, g + 3], g = 2012..2015".
std::string windows_text(const DesignOptions& design) {
  if (!is_cohort_design(design)) return fmt::format("[{}, {}]", *design.from, *design.to);
  const auto [lo, hi] =
      std::minmax_element(design.extra_cohorts.begin(), design.extra_cohorts.end());
  return fmt::format("the cohort windows [g{:+d}, g{:+d}], g = {}..{}", design.offset,
                     design.offset + design.horizon, *lo, *hi);
}

// What a valid growth of `growth` needs, for messages: "rows for both years with positive
// employees or revenue" (hd::growth's requirements).
std::string valid_growth_text(GrowthType growth, const std::vector<std::string>& metrics) {
  const std::string names = alternatives(metrics);
  switch (growth) {
    case GrowthType::cagr:
      return fmt::format(
          "rows for both years with {} positive at the start, not negative at "
          "the end",
          names);
    case GrowthType::pct:
      return fmt::format("rows for both years with {} positive at the start", names);
    case GrowthType::dhs:
      return fmt::format("rows for both years with {} not negative and not 0 in both", names);
    case GrowthType::level:
      return fmt::format("a row for the last year with {}", names);
    case GrowthType::log:
      break;
  }
  return fmt::format("rows for both years with positive {}", names);
}

// Whether build_sample's cell is one of the study's: every cell in the window design; in the
// cohort design the cells of the study's entry years (a pool read with members also has the
// cells of the other years its members entered in).
bool study_cell(const DesignOptions& design, const Cell& cell) {
  return !is_cohort_design(design) ||
         std::find(design.extra_cohorts.begin(), design.extra_cohorts.end(), cell.cohort) !=
             design.extra_cohorts.end();
}

// The population's firms profile cell by profile cell (each window's firms in their stratum
// cells, Pool::profile), and the profile: the members whose cell has population firms (the others
// are counted: no firm of the population can stand in for them).
void make_profile(Pool& pool, const std::vector<std::int32_t>& member_cells,
                  const std::string& member_column) {
  const std::uint32_t per_window = pool.cells_per_window();
  const std::size_t cells = pool.windows.size() * per_window;
  const auto cell_of = [&](std::size_t w, std::size_t i) {
    const PoolWindow& window = pool.windows[w];
    return w * per_window +
           (window.stratum.empty() ? 0 : static_cast<std::size_t>(window.stratum[i]));
  };
  pool.cell_begin.assign(cells + 1, 0);
  for (std::size_t w = 0; w < pool.windows.size(); ++w)
    for (std::size_t i = 0; i < pool.windows[w].firms.size(); ++i)
      ++pool.cell_begin[cell_of(w, i) + 1];
  for (std::size_t c = 0; c < cells; ++c) pool.cell_begin[c + 1] += pool.cell_begin[c];
  pool.cell_firms.resize(pool.cell_begin.back());
  std::vector<std::uint32_t> next(pool.cell_begin.begin(), pool.cell_begin.end() - 1);
  for (std::size_t w = 0; w < pool.windows.size(); ++w)
    for (std::size_t i = 0; i < pool.windows[w].firms.size(); ++i)
      pool.cell_firms[next[cell_of(w, i)]++] = pool.windows[w].firms[i];
  pool.source.profile_members = member_cells.size();
  for (const std::int32_t c : member_cells) {
    const auto cell = static_cast<std::size_t>(c);
    if (pool.cell_begin[cell + 1] > pool.cell_begin[cell])
      pool.profile.push_back(c);
    else
      ++pool.source.unmatched_members;
  }
  const bool cohorts = pool.cohort_design();
  const std::string over =
      cohorts ? "over its entry year's window, entering in " + entry_years_text(pool.design)
              : fmt::format("over [{}, {}]", pool.windows[0].from, pool.windows[0].to);
  if (member_cells.empty())
    throw Error(
        ExitCode::bad_data,
        fmt::format("{}: --member-profile members: the file has no member (column {}) "
                    "with a {} growth {}",
                    pool.source.path, member_column, growth_type_name(pool.design.growth), over));
  if (pool.profile.empty())
    throw Error(
        ExitCode::bad_data,
        fmt::format("{}: --member-profile members: none of the file's {} members with a "
                    "{} growth {} is in a {} that has non-members",
                    pool.source.path, member_cells.size(), growth_type_name(pool.design.growth),
                    over, cohorts && pool.stratum_labels.empty() ? "window" : "stratum cell"));
}

}  // namespace

std::string_view member_profile_name(MemberProfile profile) {
  return profile == MemberProfile::members ? "members" : "population";
}

std::optional<MemberProfile> parse_member_profile(std::string_view name) {
  if (name == "population") return MemberProfile::population;
  if (name == "members") return MemberProfile::members;
  return std::nullopt;
}

Pool pool_from_panel(const Panel& panel, const DesignOptions& design, MemberProfile profile) {
  check_pool_metrics(panel.metric_names);
  const std::size_t metrics = panel.metric_names.size();
  const bool profiled = profile == MemberProfile::members;
  const bool cohorts = is_cohort_design(design);
  // In the cohort design the profile is at least the members' entry years; in the window design
  // it would be nothing without strata.
  if (profiled && !cohorts && panel.strata.empty())
    throw_usage_error("--member-profile members: name the stratum columns with --strata");

  // Unbalanced: --balance reweights each dataset's controls, and here it would drop the profile
  // members of cells without non-members before make_profile counts and reports them.
  DesignOptions unbalanced = design;
  unbalanced.balance = false;
  const Sample sample = build_sample(panel, unbalanced);
  Pool pool;
  pool.design = design;
  pool.source.path = panel.path;
  pool.source.columns.metrics = panel.metric_names;
  pool.source.file_firms = panel.firms();
  pool.source.valid.assign(metrics, 0);
  const bool stratified = !panel.strata.empty();
  if (stratified) pool.stratum_labels = sample.stratum_labels;
  pool.source.strata_cells = pool.stratum_labels.size();

  // The population: panel firms with a valid growth of some metric as a control in some window;
  // per metric, whether the firm has a valid growth of it in some window.
  const std::size_t panel_firms = sample.firm_ids.size();
  std::vector<std::uint8_t> valid(panel_firms * metrics, 0);
  // Profile candidates: members with a valid growth, by profile cell (Pool::profile).
  std::vector<std::int32_t> member_cells;
  const std::int32_t per_window = static_cast<std::int32_t>(pool.cells_per_window());
  std::int32_t window = -1;  // index of the study's cell among the study's cells
  for (const Cell& cell : sample.cells) {
    if (!study_cell(design, cell)) {
      for (std::size_t c = cell.member_begin; c < cell.member_end; ++c)
        for (std::size_t m = 0; m < metrics; ++m)
          if (std::isfinite(sample.growth[m][c])) {
            ++pool.source.outside_members;
            break;
          }
      continue;
    }
    ++window;
    for (std::size_t c = cell.member_begin; c < cell.control_end; ++c) {
      const auto f = static_cast<std::size_t>(sample.firm[c]);
      bool any = false;
      for (std::size_t m = 0; m < metrics; ++m) {
        const bool ok = std::isfinite(sample.growth[m][c]);
        any = any || ok;
        // Members exist only where membership was read (a profile): they make the profile, and
        // never stand in for a member or a control themselves.
        if (ok && c >= cell.member_end) valid[f * metrics + m] = 1;
      }
      if (any && c < cell.member_end)
        member_cells.push_back(window * per_window + std::max(sample.stratum[c], 0));
    }
  }
  // Members without an entry year have no window: outside the study's entry years too.
  if (profiled && cohorts)
    for (const DropCount& d : sample.drops)
      if (d.reason == DropReason::no_entry_year && d.metric == panel.metric_names[0])
        pool.source.outside_members += d.count;
  std::vector<std::int32_t> population(panel_firms, -1);
  for (std::size_t f = 0; f < panel_firms; ++f) {
    bool any = false;
    for (std::size_t m = 0; m < metrics; ++m)
      if (valid[f * metrics + m]) {
        any = true;
        ++pool.source.valid[m];
      }
    if (!any) continue;
    population[f] = static_cast<std::int32_t>(pool.firm_ids.size());
    pool.firm_ids.push_back(sample.firm_ids[f]);
  }
  pool.source.firms = pool.firm_ids.size();
  if (pool.source.firms < 2)
    throw Error(
        ExitCode::bad_data,
        fmt::format("{}: the pool has {} {}firm{} with a {} growth over {} ({}); "
                    "--pool needs at least 2: check {} against the file's years",
                    panel.path, pool.source.firms, profiled ? "non-member " : "",
                    pool.source.firms == 1 ? "" : "s", growth_type_name(design.growth),
                    windows_text(design), valid_growth_text(design.growth, panel.metric_names),
                    cohorts ? "--entry-years, --offset and --horizon" : "--from/--to"));
  if (pool.source.firms > 0x7FFFFFFFull)
    throw_usage_error(
        fmt::format("{}: a pool of more than 2^31 - 1 firms is not supported", panel.path));

  // Each window: its population firms, in firm order (the order of the cell's controls).
  for (const Cell& cell : sample.cells) {
    if (!study_cell(design, cell)) continue;
    PoolWindow& w = pool.windows.emplace_back();
    w.cohort = cell.cohort;
    w.from = cell.from;
    w.to = cell.to;
    w.slot.assign(pool.firms(), -1);
    w.start.resize(metrics);
    w.end.resize(metrics);
    w.growth.resize(metrics);
    for (std::size_t c = cell.member_end; c < cell.control_end; ++c) {
      const std::int32_t k = population[static_cast<std::size_t>(sample.firm[c])];
      if (k < 0) continue;
      w.slot[static_cast<std::size_t>(k)] = static_cast<std::int32_t>(w.firms.size());
      w.firms.push_back(static_cast<std::uint32_t>(k));
      if (stratified) w.stratum.push_back(sample.stratum[c]);
      for (std::size_t m = 0; m < metrics; ++m) {
        w.start[m].push_back(sample.start[m][c]);
        w.end[m].push_back(sample.end[m][c]);
        w.growth[m].push_back(sample.growth[m][c]);
      }
    }
    if (w.firms.empty())
      throw Error(ExitCode::bad_data,
                  fmt::format("{}: no firm of the pool has a row in cohort {}'s window [{}, {}]: "
                              "check --entry-years, --offset and --horizon against the file's "
                              "years",
                              panel.path, cell.cohort, cell.from, cell.to));
  }
  if (profiled) make_profile(pool, member_cells, panel.member_source);
  return pool;
}

Pool pool_from_panel(const Panel& panel, int from, int to, MemberProfile profile) {
  DesignOptions design;
  design.from = from;
  design.to = to;
  return pool_from_panel(panel, design, profile);
}

Pool read_pool(const std::string& path, const PoolColumns& columns, const DesignOptions& design,
               int threads) {
  ReadOptions read;
  read.columns.id = columns.id;
  read.columns.year = columns.year;
  // Checked before the read: a name given twice would be read twice into one name.
  check_pool_metrics(columns.metrics);
  read.columns.metrics = columns.metrics;
  read.delimiter = columns.delimiter;
  read.threads = threads;
  read.columns.strata = columns.strata;
  read.columns.member = columns.member;
  read.membership = columns.profile == MemberProfile::members;
  if (read.membership && is_cohort_design(design)) read.columns.entry = columns.entry;
  const Panel panel = read_panel(path, read);
  Pool pool = pool_from_panel(panel, design, columns.profile);
  pool.source.columns = columns;
  pool.source.sha256 = panel.input_sha256;
  return pool;
}

Pool read_pool(const std::string& path, const PoolColumns& columns, int from, int to, int threads) {
  DesignOptions design;
  design.from = from;
  design.to = to;
  return read_pool(path, columns, design, threads);
}

std::string entry_years_text(const DesignOptions& design) {
  const auto [lo, hi] =
      std::minmax_element(design.extra_cohorts.begin(), design.extra_cohorts.end());
  return *lo == *hi ? std::to_string(*lo) : fmt::format("{}..{}", *lo, *hi);
}

}  // namespace klynge::power
