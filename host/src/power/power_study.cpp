// The study loop: every (grid point, dataset) pair is one task; tasks run in parallel over
// OpenMP threads, each dataset's engines single-threaded. Outcomes are stored per task and
// tallied in task order afterwards, so no result depends on which thread ran what.
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>

#include "klynge/error.hpp"
#include "klynge/power.hpp"

namespace klynge::power {

namespace {

CellTally empty_cell(const PowerSpec& spec, std::size_t premium, std::size_t firms) {
  CellTally cell;
  cell.premium = premium;
  cell.firms = firms;
  MetricTally metric;
  metric.methods.assign(spec.methods.size(), MethodTally{});
  cell.metric.assign(study_metrics(spec).size(), metric);
  return cell;
}

void add(CellTally& cell, const DatasetOutcome& outcome) {
  if (outcome.metric.size() != cell.metric.size())
    throw Error(ExitCode::internal, "power: a dataset has other metrics than the study");
  ++cell.datasets;
  for (std::size_t m = 0; m < cell.metric.size(); ++m) {
    const MetricOutcome& o = outcome.metric[m];
    MetricTally& t = cell.metric[m];
    if (!o.test_defined) ++t.undefined;
    if (o.rejected) ++t.rejected;
    for (std::size_t j = 0; j < t.methods.size(); ++j) {
      const MethodOutcome& mo = o.methods[j];
      MethodTally& mt = t.methods[j];
      if (!mo.defined) {
        ++mt.undefined;
        continue;
      }
      if (mo.covered) ++mt.covered;
      mt.width_units += std::llround(mo.width / kWidthUnit);
    }
  }
}

}  // namespace

int concurrent_datasets(const PowerSpec& spec) {
  // With the CUDA backend too: each host thread makes its dataset's Sample, the jackknife and
  // the intervals while the other threads' kernels run (every thread has its own default
  // stream: --default-stream per-thread, CMakeLists.txt), so the device is not left waiting on
  // one thread's host work.
  return spec.threads > 0 ? spec.threads : std::max(1, omp_get_max_threads());
}

StudyTally run_study(const PowerSpec& spec) {
  validate(spec);
  StudyTally tally;
  tally.first = spec.first;
  tally.last = spec.last == 0 ? spec.datasets : spec.last;
  const std::uint32_t per_cell = tally.last - tally.first;

  const auto truth_start = std::chrono::steady_clock::now();
  std::vector<TruePremium> truth;
  for (const PremiumPoint& p : spec.premiums) truth.push_back(true_premium(spec, p));
  tally.truth_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - truth_start).count();
  for (std::size_t p = 0; p < spec.premiums.size(); ++p)
    for (std::size_t f = 0; f < spec.firms.size(); ++f) {
      tally.cells.push_back(empty_cell(spec, p, f));
      tally.cells.back().truth = truth[p];
    }

  const std::int64_t tasks = static_cast<std::int64_t>(tally.cells.size()) * per_cell;
  std::vector<DatasetOutcome> outcomes(static_cast<std::size_t>(tasks));
  std::exception_ptr error;
  std::atomic<bool> stop{false};
#pragma omp parallel for schedule(dynamic, 1) num_threads(concurrent_datasets(spec))
  for (std::int64_t task = 0; task < tasks; ++task) {
    if (stop.load()) continue;
    const CellTally& cell = tally.cells[static_cast<std::size_t>(task / per_cell)];
    const std::uint32_t dataset = tally.first + static_cast<std::uint32_t>(task % per_cell);
    try {
      outcomes[static_cast<std::size_t>(task)] = run_dataset(
          spec, spec.premiums[cell.premium], spec.firms[cell.firms], dataset, truth[cell.premium]);
      if (spec.progress) spec.progress->advance(1);
    } catch (...) {
#pragma omp critical(klynge_power_error)
      if (!error) error = std::current_exception();
      stop = true;
    }
  }
  if (error) std::rethrow_exception(error);

  for (std::int64_t task = 0; task < tasks; ++task)
    add(tally.cells[static_cast<std::size_t>(task / per_cell)],
        outcomes[static_cast<std::size_t>(task)]);
  return tally;
}

StudyTally merge_tallies(const StudyTally& a, const StudyTally& b) {
  if (a.last != b.first && b.last != a.first)
    throw_usage_error("--merge: dataset ranges [" + std::to_string(a.first) + ", " +
                      std::to_string(a.last) + ") and [" + std::to_string(b.first) + ", " +
                      std::to_string(b.last) +
                      ") are not adjacent; merge shards that together cover one range");
  if (a.cells.size() != b.cells.size())
    throw_usage_error("--merge: the shards have different grids");
  if (!a.cells.empty() && a.cells[0].metric.size() != b.cells[0].metric.size())
    throw_usage_error("--merge: the shards have different metrics");
  StudyTally out = a;
  out.first = std::min(a.first, b.first);
  out.last = std::max(a.last, b.last);
  for (std::size_t i = 0; i < a.cells.size(); ++i) {
    const CellTally& y = b.cells[i];
    CellTally& x = out.cells[i];
    if (x.premium != y.premium || x.firms != y.firms || x.truth.value != y.truth.value)
      throw_usage_error("--merge: the shards have different grids or true premiums");
    if (x.metric.size() != y.metric.size())
      throw_usage_error("--merge: the shards have different metrics");
    x.datasets += y.datasets;
    for (std::size_t m = 0; m < x.metric.size(); ++m) {
      MetricTally& xm = x.metric[m];
      const MetricTally& ym = y.metric[m];
      if (xm.methods.size() != ym.methods.size())
        throw_usage_error("--merge: the shards have different interval methods");
      xm.rejected += ym.rejected;
      xm.undefined += ym.undefined;
      for (std::size_t j = 0; j < xm.methods.size(); ++j) {
        xm.methods[j].covered += ym.methods[j].covered;
        xm.methods[j].undefined += ym.methods[j].undefined;
        xm.methods[j].width_units += ym.methods[j].width_units;
      }
    }
  }
  return out;
}

}  // namespace klynge::power
