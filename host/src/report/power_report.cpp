#include "klynge/report/power_report.hpp"

#include <memory>

#include <fmt/format.h>

#include "klynge/error.hpp"
#include "klynge/power_pool.hpp"
#include "klynge/report/csv_text.hpp"
#include "klynge/report/json_values.hpp"

namespace klynge::power {

namespace {

using json = nlohmann::ordered_json;

// The power report's own layout version, "MAJOR.MINOR" as in docs/report-schema.md: the minor
// number grows when fields are added, the major number when one is removed or changes meaning.
// 1.1 added settings.pool and timing.pool_s (`--pool`; such a study has no model settings
// member_noise and truth_firms). 1.2 added settings.pool.metrics (`--metrics`: the pool's
// metric columns, which name the rows; a 1.1 pool read them as employees, revenue,
// value_added, which is what a pool without the field is read as). 1.3 added settings.balance,
// settings.scheme, settings.perm_scheme and settings.pool.strata, .member_profile (with
// .member, .profile_members, .unmatched_members for the members profile) and .strata_cells;
// a report without them was made with no strata: false, groups, all, [], population. 1.3 also
// lets settings.statistic be median_diff or trimmed_mean_diff (with settings.trim). 1.4 added
// settings.strata, settings.home_share and settings.selection to simulated studies (a simulated
// report without them had no strata, no industry pull and no size selection: [], 0 and 0).
// 1.5 added settings.design ("cohort", with settings.entry_years, .horizon and .offset: the
// cohort design of a pool study); a report without it studied the window design [from, to].
// 1.6 added settings.pool.entry and .outside_members to a cohort design's members profile
// (which 1.5 refused). 1.7 added settings.premium_by_entry (a cohort design's factor on the
// premium per entry year, first to last; a report without it has one premium for all of them)
// and lets a simulated study have settings.design "cohort" (1.5 and 1.6: pool studies only).
// 1.8 added settings.premium_by_tenure (the factor on the premium per year in the cluster, from
// the first year after entry; a report without it has one premium for every year).
// 1.9 lets settings.growth be cagr, pct, dhs or level (`--growth`; before, always log).
constexpr const char* kPowerSchemaVersion = "1.9";

[[noreturn]] void bad(const std::string& source, const std::string& what) {
  throw Error(ExitCode::bad_data, source + ": not a klynge power report: " + what);
}

template <class T>
T field(const json& j, const char* key, const std::string& source) {
  if (!j.is_object() || !j.contains(key)) bad(source, fmt::format("no \"{}\"", key));
  try {
    return j.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    bad(source, fmt::format("\"{}\" has the wrong type", key));
  }
}

// --delimiter as the flag takes it (0 = sniffed).
std::string delimiter_text(char d) {
  if (d == 0) return "auto";
  if (d == '\t') return "tab";
  return std::string(1, d);
}

char delimiter_char(const std::string& text, const std::string& source) {
  if (text == "auto") return 0;
  if (text == "tab") return '\t';
  if (text == "," || text == ";") return text[0];
  bad(source, "unknown pool delimiter \"" + text + "\"");
}

// The pool's identity: the file (path and SHA-256), how it was read, and what it held.
json pool_json(const PoolSource& p, bool cohort_design) {
  json j;
  j["path"] = p.path;
  j["sha256"] = p.sha256;
  j["id"] = p.columns.id;
  j["year"] = p.columns.year;
  j["metrics"] = p.columns.metrics;
  j["delimiter"] = delimiter_text(p.columns.delimiter);
  j["file_firms"] = p.file_firms;
  j["firms"] = p.firms;
  json valid = json::object();
  for (std::size_t m = 0; m < p.valid.size(); ++m) valid[p.columns.metrics[m]] = p.valid[m];
  j["valid_firms"] = valid;
  j["strata"] = p.columns.strata;
  j["strata_cells"] = p.strata_cells;
  j["member_profile"] = member_profile_name(p.columns.profile);
  if (p.columns.profile == MemberProfile::members) {
    j["member"] = p.columns.member;
    j["profile_members"] = p.profile_members;
    j["unmatched_members"] = p.unmatched_members;
    if (cohort_design) {
      j["entry"] = p.columns.entry;
      j["outside_members"] = p.outside_members;
    }
  }
  return j;
}

// The pool's identity back (without its firms: a merge draws no dataset).
std::shared_ptr<const Pool> pool_from_json(const json& j, const std::string& source) {
  auto pool = std::make_shared<Pool>();
  PoolSource& p = pool->source;
  p.path = field<std::string>(j, "path", source);
  p.sha256 = field<std::string>(j, "sha256", source);
  p.columns.id = field<std::string>(j, "id", source);
  p.columns.year = field<std::string>(j, "year", source);
  // Absent in a 1.1 report, whose pools had the default metric columns.
  if (j.contains("metrics"))
    p.columns.metrics = field<std::vector<std::string>>(j, "metrics", source);
  try {
    check_pool_metrics(p.columns.metrics);
  } catch (const Error& e) {
    bad(source, std::string("settings.pool.metrics: ") + e.what());
  }
  p.columns.delimiter = delimiter_char(field<std::string>(j, "delimiter", source), source);
  p.file_firms = field<std::uint64_t>(j, "file_firms", source);
  p.firms = field<std::uint64_t>(j, "firms", source);
  const json valid = field<json>(j, "valid_firms", source);
  for (const std::string& metric : p.columns.metrics)
    p.valid.push_back(field<std::uint64_t>(valid, metric.c_str(), source));
  // Absent before 1.3: no strata, members drawn from the population.
  if (j.contains("strata")) p.columns.strata = field<std::vector<std::string>>(j, "strata", source);
  if (j.contains("strata_cells")) p.strata_cells = field<std::uint64_t>(j, "strata_cells", source);
  if (j.contains("member_profile")) {
    const auto profile = parse_member_profile(field<std::string>(j, "member_profile", source));
    if (!profile) bad(source, "unknown settings.pool.member_profile");
    p.columns.profile = *profile;
  }
  if (p.columns.profile == MemberProfile::members) {
    p.columns.member = field<std::string>(j, "member", source);
    p.profile_members = field<std::uint64_t>(j, "profile_members", source);
    p.unmatched_members = field<std::uint64_t>(j, "unmatched_members", source);
    // Only a cohort design's profile reads entry years (1.6).
    if (j.contains("entry")) {
      p.columns.entry = field<std::string>(j, "entry", source);
      p.outside_members = field<std::uint64_t>(j, "outside_members", source);
    }
  }
  return pool;
}

}  // namespace

json settings_json(const PowerSpec& spec) {
  json s;
  json premiums = json::array();
  for (const PremiumPoint& p : spec.premiums) premiums.push_back(p.label);
  s["premiums"] = premiums;
  s["firms"] = spec.firms;
  s["member_share"] = spec.member_share;
  if (!spec.pool) s["member_noise"] = spec.member_noise;  // a model setting: none with a pool
  s["seed"] = spec.seed;
  s["datasets"] = spec.datasets;
  s["from"] = spec.from;
  s["to"] = spec.to;
  if (spec.cohort_design()) {
    s["design"] = "cohort";
    s["entry_years"] = json::array({spec.entry_first, spec.entry_last});
    s["horizon"] = spec.horizon;
    s["offset"] = spec.offset;
    if (!spec.premium_by_entry.empty()) s["premium_by_entry"] = spec.premium_by_entry;
  }
  if (!spec.premium_by_tenure.empty()) s["premium_by_tenure"] = spec.premium_by_tenure;
  s["growth"] = growth_type_name(spec.growth);
  s["statistic"] = statistic_name(spec.statistic);
  if (spec.statistic == Statistic::trimmed_mean_diff ||
      spec.test_statistic == Statistic::trimmed_mean_diff)
    s["trim"] = spec.trim;
  s["bootstrap"] = spec.bootstrap;
  s["permutations"] = spec.permutations;
  s["alpha"] = spec.alpha;
  s["level"] = spec.level;
  json methods = json::array();
  for (IntervalMethod m : spec.methods) methods.push_back(interval_method_name(m));
  s["intervals"] = methods;
  s["test_statistic"] = statistic_name(spec.test_statistic);
  s["alternative"] = alternative_name(spec.alternative);
  s["balance"] = spec.balance;
  s["scheme"] = scheme_name(spec.bootstrap_scheme);
  s["perm_scheme"] = perm_scheme_name(spec.perm_scheme);
  if (spec.pool) {
    s["pool"] = pool_json(spec.pool->source, spec.cohort_design());
  } else {
    s["truth_firms"] = spec.truth_firms;
    s["strata"] = spec.sim_strata;
    s["home_share"] = spec.home_share;
    s["selection"] = spec.selection;
  }
  return s;
}

PowerSpec spec_from_settings(const json& s, const std::string& source) {
  PowerSpec spec;
  // The pool first: its metric columns are the names the premiums were given with.
  if (s.contains("pool"))
    spec.pool = pool_from_json(field<json>(s, "pool", source), source);
  else
    spec.member_noise = field<double>(s, "member_noise", source);
  spec.premiums = parse_premium_grid(field<std::vector<std::string>>(s, "premiums", source),
                                     study_metrics(spec));
  spec.firms = field<std::vector<std::uint32_t>>(s, "firms", source);
  spec.member_share = field<double>(s, "member_share", source);
  spec.seed = field<std::uint64_t>(s, "seed", source);
  spec.datasets = field<std::uint32_t>(s, "datasets", source);
  spec.from = field<int>(s, "from", source);
  spec.to = field<int>(s, "to", source);
  // Absent before 1.5, and for the window design.
  if (s.contains("design")) {
    if (field<std::string>(s, "design", source) != "cohort")
      bad(source, "unknown settings.design (known: cohort)");
    const auto entry = field<std::vector<int>>(s, "entry_years", source);
    if (entry.size() != 2) bad(source, "settings.entry_years is not [first, last]");
    spec.entry_first = entry[0];
    spec.entry_last = entry[1];
    spec.horizon = field<int>(s, "horizon", source);
    spec.offset = field<int>(s, "offset", source);
    // Absent before 1.7 and when every entry year has the grid's premium.
    if (s.contains("premium_by_entry")) {
      spec.premium_by_entry = field<std::vector<double>>(s, "premium_by_entry", source);
      if (spec.premium_by_entry.size() !=
          static_cast<std::size_t>(spec.entry_last - spec.entry_first + 1))
        bad(source, "settings.premium_by_entry has not one factor per entry year");
    }
  }
  // "log" before 1.9, which had no other.
  const auto growth = parse_growth_type(field<std::string>(s, "growth", source));
  if (!growth) bad(source, "unknown settings.growth");
  spec.growth = *growth;
  // Absent before 1.8 and when every year in the cluster has the grid's premium.
  if (s.contains("premium_by_tenure"))
    spec.premium_by_tenure = field<std::vector<double>>(s, "premium_by_tenure", source);
  spec.bootstrap = field<std::uint64_t>(s, "bootstrap", source);
  spec.permutations = field<std::uint64_t>(s, "permutations", source);
  spec.alpha = field<double>(s, "alpha", source);
  spec.level = field<double>(s, "level", source);
  spec.methods.clear();
  for (const std::string& name : field<std::vector<std::string>>(s, "intervals", source)) {
    const auto m = parse_interval_method(name);
    if (!m) bad(source, "unknown interval method \"" + name + "\"");
    spec.methods.push_back(*m);
  }
  const auto stat = parse_statistic(field<std::string>(s, "test_statistic", source));
  const auto alt = parse_alternative(field<std::string>(s, "alternative", source));
  if (!stat || !alt) bad(source, "unknown test statistic or alternative");
  spec.test_statistic = *stat;
  spec.alternative = *alt;
  if (!spec.pool) spec.truth_firms = field<std::uint32_t>(s, "truth_firms", source);
  // Absent before 1.4: a simulated study without strata, industry pull or size selection.
  if (!spec.pool && s.contains("strata"))
    spec.sim_strata = field<std::vector<std::string>>(s, "strata", source);
  if (!spec.pool && s.contains("home_share"))
    spec.home_share = field<double>(s, "home_share", source);
  if (!spec.pool && s.contains("selection")) spec.selection = field<double>(s, "selection", source);
  // "mean_diff" before 1.3, which had no other; "trim" only where a trimmed mean is used.
  const auto statistic = parse_statistic(field<std::string>(s, "statistic", source));
  if (!statistic) bad(source, "unknown settings.statistic");
  spec.statistic = *statistic;
  if (s.contains("trim")) spec.trim = field<double>(s, "trim", source);
  // Absent before 1.3: unbalanced, groups, all.
  if (s.contains("balance")) spec.balance = field<bool>(s, "balance", source);
  if (s.contains("scheme")) {
    const auto scheme = parse_scheme(field<std::string>(s, "scheme", source));
    if (!scheme) bad(source, "unknown settings.scheme");
    spec.bootstrap_scheme = *scheme;
  }
  if (s.contains("perm_scheme")) {
    const auto scheme = parse_perm_scheme(field<std::string>(s, "perm_scheme", source));
    if (!scheme) bad(source, "unknown settings.perm_scheme");
    spec.perm_scheme = *scheme;
  }
  return spec;
}

json rows_json(const std::vector<PowerRow>& rows) {
  json out = json::array();
  for (const PowerRow& r : rows) {
    json j;
    j["premium"] = r.premium;
    j["premium_label"] = r.premium_label;
    j["firms"] = r.firms;
    j["metric"] = r.metric;
    j["test"] = r.test;
    j["datasets"] = r.datasets;
    j["rejections"] = r.rejected;
    j["undefined"] = r.undefined;
    j["rejection_rate"] = number_or_null(r.rejection_rate);
    j["rejection_ci"] = json::array({number_or_null(r.ci_low), number_or_null(r.ci_high)});
    j["true_value"] = r.true_value;
    j["true_value_mc_se"] = r.true_value_mc_se;
    json coverage = json::object();
    for (const CoverageRow& c : r.coverage) {
      json cj;
      cj["rate"] = c.rate;
      cj["ci"] = json::array({c.ci_low, c.ci_high});
      cj["mean_width"] = number_or_null(c.mean_width);
      cj["covered"] = c.covered;
      cj["undefined"] = c.undefined;
      coverage[std::string(interval_method_name(c.method))] = cj;
    }
    j["coverage"] = coverage;
    out.push_back(j);
  }
  return out;
}

json tally_json(const PowerSpec& spec, const StudyTally& tally) {
  json cells = json::array();
  const std::vector<std::string> names = study_metrics(spec);
  for (const CellTally& c : tally.cells) {
    json cj;
    cj["premium_index"] = c.premium;
    cj["firms_index"] = c.firms;
    cj["datasets"] = c.datasets;
    json metrics = json::array();
    for (std::size_t m = 0; m < c.metric.size(); ++m) {
      const MetricTally& t = c.metric[m];
      json mj;
      mj["metric"] = names.at(m);
      mj["true_value"] = c.truth.value[m];
      mj["true_value_mc_se"] = c.truth.mc_se[m];
      mj["rejected"] = t.rejected;
      mj["undefined"] = t.undefined;
      json methods = json::array();
      for (std::size_t j = 0; j < t.methods.size(); ++j)
        methods.push_back(json{{"method", interval_method_name(spec.methods[j])},
                               {"covered", t.methods[j].covered},
                               {"undefined", t.methods[j].undefined},
                               {"width_units", t.methods[j].width_units}});
      mj["methods"] = methods;
      metrics.push_back(mj);
    }
    cj["metrics"] = metrics;
    cells.push_back(cj);
  }
  return cells;
}

StudyTally tally_from_json(const PowerSpec& spec, const json& report, const std::string& source) {
  StudyTally tally;
  const json range = field<json>(report, "dataset_range", source);
  if (!range.is_array() || range.size() != 2) bad(source, "\"dataset_range\" is not [first, last]");
  tally.first = range[0].get<std::uint32_t>();
  tally.last = range[1].get<std::uint32_t>();
  const json cells = field<json>(report, "tallies", source);
  if (!cells.is_array() || cells.size() != spec.premiums.size() * spec.firms.size())
    bad(source, "\"tallies\" does not match the grid");
  const std::size_t metric_count = study_metrics(spec).size();
  for (const json& cj : cells) {
    CellTally c;
    c.premium = field<std::size_t>(cj, "premium_index", source);
    c.firms = field<std::size_t>(cj, "firms_index", source);
    c.datasets = field<std::uint64_t>(cj, "datasets", source);
    const json metrics = field<json>(cj, "metrics", source);
    if (!metrics.is_array() || metrics.size() != metric_count)
      bad(source, "a tally does not match the study's metrics");
    for (const json& mj : metrics) {
      c.truth.value.push_back(field<double>(mj, "true_value", source));
      c.truth.mc_se.push_back(field<double>(mj, "true_value_mc_se", source));
      MetricTally& t = c.metric.emplace_back();
      t.rejected = field<std::uint64_t>(mj, "rejected", source);
      t.undefined = field<std::uint64_t>(mj, "undefined", source);
      const json methods = field<json>(mj, "methods", source);
      if (!methods.is_array() || methods.size() != spec.methods.size())
        bad(source, "a tally does not match the interval methods");
      for (const json& xj : methods)
        t.methods.push_back(MethodTally{field<std::uint64_t>(xj, "covered", source),
                                        field<std::uint64_t>(xj, "undefined", source),
                                        field<std::int64_t>(xj, "width_units", source)});
    }
    tally.cells.push_back(std::move(c));
  }
  return tally;
}

json power_json(const PowerSpec& spec, const StudyTally& tally) {
  json report;
  report["schema_version"] = kPowerSchemaVersion;
  report["report"] = "power";
  report["settings"] = settings_json(spec);
  report["dataset_range"] = json::array({tally.first, tally.last});
  report["power"] = rows_json(power_rows(spec, tally));
  report["tallies"] = tally_json(spec, tally);
  return report;
}

std::string power_csv(const std::vector<PowerRow>& rows) {
  std::string out =
      "premium,firms,metric,test,datasets,rejections,rejection_rate,rejection_ci_low,"
      "rejection_ci_high,true_value,method,covered,coverage_rate,coverage_ci_low,"
      "coverage_ci_high,mean_width\n";
  for (const PowerRow& r : rows) {
    const std::string head = fmt::format(
        "{},{},{},{},{},{},{},{},{},{}", csv_number(r.premium), r.firms, csv_field(r.metric),
        r.test, r.datasets, r.rejected, csv_number(r.rejection_rate), csv_number(r.ci_low),
        csv_number(r.ci_high), csv_number(r.true_value));
    if (r.coverage.empty()) out += head + ",NA,NA,NA,NA,NA,NA\n";
    for (const CoverageRow& c : r.coverage)
      out += fmt::format("{},{},{},{},{},{},{}\n", head, interval_method_name(c.method), c.covered,
                         csv_number(c.rate), csv_number(c.ci_low), csv_number(c.ci_high),
                         csv_number(c.mean_width));
  }
  return out;
}

}  // namespace klynge::power
