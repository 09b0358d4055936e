#include "klynge/report/permutation_report.hpp"
#include "klynge/report/csv_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "klynge/multiplicity.hpp"
#include "klynge/report/json_values.hpp"
#include "klynge/report/text_layout.hpp"

namespace klynge {

namespace {

std::optional<std::size_t> key_of(const PermutationInference& inf, const Estimate& e) {
  for (std::size_t k = 0; k < inf.keys.size(); ++k)
    if (inf.keys[k].metric == e.metric && inf.keys[k].cohort == e.cohort) return k;
  return std::nullopt;
}

// Firms that are a control with a value (of some metric) in more than one cohort cell: they
// make the observed cohort statistics covary, which the within-cohort relabelings do not.
std::size_t shared_control_firms(const Sample& sample) {
  std::vector<std::uint8_t> cells_in(sample.firm_ids.size(), 0);
  std::size_t shared = 0;
  for (const Cell& c : sample.cells)
    for (std::uint32_t i = c.member_end; i < c.control_end; ++i) {
      const bool valued = std::any_of(sample.weight.begin(), sample.weight.end(),
                                      [&](const std::vector<double>& w) { return w[i] > 0.0; });
      std::uint8_t& n = cells_in[static_cast<std::size_t>(sample.firm[i])];
      if (valued && n < 2 && ++n == 2) ++shared;
    }
  return shared;
}

}  // namespace

PermutationInference permutation_inference(const Sample& sample, const DesignOptions& design,
                                           const PermutationSpec& spec, Alternative alternative,
                                           ReplicateSource* source) {
  const auto t0 = std::chrono::steady_clock::now();
  const PreparedPermutations prepared(sample, design, spec);
  PermutationInference out = permutation_inference(sample, design, prepared, alternative, source);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

PermutationInference permutation_inference(const Sample& sample, const DesignOptions& design,
                                           const PreparedPermutations& prepared,
                                           Alternative alternative, ReplicateSource* source) {
  const auto t0 = std::chrono::steady_clock::now();
  const PermutationSpec& spec = prepared.spec();
  PermutationInference out;
  out.spec = spec;
  out.alternative = alternative;
  out.plan = prepared.plan();
  ReplicateSource& from = source ? *source : local_replicates();
  const PermutationTable table = from.permutations(prepared, out.plan);
  out.keys = table.keys;
  out.observed = table.observed;
  out.p = permutation_p_values(table, alternative);
  std::vector<double> raw;
  for (const PValue& p : out.p) raw.push_back(p.p);
  out.maxt = maxt_adjust(table, alternative);
  out.holm = holm_adjust(raw);
  out.bh = bh_adjust(raw);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // docs/permutation.md "Weights": every relabeling is balanced again. Within strata blocks
  // the test is exact for the balanced estimate; across the strata it assumes membership was
  // not selected on them.
  if (design.balance && spec.scheme == PermScheme::all)
    out.warnings.push_back(
        "--balance with --perm-scheme all: every relabeling is balanced again, but labels are "
        "shuffled across strata, which assumes members were not selected on them; for an exact "
        "test of the balanced estimate use --perm-scheme strata");
  if (const auto shared = shared_control_firms(sample);
      shared > 0 && spec.statistic != Statistic::welch_t &&
      std::any_of(out.keys.begin(), out.keys.end(),
                  [](const ResultKey& k) { return k.cohort == kAllCohorts; }))
    out.warnings.push_back(fmt::format(
        "cohort all: {} control firms are controls in several cohorts, which the relabelings "
        "(each cohort on its own) do not reproduce; the {} aggregate is not studentized, so its "
        "p-value can be about one point too small at 5% (docs/permutation.md \"Cohort design\"); "
        "--perm-statistic welch_t studentizes the aggregate by the firms' influence",
        shared, statistic_name(spec.statistic)));
  for (std::size_t k = 0; k < out.keys.size(); ++k)
    if (std::isnan(out.p[k].p))
      out.warnings.push_back(
          fmt::format("{} cohort {}: no permutation p-value (the observed {} "
                      "has no value)",
                      sample.metric_names[out.keys[k].metric], cohort_text(out.keys[k].cohort),
                      statistic_name(spec.statistic)));
  return out;
}

std::vector<std::optional<RowPValues>> row_p_values(const Description& description,
                                                    const PermutationInference& inference) {
  std::vector<std::optional<RowPValues>> out(description.results.size());
  for (std::size_t i = 0; i < description.results.size(); ++i)
    if (const auto k = key_of(inference, description.results[i])) out[i] = RowPValues{*k};
  return out;
}

void add_permutation_json(nlohmann::ordered_json& report, const Description& description,
                          const PermutationInference& inf) {
  nlohmann::ordered_json s;
  s["B"] = inf.spec.permutations;
  s["scheme"] = std::string(perm_scheme_name(inf.spec.scheme));
  s["statistic"] = std::string(statistic_name(inf.spec.statistic));
  s["alternative"] = std::string(alternative_name(inf.alternative));
  s["seed"] = inf.spec.seed;
  s["relabelings"] = inf.plan.relabelings;
  // Counts of 2^62 and more are stored as 2^62.
  s["relabelings_capped"] = inf.plan.relabelings >= (std::uint64_t{1} << 62);
  s["exact"] = inf.plan.exact;
  s["blocks"] = inf.plan.blocks;
  if (!inf.warnings.empty()) s["warnings"] = inf.warnings;
  report["settings"]["permutation"] = s;
  if (report.contains("timing")) report["timing"]["permutation_s"] = inf.seconds;
  const auto rows = row_p_values(description, inf);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!rows[i]) continue;
    const std::size_t k = rows[i]->key;
    const PValue& p = inf.p[k];
    nlohmann::ordered_json& row = report["results"][i];
    row["p_value"] = number_or_null(p.p);
    row["p_method"] = std::isnan(p.p) ? "undefined" : std::string(p.method());
    row["p_value_ci99"] = {number_or_null(p.ci_low), number_or_null(p.ci_high)};
    row["permutations"] = p.replicates;
    row["p_statistic"] = std::string(statistic_name(inf.spec.statistic));
    row["p_adjusted"] = {{"maxt", number_or_null(inf.maxt[k])},
                         {"holm", number_or_null(inf.holm[k])},
                         {"bh", number_or_null(inf.bh[k])}};
  }
}

std::string permutation_csv_fields(const PermutationInference* inf, const Description& description,
                                   std::size_t row) {
  if (inf != nullptr) {
    if (const auto k = key_of(*inf, description.results[row])) {
      const PValue& p = inf->p[*k];
      return fmt::format("{},{},{},{},{}", csv_number(p.p),
                         std::isnan(p.p) ? "undefined" : std::string(p.method()),
                         csv_number(inf->maxt[*k]), csv_number(inf->holm[*k]),
                         csv_number(inf->bh[*k]));
    }
  }
  return "NA,NA,NA,NA,NA";
}

std::string permutation_table(const Sample& sample, const PermutationInference& inf) {
  const bool capped = inf.plan.relabelings >= (std::uint64_t{1} << 62);
  const std::string relabelings =
      capped ? std::string("more than 4.6e18") : fmt::format("{}", inf.plan.relabelings);
  std::string out = "\n";  // appended, not "\n" + string (GCC 12's false -Wrestrict)
  out += wrap_lines(fmt::format(
      "permutation test: {}, scheme {}, statistic {}, {}, {} relabelings, seed {}\n",
      inf.plan.exact ? fmt::format("exact ({} relabelings enumerated)", inf.plan.relabelings)
                     : fmt::format("B = {}", inf.spec.permutations),
      perm_scheme_name(inf.spec.scheme), statistic_name(inf.spec.statistic),
      alternative_name(inf.alternative), relabelings, inf.spec.seed));
  out += fmt::format("{:<14}{:>8}{:>12}{:>10}{:>22}{:>9}{:>9}{:>9}\n", "metric", "cohort",
                     "statistic", "p", "99% MC interval", "maxT", "Holm", "BH");
  auto num = [](double v) {
    return std::isfinite(v) ? fmt::format("{:.4f}", v) : std::string("-");
  };
  for (std::size_t k = 0; k < inf.keys.size(); ++k) {
    const PValue& p = inf.p[k];
    const std::string ci =
        p.exact ? "exact" : fmt::format("[{}, {}]", num(p.ci_low), num(p.ci_high));
    out += fmt::format(
        "{:<14}{:>8}{:>12}{:>10}{:>22}{:>9}{:>9}{:>9}\n",
        fit_label(sample.metric_names[inf.keys[k].metric], 14), cohort_text(inf.keys[k].cohort),
        std::isfinite(inf.observed[k]) ? fmt::format("{:.4g}", inf.observed[k]) : "-", num(p.p),
        std::isnan(p.p) ? "-" : ci, num(inf.maxt[k]), num(inf.holm[k]), num(inf.bh[k]));
  }
  for (const std::string& w : inf.warnings) out += wrap_lines("warning: " + w + "\n");
  return out;
}

}  // namespace klynge
