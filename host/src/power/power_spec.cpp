// The study's design (docs/power.md "Design"): which simulate panel dataset d of a grid point
// is, and the checks that make a spec runnable.
#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <string>
#include <tuple>
#include <utility>

#include <fmt/format.h>

#include "klynge/error.hpp"
#include "klynge/power.hpp"
#include "klynge/power_pool.hpp"
#include "klynge/sim_window.hpp"

namespace klynge::power {

namespace {

constexpr double kMaxMemberNoise = 10.0;
constexpr std::uint32_t kMinTruthFirms = 1000;
constexpr double kMinTruthGroup = 500;  // members and controls of a --selection truth panel

// The choices that need stratum columns (docs/power.md "Members selected on strata"): the
// pool's, or a simulated panel's industry and region.
void check_strata_choices(const PowerSpec& s) {
  const bool stratified = s.pool ? !s.pool->source.columns.strata.empty() : !s.sim_strata.empty();
  if (stratified) return;
  const std::string why = s.pool ? "name the --pool file's stratum columns with --strata"
                                 : "name the simulated panels' stratum columns with --strata "
                                   "(nace, region, size_class)";
  // In the cohort design a profile without strata is the members' entry years.
  if (s.pool && s.pool->source.columns.profile == MemberProfile::members && !s.cohort_design())
    throw_usage_error("--member-profile members draws members by stratum cell: " + why);
  if (s.balance) throw_usage_error("--balance reweights controls by stratum cell: " + why);
  if (s.bootstrap_scheme == Scheme::strata)
    throw_usage_error("--scheme strata resamples within stratum cells: " + why);
  if (s.perm_scheme == PermScheme::strata)
    throw_usage_error("--perm-scheme strata permutes within stratum cells: " + why);
}

// How simulated members are selected (docs/power.md "Members selected on strata"): on size, and
// pulled into their cluster's industry. Industries
// share year shocks, so with members gathered in their cluster's home industry the unbalanced
// difference carries that industry's shocks: its true value differs from panel to panel and the
// study could not say what an interval should cover. Balanced on nace, members and controls of
// an industry share its shocks, and the true value is the premium again.
void check_selection(const PowerSpec& s) {
  if (!s.pool) sim::check_stratum_names(s.sim_strata);
  if (!(s.home_share >= 0.0 && s.home_share <= 1.0))
    throw_usage_error(fmt::format("--home-share must be in [0, 1] (got {})", s.home_share));
  if (!(s.selection > -1.0 && s.selection < 1.0))
    throw_usage_error(
        fmt::format("--selection must be strictly between -1 and 1 (got {})", s.selection));
  if (s.pool && s.selection != 0.0)
    throw_usage_error(
        fmt::format("--selection {} cannot be combined with --pool: it selects simulated members "
                    "on size; a pool's members follow --member-profile",
                    s.selection));
  if (s.pool && s.home_share != 0.0)
    throw_usage_error(
        fmt::format("--home-share {} cannot be combined with --pool: it pulls simulated members "
                    "into their cluster's industry; a pool's members follow --member-profile",
                    s.home_share));
  const bool balanced_on_industry = s.balance && std::find(s.sim_strata.begin(), s.sim_strata.end(),
                                                           "nace") != s.sim_strata.end();
  if (s.home_share > 0.0 && !balanced_on_industry)
    throw_usage_error(
        fmt::format("--home-share {} gathers members in one industry, whose year shocks the "
                    "unbalanced comparison would carry: give --balance --strata nace (or "
                    "nace,region)",
                    s.home_share));
  // Balanced on cells that cut across industries (size classes: industries differ in size),
  // selected members and their controls come from different industries within a cell, and the
  // balanced difference carries those industries' year shocks: a true value that changes
  // panel by panel, which one truth panel cannot measure (docs/power.md "The true premium").
  if (s.selection != 0.0 && s.balance && !balanced_on_industry)
    throw_usage_error(
        fmt::format("--selection {} with --balance: balance within industries too (--strata "
                    "nace,size_class), or the balanced difference carries industry shocks",
                    s.selection));
  // The truth panel has the study's member share with --selection: it needs members and
  // controls enough to measure the selection bias.
  if (s.selection != 0.0) {
    const double members = s.truth_firms * s.member_share;
    const double controls = s.truth_firms - members;
    if (members < kMinTruthGroup || controls < kMinTruthGroup)
      throw_usage_error(fmt::format(
          "--selection with --truth-firms {} and --member-share {}: the truth panel needs at "
          "least {} members and {} controls; raise --truth-firms",
          s.truth_firms, s.member_share, kMinTruthGroup, kMinTruthGroup));
  }
  // Cells nothing reads would be recorded as if they shaped the analysis.
  if (!s.pool && !s.sim_strata.empty() && !s.balance && s.bootstrap_scheme != Scheme::strata &&
      s.perm_scheme != PermScheme::strata)
    throw_usage_error(
        "--strata on simulated panels shapes only --balance, --scheme strata and --perm-scheme "
        "strata: give one of them, or leave --strata out");
}

// The interval statistic and the test statistic (docs/power.md "Other statistics"). A median or
// trimmed-mean difference has a known true value only where the members' growth distribution
// without the premium is the controls': pool datasets whose members are drawn as controls are,
// or whose controls are balanced to the members' cells; simulated panels whose members are a
// random draw.
void check_statistics(const PowerSpec& s) {
  const auto is = [](Statistic x, std::initializer_list<Statistic> set) {
    return std::find(set.begin(), set.end(), x) != set.end();
  };
  if (!is(s.test_statistic, {Statistic::welch_t, Statistic::mean_diff, Statistic::median_diff,
                             Statistic::trimmed_mean_diff}))
    throw_usage_error(
        fmt::format("--perm-statistic {}: the study tests welch_t, mean_diff, median_diff or "
                    "trimmed_mean_diff",
                    statistic_name(s.test_statistic)));
  if (!is(s.statistic,
          {Statistic::mean_diff, Statistic::median_diff, Statistic::trimmed_mean_diff}))
    throw_usage_error(
        fmt::format("--statistic {}: the study's intervals are of mean_diff, median_diff or "
                    "trimmed_mean_diff",
                    statistic_name(s.statistic)));
  if (!(s.trim >= 0.0 && s.trim < 0.5))
    throw_usage_error(fmt::format("--trim must be in [0, 0.5) (got {})", s.trim));
  if (s.statistic == Statistic::mean_diff) return;
  const std::string name(statistic_name(s.statistic));
  // On simulated panels members are a random draw of the model's firms, so without the
  // premium their growth has the controls' distribution, and the truth panel measures the
  // statistic's true difference on the members alone (power_truth.cpp), balanced or not,
  // pulled into home industries or not. Selection on size and other member noise break that.
  if (!s.pool) {
    // With --home-share the employees' median under-covers (docs/power.md): a finding about
    // medians of an integer metric, not about the truth (the trimmed mean covers).
    const char* why = s.selection != 0.0      ? "--selection"
                      : s.member_noise != 1.0 ? "--member-noise"
                                              : nullptr;
    if (why)
      throw_usage_error(fmt::format(
          "--statistic {} with {}: on simulated panels its true value is known only where "
          "members are a random draw of the model's firms (the mean difference's truth panel "
          "measures what selection does; the median's does not)",
          name, why));
  }
  if (s.pool && s.pool->source.columns.profile == MemberProfile::members && !s.balance)
    throw_usage_error("--statistic " + name +
                      " with --member-profile members needs --balance: unbalanced, the members' "
                      "and controls' growth distributions differ by more than the premium");
  for (const IntervalMethod m : s.methods)
    if (m == IntervalMethod::studentized)
      throw_usage_error(
          "--interval studentized studentizes the mean difference; with --statistic " + name +
          " choose percentile, basic, normal or bca");
}

// The years of a simulated cohort-design panel: the entry years and every cohort's window
// [g + offset, g + offset + horizon].
std::pair<int, int> cohort_panel_years(const PowerSpec& s) {
  return {std::min(s.entry_first, s.entry_first + s.offset),
          std::max(s.entry_last, s.entry_last + s.offset + s.horizon)};
}

// A cohort's premium is the grid premium times its entry year's factor: it must stay a log
// growth per year in [-1, 1], as --premium is.
void check_premium_by_entry(const PowerSpec& s) {
  if (s.premium_by_entry.empty()) return;
  if (s.premium_by_entry.size() != static_cast<std::size_t>(s.entry_last - s.entry_first + 1))
    throw Error(ExitCode::internal, "premium_by_entry: one factor per entry year is needed");
  for (std::size_t i = 0; i < s.premium_by_entry.size(); ++i) {
    const double factor = s.premium_by_entry[i];
    for (const PremiumPoint& p : s.premiums)
      for (const double premium : p.premium)
        if (!(std::abs(premium * factor) <= 1.0))
          throw_usage_error(fmt::format(
              "--premium-by-entry {}={} with --premium {}: the entry year's premium {} is not a "
              "log growth per year between -1 and 1",
              s.entry_first + static_cast<int>(i), factor, p.label, premium * factor));
  }
}

// A year's premium is the grid premium x its entry year's factor x its tenure factor: each must
// stay a log growth per year in [-1, 1], as --premium is.
void check_premium_by_tenure(const PowerSpec& s) {
  const double entry = sim::check_tenure_factors(s.premium_by_tenure, s.premium_by_entry);
  for (std::size_t k = 0; k < s.premium_by_tenure.size(); ++k) {
    const double factor = s.premium_by_tenure[k];
    for (const PremiumPoint& p : s.premiums)
      for (const double premium : p.premium)
        if (!(std::abs(premium * entry * factor) <= 1.0))
          throw_usage_error(fmt::format(
              "--premium-by-tenure {}={} with --premium {}{}: the year's premium {} is not a log "
              "growth per year between -1 and 1",
              k + 1, factor, p.label,
              s.premium_by_entry.empty() ? std::string() : fmt::format(" (entry factor {})", entry),
              premium * entry * factor));
  }
}

// The cohort design's flags (docs/power.md "Cohort design"), and the window design's left at
// their defaults where the other design is studied: a value that is not the default would be
// silently ignored. The defaults themselves pass (--print-config writes them).
void check_design(const PowerSpec& s) {
  const PowerSpec defaults;
  // The entry-year column is read only for a cohort design's member profile.
  if (s.pool && s.pool->source.columns.entry != PoolColumns{}.entry &&
      !(s.cohort_design() && s.pool->source.columns.profile == MemberProfile::members))
    throw_usage_error(fmt::format(
        "--entry {} names the --pool file's entry-year column, read for --member-profile "
        "members with --entry-years: give both, or leave --entry out",
        s.pool->source.columns.entry));
  if (!s.cohort_design()) {
    // Name only the flags the user changed from their defaults.
    const bool horizon = s.horizon != defaults.horizon, offset = s.offset != defaults.offset;
    if (horizon || offset)
      throw_usage_error(fmt::format(
          "{}{}{} set{} the cohort design's windows: give --entry-years A:B, or leave {} out",
          horizon ? fmt::format("--horizon {}", s.horizon) : "", horizon && offset ? " " : "",
          offset ? fmt::format("--offset {}", s.offset) : "", horizon && offset ? "" : "s",
          horizon && offset ? "them" : "it"));
    if (!s.premium_by_entry.empty())
      throw_usage_error(
          "--premium-by-entry scales the premium per entry year of the cohort design: give "
          "--entry-years A:B, or leave --premium-by-entry out");
    return;
  }
  if (s.entry_first < 1800 || s.entry_last > 2200 || s.entry_first > s.entry_last)
    throw_usage_error(fmt::format("--entry-years {}:{}: need 1800 <= A <= B <= 2200", s.entry_first,
                                  s.entry_last));
  if (s.horizon < 1 || s.horizon > 50)
    throw_usage_error(fmt::format("--horizon must be between 1 and 50 (got {})", s.horizon));
  if (s.offset < -50 || s.offset > 50)
    throw_usage_error(fmt::format("--offset must be between -50 and 50 (got {})", s.offset));
  if (s.from != defaults.from || s.to != defaults.to)
    throw_usage_error(fmt::format(
        "--from {} --to {} set the window design's window; with --entry-years each member is "
        "compared over [entry {:+d}, entry {:+d}] (--offset, --horizon): leave --from and --to out",
        s.from, s.to, s.offset, s.offset + s.horizon));
  if (!s.pool && s.premium_by_entry.size() > static_cast<std::size_t>(hd::sim::kMaxEntryFactors))
    throw_usage_error(fmt::format(
        "--premium-by-entry with --entry-years {}:{}: the simulated panels take factors for at "
        "most {} entry years",
        s.entry_first, s.entry_last, hd::sim::kMaxEntryFactors));
  const auto [first, last] = cohort_panel_years(s);
  if (!s.pool && (first < 1800 || last > 2200))
    throw_usage_error(fmt::format(
        "--entry-years {}:{} --offset {} --horizon {}: the simulated panels would span {}..{}; "
        "keep them within 1800..2200",
        s.entry_first, s.entry_last, s.offset, s.horizon, first, last));
  check_premium_by_entry(s);
}

}  // namespace

DesignOptions study_design(const PowerSpec& spec) {
  DesignOptions design;
  design.growth = spec.growth;
  if (spec.cohort_design()) {
    design.horizon = spec.horizon;
    design.offset = spec.offset;
    for (int g = spec.entry_first; g <= spec.entry_last; ++g) design.extra_cohorts.push_back(g);
  } else {
    design.from = spec.from;
    design.to = spec.to;
  }
  design.balance = spec.balance;
  design.trim = spec.trim;
  return design;
}

sim::SimSpec dataset_spec(const PowerSpec& spec, const PremiumPoint& premium, std::uint32_t firms,
                          std::uint32_t dataset) {
  sim::SimSpec s;
  s.seed = spec.seed;
  s.stream = dataset;
  s.firms = firms;
  if (spec.cohort_design()) {
    // Members join in a year drawn uniformly from A..B (the model's entry draw); the panel
    // spans every cohort's window and the entry years, so a member's window holds horizon
    // years of premium when offset >= 0 (fewer, the years after its entry, when the window
    // starts before it: the truth panel measures that).
    std::tie(s.first_year, s.last_year) = cohort_panel_years(spec);
    s.entry_first = spec.entry_first;
    s.entry_last = spec.entry_last;
    s.premium_by_entry = spec.premium_by_entry;  // a member's premium: its entry year's factor
  } else {
    // The panel is the comparison window itself, and every member joins in its first year: the
    // window then holds exactly `to - from` years of premium for every member.
    s.first_year = spec.from;
    s.last_year = spec.to;
    s.entry_first = spec.from;
    s.entry_last = spec.from;
  }
  s.premium_by_tenure = spec.premium_by_tenure;  // both designs: members have an entry year
  s.member_share = spec.member_share;
  // A simulated study's premiums are the model's metrics, in its order (validate checks it).
  if (premium.premium.size() != s.premium.size())
    throw Error(ExitCode::internal, "dataset_spec: a premium per simulated metric is needed");
  std::copy(premium.premium.begin(), premium.premium.end(), s.premium.begin());
  // The randomised benchmark (docs/simulate.md "What the premium means"), with no firm births
  // or exits either: members and controls differ only by the premium (and, when asked, by the
  // size of their transitory shocks), so the premium is the estimand's true value.
  // The exceptions, when asked: members selected on size (whose effect on the estimand the truth
  // panel measures) and pulled into their cluster's home industry and region (which the study
  // then balances away: --balance --strata nace, check_selection).
  s.selection = spec.selection;
  s.home_share = spec.home_share;
  s.exit_rate = 0.0;
  s.birth_share = 0.0;
  s.clusters = 1;
  s.size_class_column = false;
  s.threads = 1;  // parallelism is over datasets
  s.model.member_noise = spec.member_noise;
  return s;
}

std::vector<double> pool_premium_factors(const PowerSpec& spec) {
  if (spec.premium_by_tenure.empty()) return spec.premium_by_entry;
  const int first = spec.cohort_design() ? spec.offset + 1 : 1;
  const int years = spec.cohort_design() ? spec.horizon : spec.to - spec.from;
  if (years < 1) return spec.premium_by_entry;  // no growth window (validate refuses it)
  double sum = 0.0;
  for (int k = first; k < first + years; ++k)
    sum += k >= 1 && k <= static_cast<int>(spec.premium_by_tenure.size())
               ? spec.premium_by_tenure[static_cast<std::size_t>(k - 1)]
               : 1.0;
  const double tenure = sum / years;
  std::vector<double> factors = spec.premium_by_entry;
  if (factors.empty())
    factors.assign(
        spec.cohort_design() ? static_cast<std::size_t>(spec.entry_last - spec.entry_first + 1) : 1,
        1.0);
  for (double& f : factors) f *= tenure;
  return factors;
}

std::string test_name(const PowerSpec& spec) {
  if (spec.permutations == 0) return "none";
  return "permutation_" + std::string(statistic_name(spec.test_statistic));
}

void validate(const PowerSpec& s) {
  auto bad = [](const std::string& message) { throw_usage_error(message); };
  if (s.premiums.empty()) bad("--premium: give at least one premium, e.g. 0,0.02,0.05");
  if (s.firms.empty()) bad("--firms: give at least one sample size, e.g. 2000");
  if (!(s.member_share > 0.0 && s.member_share < 1.0))
    bad(fmt::format("--member-share must be strictly between 0 and 1 (got {})", s.member_share));
  for (std::uint32_t n : s.firms) {
    const double members = n * s.member_share;
    if (members < 5.0 || n - members < 5.0)
      bad(
          fmt::format("--firms {} with --member-share {}: expect at least 5 members and 5 "
                      "controls per panel",
                      n, s.member_share));
  }
  if (!(s.member_noise > 0.0 && s.member_noise <= kMaxMemberNoise))
    bad(fmt::format("--member-noise must be in (0, {}] (got {})", kMaxMemberNoise, s.member_noise));
  if (s.datasets < 1 || s.datasets >= kTruthStream)
    bad(fmt::format("--datasets must be between 1 and {} (got {})", kTruthStream - 1, s.datasets));
  const std::uint32_t last = s.last == 0 ? s.datasets : s.last;
  if (s.first >= last || last > s.datasets)
    bad(fmt::format("--dataset-range {}:{}: need A:B with 0 <= A < B <= --datasets ({})", s.first,
                    last, s.datasets));
  if (s.from < 1800 || s.to > 2200 || s.from >= s.to)
    bad(fmt::format("--from {} --to {}: need 1800 <= from < to <= 2200", s.from, s.to));
  if (s.bootstrap == 0 && s.permutations == 0)
    bad("--bootstrap 0 and --permutations 0: nothing to study; give at least one");
  if (!(s.alpha > 0.0 && s.alpha < 1.0))
    bad(fmt::format("--alpha must be strictly between 0 and 1 (got {})", s.alpha));
  if (!(s.level > 0.0 && s.level < 1.0))
    bad(fmt::format("--level must be strictly between 0 and 1 (got {})", s.level));
  if (s.bootstrap > 0) {
    if (s.methods.empty()) bad("--interval: give at least one method, or --bootstrap 0");
    if ((static_cast<double>(s.bootstrap) + 1.0) * (1.0 - s.level) / 2.0 < 1.0)
      bad(fmt::format("--bootstrap {} is too few for --level {}: need (B + 1)(1 - level)/2 >= 1",
                      s.bootstrap, s.level));
  }
  // The smallest permutation p is 1/(P + 1) one-sided and 2/(P + 1) two-sided (twice the
  // smaller one-sided p, docs/permutation.md): below that a study could never reject, and its
  // power would read 0 whatever the premium.
  const bool two_sided = s.alternative == Alternative::two_sided;
  if (s.permutations > 0 &&
      static_cast<double>(s.permutations) + 1.0 < (two_sided ? 2.0 : 1.0) / s.alpha)
    bad(fmt::format("--permutations {} can never reach p <= --alpha {}{}: need P + 1 >= {}/alpha",
                    s.permutations, s.alpha, two_sided ? " two-sided" : "", two_sided ? "2" : "1"));
  if (s.permutations > 0xFFFFFFFFull) bad("--permutations must be below 2^32");
  if (s.truth_firms < kMinTruthFirms || s.truth_firms > sim::kMaxFirms)
    bad(fmt::format("--truth-firms must be between {} and {} (got {})", kMinTruthFirms,
                    sim::kMaxFirms, s.truth_firms));
  if (s.threads < 0) bad(fmt::format("--threads must be >= 0 (got {})", s.threads));
  if (s.pool) check_pool_metrics(s.pool->metrics());
  // Premiums are parsed against the study's metrics (parse_premium_grid); a grid parsed for
  // other metrics is a caller's mistake, not a user's.
  const std::size_t metrics = study_metrics(s).size();
  for (const PremiumPoint& p : s.premiums)
    if (p.premium.size() != metrics)
      throw Error(ExitCode::internal, fmt::format("--premium {}: {} premiums for {} metrics",
                                                  p.label, p.premium.size(), metrics));
  if (s.pool) {
    // These set the simulate model, which a pool replaces; a value that is not the default
    // would be silently ignored. The defaults themselves pass (--print-config writes them).
    const PowerSpec model_defaults;
    if (s.member_noise != model_defaults.member_noise)
      bad(
          fmt::format("--member-noise {} cannot be combined with --pool: the growth of members "
                      "and controls comes from the pool, there is no model noise to scale",
                      s.member_noise));
    if (s.truth_firms != model_defaults.truth_firms)
      bad(
          fmt::format("--truth-firms {} cannot be combined with --pool: with a pool the true "
                      "value is computed from the pool itself, no truth panel is simulated",
                      s.truth_firms));
  }
  check_design(s);
  check_premium_by_tenure(s);
  check_selection(s);
  check_strata_choices(s);
  check_statistics(s);
}

}  // namespace klynge::power
