#include "klynge/engine/replicate_store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "klynge/engine/table_memory.hpp"
#include "klynge/error.hpp"

namespace klynge {

namespace {

using json = nlohmann::ordered_json;

[[noreturn]] void bad(const std::string& source, const std::string& what) {
  throw Error(ExitCode::bad_data, source + ": " + what);
}

bool same_table(const StoredRange& r, TableKind kind, std::uint32_t analysis) {
  return r.kind == kind && r.analysis == analysis;
}

// Doubles as JSON numbers (nlohmann writes the shortest text that reads back as the same
// double); NaN, which JSON lacks, as null.
json numbers(const std::vector<double>& v) {
  json a = json::array();
  for (double x : v) a.push_back(std::isnan(x) ? json(nullptr) : json(x));
  return a;
}

std::vector<double> read_numbers(const nlohmann::json& a, std::size_t expected,
                                 const std::string& source, const char* field) {
  if (!a.is_array() || a.size() != expected)
    bad(source,
        fmt::format("stored replicates: '{}' must be an array of {} numbers", field, expected));
  std::vector<double> v;
  v.reserve(expected);
  for (const auto& x : a) {
    if (x.is_null())
      v.push_back(std::numeric_limits<double>::quiet_NaN());
    else if (x.is_number())
      v.push_back(x.get<double>());
    else
      bad(source, fmt::format("stored replicates: '{}' holds a non-number", field));
  }
  return v;
}

template <typename T>
T field(const nlohmann::json& j, const char* name, const std::string& source) {
  if (!j.contains(name)) bad(source, fmt::format("stored replicates: missing '{}'", name));
  try {
    return j.at(name).get<T>();
  } catch (const nlohmann::json::exception&) {
    bad(source, fmt::format("stored replicates: '{}' has the wrong type", name));
  }
}

}  // namespace

std::string_view table_kind_name(TableKind kind) {
  return kind == TableKind::bootstrap ? "bootstrap" : "permutation";
}

void ReplicateStore::add(StoredRange range) {
  if (range.count == 0) return;
  ranges_.push_back(std::move(range));
}

void ReplicateStore::absorb(ReplicateStore other) {
  for (StoredRange& r : other.ranges_) add(std::move(r));
}

StoredRange ReplicateStore::take_only(TableKind kind, std::uint32_t analysis, std::uint64_t total,
                                      std::size_t keys, std::uint64_t first) {
  for (StoredRange& r : ranges_)
    if (same_table(r, kind, analysis)) return std::move(r);
  StoredRange empty;
  empty.kind = kind;
  empty.analysis = analysis;
  empty.total = total;
  empty.first = first;
  empty.keys = keys;
  return empty;
}

void ReplicateStore::add(const ReplicateTable& t, std::uint32_t analysis, std::uint64_t total) {
  StoredRange r;
  r.kind = TableKind::bootstrap;
  r.analysis = analysis;
  r.total = total;
  r.first = t.first;
  r.count = t.count;
  r.keys = t.keys.size();
  r.values = t.values;
  r.welch_se = t.welch_se;
  add(std::move(r));
}

void ReplicateStore::add(const PermutationTable& t, std::uint32_t analysis, std::uint64_t total) {
  StoredRange r;
  r.kind = TableKind::permutation;
  r.analysis = analysis;
  r.exact = t.exact;
  r.total = total;
  r.first = t.first;
  r.count = t.count;
  r.keys = t.keys.size();
  r.values = t.values;
  r.observed = t.observed;
  add(std::move(r));
}

std::vector<const StoredRange*> ReplicateStore::ranges(TableKind kind, std::uint32_t analysis,
                                                       const std::string& source) const {
  std::vector<const StoredRange*> out;
  for (const StoredRange& r : ranges_)
    if (same_table(r, kind, analysis)) out.push_back(&r);
  std::sort(out.begin(), out.end(),
            [](const StoredRange* a, const StoredRange* b) { return a->first < b->first; });
  for (std::size_t i = 0; i < out.size(); ++i) {
    const StoredRange& r = *out[i];
    if (r.total != out[0]->total || r.keys != out[0]->keys || r.exact != out[0]->exact)
      bad(source, fmt::format("{} table of analysis {}: parts disagree on its size (run with "
                              "different settings?)",
                              table_kind_name(kind), analysis));
    if (i > 0 && out[i - 1]->first + out[i - 1]->count > r.first)
      bad(source, fmt::format("{} table of analysis {}: replicates [{}, {}) are stored twice",
                              table_kind_name(kind), analysis, r.first,
                              std::min(r.first + r.count, out[i - 1]->first + out[i - 1]->count)));
  }
  return out;
}

std::uint64_t ReplicateStore::prefix(TableKind kind, std::uint32_t analysis,
                                     const std::string& source) const {
  std::uint64_t done = 0;
  for (const StoredRange* r : ranges(kind, analysis, source)) {
    if (r->first != done) break;
    done += r->count;
  }
  return done;
}

namespace {

// Copies the stored ranges covering [0, count) into values (and extra) laid out keys x count.
void join(const std::vector<const StoredRange*>& parts, std::uint64_t count, std::size_t keys,
          bool with_se, std::vector<double>& values, std::vector<double>& se,
          const std::string& source, std::string_view what) {
  values.assign(keys * count, 0.0);
  if (with_se) se.assign(keys * count, 0.0);
  std::uint64_t done = 0;
  for (const StoredRange* r : parts) {
    if (done >= count) break;
    if (r->first != done)
      bad(source, fmt::format("{}: replicates [{}, {}) are missing", what, done, r->first));
    if (r->keys != keys)
      bad(source, fmt::format("{}: {} result keys stored, {} expected (run with different "
                              "settings?)",
                              what, r->keys, keys));
    const std::uint64_t take = std::min(r->count, count - done);
    for (std::size_t k = 0; k < keys; ++k) {
      std::copy_n(r->values.begin() + k * r->count, take, values.begin() + k * count + done);
      if (with_se)
        std::copy_n(r->welch_se.begin() + k * r->count, take, se.begin() + k * count + done);
    }
    done += take;
  }
  if (done < count)
    bad(source, fmt::format("{}: replicates [{}, {}) are missing", what, done, count));
}

}  // namespace

ReplicateTable ReplicateStore::bootstrap_table(std::uint32_t analysis, std::uint64_t count,
                                               const std::vector<ResultKey>& keys,
                                               const std::string& source) const {
  ReplicateTable t;
  t.keys = keys;
  t.count = count;
  engine::check_replicate_table_fits("--bootstrap", keys.size(), count, true);
  join(ranges(TableKind::bootstrap, analysis, source), count, keys.size(), true, t.values,
       t.welch_se, source, fmt::format("bootstrap table of analysis {}", analysis));
  return t;
}

PermutationTable ReplicateStore::permutation_table(std::uint32_t analysis, std::uint64_t count,
                                                   const std::vector<ResultKey>& keys, bool exact,
                                                   const std::string& source) const {
  PermutationTable t;
  t.keys = keys;
  t.exact = exact;
  t.count = count;
  const auto parts = ranges(TableKind::permutation, analysis, source);
  engine::check_replicate_table_fits("--permutations", keys.size(), count, false);
  std::vector<double> unused;
  join(parts, count, keys.size(), false, t.values, unused, source,
       fmt::format("permutation table of analysis {}", analysis));
  t.total = parts.empty() ? 0 : (exact ? parts[0]->total : 0);
  t.observed = parts.empty() ? std::vector<double>(keys.size(), 0.0) : parts[0]->observed;
  return t;
}

void ReplicateStore::check_complete(const std::string& source) const {
  for (const StoredRange& r : ranges_) {
    const std::uint64_t done = prefix(r.kind, r.analysis, source);
    if (done < r.total)
      bad(source, fmt::format("{} table of analysis {}: replicates [{}, {}) are missing (a "
                              "shard not given?)",
                              table_kind_name(r.kind), r.analysis, done, r.total));
    std::uint64_t stored = 0;
    for (const StoredRange* p : ranges(r.kind, r.analysis, source)) stored += p->count;
    if (stored > r.total)
      bad(source, fmt::format("{} table of analysis {}: more replicates stored than the table "
                              "has ({} > {})",
                              table_kind_name(r.kind), r.analysis, stored, r.total));
  }
}

namespace {

// b directly follows a: one range over both, rows (keys) kept apart.
StoredRange concatenated(const StoredRange& a, const StoredRange& b) {
  StoredRange out = a;
  out.count = a.count + b.count;
  auto join_rows = [&](const std::vector<double>& x, const std::vector<double>& y) {
    std::vector<double> v(a.keys * out.count);
    for (std::size_t k = 0; k < a.keys; ++k) {
      std::copy_n(x.begin() + k * a.count, a.count, v.begin() + k * out.count);
      std::copy_n(y.begin() + k * b.count, b.count, v.begin() + k * out.count + a.count);
    }
    return v;
  };
  out.values = join_rows(a.values, b.values);
  if (a.kind == TableKind::bootstrap) out.welch_se = join_rows(a.welch_se, b.welch_se);
  return out;
}

}  // namespace

void ReplicateStore::compact() {
  std::vector<StoredRange> sorted = std::move(ranges_);
  std::sort(sorted.begin(), sorted.end(), [](const StoredRange& a, const StoredRange& b) {
    if (a.kind != b.kind) return a.kind < b.kind;
    if (a.analysis != b.analysis) return a.analysis < b.analysis;
    return a.first < b.first;
  });
  ranges_.clear();
  for (StoredRange& r : sorted) {
    if (!ranges_.empty()) {
      StoredRange& last = ranges_.back();
      if (same_table(last, r.kind, r.analysis) && last.keys == r.keys &&
          last.first + last.count == r.first) {
        last = concatenated(last, r);
        continue;
      }
    }
    ranges_.push_back(std::move(r));
  }
}

nlohmann::ordered_json ReplicateStore::to_json() const {
  json out = json::array();
  for (const StoredRange& r : ranges_) {
    json j;
    j["kind"] = std::string(table_kind_name(r.kind));
    j["analysis"] = r.analysis;
    j["exact"] = r.exact;
    j["total"] = r.total;
    j["first"] = r.first;
    j["count"] = r.count;
    j["keys"] = r.keys;
    j["values"] = numbers(r.values);
    if (r.kind == TableKind::bootstrap) j["welch_se"] = numbers(r.welch_se);
    if (r.kind == TableKind::permutation) j["observed"] = numbers(r.observed);
    out.push_back(std::move(j));
  }
  return out;
}

ReplicateStore ReplicateStore::from_json(const nlohmann::json& j, const std::string& source) {
  if (!j.is_array()) bad(source, "stored replicates: expected an array of ranges");
  ReplicateStore store;
  for (const auto& x : j) {
    if (!x.is_object()) bad(source, "stored replicates: a range is not an object");
    StoredRange r;
    const std::string kind = field<std::string>(x, "kind", source);
    if (kind != "bootstrap" && kind != "permutation")
      bad(source, "stored replicates: unknown kind '" + kind + "'");
    r.kind = kind == "bootstrap" ? TableKind::bootstrap : TableKind::permutation;
    r.analysis = field<std::uint32_t>(x, "analysis", source);
    r.exact = field<bool>(x, "exact", source);
    r.total = field<std::uint64_t>(x, "total", source);
    r.first = field<std::uint64_t>(x, "first", source);
    r.count = field<std::uint64_t>(x, "count", source);
    r.keys = field<std::size_t>(x, "keys", source);
    if (r.first > r.total || r.count > r.total - r.first)
      bad(source, "stored replicates: a range lies outside its table");
    if (r.keys > 0 && r.count > (std::uint64_t{1} << 40) / r.keys)
      bad(source, "stored replicates: a range is impossibly large");
    r.values = read_numbers(x["values"], r.keys * r.count, source, "values");
    if (r.kind == TableKind::bootstrap)
      r.welch_se = read_numbers(x["welch_se"], r.keys * r.count, source, "welch_se");
    else
      r.observed = read_numbers(x["observed"], r.keys, source, "observed");
    store.add(std::move(r));
  }
  return store;
}

}  // namespace klynge
