// Host side of the simulator: parameters, validation, and the parallel drivers that run the
// per-firm process of hd/sim_dgp.hpp over firm chunks and emit rows in firm order.
#include "klynge/simulate.hpp"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <tuple>

#include <fmt/format.h>
#include <boost/math/distributions/normal.hpp>

#include "klynge/error.hpp"
#include "klynge/io/output_file.hpp"

namespace klynge::sim {

void fill_tables(hd::sim::SimParams& p);  // tables.cpp

namespace {

constexpr int kMinYear = 1800;
constexpr int kMaxYear = 2200;
constexpr std::uint32_t kChunkFirms = 1024;

bool in_closed(double x, double lo, double hi) {
  return std::isfinite(x) && x >= lo && x <= hi;
}

int thread_count(const SimSpec& spec) {
  return spec.threads > 0 ? spec.threads : std::max(1, omp_get_max_threads());
}

// Runs `make(chunk, buffer)` for every firm chunk in parallel, then `emit(chunk, buffer)`
// strictly in chunk order (an ordered pipeline: emitting one chunk overlaps generating the
// next). An exception from either stops the run and is rethrown on the calling thread.
template <class Buffer, class Make, class Emit>
void run_chunks(const SimSpec& spec, Make make, Emit emit) {
  const std::int64_t chunks =
      (static_cast<std::int64_t>(spec.firms) + kChunkFirms - 1) / kChunkFirms;
  std::exception_ptr error;
  std::atomic<bool> stop{false};
#pragma omp parallel num_threads(thread_count(spec))
  {
    Buffer buffer;
#pragma omp for schedule(dynamic, 1) ordered
    for (std::int64_t c = 0; c < chunks; ++c) {
      const std::uint32_t begin = static_cast<std::uint32_t>(c) * kChunkFirms;
      const std::uint32_t end = std::min(spec.firms, begin + kChunkFirms);
      bool ok = !stop.load();
      if (ok) {
        try {
          make(begin, end, buffer);
        } catch (...) {
#pragma omp critical(klynge_sim_error)
          if (!error) error = std::current_exception();
          stop = true;
          ok = false;
        }
      }
#pragma omp ordered
      {
        if (ok && !stop.load()) {
          try {
            emit(buffer);
          } catch (...) {
#pragma omp critical(klynge_sim_error)
            if (!error) error = std::current_exception();
            stop = true;
          }
        }
      }
    }
  }
  if (error) std::rethrow_exception(error);
}

void append_int(std::string& out, std::int64_t v) {
  const fmt::format_int f(v);
  out.append(f.data(), f.size());
}

// Tenths as a decimal with one digit: 123456 -> "12345.6". v >= 0.
void append_tenths(std::string& out, std::int64_t v) {
  append_int(out, v / 10);
  out.push_back('.');
  out.push_back(static_cast<char>('0' + v % 10));
}

}  // namespace

std::pair<int, int> entry_window(const SimSpec& spec) {
  int first = spec.entry_first, last = spec.entry_last;
  if (first == 0) first = spec.first_year + 1;
  if (last == 0) last = std::max(first, spec.last_year - 3);
  return {first, last};
}

double check_tenure_factors(const std::vector<double>& tenure,
                            const std::vector<double>& entry_factors) {
  if (tenure.size() > static_cast<std::size_t>(hd::sim::kMaxTenureFactors))
    throw Error(ExitCode::usage, fmt::format("--premium-by-tenure: at most {} years in the cluster",
                                             hd::sim::kMaxTenureFactors));
  double premium_years = 0.0;  // the running sums the model adds the premium over
  for (std::size_t k = 0; k < tenure.size(); ++k) {
    premium_years += tenure[k];
    if (!std::isfinite(premium_years))
      throw Error(
          ExitCode::usage,
          fmt::format("--premium-by-tenure: the factors of years 1..{} do not sum to a number",
                      k + 1));
  }
  double entry = entry_factors.empty() ? 1.0 : 0.0;
  for (const double f : entry_factors) entry = std::max(entry, std::abs(f));
  return entry;
}

void validate(const SimSpec& s) {
  auto bad = [](const std::string& message) { throw Error(ExitCode::usage, message); };
  if (s.firms < 1 || s.firms > kMaxFirms)
    bad(fmt::format("--firms must be between 1 and {} (got {})", kMaxFirms, s.firms));
  if (s.first_year < kMinYear || s.last_year > kMaxYear || s.first_year >= s.last_year)
    bad(fmt::format("--years {}:{}: need A:B with {} <= A < B <= {}", s.first_year, s.last_year,
                    kMinYear, kMaxYear));
  const auto [e0, e1] = entry_window(s);
  if (e0 < s.first_year || e1 > s.last_year || e0 > e1)
    bad(fmt::format("--entry-years {}:{}: need A:B with {} <= A <= B <= {} (inside --years)", e0,
                    e1, s.first_year, s.last_year));
  if (!(std::isfinite(s.member_share) && s.member_share > 0.0 && s.member_share < 1.0))
    bad(fmt::format("--member-share must be strictly between 0 and 1 (got {})", s.member_share));
  if (!(std::isfinite(s.selection) && s.selection > -1.0 && s.selection < 1.0))
    bad(fmt::format("--selection must be strictly between -1 and 1 (got {})", s.selection));
  for (int m = 0; m < kMetrics; ++m)
    if (!in_closed(s.premium[m], -1.0, 1.0))
      bad(fmt::format("--premium {}={}: a premium is a log growth per year between -1 and 1",
                      kMetricNames[m], s.premium[m]));
  if (!s.premium_by_entry.empty()) {
    if (s.premium_by_entry.size() != static_cast<std::size_t>(e1 - e0 + 1) ||
        s.premium_by_entry.size() > static_cast<std::size_t>(hd::sim::kMaxEntryFactors))
      bad(fmt::format("--premium-by-entry: one factor per entry year {}..{}, at most {} of them",
                      e0, e1, hd::sim::kMaxEntryFactors));
    for (std::size_t k = 0; k < s.premium_by_entry.size(); ++k)
      for (int m = 0; m < kMetrics; ++m)
        if (!in_closed(s.premium[m] * s.premium_by_entry[k], -1.0, 1.0))
          bad(
              fmt::format("--premium-by-entry {}={}: the premium {} of {} is not a log growth per "
                          "year between -1 and 1",
                          e0 + static_cast<int>(k), s.premium_by_entry[k],
                          s.premium[m] * s.premium_by_entry[k], kMetricNames[m]));
  }
  // A year's premium is premium x entry factor x tenure factor: each a log growth per year.
  const double entry = check_tenure_factors(s.premium_by_tenure, s.premium_by_entry);
  for (std::size_t k = 0; k < s.premium_by_tenure.size(); ++k) {
    for (int m = 0; m < kMetrics; ++m) {
      const double year_premium = s.premium[m] * entry * s.premium_by_tenure[k];
      if (!in_closed(year_premium, -1.0, 1.0))
        bad(fmt::format(
            "--premium-by-tenure {}={}: the premium {} of {}{} is not a log growth per year "
            "between -1 and 1",
            k + 1, s.premium_by_tenure[k], year_premium, kMetricNames[m],
            s.premium_by_entry.empty() ? std::string()
                                       : fmt::format(" (largest entry factor {})", entry)));
    }
  }
  if (s.clusters < 1 || s.clusters > kMaxClusters)
    bad(fmt::format("--clusters must be between 1 and {} (got {})", kMaxClusters, s.clusters));
  if (!in_closed(s.home_share, 0.0, 1.0))
    bad(fmt::format("--home-share must be in [0, 1] (got {})", s.home_share));
  if (!(in_closed(s.zero_share, 0.0, 1.0) && s.zero_share < 1.0))
    bad(fmt::format("--zero-share must be in [0, 1) (got {})", s.zero_share));
  if (!(in_closed(s.missing_share, 0.0, 1.0) && s.missing_share < 1.0))
    bad(fmt::format("--missing-share must be in [0, 1) (got {})", s.missing_share));
  if (!(in_closed(s.exit_rate, 0.0, 1.0) && s.exit_rate < 1.0))
    bad(fmt::format("--exit-rate must be in [0, 1) (got {})", s.exit_rate));
  if (!in_closed(s.birth_share, 0.0, 1.0))
    bad(fmt::format("--birth-share must be in [0, 1] (got {})", s.birth_share));
  if (s.threads < 0) bad(fmt::format("--threads must be >= 0 (got {})", s.threads));
  const SimModel& m = s.model;
  if (!(std::fabs(m.emp_ar) < 1.0 && std::fabs(m.rev_ar) < 1.0))
    bad("simulation model: autoregressive coefficients must be in (-1, 1)");
}

hd::sim::SimParams make_params(const SimSpec& s) {
  validate(s);
  hd::sim::SimParams p;
  p.seed = s.seed;
  p.stream = s.stream;
  p.firms = s.firms;
  p.first_year = s.first_year;
  p.last_year = s.last_year;
  std::tie(p.entry_first, p.entry_last) = entry_window(s);
  p.clusters = static_cast<std::uint32_t>(s.clusters);
  // P(rho z + sqrt(1 - rho^2) e > cut) = share for independent standard normals z, e.
  p.member_cut =
      boost::math::quantile(boost::math::complement(boost::math::normal(), s.member_share));
  p.selection = s.selection;
  for (int m = 0; m < kMetrics; ++m) p.premium[m] = s.premium[m];
  p.entry_factors = static_cast<std::uint32_t>(s.premium_by_entry.size());
  for (std::size_t k = 0; k < s.premium_by_entry.size(); ++k)
    p.entry_factor[k] = s.premium_by_entry[k];
  p.tenure_factors = static_cast<std::uint32_t>(s.premium_by_tenure.size());
  double premium_years = 0.0;
  for (std::size_t k = 0; k < s.premium_by_tenure.size(); ++k)
    p.tenure_sum[k] = premium_years += s.premium_by_tenure[k];
  p.home_share = s.home_share;
  p.zero_share = s.zero_share;
  p.missing_share = s.missing_share;
  p.exit_rate = s.exit_rate;
  p.birth_share = s.birth_share;
  p.model = s.model;
  fill_tables(p);
  return p;
}

std::string csv_header(const SimSpec& spec) {
  std::string h = "firm_id,year";
  for (std::string_view m : kMetricNames) (h += ',') += m;
  h += ",member,entry_year,cluster,nace,region";
  if (spec.size_class_column) h += ",size_class";
  h += '\n';
  return h;
}

SimPanel simulate_panel(const SimSpec& spec) {
  const hd::sim::SimParams p = make_params(spec);
  const int years = p.last_year - p.first_year + 1;
  SimPanel panel;
  struct Piece {
    std::vector<hd::sim::SimFirm> firms;
    std::vector<int> counts;
    std::vector<hd::sim::SimRow> rows;
  };
  run_chunks<Piece>(
      spec,
      [&](std::uint32_t begin, std::uint32_t end, Piece& piece) {
        piece.firms.clear();
        piece.counts.clear();
        piece.rows.resize(static_cast<std::size_t>(end - begin) * years);
        std::size_t used = 0;
        for (std::uint32_t i = begin; i < end; ++i) {
          piece.firms.push_back(hd::sim::sim_firm(p, i));
          const int n = hd::sim::sim_rows(p, piece.firms.back(), piece.rows.data() + used);
          piece.counts.push_back(n);
          used += static_cast<std::size_t>(n);
        }
      },
      [&](const Piece& piece) {
        std::size_t r = 0;
        for (std::size_t f = 0; f < piece.firms.size(); ++f) {
          const hd::sim::SimFirm& firm = piece.firms[f];
          for (int k = 0; k < piece.counts[f]; ++k, ++r) {
            const hd::sim::SimRow& row = piece.rows[r];
            panel.firm.push_back(firm.index);
            panel.year.push_back(row.year);
            for (int m = 0; m < kMetrics; ++m)
              panel.metric[m].push_back(hd::sim::sim_cell_value(row, m));
            panel.member.push_back(firm.member ? 1 : 0);
            panel.entry_year.push_back(firm.member ? firm.entry_year : 0);
            panel.cluster.push_back(firm.cluster);
            panel.nace.push_back(static_cast<std::uint8_t>(firm.nace));
            panel.region.push_back(static_cast<std::uint8_t>(firm.region));
          }
        }
      });
  return panel;
}

namespace {

// Generates the CSV in chunks; with gzip_level > 0 each chunk is also deflated on the
// generating thread, and `emit_block` gets the blocks in order; otherwise `emit_text` gets text.
SimSummary simulate_impl(const SimSpec& spec,
                         const std::function<void(std::string_view)>& emit_text, int gzip_level,
                         const std::function<void(const io::DeflatedBlock&)>& emit_block) {
  const hd::sim::SimParams p = make_params(spec);
  const int years = p.last_year - p.first_year + 1;
  std::vector<std::string> clusters;
  for (int c = 0; c < spec.clusters; ++c) clusters.push_back(cluster_name(c, spec.clusters));

  SimSummary summary;
  const std::string header = csv_header(spec);
  emit_text(header);
  summary.bytes += header.size();

  struct Piece {
    std::string text;
    std::vector<hd::sim::SimRow> rows;
    std::string tail;
    std::uint64_t firms = 0, members = 0, rows_written = 0;
    io::DeflatedBlock block;
  };
  run_chunks<Piece>(
      spec,
      [&](std::uint32_t begin, std::uint32_t end, Piece& piece) {
        piece.text.clear();
        piece.firms = piece.members = piece.rows_written = 0;
        piece.rows.resize(static_cast<std::size_t>(years));
        for (std::uint32_t i = begin; i < end; ++i) {
          const hd::sim::SimFirm f = hd::sim::sim_firm(p, i);
          const int n = hd::sim::sim_rows(p, f, piece.rows.data());
          if (n == 0) continue;
          ++piece.firms;
          piece.members += f.member ? 1 : 0;
          piece.rows_written += static_cast<std::uint64_t>(n);
          // The part of the row after the metrics is the same for every year of the firm.
          piece.tail.clear();
          if (f.member) {
            piece.tail += ",1,";
            append_int(piece.tail, f.entry_year);
            (piece.tail += ',') += clusters[static_cast<std::size_t>(f.cluster)];
          } else {
            piece.tail += ",0,,";
          }
          (piece.tail += ',') += nace_code(f.nace);
          (piece.tail += ',') += region_name(f.region);
          const std::int64_t id = static_cast<std::int64_t>(kFirstFirmId) + i;
          for (int k = 0; k < n; ++k) {
            const hd::sim::SimRow& r = piece.rows[static_cast<std::size_t>(k)];
            std::string& out = piece.text;
            append_int(out, id);
            out.push_back(',');
            append_int(out, r.year);
            for (int m = 0; m < kMetrics; ++m) {
              out.push_back(',');
              if ((r.missing >> m) & 1u) continue;
              if (m == 0)
                append_int(out, r.value[m]);
              else
                append_tenths(out, r.value[m]);
            }
            out += piece.tail;
            if (spec.size_class_column) {
              out.push_back(',');
              if (!(r.missing & 1u)) out += size_class(r.value[0]);
            }
            out.push_back('\n');
          }
        }
        if (gzip_level > 0) piece.block = io::deflate_block(piece.text, gzip_level);
      },
      [&](const Piece& piece) {
        if (gzip_level > 0)
          emit_block(piece.block);
        else
          emit_text(piece.text);
        summary.bytes += piece.text.size();
        summary.firms += piece.firms;
        summary.members += piece.members;
        summary.rows += piece.rows_written;
      });
  return summary;
}

}  // namespace

SimSummary simulate_csv(const SimSpec& spec, const std::function<void(std::string_view)>& sink) {
  return simulate_impl(spec, sink, 0, nullptr);
}

SimSummary simulate_to_file(const SimSpec& spec, io::OutputFile& out) {
  const auto text = [&](std::string_view s) { out.write(s); };
  if (!out.gzip()) return simulate_impl(spec, text, 0, nullptr);
  return simulate_impl(spec, text, out.gzip_level(),
                       [&](const io::DeflatedBlock& block) { out.write_block(block); });
}

}  // namespace klynge::sim
