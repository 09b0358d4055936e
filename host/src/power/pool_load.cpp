// The pool of `klynge power --pool`, computed once: the panel reader reads the file with
// membership ignored (every firm a potential control), the window design's build_sample gives
// every firm's log growth per metric over [from, to] exactly as `analyze --from --to` would,
// and the firms with no valid growth for any metric are left out of the population (drawing
// them would only shrink the datasets below --firms). A firm valid for one metric but not for
// another stays in, with its missing growth (it is then dropped for that metric only, as in a
// real study). The pool's metrics are the panel's metric columns, whatever their names
// (`--metrics`), so "valid for some metric" counts only the columns the study measures.
#include <cmath>

#include <fmt/format.h>

#include "klynge/build_sample.hpp"
#include "klynge/error.hpp"
#include "klynge/io/read_panel.hpp"
#include "klynge/power_pool.hpp"
#include "sim_sample.hpp"

namespace klynge::power {

namespace {

// "employees, revenue or value_added" (one name alone as it is).
std::string alternatives(const std::vector<std::string>& names) {
  std::string out = names.back();
  if (names.size() > 1)
    out = fmt::format("{} or {}", fmt::join(names.begin(), names.end() - 1, ", "), names.back());
  return out;
}

// The population's firms cell by cell, and the profile: the members whose cell has population
// firms (the others are counted: no firm of the population can stand in for them).
void make_profile(Pool& pool, const std::vector<std::int32_t>& member_cells,
                  const std::string& member_column) {
  const std::size_t cells = pool.stratum_labels.size();
  pool.cell_begin.assign(cells + 1, 0);
  for (const std::int32_t s : pool.stratum) ++pool.cell_begin[static_cast<std::size_t>(s) + 1];
  for (std::size_t s = 0; s < cells; ++s) pool.cell_begin[s + 1] += pool.cell_begin[s];
  pool.cell_firms.resize(pool.stratum.size());
  std::vector<std::uint32_t> next(pool.cell_begin.begin(), pool.cell_begin.end() - 1);
  for (std::uint32_t k = 0; k < pool.stratum.size(); ++k)
    pool.cell_firms[next[static_cast<std::size_t>(pool.stratum[k])]++] = k;
  pool.source.profile_members = member_cells.size();
  for (const std::int32_t s : member_cells) {
    const auto cell = static_cast<std::size_t>(s);
    if (pool.cell_begin[cell + 1] > pool.cell_begin[cell])
      pool.profile.push_back(s);
    else
      ++pool.source.unmatched_members;
  }
  if (member_cells.empty())
    throw Error(ExitCode::bad_data,
                fmt::format("{}: --member-profile members: the file has no member (column {}) "
                            "with a log growth over [{}, {}]",
                            pool.source.path, member_column, pool.from, pool.to));
  if (pool.profile.empty())
    throw Error(ExitCode::bad_data,
                fmt::format("{}: --member-profile members: none of the file's {} members with a "
                            "log growth over [{}, {}] is in a stratum cell that has non-members",
                            pool.source.path, member_cells.size(), pool.from, pool.to));
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

Pool pool_from_panel(const Panel& panel, int from, int to, MemberProfile profile) {
  check_pool_metrics(panel.metric_names);
  const std::size_t metrics = panel.metric_names.size();
  const bool profiled = profile == MemberProfile::members;
  if (profiled && panel.strata.empty())
    throw_usage_error("--member-profile members: name the stratum columns with --strata");

  const Sample sample = build_sample(panel, window_design(from, to));
  const Cell& cell = sample.cells.at(0);
  Pool pool;
  pool.from = from;
  pool.to = to;
  pool.source.path = panel.path;
  pool.source.columns.metrics = panel.metric_names;
  pool.source.file_firms = panel.firms();
  pool.source.valid.assign(metrics, 0);
  pool.start.resize(metrics);
  pool.end.resize(metrics);
  pool.growth.resize(metrics);
  const bool stratified = !panel.strata.empty();
  if (stratified) pool.stratum_labels = sample.stratum_labels;
  pool.source.strata_cells = pool.stratum_labels.size();
  std::vector<std::int32_t> member_cells;  // profile candidates: members with a valid growth
  for (std::size_t c = 0; c < sample.contributions(); ++c) {
    bool any = false;
    for (std::size_t m = 0; m < metrics; ++m) any = any || std::isfinite(sample.growth[m][c]);
    if (!any) continue;
    // Members exist only where membership was read (a profile): they make the profile, and
    // never stand in for a member or a control themselves.
    if (c < cell.member_end) {
      member_cells.push_back(sample.stratum[c]);
      continue;
    }
    pool.firm_ids.push_back(sample.firm_ids[static_cast<std::size_t>(sample.firm[c])]);
    if (stratified) pool.stratum.push_back(sample.stratum[c]);
    for (std::size_t m = 0; m < metrics; ++m) {
      pool.start[m].push_back(sample.start[m][c]);
      pool.end[m].push_back(sample.end[m][c]);
      pool.growth[m].push_back(sample.growth[m][c]);
      if (std::isfinite(sample.growth[m][c])) ++pool.source.valid[m];
    }
  }
  pool.source.firms = pool.firm_ids.size();
  if (pool.source.firms < 2)
    throw Error(
        ExitCode::bad_data,
        fmt::format("{}: the pool has {} {}firm{} with a log growth over [{}, {}] (rows "
                    "for both years with positive {}); "
                    "--pool needs at least 2: check --from/--to against the file's years",
                    panel.path, pool.source.firms, profiled ? "non-member " : "",
                    pool.source.firms == 1 ? "" : "s", from, to, alternatives(panel.metric_names)));
  if (pool.source.firms > 0xFFFFFFFFull)
    throw_usage_error(
        fmt::format("{}: a pool of more than 2^32 - 1 firms is not supported", panel.path));
  if (profiled) make_profile(pool, member_cells, panel.member_source);
  return pool;
}

Pool read_pool(const std::string& path, const PoolColumns& columns, int from, int to, int threads) {
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
  const Panel panel = read_panel(path, read);
  Pool pool = pool_from_panel(panel, from, to, columns.profile);
  pool.source.columns = columns;
  pool.source.sha256 = panel.input_sha256;
  return pool;
}

}  // namespace klynge::power
