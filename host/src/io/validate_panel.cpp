// Firm-level rules, checked after all rows parsed: one row per (firm, year); membership,
// entry year and cluster label constant within a firm (membership may change when the firm has
// an entry year). Of all defects the one on the smallest line is reported, so the message does
// not depend on how the rows were grouped.
#include <algorithm>
#include <limits>
#include <string>

#include <fmt/format.h>

#include "reader_internal.hpp"

namespace klynge::io {

namespace {

enum class Kind { duplicate_year, member_change, entry_change, cluster_change };

struct Defect {
  std::int64_t line = std::numeric_limits<std::int64_t>::max();
  Kind kind = Kind::duplicate_year;
  std::size_t row = 0;    // the row on `line`
  std::size_t first = 0;  // the earlier row it conflicts with
};

inline void consider(Defect& best, const Panel& p, Kind kind, std::size_t row, std::size_t first) {
  const std::int64_t line = p.line[row];
  if (line < best.line) best = Defect{line, kind, row, first};
}

std::string label_of(const Panel& p, std::size_t row) {
  if (!p.cluster) return "";
  const std::int32_t code = p.cluster->code[row];
  return code == kNoLabel ? std::string() : p.cluster->labels[static_cast<std::size_t>(code)];
}

[[noreturn]] void report(const Panel& p, const ValidationInput& in, const Defect& d) {
  const std::string firm = quoted_for_message(p.firm_ids[static_cast<std::size_t>(p.firm[d.row])]);
  const std::int64_t first_line = p.line[d.first];
  switch (d.kind) {
    case Kind::duplicate_year:
      throw_data_error(SourceLocation{in.file, d.line, in.year.name, in.year.index},
                       std::to_string(p.year[d.row]),
                       fmt::format("duplicate (firm, year): firm {} already has a row for year {} "
                                   "on line {}",
                                   firm, p.year[d.row], first_line));
    case Kind::member_change: {
      const std::string advice =
          in.entry.name.empty()
              ? "; membership may change within a firm only when an entry-year column is mapped "
                "and the firm has an entry year"
              : "; membership may change within a firm only when the firm has an entry year, "
                "and this firm has none";
      if (in.member_derived) {
        const std::string now = label_of(p, d.row), before = label_of(p, d.first);
        throw_data_error(
            SourceLocation{in.file, d.line, in.member.name, in.member.index}, now,
            fmt::format("membership (derived from column '{}': a non-empty label means member) "
                        "changes within firm {}: the label is {} on line {}{}",
                        in.member.name, firm, quoted_for_message(before), first_line, advice));
      }
      throw_data_error(SourceLocation{in.file, d.line, in.member.name, in.member.index},
                       std::to_string(p.member[d.row]),
                       fmt::format("membership changes within firm {}: it is {} on line {}{}", firm,
                                   p.member[d.first], first_line, advice));
    }
    case Kind::entry_change:
      throw_data_error(SourceLocation{in.file, d.line, in.entry.name, in.entry.index},
                       std::to_string(p.entry[d.row]),
                       fmt::format("entry year changes within firm {}: it is {} on line {} (a "
                                   "firm has one entry year)",
                                   firm, p.entry[d.first], first_line));
    case Kind::cluster_change:
      throw_data_error(SourceLocation{in.file, d.line, in.cluster.name, in.cluster.index},
                       label_of(p, d.row),
                       fmt::format("cluster label changes within firm {}: it is {} on line {} (a "
                                   "firm belongs to one cluster)",
                                   firm, quoted_for_message(label_of(p, d.first)), first_line));
  }
  throw Error(ExitCode::internal, "validate_panel: unknown defect");
}

}  // namespace

void validate_panel(const Panel& p, const ValidationInput& in) {
  const std::size_t n = p.rows();
  const std::size_t firms = p.firms();

  // Rows grouped by firm, in file order within a firm (counting sort).
  std::vector<std::size_t> start(firms + 1, 0);
  for (std::size_t r = 0; r < n; ++r) ++start[static_cast<std::size_t>(p.firm[r]) + 1];
  for (std::size_t f = 0; f < firms; ++f) start[f + 1] += start[f];
  std::vector<std::size_t> order(n);
  {
    std::vector<std::size_t> next(start.begin(), start.end() - 1);
    for (std::size_t r = 0; r < n; ++r) order[next[static_cast<std::size_t>(p.firm[r])]++] = r;
  }

  const bool has_entry = !p.entry.empty();
  const bool has_cluster = p.cluster.has_value();
  Defect best;
  std::vector<std::size_t> by_year;
  for (std::size_t f = 0; f < firms; ++f) {
    const std::size_t* rows = order.data() + start[f];
    const std::size_t k = start[f + 1] - start[f];

    // (firm, year) unique. Usually the years already increase in file order.
    bool increasing = true;
    for (std::size_t i = 1; i < k && increasing; ++i)
      increasing = p.year[rows[i - 1]] < p.year[rows[i]];
    if (!increasing) {
      by_year.assign(rows, rows + k);
      std::stable_sort(by_year.begin(), by_year.end(),
                       [&](std::size_t a, std::size_t b) { return p.year[a] < p.year[b]; });
      for (std::size_t i = 1; i < k; ++i)
        if (p.year[by_year[i]] == p.year[by_year[i - 1]])
          consider(best, p, Kind::duplicate_year, by_year[i], by_year[i - 1]);
    }

    // Entry year constant; remember whether the firm has one.
    bool firm_has_entry = false;
    if (has_entry) {
      std::size_t first = n;
      for (std::size_t i = 0; i < k; ++i) {
        const std::int32_t e = p.entry[rows[i]];
        if (e == kMissingYear) continue;
        firm_has_entry = true;
        if (first == n)
          first = rows[i];
        else if (e != p.entry[first]) {
          consider(best, p, Kind::entry_change, rows[i], first);
          break;
        }
      }
    }

    // Membership constant, unless the firm has an entry year.
    if (!firm_has_entry) {
      std::size_t first = n;
      for (std::size_t i = 0; i < k; ++i) {
        const std::int8_t m = p.member[rows[i]];
        if (m < 0) continue;
        if (first == n)
          first = rows[i];
        else if (m != p.member[first]) {
          consider(best, p, Kind::member_change, rows[i], first);
          break;
        }
      }
    }

    // Cluster label constant (empty labels aside).
    if (has_cluster) {
      std::size_t first = n;
      for (std::size_t i = 0; i < k; ++i) {
        const std::int32_t c = p.cluster->code[rows[i]];
        if (c == kNoLabel) continue;
        if (first == n)
          first = rows[i];
        else if (c != p.cluster->code[first]) {
          consider(best, p, Kind::cluster_change, rows[i], first);
          break;
        }
      }
    }
  }
  if (best.line != std::numeric_limits<std::int64_t>::max()) report(p, in, best);
}

}  // namespace klynge::io
