// `klynge simulate`: writes a synthetic firm panel with a known member growth premium
// (docs/simulate.md). Flag values are taken as text and parsed here so that every bad value
// is a usage error (exit 64) with a message naming the flag.
#include <charconv>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "commands.hpp"
#include "klynge/error.hpp"
#include "klynge/io/output_file.hpp"
#include "klynge/simulate.hpp"

namespace klynge::cli {

namespace {

struct SimulateFlags {
  std::string firms = "10000";
  std::string years = "2008:2020";
  std::string entry_years;  // empty: the default window
  std::string member_share = "0.08";
  std::string selection = "0.4";
  std::string premium = "employees=0.01,revenue=0.03,value_added=0.03";
  std::vector<std::string> premium_by_entry;   // empty: one premium for every entry year
  std::vector<std::string> premium_by_tenure;  // empty: one premium for every year in the cluster
  std::string clusters = "12";
  std::string home_share = "0.6";
  std::string zero_share = "0.02";
  std::string missing_share = "0.01";
  std::string exit_rate = "0.03";
  std::string birth_share = "0.25";
  std::string seed = "1";
  std::string dataset = "0";
  std::string threads = "0";
  std::string gzip_level = "6";
  std::string output;
  bool no_size_class = false;
  bool quiet = false;
};

std::uint64_t parse_u64(std::string_view flag, const std::string& text) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end)
    throw Error(ExitCode::usage,
                fmt::format("{}: \"{}\" is not an integer in 0..18446744073709551615", flag, text));
  return value;
}

std::int64_t parse_in(std::string_view flag, const std::string& text, std::int64_t lo,
                      std::int64_t hi) {
  const std::int64_t v = sim::parse_integer(flag, text);
  if (v < lo || v > hi)
    throw Error(ExitCode::usage,
                fmt::format("{} must be between {} and {} (got {})", flag, lo, hi, v));
  return v;
}

sim::SimSpec to_spec(const SimulateFlags& f) {
  sim::SimSpec s;
  s.firms = static_cast<std::uint32_t>(parse_in("--firms", f.firms, 1, sim::kMaxFirms));
  std::tie(s.first_year, s.last_year) = sim::parse_year_range("--years", f.years);
  if (s.first_year >= s.last_year)
    throw Error(ExitCode::usage,
                fmt::format("--years: \"{}\": the first year must be before the last", f.years));
  if (!f.entry_years.empty())
    std::tie(s.entry_first, s.entry_last) = sim::parse_year_range("--entry-years", f.entry_years);
  s.member_share = sim::parse_double("--member-share", f.member_share);
  s.selection = sim::parse_double("--selection", f.selection);
  s.premium = sim::parse_premium(f.premium);
  // The factors are per entry year, so the window (given or the default) is read first.
  const auto [entry_first, entry_last] = sim::entry_window(s);
  s.premium_by_entry =
      sim::parse_entry_factors("--premium-by-entry", f.premium_by_entry, entry_first, entry_last);
  s.premium_by_tenure = sim::parse_tenure_factors("--premium-by-tenure", f.premium_by_tenure,
                                                  hd::sim::kMaxTenureFactors);
  s.clusters = static_cast<int>(parse_in("--clusters", f.clusters, 1, sim::kMaxClusters));
  s.home_share = sim::parse_double("--home-share", f.home_share);
  s.zero_share = sim::parse_double("--zero-share", f.zero_share);
  s.missing_share = sim::parse_double("--missing-share", f.missing_share);
  s.exit_rate = sim::parse_double("--exit-rate", f.exit_rate);
  s.birth_share = sim::parse_double("--birth-share", f.birth_share);
  s.seed = parse_u64("--seed", f.seed);
  s.stream = static_cast<std::uint32_t>(parse_in("--dataset", f.dataset, 0, 4294967295LL));
  s.threads = static_cast<int>(parse_in("--threads", f.threads, 0, 4096));
  s.size_class_column = !f.no_size_class;
  sim::validate(s);
  return s;
}

}  // namespace

void add_simulate_command(CLI::App& app) {
  auto flags = std::make_shared<SimulateFlags>();
  CLI::App* cmd = app.add_subcommand(
      "simulate",
      "Write a synthetic firm panel (CSV, or gzip CSV for *.csv.gz) with a known member growth "
      "premium; the same --seed gives the same bytes");
  cmd->add_option("-o,--output", flags->output,
                  "Output path (*.gz is gzip-compressed; - is stdout)")
      ->type_name("PATH")
      ->required();
  cmd->add_option("--firms", flags->firms, "Number of firms (1..89999999)")
      ->type_name("N")
      ->capture_default_str();
  cmd->add_option("--years", flags->years, "Panel years A:B, A < B")
      ->type_name("A:B")
      ->capture_default_str();
  cmd->add_option("--entry-years", flags->entry_years,
                  "Members' entry years A:B (default: first+1 : max(first+1, last-3))")
      ->type_name("A:B");
  cmd->add_option("--member-share", flags->member_share,
                  "Share of firms that are members, in (0,1)")
      ->type_name("X")
      ->capture_default_str();
  cmd->add_option(
         "--selection", flags->selection,
         "Correlation of membership with firm size, in (-1,1); 0 = membership independent of size")
      ->type_name("X")
      ->capture_default_str();
  cmd->add_option("--premium", flags->premium,
                  "Member log-growth premium per year after entry: one number for every metric, "
                  "or metric=value,... (unnamed metrics get 0)")
      ->type_name("P")
      ->capture_default_str();
  cmd->add_option("--premium-by-entry", flags->premium_by_entry,
                  "Scale the premium per entry year: YEAR=FACTOR,... (a member entering in YEAR "
                  "gains FACTOR x --premium; years not named keep 1)")
      ->type_name("YEAR=FACTOR,...");
  cmd->add_option("--premium-by-tenure", flags->premium_by_tenure,
                  "Scale the premium per year in the cluster: K=FACTOR,... (a member's K-th year "
                  "after entry adds FACTOR x --premium; years not named keep 1), e.g. 1=0,2=0.5 "
                  "for a premium that takes two years to build up")
      ->type_name("K=FACTOR,...");
  cmd->add_option("--clusters", flags->clusters, "Number of named clusters (1..999)")
      ->type_name("K")
      ->capture_default_str();
  cmd->add_option("--home-share", flags->home_share,
                  "P(a member is in its cluster's home industry; likewise home region), in [0,1]; "
                  "0 = members' industries and regions are drawn like everyone's")
      ->type_name("X")
      ->capture_default_str();
  cmd->add_option("--zero-share", flags->zero_share, "P(metric cell is 0 | not missing), in [0,1)")
      ->type_name("X")
      ->capture_default_str();
  cmd->add_option("--missing-share", flags->missing_share, "P(metric cell is empty), in [0,1)")
      ->type_name("X")
      ->capture_default_str();
  cmd->add_option("--exit-rate", flags->exit_rate, "Average yearly exit probability, in [0,1)")
      ->type_name("X")
      ->capture_default_str();
  cmd->add_option("--birth-share", flags->birth_share,
                  "Share of firms born after the first year, in [0,1]")
      ->type_name("X")
      ->capture_default_str();
  cmd->add_option("--seed", flags->seed, "Seed (unsigned 64-bit)")
      ->type_name("S")
      ->capture_default_str();
  cmd->add_option("--dataset", flags->dataset, "Dataset number: independent panels from one seed")
      ->type_name("D")
      ->capture_default_str();
  cmd->add_option("--threads", flags->threads, "Threads (0 = all); never changes the output")
      ->type_name("N")
      ->capture_default_str();
  cmd->add_option("--gzip-level", flags->gzip_level, "zlib level 1..9 for *.gz output")
      ->type_name("L")
      ->capture_default_str();
  cmd->add_flag("--no-size-class", flags->no_size_class, "Leave out the size_class column");
  cmd->add_flag("-q,--quiet", flags->quiet, "No summary line on stderr");

  cmd->callback([flags] {
    const sim::SimSpec spec = to_spec(*flags);
    io::OutputOptions options;
    options.gzip_level = static_cast<int>(parse_in("--gzip-level", flags->gzip_level, 1, 9));
    io::OutputFile out(flags->output, options);
    const sim::SimSummary summary = sim::simulate_to_file(spec, out);
    out.commit();
    if (!flags->quiet)
      fmt::print(stderr, "klynge simulate: {} rows, {} firms ({} members), {}:{}, seed {} -> {}\n",
                 summary.rows, summary.firms, summary.members, spec.first_year, spec.last_year,
                 spec.seed, flags->output);
  });
}

}  // namespace klynge::cli
