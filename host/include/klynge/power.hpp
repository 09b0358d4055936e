// Simulation studies (`klynge power`, docs/power.md): over a grid of premiums x sample sizes,
// simulate R panels from the `simulate` model in memory (or draw them from a user's own control
// pool, power_pool.hpp), run the permutation test and the bootstrap intervals on each, and
// tally rejections (power; size at premium 0) and interval coverage of the true premium.
//
// Reproducibility: dataset d of a grid point is the simulate panel with (seed, stream = d) (or
// the pool draws keyed by (seed, d)), and its bootstrap and permutation draws use
// analysis = d. A dataset's outcome is therefore a pure function of (spec, grid point, d):
// tallies are the same for any thread count and any split of [0, R) into ranges, and tallies
// of adjacent ranges merge exactly (integer counts and fixed-point width sums, so the merge is
// associative).
//
// Metrics: a simulated study measures the simulate model's three (sim::kMetricNames); a pool
// study measures the pool's metric columns, any number and any names (PoolColumns::metrics).
// Everything per metric below is therefore sized at run time, in study_metrics() order.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "klynge/backend.hpp"
#include "klynge/bootstrap.hpp"
#include "klynge/design.hpp"
#include "klynge/intervals.hpp"
#include "klynge/permutation.hpp"
#include "klynge/progress.hpp"
#include "klynge/simulate.hpp"
#include "klynge/statistics.hpp"

namespace klynge::power {

// The simulate stream reserved for the large panel that measures the true estimand; datasets
// use streams [0, kTruthStream).
inline constexpr std::uint32_t kTruthStream = 0xFFFFFFFFu;

struct Pool;  // power_pool.hpp: a user's own control pool (`--pool`)

// One premium of the grid: log growth per year, one per metric of the study in its order.
struct PremiumPoint {
  std::vector<double> premium;
  std::string label;  // as given: "0.02" or "employees=0.01,revenue=0.03"
};

struct PowerSpec {
  std::vector<PremiumPoint> premiums;  // grid, in the order given
  std::vector<std::uint32_t> firms;    // grid of sample sizes (firms per panel)
  double member_share = 0.2;
  // Sd of members' transitory shocks relative to non-members' (1 = equal variances). Means are
  // unchanged: for revenue and value added the premium stays the true mean difference; for
  // employees true_premium measures the shift the integer rounding adds (docs/power.md).
  double member_noise = 1.0;
  std::uint64_t seed = 1;
  std::uint32_t datasets = 400;  // R: the study's datasets are [0, R)
  std::uint32_t first = 0;       // this run computes datasets [first, last) of them
  std::uint32_t last = 0;        // 0 = R
  int from = 2017, to = 2020;    // the comparison window; members join in `from`
  // The cohort design (--entry-years A:B, docs/power.md "Cohort design"; on pool datasets or
  // simulated panels): each
  // member joins in a year g drawn uniformly from [entry_first, entry_last] and is compared over
  // [g + offset, g + offset + horizon] with the controls observed then; the rows' estimate is
  // the cohort-size weighted aggregate of analyze's cohort design. 0, 0: the window design over
  // [from, to].
  int entry_first = 0, entry_last = 0;
  int horizon = 3, offset = 0;
  // The growth every dataset is analysed with, as `analyze --growth` (docs/power.md "Growth
  // types"). The premium stays a log growth per year: it multiplies a member's level at the end
  // of its window by exp(premium x years), and the true value is measured in this growth's units.
  GrowthType growth = GrowthType::log;
  bool cohort_design() const { return entry_first != 0 || entry_last != 0; }
  // Cohort design (--premium-by-entry): premium_by_entry[i] multiplies the premium of the
  // members entering in entry_first + i, for a premium that grows or fades with the entry year
  // (docs/power.md "A premium that changes with the entry year"). Empty: 1 for every year.
  std::vector<double> premium_by_entry;
  // --premium-by-tenure: premium_by_tenure[k - 1] multiplies the premium of a member's k-th
  // year after its entry (later years: 1), for a premium that builds up or fades with the
  // years in the cluster (docs/power.md "A premium that changes with the years in the
  // cluster"). Empty: 1 for every year.
  std::vector<double> premium_by_tenure;
  std::uint64_t bootstrap = 199;     // B (0 = no intervals)
  std::uint64_t permutations = 199;  // P (0 = no test)
  double alpha = 0.05;               // the test rejects when p <= alpha
  double level = 0.95;               // nominal coverage of the intervals
  std::vector<IntervalMethod> methods{IntervalMethod::percentile, IntervalMethod::bca};
  Statistic test_statistic =
      Statistic::welch_t;  // welch_t, mean_diff, median_diff, trimmed_mean_diff
  // The statistic whose intervals are computed and whose estimate the rows average: mean_diff,
  // or (pool datasets whose members' growth is the population's shifted by the premium, docs/
  // power.md "Other statistics") median_diff or trimmed_mean_diff.
  Statistic statistic = Statistic::mean_diff;
  double trim = 0.1;  // trimmed_mean_diff (interval or test): share cut from each tail
  Alternative alternative = Alternative::two_sided;
  std::uint32_t truth_firms = 200'000;  // size of the panel that measures the true estimand
  // Simulated panels only: P(a member is in its cluster's home industry), and independently in
  // its home region (simulate --home-share; 0 = members' industries and regions are drawn like
  // everyone's). Industries share year shocks, so a pull needs --balance on nace (docs/power.md
  // "Members selected on strata").
  double home_share = 0.0;
  // Simulated panels only: rho, the correlation of membership with the firm's size factor
  // (simulate --selection; 0 = members are not selected on size). Larger firms grow more slowly,
  // so rho > 0 makes the comparison's estimand differ from the premium; the truth panel
  // measures by how much (docs/power.md "The true premium").
  double selection = 0.0;
  // Simulated panels only: their stratum columns ("nace", "region", "size_class") for --balance
  // and the
  // stratified schemes, as analyze --strata would read them (a pool's are its own columns).
  std::vector<std::string> sim_strata;
  // Set: datasets are plasmode samples of this pool instead of simulated panels (docs/power.md
  // "Your own control pool"); the model-only settings (member_noise, truth_firms) must then
  // keep their defaults, and the true value is computed from the pool (pool_true_value).
  std::shared_ptr<const Pool> pool;
  // How each dataset is analysed, as `analyze --balance`, `--scheme` and `--perm-scheme` (the
  // stratified choices need stratum columns: a pool's, or sim_strata; docs/power.md "Members
  // selected on strata").
  bool balance = false;
  Scheme bootstrap_scheme = Scheme::groups;
  PermScheme perm_scheme = PermScheme::all;
  int threads = 0;  // datasets in parallel; 0 = all
  // Where the replicates run and (simulated mode) where the datasets' firms are simulated;
  // the Samples are laid out on the host and are the same on every backend.
  BackendChoice backend;
  Progress* progress = nullptr;  // counts finished datasets when set (progress.hpp)
};

// Throws Error(usage) naming the flag for an impossible spec.
void validate(const PowerSpec& spec);

// The simulate model's metric names (sim::kMetricNames), the metrics of a simulated study.
std::vector<std::string> simulated_metrics();

// The metrics the study measures, in the order of its rows and tallies: the pool's metric
// columns with a pool, else simulated_metrics().
std::vector<std::string> study_metrics(const PowerSpec& spec);

// The design every dataset is analysed with: the window design over [from, to], or the cohort
// design with the study's entry years as its cohorts; spec.growth, spec.balance and spec.trim.
DesignOptions study_design(const PowerSpec& spec);

// A pool study's factor on the premium per pool window (pool_sample's cohort_factor), or empty
// when every window has the grid's premium: the entry year's factor times the mean tenure
// factor over the window's years in the cluster (the window design's members join at --from;
// a cohort window [g + offset, g + offset + horizon] holds years offset + 1 .. offset + horizon,
// those before the entry counting 1, as a pool adds the premium to every year of the window).
std::vector<double> pool_premium_factors(const PowerSpec& spec);

// The simulate spec of dataset `dataset` at one grid point (docs/power.md "Design").
sim::SimSpec dataset_spec(const PowerSpec& spec, const PremiumPoint& premium, std::uint32_t firms,
                          std::uint32_t dataset);

// Grid parsing (usage errors name the flag). Each --premium value is either numbers separated
// by commas (one grid point each, every metric) or one metric=value,... list (one point;
// metrics not named get 0). `metrics` are the names a metric=value pair may use, in the order
// of the premiums it gives: the study's metrics (study_metrics).
std::vector<PremiumPoint> parse_premium_grid(
    const std::vector<std::string>& values,
    const std::vector<std::string>& metrics = simulated_metrics());
// --premium-by-entry: "YEAR=FACTOR" items separated by commas (also one per flag occurrence),
// each YEAR in the study's entry years [first, last] at most once; the years not named keep
// factor 1. Returns one factor per entry year first..last, or an empty vector when `values` is
// empty. Usage errors name the flag, the item and why (not a cohort design, a year outside
// first..last or given twice, a factor that is not a finite number).
std::vector<double> parse_premium_by_entry(const std::vector<std::string>& values, int first,
                                           int last);
// "2000,50000" (values may also be given one per flag occurrence).
std::vector<std::uint32_t> parse_firms_grid(const std::vector<std::string>& values);

// What one dataset gave, per metric. A p-value or interval without a value (e.g. an empty
// group) is counted as `undefined`: never a rejection, never a cover.
struct MethodOutcome {
  bool defined = false;
  bool covered = false;
  double width = 0.0;
};
struct MetricOutcome {
  bool test_defined = false;
  bool rejected = false;
  double estimate = 0.0;               // of spec.statistic (NaN when it has none)
  std::vector<MethodOutcome> methods;  // spec.methods order
};
struct DatasetOutcome {
  std::vector<MetricOutcome> metric;  // study_metrics order
};

// The true value of the estimand (spec.statistic of the members' growth of type spec.growth
// minus the controls') per metric at one premium, measured on a large panel (docs/power.md "The
// true premium"): the members' exact counterfactual gap plus, when members' noise differs, the
// baseline gap of the two groups.
struct TruePremium {
  std::vector<double> value;  // study_metrics order
  std::vector<double> mc_se;  // Monte Carlo standard error of value
};
TruePremium true_premium(const PowerSpec& spec, const PremiumPoint& premium);

// One dataset end to end: simulate, build the window Sample, test, intervals. Engines run
// single-threaded (parallelism is over datasets).
DatasetOutcome run_dataset(const PowerSpec& spec, const PremiumPoint& premium, std::uint32_t firms,
                           std::uint32_t dataset, const TruePremium& truth);

// Datasets that run at once: --threads, or every core when it is 0. With the CUDA backend
// their launches share the device's memory (BackendChoice::sharers).
int concurrent_datasets(const PowerSpec& spec);

// Fixed-point unit of the width sums: widths are rounded to multiples of 2^-32 before summing
// so that sums of any split add up to the same integer.
inline constexpr double kWidthUnit = 1.0 / 4294967296.0;

struct MethodTally {
  std::uint64_t covered = 0, undefined = 0;
  std::int64_t width_units = 0;  // sum of defined widths / kWidthUnit
};
struct MetricTally {
  std::uint64_t rejected = 0, undefined = 0;
  std::vector<MethodTally> methods;
};
// All datasets of one grid point (premium x firms) in [first, last).
struct CellTally {
  std::size_t premium = 0;  // index into spec.premiums
  std::size_t firms = 0;    // index into spec.firms
  std::uint64_t datasets = 0;
  TruePremium truth;
  std::vector<MetricTally> metric;  // study_metrics order
};

struct StudyTally {
  std::uint32_t first = 0, last = 0;  // datasets covered
  std::vector<CellTally> cells;       // premium-major, then firms
  double truth_seconds = 0.0;         // time spent measuring true premiums (timing only)
};

// Runs datasets [spec.first, spec.last) of every grid point, in parallel over datasets.
StudyTally run_study(const PowerSpec& spec);

// Merges tallies of adjacent dataset ranges of the same study (either order): counts add.
// Throws Error(usage) when the ranges do not join up or the grids or metrics differ.
StudyTally merge_tallies(const StudyTally& a, const StudyTally& b);

// One reported row: grid point x metric x test.
struct CoverageRow {
  IntervalMethod method = IntervalMethod::percentile;
  std::uint64_t covered = 0, undefined = 0;
  double rate = 0.0, ci_low = 0.0, ci_high = 0.0;  // 95% Clopper-Pearson
  double mean_width = 0.0;                         // over defined intervals; NaN when none
};
struct PowerRow {
  double premium = 0.0;  // this metric's premium at the grid point
  std::string premium_label;
  std::uint32_t firms = 0;
  std::string metric;  // its name: a simulate metric or a pool's metric column
  std::string test;    // "permutation_<statistic>"
  std::uint64_t datasets = 0, rejected = 0, undefined = 0;
  double rejection_rate = 0.0, ci_low = 0.0, ci_high = 0.0;  // 95% Clopper-Pearson
  double true_value = 0.0, true_value_mc_se = 0.0;
  std::vector<CoverageRow> coverage;  // spec.methods order (empty with --bootstrap 0)
};

// Rates and Clopper-Pearson intervals from the tallies.
std::vector<PowerRow> power_rows(const PowerSpec& spec, const StudyTally& tally);

std::string test_name(const PowerSpec& spec);

}  // namespace klynge::power
