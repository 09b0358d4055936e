#include "klynge/batch.hpp"

#include <algorithm>

namespace klynge {

std::uint64_t BatchSplit::members_with(std::int32_t value) const {
  std::uint64_t n = 0;
  for (std::size_t f = 0; f < firm_value.size(); ++f)
    n += firm_member[f] == 1 && firm_value[f] == value;
  return n;
}

std::uint64_t BatchSplit::controls() const {
  return static_cast<std::uint64_t>(std::count(firm_member.begin(), firm_member.end(), 0));
}

BatchSplit split_batch(const Panel& panel, const CategoricalColumn& column) {
  BatchSplit s;
  s.column = column.name;
  s.labels = column.labels;
  s.firm_value.assign(panel.firms(), kNoLabel);
  s.firm_member.assign(panel.firms(), -1);
  for (std::size_t r = 0; r < panel.rows(); ++r) {
    const auto f = static_cast<std::size_t>(panel.firm[r]);
    if (s.firm_value[f] == kNoLabel) s.firm_value[f] = column.code[r];
    if (panel.member[r] == 1)
      s.firm_member[f] = 1;
    else if (panel.member[r] == 0 && s.firm_member[f] == -1)
      s.firm_member[f] = 0;
  }
  std::vector<bool> used(column.labels.size(), false);
  for (std::size_t f = 0; f < panel.firms(); ++f) {
    if (s.firm_member[f] != 1) continue;
    if (s.firm_value[f] == kNoLabel)
      ++s.members_without_value;
    else
      used[static_cast<std::size_t>(s.firm_value[f])] = true;
  }
  for (std::size_t v = 0; v < used.size(); ++v)
    if (used[v]) s.values.push_back(static_cast<std::int32_t>(v));
  std::sort(s.values.begin(), s.values.end(),
            [&](std::int32_t a, std::int32_t b) { return s.labels[a] < s.labels[b]; });
  return s;
}

namespace {

template <typename T>
std::vector<T> take(const std::vector<T>& all, const std::vector<std::uint32_t>& rows) {
  std::vector<T> out;
  if (all.empty()) return out;  // an absent optional column stays absent
  out.reserve(rows.size());
  for (std::uint32_t r : rows) out.push_back(all[r]);
  return out;
}

CategoricalColumn take_column(const CategoricalColumn& c, const std::vector<std::uint32_t>& rows) {
  CategoricalColumn out;
  out.name = c.name;
  out.labels = c.labels;
  out.code = take(c.code, rows);
  return out;
}

}  // namespace

Panel comparison_panel(const Panel& panel, const BatchSplit& split, std::int32_t value,
                       const std::string& drop_stratum) {
  std::vector<std::uint32_t> rows;
  std::vector<std::int32_t> renumber(panel.firms(), -1);
  Panel out;
  for (std::size_t r = 0; r < panel.rows(); ++r) {
    const auto f = static_cast<std::size_t>(panel.firm[r]);
    const bool keep =
        split.firm_member[f] == 0 || (split.firm_member[f] == 1 && split.firm_value[f] == value);
    if (!keep) continue;
    rows.push_back(static_cast<std::uint32_t>(r));
    if (renumber[f] < 0) {
      renumber[f] = static_cast<std::int32_t>(out.firm_ids.size());
      out.firm_ids.push_back(panel.firm_ids[f]);
    }
    out.firm.push_back(renumber[f]);
  }
  out.path = panel.path;
  out.data_lines = rows.size();
  out.bytes = panel.bytes;
  out.year = take(panel.year, rows);
  out.line = take(panel.line, rows);
  out.metric_names = panel.metric_names;
  for (const auto& m : panel.metric) out.metric.push_back(take(m, rows));
  out.member = take(panel.member, rows);
  out.member_source = panel.member_source;
  out.member_derived = panel.member_derived;
  if (panel.cluster) out.cluster = take_column(*panel.cluster, rows);
  out.entry = take(panel.entry, rows);
  for (const CategoricalColumn& c : panel.strata)
    if (c.name != drop_stratum) out.strata.push_back(take_column(c, rows));
  out.weight = take(panel.weight, rows);
  return out;
}

std::uint32_t comparison_analysis_id(std::string_view column, std::string_view value) {
  // FNV-1a over "column\0value": stable across runs, platforms and batch contents.
  std::uint32_t h = 2166136261u;
  auto mix = [&h](unsigned char c) {
    h ^= c;
    h *= 16777619u;
  };
  for (char c : column) mix(static_cast<unsigned char>(c));
  mix(0);
  for (char c : value) mix(static_cast<unsigned char>(c));
  return h == 0 ? 1u : h;
}

}  // namespace klynge
