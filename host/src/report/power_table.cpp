// The console table of a `klynge power` study (docs/power.md "Output"): one line per grid point
// x metric with the test's rejection rate, its Clopper-Pearson interval, the true value and the
// coverage of each interval method, so a study answers on the terminal without a JSON reader.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string>
#include <vector>

#include "klynge/power_pool.hpp"
#include "klynge/report/power_report.hpp"
#include "klynge/report/text_layout.hpp"

namespace klynge::power {

namespace {

// What each dataset is and how it is compared, in one sentence: the design, where the datasets
// come from, and the choices that change the estimand (balancing, a premium per entry year).
std::string design_line(const PowerSpec& spec) {
  std::string line = "design: ";
  if (spec.cohort_design())
    line += fmt::format(
        "cohort aggregate of entry years {}..{}, each member over [entry {:+d}, entry {:+d}]",
        spec.entry_first, spec.entry_last, spec.offset, spec.offset + spec.horizon);
  else
    line += fmt::format("members vs controls over [{}, {}]", spec.from, spec.to);
  line += fmt::format(", {}", growth_description(spec.growth));
  if (spec.balance) line += ", controls balanced to the members' strata";
  if (spec.pool) {
    line += fmt::format("; datasets drawn from {}", spec.pool->source.path);
    if (spec.pool->source.columns.profile == MemberProfile::members)
      line += ", members like the file's members";
  } else {
    line += "; simulated panels";
  }
  if (!spec.premium_by_entry.empty()) {
    // As --premium-by-entry takes them: YEAR=FACTOR, every entry year.
    line += "; premium x factor per entry year:";
    for (std::size_t i = 0; i < spec.premium_by_entry.size(); ++i)
      line += fmt::format("{} {}={:g}", i == 0 ? "" : ",", spec.entry_first + static_cast<int>(i),
                          spec.premium_by_entry[i]);
  }
  if (!spec.premium_by_tenure.empty()) {
    // As --premium-by-tenure takes them: K=FACTOR for the K-th year in the cluster.
    line += "; premium x factor per year in the cluster:";
    for (std::size_t k = 0; k < spec.premium_by_tenure.size(); ++k)
      line += fmt::format("{} {}={:g}", k == 0 ? "" : ",", k + 1, spec.premium_by_tenure[k]);
    line += ", later 1";
  }
  return line + "\n";
}

// The rows whose rates count datasets without a p-value or interval (an empty or constant
// group): such a dataset is neither a rejection nor a cover, so a rate of 0.000 may mean
// "nothing computed", which the table must say (the JSON has the counts as `undefined`).
std::string undefined_lines(const std::vector<PowerRow>& rows, bool test) {
  std::string out;
  for (const PowerRow& r : rows) {
    std::vector<std::string> parts;
    if (test && r.undefined > 0) parts.push_back(fmt::format("p-value in {}", r.undefined));
    for (const CoverageRow& c : r.coverage)
      if (c.undefined > 0)
        parts.push_back(
            fmt::format("{} interval in {}", interval_method_name(c.method), c.undefined));
    if (parts.empty()) continue;
    parts.front() += fmt::format(" of {} datasets", r.datasets);
    out += wrap_lines(fmt::format(
        "undefined: {}, premium {:g}, {} firms: no {} (neither rejections nor covers)\n", r.metric,
        r.premium, r.firms, fmt::join(parts, ", no ")));
  }
  return out;
}

}  // namespace

std::string power_table(const PowerSpec& spec, const std::vector<PowerRow>& rows) {
  std::string out;
  if (rows.empty()) return out;
  const bool test = spec.permutations > 0;
  out += fmt::format("power study: {} datasets per row\n", rows.front().datasets);
  out += wrap_lines(design_line(spec));
  if (test)
    out += wrap_lines(fmt::format(
        "rejection: share of datasets with p <= {:g} ({}, P = {}), 95% Clopper-Pearson CI\n",
        spec.alpha, rows.front().test, spec.permutations));
  if (!rows.front().coverage.empty())
    out += wrap_lines(fmt::format(
        "coverage: share of datasets whose {:g}% interval (B = {}) holds the true value\n",
        100.0 * spec.level, spec.bootstrap));
  std::string header = fmt::format("{:<9}{:>7}  {:<14}", "premium", "firms", "metric");
  if (test) header += fmt::format("{:>9}  {:<14}", "rejection", " 95% CI");
  header += fmt::format("{:>12}", "true");
  for (const CoverageRow& c : rows.front().coverage)
    header += fmt::format("{:>12}", interval_method_name(c.method));
  out += header + "\n";
  for (const PowerRow& r : rows) {
    std::string line =
        fmt::format("{:<9}{:>7}  {:<14}", fit_label(fmt::format("{:g}", r.premium), 9), r.firms,
                    fit_label(r.metric, 14));
    if (test)
      line += fmt::format("{:>9.3f}  [{:.3f}, {:.3f}]", r.rejection_rate, r.ci_low, r.ci_high);
    line += fmt::format("{:>12.5f}", r.true_value);
    for (const CoverageRow& c : r.coverage) line += fmt::format("{:>12.3f}", c.rate);
    out += line + "\n";
  }
  out += undefined_lines(rows, test);
  return out;
}

}  // namespace klynge::power
