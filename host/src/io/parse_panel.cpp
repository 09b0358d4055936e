// parse_panel: header mapping, parallel row parsing into the Panel's columns, interning of firm
// ids and labels in order of first appearance, membership derivation, firm-level validation.
//
// Scheme: one sequential quote-aware pass finds the records (scan_records); data row i is
// record i + 1, so every chunk of rows writes straight into its own slice of the preallocated
// columns. Text columns are interned per chunk and the chunk tables merged in chunk order, which
// gives the same codes as a sequential read. Each chunk stops at its first defect and the defect
// of the earliest chunk is reported, i.e. the first defect in the file: the result, error or
// panel, does not depend on the thread count.
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <exception>
#include <forward_list>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <unordered_map>

#include <fmt/format.h>

#include "klynge/io/read_panel.hpp"
#include "reader_internal.hpp"

namespace klynge {

namespace io {
namespace {

enum class Role : std::uint8_t { id, year, metric, member, cluster, entry, stratum, weight };

struct Binding {
  Role role;
  std::uint32_t slot;  // metric or stratum number
};

enum class MemberFrom { column, cluster, entry };

// How the header maps onto the roles of ColumnMap.
struct Layout {
  char delimiter = ',';
  std::vector<std::string> names;          // header names, decoded
  std::vector<std::string> display_names;  // the same, control bytes escaped (for messages)
  std::vector<std::uint32_t> first;        // bindings of column c: [first[c], first[c+1])
  std::vector<Binding> bindings;
  std::vector<std::uint32_t> mapped;  // columns with at least one binding, ascending

  int id = -1, year = -1, member = -1, cluster = -1, entry = -1, weight = -1;  // 0-based
  std::vector<int> metrics, strata;
  MemberFrom member_from = MemberFrom::column;

  std::size_t columns() const { return names.size(); }
};

std::string display_name(std::string_view name) {
  std::string q = quoted_for_message(name);
  return q.substr(1, q.size() - 2);
}

// "0", "0.0", "0.00", ...
bool is_zero(std::string_view v) {
  v = trim_spaces(v);
  if (v.empty() || v[0] != '0') return false;
  v.remove_prefix(1);
  if (v.empty()) return true;
  if (v[0] != '.') return false;
  return v.find_first_not_of('0', 1) == std::string_view::npos;
}

// Equality for the short strings of id and label columns without a libc call per row.
inline bool same_bytes(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  const char* x = a.data();
  const char* y = b.data();
  std::size_t n = a.size();
  for (; n >= 8; n -= 8, x += 8, y += 8) {
    std::uint64_t u, v;
    std::memcpy(&u, x, 8);
    std::memcpy(&v, y, 8);
    if (u != v) return false;
  }
  for (; n > 0; --n, ++x, ++y)
    if (*x != *y) return false;
  return true;
}

// A 64-bit multiplicative hash, 8 bytes per step; only bucket placement depends on it.
inline std::uint64_t hash_bytes(std::string_view v) {
  constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ULL;
  std::uint64_t h = v.size() * kMul;
  const char* p = v.data();
  std::size_t n = v.size();
  for (; n >= 8; n -= 8, p += 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * kMul;
    h ^= h >> 29;
  }
  if (n > 0) {
    std::uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = (h ^ w) * kMul;
    h ^= h >> 29;
  }
  h *= kMul;
  return h ^ (h >> 32);
}

// A text column's distinct values in order of first appearance, as views into the input or
// into owned copies (values that had "" undoubled). Open addressing, linear probing.
class Interner {
 public:
  std::int32_t intern(std::string_view v, bool stable) {
    if (have_last_ && same_bytes(v, last_)) return last_id_;
    return intern_hashed(v, hash_bytes(v), stable);
  }

  // intern() for a value whose hash_bytes is known (merging tables), without the last-value
  // cache.
  std::int32_t intern_hashed(std::string_view v, std::uint64_t h, bool stable) {
    if ((labels_.size() + 1) * 2 > slots_.size()) grow(slots_.empty() ? 64 : slots_.size() * 2);
    const std::size_t mask = slots_.size() - 1;
    const std::uint32_t tag = static_cast<std::uint32_t>(h >> 32);
    std::size_t i = static_cast<std::size_t>(h) & mask;
    std::int32_t id;
    for (;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.id < 0) {
        if (labels_.size() >= static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
          throw Error(ExitCode::bad_data, "more than 2^31 - 1 distinct values in one text column");
        if (!stable) {
          owned_.emplace_front(v);
          v = owned_.front();
        }
        id = static_cast<std::int32_t>(labels_.size());
        labels_.push_back(v);
        hashes_.push_back(h);
        slot = Slot{tag, id};
        break;
      }
      if (slot.tag == tag && same_bytes(labels_[static_cast<std::size_t>(slot.id)], v)) {
        id = slot.id;
        v = labels_[static_cast<std::size_t>(id)];
        break;
      }
    }
    last_ = v;
    last_id_ = id;
    have_last_ = true;
    return id;
  }

  // Asks the cache for the slot a hash starts probing at (merging: hides the miss latency).
  void prefetch(std::uint64_t h) const {
    if (!slots_.empty())
      __builtin_prefetch(&slots_[static_cast<std::size_t>(h) & (slots_.size() - 1)]);
  }

  // Room for n distinct values without rehashing.
  void reserve(std::size_t n) {
    std::size_t want = 64;
    while (want < 2 * n + 2) want *= 2;
    if (want > slots_.size()) grow(want);
    labels_.reserve(n);
    hashes_.reserve(n);
  }

  const std::vector<std::string_view>& labels() const { return labels_; }
  const std::vector<std::uint64_t>& hashes() const { return hashes_; }

 private:
  struct Slot {
    std::uint32_t tag;
    std::int32_t id;  // -1 = empty
  };

  void grow(std::size_t capacity) {
    slots_.assign(capacity, Slot{0, -1});
    const std::size_t mask = capacity - 1;
    for (std::size_t id = 0; id < labels_.size(); ++id) {
      std::size_t i = static_cast<std::size_t>(hashes_[id]) & mask;
      while (slots_[i].id >= 0) i = (i + 1) & mask;
      slots_[i] =
          Slot{static_cast<std::uint32_t>(hashes_[id] >> 32), static_cast<std::int32_t>(id)};
    }
  }

  std::vector<Slot> slots_;
  std::vector<std::string_view> labels_;
  std::vector<std::uint64_t> hashes_;
  // A list: adding never moves the strings viewed above, and an empty one allocates nothing
  // (there is one Interner per column and chunk).
  std::forward_list<std::string> owned_;
  std::string_view last_;
  std::int32_t last_id_ = 0;
  bool have_last_ = false;
};

struct ChunkState {
  Interner firms;
  Interner cluster;
  std::vector<Interner> strata;
  std::exception_ptr error;
};

// Everything the row parser reads and writes; the column pointers address the Panel's vectors.
struct Sink {
  std::int32_t* firm = nullptr;
  std::int32_t* year = nullptr;
  std::int64_t* line = nullptr;
  std::vector<double*> metric;
  std::int8_t* member = nullptr;
  std::int32_t* cluster = nullptr;
  std::int32_t* entry = nullptr;
  std::vector<std::int32_t*> strata;
  double* weight = nullptr;
};

class Parser {
 public:
  Parser(std::string_view text, const std::string& file, const RecordScan& scan,
         const Layout& layout)
      : text_(text), file_(file), scan_(scan), layout_(layout) {}

  // The physical line of the byte `at` inside record `rec`.
  std::int64_t line_of(std::size_t rec, const char* at) const {
    const Record& r = scan_.records[rec];
    std::int64_t line = static_cast<std::int64_t>(r.line);
    if (r.has_quote) {
      const char* p = text_.data() + r.begin;
      line += std::count(p, at, '\n');
    }
    return line;
  }

  [[noreturn]] void field_error(std::size_t rec, std::uint32_t col, const char* at,
                                std::string_view value, std::string_view reason) const {
    throw_data_error(SourceLocation{file_, line_of(rec, at), layout_.display_names[col],
                                    static_cast<int>(col) + 1},
                     value, reason);
  }

  [[noreturn]] void ragged_error(std::size_t rec, std::string_view record,
                                 std::size_t found) const {
    throw_data_error(
        SourceLocation{file_, static_cast<std::int64_t>(scan_.records[rec].line), "", 0}, record,
        fmt::format("expected {} fields (as in the header, delimiter {}), found {}",
                    layout_.columns(), delimiter_name(layout_.delimiter), found));
  }

  static std::string delimiter_name(char d) {
    if (d == '\t') return "tab";
    return fmt::format("'{}'", d);
  }

  // Parses data rows [row_begin, row_end) (record = row + 1) into `sink`.
  void parse_rows(std::size_t row_begin, std::size_t row_end, const Sink& sink,
                  ChunkState& state) const {
    const std::size_t ncols = layout_.columns();
    std::vector<RawField> fields(ncols);
    std::string scratch;
    for (std::size_t row = row_begin; row < row_end; ++row) {
      const std::size_t rec = row + 1;
      const std::string_view record = record_text(text_, scan_, rec);
      const bool has_quote = scan_.records[rec].has_quote != 0;
      const std::size_t found =
          split_record(record, has_quote, layout_.delimiter, fields.data(), ncols);
      if (found != ncols) ragged_error(rec, record, found);
      sink.line[row] = static_cast<std::int64_t>(scan_.records[rec].line);

      for (std::uint32_t col : layout_.mapped) {
        const RawField raw = fields[col];
        Field f;
        const DecodeStatus ds = decode_field(raw, has_quote, scratch, f);
        if (ds != DecodeStatus::ok)
          field_error(rec, col, raw.begin,
                      std::string_view(raw.begin, static_cast<std::size_t>(raw.end - raw.begin)),
                      describe(ds));
        for (std::uint32_t b = layout_.first[col]; b < layout_.first[col + 1]; ++b) {
          const Binding binding = layout_.bindings[b];
          store(binding, f, row, rec, col, raw.begin, sink, state);
        }
      }
    }
  }

 private:
  void store(Binding binding, const Field& f, std::size_t row, std::size_t rec, std::uint32_t col,
             const char* at, const Sink& sink, ChunkState& state) const {
    switch (binding.role) {
      case Role::id:
        if (is_missing(f.text))
          field_error(rec, col, at, f.text,
                      "missing firm id (every row needs one; empty, NA and . mean missing)");
        sink.firm[row] = state.firms.intern(f.text, !f.in_scratch);
        return;
      case Role::year: {
        const ValueStatus s = parse_year(f.text, sink.year[row]);
        if (s == ValueStatus::missing)
          field_error(rec, col, at, f.text, "missing year (every row needs one)");
        if (s != ValueStatus::ok) field_error(rec, col, at, f.text, describe(s));
        return;
      }
      case Role::metric: {
        const ValueStatus s = parse_metric(f.text, sink.metric[binding.slot][row]);
        if (s != ValueStatus::ok && s != ValueStatus::missing) {
          if (s == ValueStatus::not_a_number && f.text.find(',') != std::string_view::npos)
            field_error(rec, col, at, f.text,
                        "not a number (a decimal comma? write decimals with a point: 1.5)");
          field_error(rec, col, at, f.text, describe(s));
        }
        return;
      }
      case Role::member: {
        const ValueStatus s = parse_member(f.text, sink.member[row]);
        if (s != ValueStatus::ok && s != ValueStatus::missing)
          field_error(rec, col, at, f.text, describe(s));
        return;
      }
      case Role::cluster:
        sink.cluster[row] =
            is_missing(f.text) ? kNoLabel : state.cluster.intern(f.text, !f.in_scratch);
        return;
      case Role::entry: {
        // 0 means "never entered" (the convention of R's did package): missing.
        if (is_zero(f.text)) {
          sink.entry[row] = kMissingYear;
          return;
        }
        const ValueStatus s = parse_year(f.text, sink.entry[row]);
        if (s != ValueStatus::ok && s != ValueStatus::missing)
          field_error(rec, col, at, f.text,
                      s == ValueStatus::not_an_integer ? "not an integer entry year" : describe(s));
        return;
      }
      case Role::stratum:
        sink.strata[binding.slot][row] =
            is_missing(f.text) ? kNoLabel
                               : state.strata[binding.slot].intern(f.text, !f.in_scratch);
        return;
      case Role::weight: {
        const ValueStatus s = parse_weight(f.text, sink.weight[row]);
        if (s != ValueStatus::ok && s != ValueStatus::missing)
          field_error(rec, col, at, f.text, describe(s));
        return;
      }
    }
  }

  std::string_view text_;
  const std::string& file_;
  const RecordScan& scan_;
  const Layout& layout_;
};

// ---- header --------------------------------------------------------------------------------

std::string list_columns(const std::vector<std::string>& names) {
  constexpr std::size_t kShown = 20;
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < kShown; ++i) {
    if (i) out += ", ";
    out += quoted_for_message(names[i]);
  }
  if (names.size() > kShown) out += fmt::format(", ... ({} in all)", names.size());
  return out;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lo = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lo(a[i]) != lo(b[i])) return false;
  }
  return true;
}

class HeaderMapper {
 public:
  HeaderMapper(const std::string& file, Layout& layout) : file_(file), layout_(layout) {
    for (std::size_t i = 0; i < layout_.names.size(); ++i)
      positions_[layout_.names[i]].push_back(static_cast<int>(i));
  }

  // The 0-based column called `name`, -1 when absent. A mapped name must be unique.
  int find(const std::string& name) const {
    auto it = positions_.find(name);
    if (it == positions_.end()) return -1;
    if (it->second.size() > 1)
      throw_data_error(SourceLocation{file_, 1, display_name(name), it->second[1] + 1},
                       fmt::format("the header names this column more than once (columns {} and "
                                   "{}), so it is ambiguous",
                                   it->second[0] + 1, it->second[1] + 1));
    return it->second[0];
  }

  int require(const std::string& name, std::string_view role, std::string_view hint = {}) const {
    const int c = find(name);
    if (c >= 0) return c;
    std::string reason = fmt::format("no such column in the header (wanted as {})", role);
    for (const std::string& n : layout_.names)
      if (equal_ignoring_case(n, name)) {
        reason += fmt::format("; did you mean {}?", quoted_for_message(n));
        break;
      }
    if (!hint.empty()) reason += fmt::format("; {}", hint);
    reason += fmt::format("; the header has {} column{}: {}", layout_.names.size(),
                          layout_.names.size() == 1 ? "" : "s", list_columns(layout_.names));
    throw_data_error(SourceLocation{file_, 1, display_name(name), 0}, reason);
  }

 private:
  const std::string& file_;
  Layout& layout_;
  std::unordered_map<std::string, std::vector<int>> positions_;
};

Layout map_header(std::string_view text, const std::string& file, const RecordScan& scan,
                  const ReadOptions& options) {
  Layout layout;
  const std::string_view header = record_text(text, scan, 0);
  layout.delimiter = options.delimiter ? options.delimiter : sniff_delimiter(header);

  const std::size_t ncols =
      split_record(header, scan.records[0].has_quote != 0, layout.delimiter, nullptr, 0);
  std::vector<RawField> raw(ncols);
  split_record(header, scan.records[0].has_quote != 0, layout.delimiter, raw.data(), ncols);
  std::string scratch;
  for (std::size_t c = 0; c < ncols; ++c) {
    Field f;
    const DecodeStatus ds = decode_field(raw[c], scan.records[0].has_quote != 0, scratch, f);
    if (ds != DecodeStatus::ok) {
      const std::int64_t line = 1 + std::count(header.data(), raw[c].begin, '\n');
      throw_data_error(
          SourceLocation{file, line, "", static_cast<int>(c) + 1},
          std::string_view(raw[c].begin, static_cast<std::size_t>(raw[c].end - raw[c].begin)),
          fmt::format("header: {}", describe(ds)));
    }
    layout.names.emplace_back(f.text);
    layout.display_names.push_back(display_name(f.text));
  }

  const ColumnMap& m = options.columns;
  HeaderMapper mapper(file, layout);
  std::vector<std::pair<int, Binding>> bound;
  auto bind = [&](int col, Role role, std::uint32_t slot = 0) {
    bound.push_back({col, Binding{role, slot}});
  };

  layout.id = mapper.require(m.id, "the firm id");
  bind(layout.id, Role::id);
  layout.year = mapper.require(m.year, "the year");
  bind(layout.year, Role::year);
  for (std::size_t k = 0; k < m.metrics.size(); ++k) {
    layout.metrics.push_back(mapper.require(m.metrics[k], "a metric"));
    bind(layout.metrics.back(), Role::metric, static_cast<std::uint32_t>(k));
  }
  if (m.cluster)
    layout.cluster = mapper.require(*m.cluster, "the cluster label");
  else if (options.membership)
    layout.cluster = mapper.find("cluster");
  if (m.entry) layout.entry = mapper.require(*m.entry, "the entry year");

  // A membership column named by the user (not the default) must be there: deriving membership
  // from another column instead would answer a question the user did not ask.
  if (options.membership && m.member != ColumnMap{}.member && m.member != m.cluster)
    mapper.require(m.member, "the membership column");
  const int member = options.membership ? mapper.find(m.member) : -1;
  if (!options.membership) {
    // Nothing to read: every row is a non-member (filled in after the parse).
  } else if (member >= 0 && member != layout.cluster) {
    layout.member = member;
    layout.member_from = MemberFrom::column;
    bind(layout.member, Role::member);
  } else if (layout.cluster >= 0) {
    // No member column (or the member column is the cluster column): label present = member.
    layout.member = layout.cluster;
    layout.member_from = MemberFrom::cluster;
  } else if (layout.entry >= 0) {
    layout.member = layout.entry;
    layout.member_from = MemberFrom::entry;
  } else {
    mapper.require(m.member, "the membership column",
                   "membership can instead be derived from a cluster-label column (non-empty = "
                   "member) or an entry-year column");
  }
  if (layout.cluster >= 0) bind(layout.cluster, Role::cluster);
  if (layout.entry >= 0) bind(layout.entry, Role::entry);
  for (std::size_t k = 0; k < m.strata.size(); ++k) {
    layout.strata.push_back(mapper.require(m.strata[k], "a stratum"));
    bind(layout.strata.back(), Role::stratum, static_cast<std::uint32_t>(k));
  }
  if (m.weight) {
    layout.weight = mapper.require(*m.weight, "the sampling weight");
    bind(layout.weight, Role::weight);
  }

  std::stable_sort(bound.begin(), bound.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  layout.first.assign(ncols + 1, 0);
  for (const auto& [col, binding] : bound) {
    layout.bindings.push_back(binding);
    ++layout.first[static_cast<std::size_t>(col) + 1];
  }
  for (std::size_t c = 0; c < ncols; ++c) {
    if (layout.first[c + 1] > 0) layout.mapped.push_back(static_cast<std::uint32_t>(c));
    layout.first[c + 1] += layout.first[c];
  }
  return layout;
}

// ---- whole-file defects --------------------------------------------------------------------

[[noreturn]] void throw_scan_stop(std::string_view text, const std::string& file,
                                  const RecordScan& scan, std::size_t ncols) {
  if (scan.stop == RecordScan::Stop::unterminated_quote)
    throw_data_error(SourceLocation{file, scan.stop_line, "", 0}, text.substr(scan.stop_offset),
                     "unterminated quoted field: the quote opened on this line is never closed");
  if (scan.stop_line == 1)
    throw_data_error(SourceLocation{file, 1, "", 0},
                     "line 1 is blank: the first line must be the header naming the columns");
  throw_data_error(SourceLocation{file, scan.stop_line, "", 0},
                   fmt::format("blank line inside the data: expected {} fields, found none "
                               "(blank lines are allowed only at the end of the file)",
                               ncols));
}

// ---- the steps of a parse ------------------------------------------------------------------

void check_delimiter(const ReadOptions& options) {
  const char d = options.delimiter;
  if (d == '"' || d == '\n' || d == '\r')
    throw_usage_error("the delimiter cannot be a quote or a line end");
}

bool starts_with_bom(std::string_view text) {
  return text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF";
}

int thread_count(const ReadOptions& options) {
  return options.threads > 0 ? options.threads : omp_get_max_threads();
}

// The columns the layout and options call for, still without rows.
void shape_columns(Panel& panel, const Layout& layout, const ReadOptions& options) {
  const ColumnMap& m = options.columns;
  panel.metric_names = m.metrics;
  panel.metric.resize(m.metrics.size());
  if (layout.cluster >= 0) {
    panel.cluster.emplace();
    panel.cluster->name = layout.names[static_cast<std::size_t>(layout.cluster)];
  }
  panel.strata.resize(m.strata.size());
  for (std::size_t k = 0; k < m.strata.size(); ++k) panel.strata[k].name = m.strata[k];
}

// Grows (or sizes) the columns of a shaped panel to `rows` rows, the new ones holding what a
// row leaves unset (member -1: not read). Rows already there keep their values.
void grow_columns(Panel& panel, const Layout& layout, std::size_t rows) {
  panel.data_lines = rows;
  fill_column(panel.firm, rows, std::int32_t{0});
  fill_column(panel.year, rows, std::int32_t{0});
  fill_column(panel.line, rows, std::int64_t{0});
  fill_column(panel.member, rows, std::int8_t{-1});
  for (auto& col : panel.metric) fill_column(col, rows, 0.0);
  if (panel.cluster) fill_column(panel.cluster->code, rows, std::int32_t{0});
  if (layout.entry >= 0) fill_column(panel.entry, rows, std::int32_t{0});
  for (auto& s : panel.strata) fill_column(s.code, rows, std::int32_t{0});
  if (layout.weight >= 0) fill_column(panel.weight, rows, 0.0);
}

// Room for `rows` rows in every column without moving them (streaming: grow_columns by chunks).
void reserve_columns(Panel& panel, const Layout& layout, std::size_t rows) {
  panel.firm.reserve(rows);
  panel.year.reserve(rows);
  panel.line.reserve(rows);
  panel.member.reserve(rows);
  for (auto& col : panel.metric) col.reserve(rows);
  if (panel.cluster) panel.cluster->code.reserve(rows);
  if (layout.entry >= 0) panel.entry.reserve(rows);
  for (auto& s : panel.strata) s.code.reserve(rows);
  if (layout.weight >= 0) panel.weight.reserve(rows);
}

// The columns of a panel sized by grow_columns.
Sink sink_of(Panel& panel, const Layout& layout) {
  Sink sink;
  sink.firm = panel.firm.data();
  sink.year = panel.year.data();
  sink.line = panel.line.data();
  for (auto& col : panel.metric) sink.metric.push_back(col.data());
  sink.member = panel.member.data();
  if (panel.cluster) sink.cluster = panel.cluster->code.data();
  if (layout.entry >= 0) sink.entry = panel.entry.data();
  for (auto& s : panel.strata) sink.strata.push_back(s.code.data());
  if (layout.weight >= 0) sink.weight = panel.weight.data();
  return sink;
}

// Parses the data rows chunk by chunk (rows_per_chunk each) on `threads` threads, except the
// chunks for which `already(c)` returns true, and throws the defect of the earliest chunk that
// has one: the first defect in the file, whatever the thread count.
template <class Already>
void parse_chunks(const Parser& parser, const Sink& sink, std::vector<ChunkState>& state,
                  std::size_t rows, std::size_t rows_per_chunk, int threads, Already&& already) {
  const std::size_t chunks = state.size();
  std::atomic<std::size_t> first_failed{chunks};
  auto run_chunk = [&](std::size_t c) {
    if (already(c)) return;
    if (c > first_failed.load(std::memory_order_relaxed)) return;  // an earlier defect wins
    try {
      parser.parse_rows(c * rows_per_chunk, std::min(rows, (c + 1) * rows_per_chunk), sink,
                        state[c]);
    } catch (...) {
      state[c].error = std::current_exception();
      std::size_t seen = first_failed.load();
      while (c < seen && !first_failed.compare_exchange_weak(seen, c)) {
      }
    }
  };
  if (threads <= 1 || chunks == 1) {
    for (std::size_t c = 0; c < chunks; ++c) run_chunk(c);
  } else {
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (std::size_t c = 0; c < chunks; ++c) run_chunk(c);
  }
  for (const ChunkState& s : state)
    if (s.error) std::rethrow_exception(s.error);
}

// After the rows: the per-chunk interning tables merged in chunk order, membership, firm-level
// validation.
void complete_panel(Panel& panel, const Layout& layout, std::vector<ChunkState>& state,
                    std::size_t rows, std::size_t rows_per_chunk, int threads,
                    const std::string& display_name, const ReadOptions& options) {
  const std::size_t chunks = state.size();
  auto merge = [&](auto local_of, std::int32_t* codes, std::vector<std::string>& labels,
                   bool keep_missing) {
    Interner global;
    std::size_t bound = 0;
    for (std::size_t c = 0; c < chunks; ++c) bound += local_of(state[c]).labels().size();
    global.reserve(bound);
    std::vector<std::vector<std::int32_t>> remap(chunks);
    for (std::size_t c = 0; c < chunks; ++c) {
      const Interner& local = local_of(state[c]);
      const std::vector<std::string_view>& labels = local.labels();
      const std::vector<std::uint64_t>& hashes = local.hashes();
      constexpr std::size_t kAhead = 16;
      remap[c].resize(labels.size());
      for (std::size_t i = 0; i < labels.size(); ++i) {
        if (i + kAhead < labels.size()) global.prefetch(hashes[i + kAhead]);
        remap[c][i] = global.intern_hashed(labels[i], hashes[i], true);
      }
    }
#pragma omp parallel for schedule(static) num_threads(std::max(1, threads)) if (chunks > 1)
    for (std::size_t c = 0; c < chunks; ++c) {
      const std::size_t end = std::min(rows, (c + 1) * rows_per_chunk);
      const std::vector<std::int32_t>& map = remap[c];
      for (std::size_t r = c * rows_per_chunk; r < end; ++r)
        if (!keep_missing || codes[r] != kNoLabel)
          codes[r] = map[static_cast<std::size_t>(codes[r])];
    }
    labels.reserve(global.labels().size());
    for (std::string_view label : global.labels()) labels.emplace_back(label);
  };
  merge([](const ChunkState& s) -> const Interner& { return s.firms; }, panel.firm.data(),
        panel.firm_ids, false);
  if (panel.cluster)
    merge([](const ChunkState& s) -> const Interner& { return s.cluster; },
          panel.cluster->code.data(), panel.cluster->labels, true);
  for (std::size_t k = 0; k < panel.strata.size(); ++k)
    merge([k](const ChunkState& s) -> const Interner& { return s.strata[k]; },
          panel.strata[k].code.data(), panel.strata[k].labels, true);
  state.clear();

  // ---- membership ----
  ValidationInput vin;
  vin.file = display_name;
  auto ref = [&](int col) {
    return col < 0 ? ColumnRef{}
                   : ColumnRef{layout.display_names[static_cast<std::size_t>(col)], col + 1};
  };
  vin.year = ref(layout.year);
  vin.member = ref(layout.member);
  vin.cluster = ref(layout.cluster);
  vin.entry = ref(layout.entry);
  if (!options.membership) {
    // A pool of potential controls: nothing was read, every row is a non-member.
    std::fill(panel.member.begin(), panel.member.end(), std::int8_t{0});
  } else {
    panel.member_source = layout.names[static_cast<std::size_t>(layout.member)];
    panel.member_derived = layout.member_from != MemberFrom::column;
    if (layout.member_from == MemberFrom::cluster) {
      for (std::size_t r = 0; r < rows; ++r)
        panel.member[r] = panel.cluster->code[r] != kNoLabel ? 1 : 0;
    } else if (layout.member_from == MemberFrom::entry) {
      for (std::size_t r = 0; r < rows; ++r)
        panel.member[r] = panel.entry[r] != kMissingYear ? 1 : 0;
    }
  }
  vin.member_derived = panel.member_derived;

  validate_panel(panel, vin);
}

}  // namespace

// ---- parsing while the text arrives --------------------------------------------------------

// What StreamingParse has done so far. Everything in it that views the text (interned labels)
// views it at the address advance() was given.
struct StreamingParse::State {
  State(const std::string& name, const ReadOptions& opts, std::size_t hint, std::size_t chunk_rows)
      : display_name(name),
        options(opts),
        rows_per_chunk(chunk_rows),
        size_hint(hint),
        scanner(hint) {}

  const std::string display_name;
  const ReadOptions options;
  const std::size_t rows_per_chunk;
  const std::size_t size_hint;
  bool failed = false;  // a defect was met or the options are impossible: finish() starts over
  bool bom_known = false;
  bool bom = false;
  RecordScanner scanner;
  std::optional<Layout> layout;
  // The rows of the chunks parsed so far (chunk c: data rows [c * R, (c + 1) * R), R =
  // rows_per_chunk), and the interning tables of chunk c in state[c].
  Panel panel;
  std::vector<ChunkState> state;
};

StreamingParse::StreamingParse(const std::string& display_name, const ReadOptions& options,
                               std::size_t size_hint, std::size_t rows_per_chunk)
    : state_(
          std::make_unique<State>(display_name, options, size_hint,
                                  rows_per_chunk == 0 ? detail::kRowsPerChunk : rows_per_chunk)) {
  try {
    check_delimiter(options);
  } catch (...) {
    state_->failed = true;
  }
}

StreamingParse::~StreamingParse() = default;

std::size_t StreamingParse::chunks_parsed() const {
  return state_->state.size();
}

void StreamingParse::advance(std::string_view text, const std::atomic<bool>& stop) {
  State& st = *state_;
  if (st.failed) return;
  try {
    if (!st.bom_known) {
      if (text.size() < 3) return;
      st.bom = starts_with_bom(text);
      st.bom_known = true;
    }
    if (st.bom) text.remove_prefix(3);
    st.scanner.feed(text);
    if (st.scanner.stopped()) {
      st.failed = true;
      return;
    }
    const RecordScan& scan = st.scanner.partial();
    const std::size_t R = st.rows_per_chunk;
    if (!st.layout) {
      if (scan.records.size() < 2) return;  // the header's end is not known yet
      st.layout.emplace(map_header(text, st.display_name, scan, st.options));
      shape_columns(st.panel, *st.layout, st.options);
    }
    const Layout& layout = *st.layout;
    const Parser parser(text, st.display_name, scan, layout);
    // Chunk c's last row is record (c + 1) * R; its end is the begin of the record after it.
    while (!stop.load(std::memory_order_relaxed) &&
           scan.records.size() > (st.state.size() + 1) * R + 1) {
      const std::size_t c = st.state.size();
      if (c == 1) {
        // Room for the rows the whole text will have at the first chunk's bytes per row (and
        // some more), so that the columns seldom move as they grow.
        const double bytes_per_row = static_cast<double>(scan.records[R + 1].begin) / (R + 1);
        reserve_columns(
            st.panel, layout,
            static_cast<std::size_t>(static_cast<double>(st.size_hint) / bytes_per_row * 1.05) +
                2 * R);
      }
      grow_columns(st.panel, layout, (c + 1) * R);
      ChunkState chunk;
      chunk.strata.resize(st.options.columns.strata.size());
      parser.parse_rows(c * R, (c + 1) * R, sink_of(st.panel, layout), chunk);
      st.state.push_back(std::move(chunk));
    }
  } catch (...) {
    st.failed = true;  // finish() meets it again and reports it, after the rest of the text
  }
}

Panel StreamingParse::finish(std::string_view text) {
  State& st = *state_;
  if (!st.failed && !st.state.empty()) {
    bool rows_parsed = false;
    try {
      parse_rest(text);
      rows_parsed = true;
    } catch (...) {
      // A defect in the rest of the rows: read the whole text below, which reports the first
      // defect in the file as parse_panel does.
    }
    if (rows_parsed) {
      // From here on as in parse_panel_chunked, on the same columns and tables (so a defect
      // found now is its defect too).
      const std::size_t rows = st.panel.data_lines;
      complete_panel(st.panel, *st.layout, st.state, rows, st.rows_per_chunk,
                     thread_count(st.options), st.display_name, st.options);
      return std::move(st.panel);
    }
  }
  st.panel = Panel{};
  st.state.clear();
  return detail::parse_panel_chunked(text, st.display_name, st.options, st.rows_per_chunk);
}

// The rows advance() did not parse, into st.panel; throws at a defect.
void StreamingParse::parse_rest(std::string_view text) {
  State& st = *state_;
  const std::size_t R = st.rows_per_chunk;
  st.panel.path = st.display_name;
  st.panel.bytes = text.size();
  if (st.bom) text.remove_prefix(3);
  const RecordScan scan = st.scanner.finish(text);
  if (scan.stop != RecordScan::Stop::none) throw std::runtime_error("blank line or open quote");
  const Layout& layout = *st.layout;
  const std::size_t rows = scan.count() - 1;  // at least the rows parsed: records were seen
  grow_columns(st.panel, layout, rows);

  const std::size_t parsed = st.state.size();
  st.state.resize((rows + R - 1) / R);
  for (std::size_t c = parsed; c < st.state.size(); ++c)
    st.state[c].strata.resize(st.options.columns.strata.size());
  const Parser parser(text, st.display_name, scan, layout);
  parse_chunks(parser, sink_of(st.panel, layout), st.state, rows, R, thread_count(st.options),
               [parsed](std::size_t c) { return c < parsed; });
}

}  // namespace io

namespace detail {

Panel parse_panel_chunked(std::string_view text, const std::string& display_name,
                          const ReadOptions& options, std::size_t rows_per_chunk) {
  using namespace io;
  check_delimiter(options);
  if (rows_per_chunk == 0) rows_per_chunk = kRowsPerChunk;

  Panel panel;
  panel.path = display_name;
  panel.bytes = text.size();
  if (starts_with_bom(text)) text.remove_prefix(3);

  const RecordScan scan = scan_records(text);
  if (scan.count() == 0) {
    if (scan.stop != RecordScan::Stop::none) throw_scan_stop(text, display_name, scan, 0);
    throw_data_error(SourceLocation{display_name, 1, "", 0},
                     "empty file: expected a header line naming the columns, then one row per "
                     "firm and year");
  }
  const Layout layout = map_header(text, display_name, scan, options);
  const std::size_t rows = scan.count() - 1;
  if (rows == 0) {
    if (scan.stop != RecordScan::Stop::none)
      throw_scan_stop(text, display_name, scan, layout.columns());
    throw_data_error(SourceLocation{display_name, 1, "", 0},
                     "the file has a header line but no data rows");
  }

  shape_columns(panel, layout, options);
  grow_columns(panel, layout, rows);
  const Sink sink = sink_of(panel, layout);

  // ---- parallel parse ----
  const std::size_t chunks = (rows + rows_per_chunk - 1) / rows_per_chunk;
  std::vector<ChunkState> state(chunks);
  for (auto& s : state) s.strata.resize(options.columns.strata.size());
  const Parser parser(text, display_name, scan, layout);
  const int threads = thread_count(options);
  parse_chunks(parser, sink, state, rows, rows_per_chunk, threads,
               [](std::size_t) { return false; });
  if (scan.stop != RecordScan::Stop::none)
    throw_scan_stop(text, display_name, scan, layout.columns());

  complete_panel(panel, layout, state, rows, rows_per_chunk, threads, display_name, options);
  return panel;
}

}  // namespace detail

Panel parse_panel(std::string_view text, const std::string& display_name,
                  const ReadOptions& options) {
  return detail::parse_panel_chunked(text, display_name, options, detail::kRowsPerChunk);
}

}  // namespace klynge
