#include "klynge/report/analyze_report.hpp"
#include "klynge/report/csv_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "klynge/report/json_values.hpp"
#include "klynge/report/text_layout.hpp"
#include "klynge/version.hpp"

namespace klynge {

namespace {

using json = nlohmann::ordered_json;

const Estimate& estimate_of(const AnalyzeInputs& in, const AnalyzedResult& r) {
  return in.describe.description.results[r.result];
}

json interval_json(IntervalMethod method, const Interval& iv) {
  json out;
  out["low"] = number_or_null(iv.low);
  out["high"] = number_or_null(iv.high);
  out["mc_se_low"] = number_or_null(iv.mc_se_low);
  out["mc_se_high"] = number_or_null(iv.mc_se_high);
  if (method == IntervalMethod::bca) {
    out["z0"] = number_or_null(iv.z0);
    out["acceleration"] = number_or_null(iv.acceleration);
  }
  out["status"] = iv.status;
  if (!iv.warnings.empty()) out["warnings"] = iv.warnings;
  return out;
}

// Differences of rates are shown in percentage points; welch_t and level growth as they are.
double display_scale(const AnalyzeInputs& in, Statistic s) {
  if (s == Statistic::welch_t) return 1.0;
  if (s == Statistic::agg_diff) return 100.0;
  return in.describe.design.growth == GrowthType::level ? 1.0 : 100.0;
}

std::string fixed(double v, double scale, int decimals = 2) {
  if (!std::isfinite(v)) return "-";
  return fmt::format("{:.{}f}", v * scale, decimals);
}

}  // namespace

json analyze_json(const AnalyzeInputs& in) {
  const AnalyzeSettings& st = in.settings;
  json out = describe_json(in.describe);
  json settings;
  settings["seed"] = st.spec.seed;
  settings["scheme"] = std::string(scheme_name(st.spec.scheme));
  settings["unit"] = std::string(resample_unit_name(st.spec.unit));
  settings["B"] = st.spec.replicates;
  settings["level"] = st.level;
  json methods = json::array();
  for (IntervalMethod m : st.methods) methods.push_back(std::string(interval_method_name(m)));
  settings["ci"] = methods;
  json stats = json::array();
  for (Statistic s : st.spec.statistics) stats.push_back(std::string(statistic_name(s)));
  settings["statistics"] = stats;
  settings["device"] = st.device;
  settings["threads"] = st.threads;
  settings["version"] = kVersion;
  out["settings"] = settings;

  json& results = out["results"];
  for (const AnalyzedResult& r : in.analyzed) {
    json& row = results[r.result];
    row["std_error"] = number_or_null(r.summary.std_error);
    row["bias"] = number_or_null(r.summary.bias);
    row["replicates"] = r.summary.replicates;
    row["valid_replicates"] = r.summary.valid;
    row["bootstrap_status"] = r.summary.status;
    json ci = json::object();
    for (std::size_t m = 0; m < st.methods.size(); ++m)
      ci[std::string(interval_method_name(st.methods[m]))] =
          interval_json(st.methods[m], r.intervals[m]);
    row["ci"] = ci;
    if (!r.summary.warnings.empty()) row["warnings"] = r.summary.warnings;
  }
  if (in.permutation) add_permutation_json(out, in.describe.description, *in.permutation);
  out["warnings"] = analyze_warnings(in);
  return out;
}

std::vector<std::string> analyze_warnings(const AnalyzeInputs& in) {
  std::vector<std::string> out;
  const Sample& s = in.describe.sample;
  for (const AnalyzedResult& r : in.analyzed) {
    const Estimate& e = estimate_of(in, r);
    const std::string where = fmt::format("{} cohort {} {}", s.metric_names[e.metric],
                                          cohort_text(e.cohort), statistic_name(e.statistic));
    if (e.status != "ok") {
      out.push_back(fmt::format("{}: no estimate ({})", where, e.status));
      continue;
    }
    if (r.summary.status != "ok")
      out.push_back(fmt::format("{}: bootstrap {}", where, r.summary.status));
    for (const std::string& w : r.summary.warnings) out.push_back(fmt::format("{}: {}", where, w));
    for (std::size_t m = 0; m < r.intervals.size(); ++m) {
      const Interval& iv = r.intervals[m];
      const auto method = interval_method_name(in.settings.methods[m]);
      if (iv.status != "ok")
        out.push_back(fmt::format("{}: {} interval: {}", where, method, iv.status));
      for (const std::string& w : iv.warnings)
        out.push_back(fmt::format("{}: {} interval: {}", where, method, w));
    }
  }
  return out;
}

std::string analyze_csv(const AnalyzeInputs& in) {
  const Sample& s = in.describe.sample;
  std::string out =
      "term,metric,cohort,statistic,estimate,std.error,bias,conf.method,conf.level,conf.low,"
      "conf.high,n_member,n_control,status," +
      std::string(kPermutationCsvHeader) + "\n";
  for (const AnalyzedResult& r : in.analyzed) {
    const Estimate& e = estimate_of(in, r);
    const std::string& metric = s.metric_names[e.metric];
    for (std::size_t m = 0; m < r.intervals.size(); ++m) {
      const Interval& iv = r.intervals[m];
      std::string status = e.status != "ok"           ? e.status
                           : r.summary.status != "ok" ? r.summary.status
                                                      : iv.status;
      out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                         csv_field("member - control: " + metric), csv_field(metric),
                         cohort_text(e.cohort), statistic_name(e.statistic), csv_number(e.value),
                         csv_number(r.summary.std_error), csv_number(r.summary.bias),
                         interval_method_name(in.settings.methods[m]),
                         csv_number(in.settings.level), csv_number(iv.low), csv_number(iv.high),
                         e.n_member, e.n_control, csv_field(status),
                         permutation_csv_fields(in.permutation, in.describe.description, r.result));
    }
  }
  return out;
}

std::string analyze_table(const AnalyzeInputs& in) {
  const Sample& s = in.describe.sample;
  const AnalyzeSettings& st = in.settings;
  std::string out = describe_table(in.describe);
  if (st.spec.replicates == 0) return out + "\nbootstrap: off (--bootstrap 0)\n";
  out += '\n';  // not "\n" + string: GCC 12 warns falsely (-Wrestrict) on that operator+
  out += wrap_lines(
      fmt::format("bootstrap: B = {}, scheme {}, unit {}, seed {}, {:g}% intervals, backend {} "
                  "({} threads)\n",
                  st.spec.replicates, scheme_name(st.spec.scheme), resample_unit_name(st.spec.unit),
                  st.spec.seed, st.level * 100.0, st.device, st.threads));
  // Intervals in blocks that fit kTableWidth: the first block with estimate and se
  // (12 + 7 + 18 + 9 + 8 = 54 columns, then 2 intervals of 20), later ones without (37 + 3 x 20).
  constexpr std::size_t kIntervalWidth = 20;
  std::size_t method = 0;
  for (bool first = true; method < st.methods.size() || first; first = false) {
    const std::size_t prefix = first ? 54 : 37;
    const std::size_t count =
        std::min(st.methods.size() - method, (kTableWidth - prefix) / kIntervalWidth);
    if (!first) out += "\n";
    out += fmt::format("{:<12}{:>7}{:>18}", "metric", "cohort", "statistic");
    if (first) out += fmt::format("{:>9}{:>8}", "estimate", "se");
    for (std::size_t m = method; m < method + count; ++m)
      out += fmt::format("{:>20}", interval_method_name(st.methods[m]));
    out += "\n";
    for (const AnalyzedResult& r : in.analyzed) {
      const Estimate& e = estimate_of(in, r);
      const double scale = display_scale(in, e.statistic);
      out += fmt::format("{:<12}{:>7}{:>18}", fit_label(s.metric_names[e.metric], 12),
                         cohort_text(e.cohort), statistic_name(e.statistic));
      if (first)
        out += fmt::format("{:>9}{:>8}", fixed(e.value, scale), fixed(r.summary.std_error, scale));
      for (std::size_t m = method; m < method + count; ++m) {
        const Interval& iv = r.intervals[m];
        const std::string text =
            iv.status == "ok" && e.status == "ok"
                ? fmt::format("[{}, {}]", fixed(iv.low, scale), fixed(iv.high, scale))
                : (e.status != "ok" ? e.status : iv.status);
        out += fmt::format("{:>20}", fit_label(text, kIntervalWidth));
      }
      out += "\n";
    }
    method += count;
  }
  return out;
}

}  // namespace klynge
