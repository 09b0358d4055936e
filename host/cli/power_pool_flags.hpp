// `klynge power --pool FILE` and the panel reader's layout flags that go with it (--delimiter,
// --id, --year, --metrics, --strata, --member, --entry, as `analyze` takes them) and
// --member-profile: a user's own control pool (docs/power.md).
#pragma once

#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "klynge/panel.hpp"
#include "klynge/power_pool.hpp"

namespace klynge::cli {

struct PoolFlags {
  std::string path;  // empty: simulated datasets
  std::string delimiter = "auto";
  ColumnMap columns;  // only id, year, metrics, strata and member apply to a pool
  std::string member_profile = "population";
  std::string entry = "entry_year";  // the members' entry-year column (cohort design's profile)
};

void add_pool_flags(CLI::App& cmd, PoolFlags& flags);

// A pool that only names its file: enough for power::validate to check the flags that conflict
// with --pool before the (possibly long) read. Null without --pool. Throws Error(usage) for a
// bad --delimiter, --metrics or --member-profile, and for --id, --year, --metrics, --delimiter,
// --member, --entry or --member-profile set without --pool (they would be ignored; --strata without
// a pool names the simulated panels' columns).
std::shared_ptr<const power::Pool> named_pool(const PoolFlags& flags);

// One line on stderr saying whom a members profile holds (unless quiet): the file's members it
// follows, those left out for entering outside the study's entry years, and those in a cell
// without non-members (a warning, printed even when quiet: the profile then under-represents
// their cells). Nothing for the population profile.
void print_profile_summary(const power::Pool& pool, bool quiet);

// Reads the pool (power::read_pool) for the study's design (power::study_design).
std::shared_ptr<const power::Pool> read_pool(const PoolFlags& flags, const DesignOptions& design,
                                             int threads);

}  // namespace klynge::cli
