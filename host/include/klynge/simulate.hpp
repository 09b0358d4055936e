// `klynge simulate`: synthetic firm panels with a known member growth premium, for power,
// size and coverage studies and for demos (docs/simulate.md has the process and the flags).
// Output is a pure function of the spec: same spec (seed included) => same bytes, for any
// thread count and on any machine.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "klynge/hd/sim_dgp.hpp"

namespace klynge::io {
class OutputFile;
}

namespace klynge::sim {

using hd::sim::kMetrics;
using hd::sim::SimModel;

inline constexpr std::array<std::string_view, kMetrics> kMetricNames = {"employees", "revenue",
                                                                        "value_added"};
inline constexpr std::uint32_t kMaxFirms = 89'999'999;  // firm ids stay 9 digits
inline constexpr int kMaxClusters = 999;
inline constexpr std::uint64_t kFirstFirmId = 910'000'000;  // firm_id = kFirstFirmId + index

struct SimSpec {
  std::uint64_t seed = 1;
  std::uint32_t stream = 0;  // dataset number: independent panels from one seed
  std::uint32_t firms = 10'000;
  int first_year = 2008;
  int last_year = 2020;
  // Members' entry years, uniform over [entry_first, entry_last]. 0 = default:
  // first_year + 1 .. max(first_year + 1, last_year - 3) (a three-year window after entry).
  int entry_first = 0;
  int entry_last = 0;
  double member_share = 0.08;
  double selection = 0.4;  // corr(membership latent, size factor): members are larger
  std::array<double, kMetrics> premium = {0.01, 0.03, 0.03};  // log growth per year
  // Factor on the premium per entry year entry_first..entry_last (at most
  // hd::sim::kMaxEntryFactors of them); empty: 1 for every entry year.
  std::vector<double> premium_by_entry;
  // Factor on the premium per year in the cluster: premium_by_tenure[k - 1] for a member's k-th
  // year after its entry (at most hd::sim::kMaxTenureFactors of them; later years: 1); empty:
  // 1 for every year.
  std::vector<double> premium_by_tenure;
  int clusters = 12;
  // A member is in its cluster's home industry with this probability (else an industry drawn
  // like a non-member's), and independently in its home region with the same probability.
  double home_share = 0.6;
  double zero_share = 0.02;     // P(cell = 0 | not missing), per metric cell
  double missing_share = 0.01;  // P(cell missing), per metric cell
  double exit_rate = 0.03;      // average yearly exit probability
  double birth_share = 0.25;    // share of firms born after the first year
  bool size_class_column = true;
  int threads = 0;  // 0 = all available
  SimModel model;
};

// Throws Error(ExitCode::usage) naming the flag when a value is out of range.
void validate(const SimSpec& spec);

// Entry window after defaults are filled in.
std::pair<int, int> entry_window(const SimSpec& spec);

// The device-ready parameters (tables filled in, member cut computed). Validates first.
hd::sim::SimParams make_params(const SimSpec& spec);

// Labels.
std::string_view nace_code(std::uint32_t nace);
std::string_view region_name(std::uint32_t region);
std::string cluster_name(int cluster, int clusters);
std::string_view size_class(std::int64_t employees);  // "0", "1-4", ..., "250+"
std::string csv_header(const SimSpec& spec);

// A simulated panel in memory, in file order (firm, then year). Metric values are the rounded
// values the CSV prints (revenue and value added in NOK thousands), NaN when missing.
struct SimPanel {
  std::vector<std::uint32_t> firm;  // firm index; firm_id = kFirstFirmId + firm
  std::vector<std::int32_t> year;
  std::array<std::vector<double>, kMetrics> metric;
  std::vector<std::uint8_t> member;      // per row (a firm attribute)
  std::vector<std::int32_t> entry_year;  // per row; 0 for non-members
  std::vector<std::int32_t> cluster;     // per row; -1 for non-members
  std::vector<std::uint8_t> nace;
  std::vector<std::uint8_t> region;
  std::size_t rows() const { return year.size(); }
};

SimPanel simulate_panel(const SimSpec& spec);

struct SimSummary {
  std::uint64_t firms = 0;    // firms with at least one row
  std::uint64_t members = 0;  // member firms with at least one row
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;  // uncompressed CSV bytes, header included
};

// Writes the CSV (header first) to `sink` in pieces, in order. Firms are generated in parallel
// in chunks; the pieces and their order do not depend on the thread count. An exception thrown
// by the sink stops the run and is rethrown.
SimSummary simulate_csv(const SimSpec& spec, const std::function<void(std::string_view)>& sink);

// The same CSV into an output file (not committed: the caller commits). For a gzip file the
// chunks are compressed in parallel too; the bytes still do not depend on the thread count.
SimSummary simulate_to_file(const SimSpec& spec, io::OutputFile& out);

// Flag parsing helpers shared by the CLI and the tests; errors are usage errors naming `flag`.
double parse_double(std::string_view flag, std::string_view text);
std::int64_t parse_integer(std::string_view flag, std::string_view text);
std::pair<int, int> parse_year_range(std::string_view flag, std::string_view text);  // "A:B"
// "0.02" (every metric) or "employees=0.01,revenue=0.03,value_added=0.03"; metrics not named
// get 0.
std::array<double, kMetrics> parse_premium(std::string_view text);
// --premium-by-entry: "YEAR=FACTOR" items separated by commas (also one per flag occurrence),
// each YEAR in the entry years [first, last] at most once; the years not named keep factor 1.
// Returns one factor per entry year first..last, or an empty vector when `values` is empty.
// Usage errors name the flag, the item and why (a year outside first..last or given twice, a
// factor that is not a finite number).
// Checks --premium-by-tenure's factors: at most hd::sim::kMaxTenureFactors, running sums that
// are numbers (usage errors). Returns the largest |entry factor| (1 without entry factors): a
// year's premium is at most the premium times it times the year's tenure factor.
double check_tenure_factors(const std::vector<double>& tenure,
                            const std::vector<double>& entry_factors);
// --premium-by-tenure: "K=FACTOR" items (K = 1 is the first year after entry), like
// parse_entry_factors; returns factors for years 1..the largest K named (the years not named
// below it: 1), or an empty vector when `values` is empty. K is at most `max_years`.
std::vector<double> parse_tenure_factors(std::string_view flag,
                                         const std::vector<std::string>& values, int max_years);
std::vector<double> parse_entry_factors(std::string_view flag,
                                        const std::vector<std::string>& values, int first,
                                        int last);

}  // namespace klynge::sim
