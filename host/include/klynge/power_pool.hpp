// A user's own control pool for `klynge power --pool` (docs/power.md "Your own control pool"):
// the firms of a real panel, each with its annualised log growth per metric over the study's
// window, computed once. Datasets are then plasmode samples of it: firms drawn with
// replacement, a fixed share marked members, the premium added to the members' log growth.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "klynge/panel.hpp"
#include "klynge/power.hpp"
#include "klynge/sample.hpp"

namespace klynge::power {

// How the pool file is read: the panel reader's options that apply to a pool; membership is
// never read. The metric columns are the study's metrics (`--metrics`): any number >= 1, any
// names, no name twice; the default is the simulate model's three, so a register laid out like
// `simulate`'s output needs no flag.
struct PoolColumns {
  std::string id = "firm_id";
  std::string year = "year";
  std::vector<std::string> metrics = simulated_metrics();
  char delimiter = 0;  // 0 = sniffed from the header, as ReadOptions::delimiter
};

// Throws Error(usage) naming --metrics when `metrics` is empty, has an empty name or names a
// column twice (a metric would be studied twice under one name, and the report's rows and
// --premium pairs could not tell the two apart).
void check_pool_metrics(const std::vector<std::string>& metrics);

// What identifies a pool in the report's settings: a merge refuses shards whose pools differ.
struct PoolSource {
  std::string path;    // as given
  std::string sha256;  // of the file's bytes as stored (a .gz file's compressed bytes)
  PoolColumns columns;
  std::uint64_t file_firms = 0;      // distinct firm ids in the file
  std::uint64_t firms = 0;           // the population: firms with a valid growth of some metric
  std::vector<std::uint64_t> valid;  // of those, firms with a valid growth, per metric column
};

struct Pool {
  PoolSource source;
  int from = 0, to = 0;  // the growth window
  // Per population firm (file order): its id and, per metric column (source.columns.metrics
  // order), its window endpoints x0, x1 and annualised log growth (NaN where that metric's
  // growth is missing or undefined). start[m][k] is metric m of firm k.
  std::vector<std::string> firm_ids;
  std::vector<std::vector<double>> start, end, growth;

  std::uint32_t firms() const { return static_cast<std::uint32_t>(firm_ids.size()); }
  const std::vector<std::string>& metrics() const { return source.columns.metrics; }
};

// The pool of a panel read with ReadOptions::membership = false (every firm a non-member): the
// window design's Sample over [from, to], keeping the firms with a valid log growth for at
// least one of the panel's metrics, which become the pool's metric columns. Throws
// Error(bad_data) naming the panel when fewer than 2 firms remain.
Pool pool_from_panel(const Panel& panel, int from, int to);

// Reads `path` (CSV/TSV, .gz by extension) with the panel reader and makes its pool of the
// columns.metrics; records the file's SHA-256. Errors as read_panel: no_input (cannot open),
// bad_data (file, line, column, value; a metric column the header lacks), io; bad_data for
// fewer than 2 usable firms; usage for bad columns.metrics (check_pool_metrics).
Pool read_pool(const std::string& path, const PoolColumns& columns, int from, int to, int threads);

// Members of a dataset of `firms` firms: exactly round(firms x member_share).
std::uint32_t pool_members(std::uint32_t firms, double member_share);

// Dataset `dataset` of a grid point: `firms` pool firms drawn with replacement (Philox,
// hd/pool_draws.hpp), the first pool_members() of the draws members, the rest controls; each
// member's log growth + the premium of its metric (premium.premium in pool.metrics() order),
// exactly. The Sample is the window design's, laid out as build_sample lays it out (one cell,
// members then controls, draw order within each; a missing growth stays missing, weight 0,
// counted as a drop). Its metrics are the pool's metric columns, by their names.
Sample pool_sample(const Pool& pool, const PremiumPoint& premium, std::uint32_t firms,
                   double member_share, std::uint64_t seed, std::uint32_t dataset);

}  // namespace klynge::power
