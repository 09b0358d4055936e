#include "power_pool_flags.hpp"

#include <fmt/format.h>

#include "klynge/error.hpp"
#include "panel_flags.hpp"

namespace klynge::cli {

namespace {

power::PoolColumns pool_columns(const PoolFlags& f) {
  power::PoolColumns c;
  c.id = f.columns.id;
  c.year = f.columns.year;
  c.metrics = f.columns.metrics;
  c.delimiter = parse_delimiter(f.delimiter);
  c.strata = f.columns.strata;
  c.member = f.columns.member;
  c.entry = f.entry;
  const auto profile = power::parse_member_profile(f.member_profile);
  if (!profile)
    throw_usage_error("--member-profile: \"" + f.member_profile +
                      "\" (known: population, members)");
  c.profile = *profile;
  return c;
}

}  // namespace

void add_pool_flags(CLI::App& cmd, PoolFlags& f) {
  cmd.add_option("--pool", f.path,
                 "Draw every dataset from this panel of real firms (CSV/TSV, .gz) instead of "
                 "simulating it: firms with replacement, members marked at random, the premium "
                 "added to their log growth")
      ->type_name("FILE")
      ->group("Pool");
  add_file_layout_flags(cmd, f.delimiter, f.columns);
  cmd.get_option("--delimiter")
      ->description("Field delimiter of the --pool file: auto, ',', ';' or tab")
      ->group("Pool");
  cmd.get_option("--id")->description("Firm id column of the --pool file")->group("Pool");
  cmd.get_option("--year")->description("Year column of the --pool file")->group("Pool");
  // As analyze's --metrics (panel_flags.cpp): a comma list, in the order of the report's rows.
  cmd.add_option("--metrics", f.columns.metrics,
                 "Metric columns of the --pool file (comma list, any names, at least one); "
                 "they name the report's rows and --premium's metric=value pairs")
      ->delimiter(',')
      ->capture_default_str()
      ->group("Pool");
  cmd.add_option("--strata", f.columns.strata,
                 "Stratum columns (comma list), read at --from: of the --pool file, or of the "
                 "simulated panels (nace, region, size_class); for --member-profile members, "
                 "--balance, --scheme strata, --perm-scheme strata")
      ->delimiter(',')
      ->group("Pool");
  cmd.add_option("--member-profile", f.member_profile,
                 "Whom members resemble: population (drawn as controls are) or members (the "
                 "--pool file's own members: their stratum mix, needs --strata; with "
                 "--entry-years also their entry years)")
      ->capture_default_str()
      ->group("Pool");
  cmd.add_option("--member", f.columns.member,
                 "Membership column of the --pool file, for --member-profile members (absent: "
                 "derived from a cluster column, as analyze does)")
      ->capture_default_str()
      ->group("Pool");
  cmd.add_option("--entry", f.entry,
                 "Entry-year column of the --pool file, for --member-profile members with "
                 "--entry-years")
      ->capture_default_str()
      ->group("Pool");
}

std::shared_ptr<const power::Pool> named_pool(const PoolFlags& f) {
  const power::PoolColumns columns = pool_columns(f);
  if (f.path.empty()) {
    // Compared with the defaults, not with "was it given": --print-config writes every flag,
    // and reading that back must not look like a pool flag given on its own.
    const power::PoolColumns defaults;
    if (columns.id != defaults.id)
      throw_usage_error(
          "--id names a column of the --pool file: give --pool FILE, or leave --id out");
    if (columns.year != defaults.year)
      throw_usage_error(
          "--year names a column of the --pool file: give --pool FILE, or leave --year out");
    if (columns.delimiter != defaults.delimiter)
      throw_usage_error(
          "--delimiter applies to the --pool file: give --pool FILE, or leave --delimiter out");
    if (columns.metrics != defaults.metrics)
      throw_usage_error(
          "--metrics names metric columns of the --pool file (simulated panels have "
          "employees, revenue and value_added): give --pool FILE, or leave --metrics out");
    // --strata without a pool names the simulated panels' columns (power::validate checks).
    if (columns.member != defaults.member)
      throw_usage_error(
          "--member names the --pool file's membership column: give --pool FILE, or leave "
          "--member out");
    if (columns.entry != defaults.entry)
      throw_usage_error(
          "--entry names the --pool file's entry-year column: give --pool FILE, or leave "
          "--entry out");
    if (columns.profile != defaults.profile)
      throw_usage_error(
          "--member-profile draws members from the --pool file: give --pool FILE, or leave "
          "--member-profile out");
    return nullptr;
  }
  power::check_pool_metrics(columns.metrics);
  auto pool = std::make_shared<power::Pool>();
  pool->source.path = f.path;
  pool->source.columns = columns;
  return pool;
}

void print_profile_summary(const power::Pool& pool, bool quiet) {
  const power::PoolSource& p = pool.source;
  if (p.columns.profile != power::MemberProfile::members) return;
  if (!quiet) {
    std::string outside;
    if (pool.cohort_design())
      outside = fmt::format("; {} more entered outside {} or have no entry year", p.outside_members,
                            power::entry_years_text(pool.design));
    fmt::print(stderr, "klynge power: member profile: {} of the file's members{}\n",
               p.profile_members - p.unmatched_members, outside);
  }
  if (p.unmatched_members > 0)
    fmt::print(stderr,
               "klynge power: warning: {} of the file's {} profile members are in {} without "
               "non-members and are left out of the profile: the datasets' members "
               "under-represent those cells\n",
               p.unmatched_members, p.profile_members,
               pool.cohort_design() && pool.stratum_labels.empty() ? "entry years" : "cells");
}

std::shared_ptr<const power::Pool> read_pool(const PoolFlags& f, const DesignOptions& design,
                                             int threads) {
  return std::make_shared<const power::Pool>(
      power::read_pool(f.path, pool_columns(f), design, threads));
}

}  // namespace klynge::cli
