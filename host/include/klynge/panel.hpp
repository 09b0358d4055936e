// The firm panel after ingest: columnar, one entry per input row, validated.
// Produced by io/read_panel, consumed by design/build_sample.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace klynge {

inline constexpr std::int32_t kMissingYear = std::numeric_limits<std::int32_t>::min();
inline constexpr std::int32_t kNoLabel = -1;

// Which input columns play which role. Defaults are the documented CLI defaults.
struct ColumnMap {
  std::string id = "firm_id";
  std::string year = "year";
  std::vector<std::string> metrics = {"employees", "revenue", "value_added"};
  // Membership column (0/1, true/false, yes/no). When the column is absent and a cluster
  // column is present, membership is derived from the cluster label (non-empty = member).
  std::string member = "member";
  // Cluster label column. Unset: use "cluster" when the file has it.
  std::optional<std::string> cluster;
  std::optional<std::string> entry;   // entry year column (cohort design)
  std::vector<std::string> strata;    // stratum columns (categorical, any text)
  std::optional<std::string> weight;  // sampling weight column (> 0)
};

struct ReadOptions {
  ColumnMap columns;
  char delimiter = 0;  // 0 = sniff from the header line among ',', ';', '\t'
  int threads = 0;     // 0 = all available
  // false: no membership is read or derived (the member, cluster and entry columns are not
  // looked for unless mapped) and every row is a non-member. For a pool of potential controls
  // (`klynge power --pool`), whose file may have no membership column at all.
  bool membership = true;
};

// A categorical column: per-row codes into `labels`, kNoLabel when the cell is empty.
struct CategoricalColumn {
  std::string name;
  std::vector<std::int32_t> code;
  std::vector<std::string> labels;
};

struct Panel {
  std::string path;              // as given by the user, used in messages
  std::uint64_t data_lines = 0;  // rows read, excluding the header
  std::uint64_t bytes = 0;       // uncompressed bytes read
  // SHA-256 (hex) of the file's bytes as stored, compressed for .gz (read_panel; empty from
  // parse_panel). Computed while reading, for the provenance.
  std::string input_sha256;

  // Per row (all vectors have rows() entries), in file order.
  std::vector<std::int32_t> firm;  // index into firm_ids
  std::vector<std::int32_t> year;
  std::vector<std::int64_t> line;  // physical line number of the row in the file (1 = header)

  // Firm ids in order of first appearance.
  std::vector<std::string> firm_ids;

  std::vector<std::string> metric_names;
  std::vector<std::vector<double>> metric;  // [metric][row]; NaN = missing; never negative

  // Membership per row: 1 member, 0 non-member, -1 missing (then taken from the firm's other rows).
  std::vector<std::int8_t> member;
  // The column membership was read from, or derived from when the file has no member column
  // (then member_derived is true: cluster label non-empty = 1, or entry year present = 1).
  // Empty when ReadOptions::membership is false.
  std::string member_source;
  bool member_derived = false;
  std::optional<CategoricalColumn> cluster;  // empty label = not in a cluster
  std::vector<std::int32_t> entry;  // per row; kMissingYear when empty; empty vector when no column
  std::vector<CategoricalColumn> strata;
  std::vector<double> weight;  // per row; NaN missing; empty vector when no column

  std::size_t rows() const { return year.size(); }
  std::size_t firms() const { return firm_ids.size(); }
};

}  // namespace klynge
