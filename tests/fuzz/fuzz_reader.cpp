// libFuzzer target for the panel reader (DESIGN.md §4: "the CSV reader is fuzzed").
// Any input must end in a Panel or a klynge::Error: anything else escaping, a sanitizer report,
// a hang or a crash is a bug. Differential oracle: the sequential read, a parallel read with
// one row per chunk and the streaming parse of read_panel's gzip path (StreamingParse, one row
// per chunk, the text given a few bytes more at a time) must agree exactly (same Panel, or the
// same error message).
//
// The first input byte chooses the options; the rest is the file:
//   bits 0-1  column map: 0 the defaults (firm_id, year, employees, ...); 1 short names
//             a=id b=year c=metric d=member; 2 short names plus e=cluster f=entry g=stratum
//             h=weight; 3 short names without a member column (derived from e, or from f
//             when bit 6 is set)
//   bits 2-3  delimiter: sniffed, ',', ';', tab
//   bits 4-5  the streaming parse's step: 1, 7, 64 or 300 bytes more per look at the text
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "../../host/src/io/reader_internal.hpp"
#include "klynge/error.hpp"
#include "klynge/io/read_panel.hpp"

namespace {

klynge::ReadOptions options_for(std::uint8_t mode) {
  klynge::ReadOptions o;
  const int map = mode & 3;
  if (map != 0) {
    o.columns.id = "a";
    o.columns.year = "b";
    o.columns.metrics = {"c"};
    o.columns.member = map == 3 ? "zz" : "d";
  }
  if (map >= 2) {
    o.columns.cluster = "e";
    o.columns.entry = "f";
  }
  if (map == 2) {
    o.columns.strata = {"g"};
    o.columns.weight = "h";
  }
  if (map == 3 && (mode & 0x40)) o.columns.cluster.reset();  // derive from the entry column
  static const char kDelimiters[] = {0, ',', ';', '\t'};
  o.delimiter = kDelimiters[(mode >> 2) & 3];
  return o;
}

template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

bool same_column(const klynge::CategoricalColumn& a, const klynge::CategoricalColumn& b) {
  return a.name == b.name && a.labels == b.labels && same_bits(a.code, b.code);
}

bool same_panel(const klynge::Panel& a, const klynge::Panel& b) {
  if (a.path != b.path || a.data_lines != b.data_lines || a.bytes != b.bytes) return false;
  if (a.firm_ids != b.firm_ids || !same_bits(a.firm, b.firm) || !same_bits(a.year, b.year) ||
      !same_bits(a.line, b.line) || !same_bits(a.member, b.member))
    return false;
  if (a.metric_names != b.metric_names || a.metric.size() != b.metric.size()) return false;
  for (std::size_t k = 0; k < a.metric.size(); ++k)
    if (!same_bits(a.metric[k], b.metric[k])) return false;
  if (a.cluster.has_value() != b.cluster.has_value()) return false;
  if (a.cluster && !same_column(*a.cluster, *b.cluster)) return false;
  if (a.strata.size() != b.strata.size()) return false;
  for (std::size_t k = 0; k < a.strata.size(); ++k)
    if (!same_column(a.strata[k], b.strata[k])) return false;
  return same_bits(a.entry, b.entry) && same_bits(a.weight, b.weight) &&
         a.member_source == b.member_source && a.member_derived == b.member_derived;
}

// The Panel, or the error text prefixed with "!".
struct Outcome {
  klynge::Panel panel;
  std::string error;
};

// parse_panel_chunked, or StreamingParse given the text `step` more bytes at a time (step > 0).
Outcome read(std::string_view text, klynge::ReadOptions options, int threads, std::size_t chunk,
             std::size_t step = 0) {
  Outcome out;
  options.threads = threads;
  try {
    if (step == 0) {
      out.panel = klynge::detail::parse_panel_chunked(text, "fuzz.csv", options, chunk);
    } else {
      klynge::io::StreamingParse parse("fuzz.csv", options, text.size(), chunk);
      const std::atomic<bool> stop{false};
      for (std::size_t n = 0; n < text.size(); n += step) parse.advance(text.substr(0, n), stop);
      out.panel = parse.finish(text);
    }
  } catch (const klynge::Error& e) {
    out.error = std::string("!") + e.what();
    // Every reader error is bad data or a bad option; never an internal error.
    if (e.code() != klynge::ExitCode::bad_data && e.code() != klynge::ExitCode::usage)
      __builtin_trap();
    if (std::strchr(e.what(), '\n')) __builtin_trap();  // messages are one line
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const klynge::ReadOptions options = options_for(data[0]);
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  const Outcome sequential = read(text, options, 1, klynge::detail::kRowsPerChunk);
  const Outcome parallel = read(text, options, 2, 1);
  if (sequential.error != parallel.error) __builtin_trap();
  if (sequential.error.empty() && !same_panel(sequential.panel, parallel.panel)) __builtin_trap();
  static const std::size_t kSteps[] = {1, 7, 64, 300};
  const Outcome streamed = read(text, options, 2, 1, kSteps[(data[0] >> 4) & 3]);
  if (sequential.error != streamed.error) __builtin_trap();
  if (sequential.error.empty() && !same_panel(sequential.panel, streamed.panel)) __builtin_trap();
  return 0;
}
