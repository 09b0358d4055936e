// A user's own control pool for `klynge power --pool` (docs/power.md "Your own control pool"):
// the firms of a real panel, each with its growth per metric (annualised log growth unless --growth
// says otherwise) over the study's window, computed once. Datasets are then plasmode samples of it:
// firms drawn with replacement, a fixed share marked members, the premium added to the members'
// growth.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "klynge/design.hpp"
#include "klynge/panel.hpp"
#include "klynge/power.hpp"
#include "klynge/sample.hpp"

namespace klynge::power {

// Whom a dataset's members resemble (docs/power.md "Members selected on strata").
enum class MemberProfile {
  population,  // members are drawn as controls are, from the whole population
  members,     // members' stratum cells (and, in the cohort design, entry years) follow the pool
               // file's own members
};
std::string_view member_profile_name(MemberProfile profile);
std::optional<MemberProfile> parse_member_profile(std::string_view name);

// How the pool file is read: the panel reader's options that apply to a pool; membership is
// never read. The metric columns are the study's metrics (`--metrics`): any number >= 1, any
// names, no name twice; the default is the simulate model's three, so a register laid out like
// `simulate`'s output needs no flag.
struct PoolColumns {
  std::string id = "firm_id";
  std::string year = "year";
  std::vector<std::string> metrics = simulated_metrics();
  char delimiter = 0;  // 0 = sniffed from the header, as ReadOptions::delimiter
  // Stratum columns (categorical), read at the window's first year as `analyze --strata` reads
  // them; empty: none. Needed for MemberProfile::members and for balancing the datasets.
  std::vector<std::string> strata;
  MemberProfile profile = MemberProfile::population;
  // MemberProfile::members: the file's membership column, as `analyze --member` (absent: derived
  // from a cluster column, as analyze derives it). Not read otherwise.
  std::string member = "member";
  // MemberProfile::members in the cohort design: the members' entry-year column, as
  // `analyze --entry`. Not read otherwise.
  std::string entry = "entry_year";
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
  // MemberProfile::members: the file's members with a valid growth of some metric (those whose
  // cells the datasets' members follow), and how many of them are in a stratum cell without any
  // population firm (left out of the profile: no firm could stand in for them). In the cohort
  // design a member counts with its growth over its own entry year's window, and the members
  // whose entry year is outside the study's entry years (or missing) are counted apart.
  std::uint64_t strata_cells = 0;  // stratum cells of the population (0 without strata)
  std::uint64_t profile_members = 0;
  std::uint64_t unmatched_members = 0;
  std::uint64_t outside_members = 0;
};

// The pool's values over one comparison window: the window design's [from, to], or cohort g's
// [g + offset, g + offset + horizon] in the cohort design (docs/power.md "Cohort design").
struct PoolWindow {
  std::int32_t cohort = kWindowCohort;  // entry year g, or kWindowCohort
  std::int32_t from = 0, to = 0;
  // The population firms with a row in [from, to] (those build_sample puts in the window's cell
  // as controls), ascending; in the window design every population firm. slot[k] is population
  // firm k's index i into `firms`, or -1 when it has no row in the window.
  std::vector<std::uint32_t> firms;
  std::vector<std::int32_t> slot;
  // Per metric column (source.columns.metrics order), per i: the window's endpoints x0, x1 and
  // the growth of the study's type (Pool::design.growth; NaN where missing or undefined).
  // start[m][i] is metric m of firms[i].
  std::vector<std::vector<double>> start, end, growth;
  // With stratum columns: each firm's stratum cell at the window's first year, an index into
  // Pool::stratum_labels. Empty without.
  std::vector<std::int32_t> stratum;
};

struct Pool {
  PoolSource source;
  // The design the pool was measured for: the window design over [from, to], or the cohort
  // design with extra_cohorts = the study's entry years (docs/power.md "Cohort design").
  DesignOptions design;
  // The population (file order): the firms with a valid growth (design.growth) of some metric in
  // some window.
  std::vector<std::string> firm_ids;
  // One window (the window design), or one per cohort in ascending entry year.
  std::vector<PoolWindow> windows;
  // Stratum cells as build_sample labels and orders them (all windows). Empty without strata.
  std::vector<std::string> stratum_labels;
  // MemberProfile::members: one entry per profile member, its profile cell (file order); and the
  // population firms (indices into firm_ids) of each profile cell, cell by cell: cell c holds
  // cell_firms[cell_begin[c], cell_begin[c + 1]). Profile cell c is window c / cells_per_window()
  // and stratum cell c % cells_per_window() there: in the window design the stratum cell itself,
  // in the cohort design the member's entry year and its stratum cell at that window's start.
  std::vector<std::int32_t> profile;
  std::vector<std::uint32_t> cell_begin, cell_firms;

  std::uint32_t firms() const { return static_cast<std::uint32_t>(firm_ids.size()); }
  // Stratum cells per window in a profile cell index: 1 without strata (the cell is the window).
  std::uint32_t cells_per_window() const {
    return stratum_labels.empty() ? 1u : static_cast<std::uint32_t>(stratum_labels.size());
  }
  const std::vector<std::string>& metrics() const { return source.columns.metrics; }
  bool cohort_design() const { return is_cohort_design(design); }
};

// The pool of a panel: build_sample's Sample of `design` (the window design over [from, to],
// or the cohort design with extra_cohorts naming the study's cohorts), keeping the firms with a
// valid growth (design.growth) for at least one of the panel's metrics in at least one window,
// which become the pool's metric columns. MemberProfile::population: the panel read with
// ReadOptions::membership = false (every firm a non-member) and every such firm in the
// population. MemberProfile::members: the never-members are the population and the members the
// profile (window design: needs the panel's stratum columns; cohort design: the members entering
// in the study's entry years, by entry year and stratum cell, the panel's entry column read).
// With stratum columns each population firm keeps its stratum cell per window. Throws
// Error(bad_data) naming the panel when fewer than 2 population firms remain, when a cohort's
// window has no population firm, or (members) no member is in a profile cell that has population
// firms; Error(usage) for members in the window design without stratum columns.
Pool pool_from_panel(const Panel& panel, const DesignOptions& design,
                     MemberProfile profile = MemberProfile::population);
Pool pool_from_panel(const Panel& panel, int from, int to,
                     MemberProfile profile = MemberProfile::population);

// Reads `path` (CSV/TSV, .gz by extension) with the panel reader and makes its pool of the
// columns.metrics for `design`; records the file's SHA-256. Errors as read_panel: no_input
// (cannot open), bad_data (file, line, column, value; a metric column the header lacks), io;
// as pool_from_panel; usage for bad columns.metrics (check_pool_metrics).
Pool read_pool(const std::string& path, const PoolColumns& columns, const DesignOptions& design,
               int threads);
Pool read_pool(const std::string& path, const PoolColumns& columns, int from, int to, int threads);

// A cohort design's entry years (design.extra_cohorts, not empty) for messages: "2011..2015",
// or one year alone as it is.
std::string entry_years_text(const DesignOptions& design);

// Members of a dataset of `firms` firms: exactly round(firms x member_share).
std::uint32_t pool_members(std::uint32_t firms, double member_share);

// Dataset `dataset` of a grid point: `firms` pool firms drawn with replacement (Philox,
// hd/pool_draws.hpp), the first pool_members() of the draws members, the rest controls; each
// member's log growth + the premium of its metric (premium.premium in pool.metrics() order),
// exactly. With MemberProfile::members a member draw takes the profile cell of a random profile
// member and then a random population firm of that cell (in the cohort design: with a row in its
// entry year's window). Otherwise, in the cohort design a member draw takes a cohort uniformly
// among the pool's and then a random population firm with a row in its window; a control enters the
// cell of every cohort with members whose window it has a row in. The Sample is laid out as
// build_sample lays out the design (cells in cohort order, members then controls, draw order within
// each; a missing growth stays missing, weight 0, counted as a drop; each contribution's stratum
// cell). Its metrics are the pool's metric columns, by their names. `balance`: the controls
// reweighted to the members' strata in each cell, as build_sample's --balance (needs strata).
// `cohort_factor` (one per pool window, or empty for 1): window w's members get premium x
// cohort_factor[w] (PowerSpec::premium_by_entry); the draws do not depend on it.
Sample pool_sample(const Pool& pool, const PremiumPoint& premium, std::uint32_t firms,
                   double member_share, std::uint64_t seed, std::uint32_t dataset,
                   bool balance = false, const std::vector<double>& cohort_factor = {});

// The true value of the mean difference per metric (pool.metrics() order) for datasets of this
// pool: the premium when members are drawn like controls or when the controls are balanced to
// the members' strata (a growth type other than log, pool.design.growth: the mean over the
// valid firms a member draw can take of growth(start, end x exp(premium x years)) - growth(start,
// end), in place of the premium); with MemberProfile::members and no balancing, the premium plus
// the composition gap sum_s q_s mu_s - mu (q_s the share of stratum s among members valid for the
// metric, mu_s the mean growth of the population's valid firms in s, mu that of all of them).
// In the cohort design the gap is taken per window and the windows are averaged with the
// expected number of valid members per member draw as weights (the cohort aggregate's weights,
// in expectation), and so are the cohorts' premiums when `cohort_factor` (as pool_sample's)
// makes them differ (under --balance the weights leave out the members a dataset cannot match,
// which large datasets do not have). Exact: computed from the pool, no Monte Carlo error.
std::vector<double> pool_true_value(const Pool& pool, const PremiumPoint& premium, bool balance,
                                    const std::vector<double>& cohort_factor = {});

}  // namespace klynge::power
