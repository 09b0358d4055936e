#include "klynge/report/batch_report.hpp"
#include "klynge/report/csv_text.hpp"

#include "klynge/multiplicity.hpp"

namespace klynge {

namespace {

using json = nlohmann::ordered_json;

json tag_json(const BatchTag& tag) {
  if (tag.cluster) return tag.value;
  return {{"column", tag.column}, {"value", tag.value}};
}

void tag_rows(json& rows, const BatchTag& tag) {
  for (json& row : rows) {
    // The tag goes first so a reader sees which comparison a row belongs to.
    json tagged;
    tagged[tag.cluster ? "cluster" : "by"] = tag_json(tag);
    for (auto& [key, value] : row.items()) tagged[key] = std::move(value);
    row = std::move(tagged);
  }
}

}  // namespace

void adjust_across_batch(const std::vector<PermutationInference*>& comparisons) {
  std::vector<double> raw;
  for (const PermutationInference* c : comparisons)
    for (const PValue& p : c->p) raw.push_back(p.p);
  const std::vector<double> holm = holm_adjust(raw), bh = bh_adjust(raw);
  std::size_t at = 0;
  for (PermutationInference* c : comparisons) {
    for (std::size_t k = 0; k < c->p.size(); ++k, ++at) {
      c->holm[k] = holm[at];
      c->bh[k] = bh[at];
    }
  }
}

json start_batch_report(const json& first, bool cluster, const std::string& column,
                        std::uint64_t members_without_value) {
  json merged = first;
  for (const char* rows : {"groups", "results", "unmatched_strata", "warnings"})
    merged[rows] = json::array();
  if (merged.contains("settings")) merged["settings"].erase("band");  // per comparison, below
  merged["batch"] = {{"kind", cluster ? "cluster" : "by"},
                     {"column", column},
                     {"members_without_value", members_without_value},
                     {"multiplicity", {{"holm", "batch"}, {"bh", "batch"}, {"maxt", "comparison"}}},
                     {"comparisons", json::array()}};
  return merged;
}

void append_comparison(json& merged, json comparison, const BatchTag& tag,
                       const ComparisonFacts& facts) {
  for (const char* rows : {"groups", "results", "unmatched_strata"}) {
    tag_rows(comparison[rows], tag);
    for (json& row : comparison[rows]) merged[rows].push_back(std::move(row));
  }
  for (const json& w : comparison["warnings"])
    merged["warnings"].push_back(tag.column + " " + tag.value + ": " + w.get<std::string>());
  json entry = {{"value", facts.value},
                {"analysis", facts.analysis},
                {"firms_member", facts.firms_member},
                {"firms_control", facts.firms_control}};
  const json& settings = comparison["settings"];
  if (settings.contains("permutation")) entry["permutation"] = settings["permutation"];
  if (settings.contains("band")) entry["band"] = settings["band"];
  merged["batch"]["comparisons"].push_back(std::move(entry));
}

std::string tag_csv(const std::string& csv, const BatchTag& tag, bool header) {
  std::string out;
  std::size_t at = 0;
  bool first_line = true;
  while (at < csv.size()) {
    std::size_t end = csv.find('\n', at);
    if (end == std::string::npos) end = csv.size();
    const std::string line = csv.substr(at, end - at);
    if (first_line) {
      if (header) out += csv_field(tag.column) + "," + line + "\n";
    } else {
      out += csv_field(tag.value) + "," + line + "\n";
    }
    first_line = false;
    at = end + 1;
  }
  return out;
}

}  // namespace klynge
