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

}  // namespace

Pool pool_from_panel(const Panel& panel, int from, int to) {
  check_pool_metrics(panel.metric_names);
  const std::size_t metrics = panel.metric_names.size();

  const Sample sample = build_sample(panel, window_design(from, to));
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
  for (std::size_t c = 0; c < sample.contributions(); ++c) {
    bool any = false;
    for (std::size_t m = 0; m < metrics; ++m) any = any || std::isfinite(sample.growth[m][c]);
    if (!any) continue;
    pool.firm_ids.push_back(sample.firm_ids[static_cast<std::size_t>(sample.firm[c])]);
    for (std::size_t m = 0; m < metrics; ++m) {
      pool.start[m].push_back(sample.start[m][c]);
      pool.end[m].push_back(sample.end[m][c]);
      pool.growth[m].push_back(sample.growth[m][c]);
      if (std::isfinite(sample.growth[m][c])) ++pool.source.valid[m];
    }
  }
  pool.source.firms = pool.firm_ids.size();
  if (pool.source.firms < 2)
    throw Error(ExitCode::bad_data,
                fmt::format("{}: the pool has {} firm{} with a log growth over [{}, {}] (rows for "
                            "both years with positive {}); "
                            "--pool needs at least 2: check --from/--to against the file's years",
                            panel.path, pool.source.firms, pool.source.firms == 1 ? "" : "s", from,
                            to, alternatives(panel.metric_names)));
  if (pool.source.firms > 0xFFFFFFFFull)
    throw_usage_error(
        fmt::format("{}: a pool of more than 2^32 - 1 firms is not supported", panel.path));
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
  read.membership = false;
  const Panel panel = read_panel(path, read);
  Pool pool = pool_from_panel(panel, from, to);
  pool.source.columns = columns;
  pool.source.sha256 = panel.input_sha256;
  return pool;
}

}  // namespace klynge::power
