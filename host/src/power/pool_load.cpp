// The pool of `klynge power --pool`, computed once: the panel reader reads the file with
// membership ignored (every firm a potential control), the window design's build_sample gives
// every firm's log growth per metric over [from, to] exactly as `analyze --from --to` would,
// and the firms with no valid growth for any metric are left out of the population (drawing
// them would only shrink the datasets below --firms). A firm valid for one metric but not for
// another stays in, with its missing growth (it is then dropped for that metric only, as in a
// real study).
#include <cmath>

#include <fmt/format.h>

#include "klynge/build_sample.hpp"
#include "klynge/error.hpp"
#include "klynge/io/read_panel.hpp"
#include "klynge/power_pool.hpp"
#include "klynge/report/sha256.hpp"
#include "sim_sample.hpp"

namespace klynge::power {

Pool pool_from_panel(const Panel& panel, int from, int to) {
  if (panel.metric_names.size() != static_cast<std::size_t>(kMetrics))
    throw Error(ExitCode::internal, "pool: the panel must have the study's metrics");
  for (int m = 0; m < kMetrics; ++m)
    if (panel.metric_names[m] != sim::kMetricNames[m])
      throw Error(ExitCode::internal, "pool: the panel must have the study's metrics in order");

  const Sample sample = build_sample(panel, window_design(from, to));
  Pool pool;
  pool.from = from;
  pool.to = to;
  pool.source.path = panel.path;
  pool.source.file_firms = panel.firms();
  for (std::size_t c = 0; c < sample.contributions(); ++c) {
    bool any = false;
    for (int m = 0; m < kMetrics; ++m) any = any || std::isfinite(sample.growth[m][c]);
    if (!any) continue;
    pool.firm_ids.push_back(sample.firm_ids[static_cast<std::size_t>(sample.firm[c])]);
    for (int m = 0; m < kMetrics; ++m) {
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
        fmt::format("{}: the pool has {} firm{} with a log growth over [{}, {}] (rows for "
                    "both years with positive employees, revenue or value_added); "
                    "--pool needs at least 2: check --from/--to against the file's years",
                    panel.path, pool.source.firms, pool.source.firms == 1 ? "" : "s", from, to));
  if (pool.source.firms > 0xFFFFFFFFull)
    throw_usage_error(
        fmt::format("{}: a pool of more than 2^32 - 1 firms is not supported", panel.path));
  return pool;
}

Pool read_pool(const std::string& path, const PoolColumns& columns, int from, int to, int threads) {
  ReadOptions read;
  read.columns.id = columns.id;
  read.columns.year = columns.year;
  read.columns.metrics.clear();
  for (std::string_view name : sim::kMetricNames) read.columns.metrics.emplace_back(name);
  read.delimiter = columns.delimiter;
  read.threads = threads;
  read.membership = false;
  Pool pool = pool_from_panel(read_panel(path, read), from, to);
  pool.source.columns = columns;
  pool.source.sha256 = sha256_file(path);
  return pool;
}

}  // namespace klynge::power
