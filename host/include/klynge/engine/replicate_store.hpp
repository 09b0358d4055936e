// Finished replicate ranges kept outside a run: the part of every table a shard computed
// (`analyze --shard i/K`), what a checkpoint saved, what `klynge merge` reads back. Values are
// stored as JSON numbers that read back as the same doubles (NaN as null), so a table put
// together from stored ranges is bit-identical to one computed in a single run.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "klynge/bootstrap.hpp"
#include "klynge/permutation.hpp"

namespace klynge {

enum class TableKind { bootstrap, permutation };

// One finished range [first, first + count) of one table of one analysis.
struct StoredRange {
  TableKind kind = TableKind::bootstrap;
  std::uint32_t analysis = 0;
  bool exact = false;       // permutation: exact relabeling ranks
  std::uint64_t total = 0;  // the table's whole range [0, total)
  std::uint64_t first = 0;
  std::uint64_t count = 0;
  std::size_t keys = 0;
  std::vector<double> values;    // keys x count
  std::vector<double> welch_se;  // bootstrap: keys x count
  std::vector<double> observed;  // permutation: keys
};

class ReplicateStore {
 public:
  void add(StoredRange range);
  void absorb(ReplicateStore other);  // adds all of other's ranges
  // The one stored range of a table (an empty range at `first` when none was stored, e.g. a
  // zero-length part), moved out of the store.
  StoredRange take_only(TableKind kind, std::uint32_t analysis, std::uint64_t total,
                        std::size_t keys, std::uint64_t first);
  void add(const ReplicateTable& table, std::uint32_t analysis, std::uint64_t total);
  void add(const PermutationTable& table, std::uint32_t analysis, std::uint64_t total);

  // The stored ranges of one table, sorted by first; Error(bad_data) naming `source` when two
  // overlap or disagree on the table's size.
  std::vector<const StoredRange*> ranges(TableKind kind, std::uint32_t analysis,
                                         const std::string& source) const;

  // [0, done): the longest stored prefix of the table (0 when nothing is stored).
  std::uint64_t prefix(TableKind kind, std::uint32_t analysis, const std::string& source) const;

  // The stored ranges joined into one table over [0, count) (count <= the stored prefix), with
  // the keys given by the caller (from the same Sample and spec). Error(bad_data) naming
  // `source` when a range is missing or the key count differs.
  ReplicateTable bootstrap_table(std::uint32_t analysis, std::uint64_t count,
                                 const std::vector<ResultKey>& keys,
                                 const std::string& source) const;
  PermutationTable permutation_table(std::uint32_t analysis, std::uint64_t count,
                                     const std::vector<ResultKey>& keys, bool exact,
                                     const std::string& source) const;

  // Complete tables only: every stored table must cover [0, total) exactly once.
  void check_complete(const std::string& source) const;

  // Joins each table's adjacent ranges into one (a checkpoint saved after many small chunks
  // stays one range per table).
  void compact();

  bool empty() const { return ranges_.empty(); }
  std::size_t size() const { return ranges_.size(); }

  nlohmann::ordered_json to_json() const;
  // Error(bad_data) naming `source` for anything malformed.
  static ReplicateStore from_json(const nlohmann::json& j, const std::string& source);

 private:
  std::vector<StoredRange> ranges_;
};

std::string_view table_kind_name(TableKind kind);

}  // namespace klynge
