// Leave-one-unit-out values per result key and resample group (docs/bootstrap.md "Jackknife").
// The mean difference (and its cohort aggregate) in closed form from per-segment sums, for any
// size: O(units x cells) where recomputing it would be O(units x contributions). The other
// statistics by exact recomputation through the shared replicate functor (count 0 for the
// left-out unit's firms, 1 for every other) when the sample is small enough.
#include "klynge/jackknife.hpp"

#include <omp.h>

#include <cmath>
#include <limits>

#include "klynge/engine/boot_data.hpp"

namespace klynge {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Delta {
  std::uint32_t segment;
  double s, w, n;
};

}  // namespace

JackknifeTable jackknife_values(const Sample& sample, const DesignOptions& options,
                                const BootstrapSpec& spec, double exact_limit) {
  return jackknife_values(PreparedBootstrap(sample, options, spec), exact_limit);
}

JackknifeTable jackknife_values(const PreparedBootstrap& prepared, double exact_limit) {
  const engine::BootData& data = prepared.data();
  const BootstrapSpec& spec = prepared.spec();
  const hd::BootView& v = data.view;
  JackknifeTable out;
  out.keys = data.keys;
  const std::size_t keys = data.keys.size();
  out.values.assign(keys, {});
  out.status.assign(keys, "ok");

  const std::uint32_t groups = v.resample_groups;
  const std::uint32_t units_total = data.group_unit_begin[groups];
  const std::size_t entries = data.y.size();
  const bool exact =
      static_cast<double>(units_total) * static_cast<double>(entries + v.firms) <= exact_limit;

  // Unit u's position: its group and index inside it.
  std::vector<std::uint32_t> group_of(units_total);
  for (std::uint32_t g = 0; g < groups; ++g)
    for (std::uint32_t u = data.group_unit_begin[g]; u < data.group_unit_begin[g + 1]; ++u)
      group_of[u] = g;
  for (std::size_t k = 0; k < keys; ++k) {
    out.values[k].resize(groups);
    for (std::uint32_t g = 0; g < groups; ++g)
      out.values[k][g].assign(data.group_unit_begin[g + 1] - data.group_unit_begin[g], kNaN);
  }

  bool others = false;  // a key that the closed form does not give
  for (const ResultKey& key : data.keys) others = others || key.statistic != Statistic::mean_diff;
  if (others && exact) {
#pragma omp parallel num_threads(spec.threads > 0 ? spec.threads : omp_get_max_threads())
    {
      engine::ScratchBuffers buf(data);
      std::fill(buf.firm_count.begin(), buf.firm_count.end(), 1.0);
      std::vector<double> values(std::max<std::size_t>(keys, 1));
      const std::uint32_t per_metric = hd::boot_keys_per_metric(v);
#pragma omp for schedule(dynamic, 8)
      for (std::int64_t ui = 0; ui < static_cast<std::int64_t>(units_total); ++ui) {
        const auto u = static_cast<std::uint32_t>(ui);
        for (std::uint32_t k = v.unit_firm_begin[u]; k < v.unit_firm_begin[u + 1]; ++k)
          buf.firm_count[v.unit_firms[k]] = 0.0;
        for (std::uint32_t m = 0; m < v.metrics; ++m)
          hd::metric_statistics(v, m, buf.scratch, values.data() + m * per_metric, nullptr);
        for (std::uint32_t k = v.unit_firm_begin[u]; k < v.unit_firm_begin[u + 1]; ++k)
          buf.firm_count[v.unit_firms[k]] = 1.0;
        const std::uint32_t g = group_of[u];
        for (std::size_t k = 0; k < keys; ++k)
          if (data.keys[k].statistic != Statistic::mean_diff)
            out.values[k][g][u - data.group_unit_begin[g]] = values[k];
      }
    }
  } else if (others) {
    for (std::size_t k = 0; k < keys; ++k) {
      if (data.keys[k].statistic != Statistic::mean_diff) {
        out.status[k] = "too_large";
        out.values[k].clear();
      }
    }
  }

  if (!(v.stat_mask & 1u)) return out;
  const std::uint32_t segments = static_cast<std::uint32_t>(data.seg_begin.size() - 1);
  std::vector<double> S(segments, 0.0), W(segments, 0.0), N(segments, 0.0);
  std::vector<std::uint32_t> seg_of(entries);
  for (std::uint32_t s = 0; s < segments; ++s)
    for (std::uint32_t i = data.seg_begin[s]; i < data.seg_begin[s + 1]; ++i) {
      S[s] += data.w[i] * data.y[i];
      W[s] += data.w[i];
      N[s] += 1.0;
      seg_of[i] = s;
    }
  // Entries of each firm (CSR).
  std::vector<std::uint32_t> firm_begin(v.firms + 1, 0), firm_entries(entries);
  for (std::size_t i = 0; i < entries; ++i) ++firm_begin[data.firm[i] + 1];
  for (std::uint32_t f = 0; f < v.firms; ++f) firm_begin[f + 1] += firm_begin[f];
  {
    std::vector<std::uint32_t> fill(firm_begin.begin(), firm_begin.end() - 1);
    for (std::size_t i = 0; i < entries; ++i)
      firm_entries[fill[data.firm[i]]++] = static_cast<std::uint32_t>(i);
  }
  const std::uint32_t per_metric = hd::boot_keys_per_metric(v);
  const std::uint32_t cells = v.cells;
#pragma omp parallel num_threads(spec.threads > 0 ? spec.threads : omp_get_max_threads())
  {
    std::vector<Delta> deltas;
    std::vector<double> diff(cells), members(cells);
#pragma omp for schedule(dynamic, 64)
    for (std::int64_t ui = 0; ui < static_cast<std::int64_t>(units_total); ++ui) {
      const auto u = static_cast<std::uint32_t>(ui);
      deltas.clear();
      for (std::uint32_t k = v.unit_firm_begin[u]; k < v.unit_firm_begin[u + 1]; ++k) {
        const std::int32_t f = v.unit_firms[k];
        for (std::uint32_t e = firm_begin[f]; e < firm_begin[f + 1]; ++e) {
          const std::uint32_t i = firm_entries[e];
          const std::uint32_t s = seg_of[i];
          Delta* d = nullptr;
          for (Delta& x : deltas)
            if (x.segment == s) d = &x;
          if (!d) {
            deltas.push_back({s, 0.0, 0.0, 0.0});
            d = &deltas.back();
          }
          d->s += data.w[i] * data.y[i];
          d->w += data.w[i];
          d->n += 1.0;
        }
      }
      auto sums = [&](std::uint32_t s, double& ss, double& ww, double& nn) {
        ss = S[s];
        ww = W[s];
        nn = N[s];
        for (const Delta& d : deltas)
          if (d.segment == s) {
            ss -= d.s;
            ww -= d.w;
            nn -= d.n;
          }
      };
      const std::uint32_t g = group_of[u];
      const std::uint32_t at = u - data.group_unit_begin[g];
      for (std::uint32_t m = 0; m < v.metrics; ++m) {
        double total = 0.0, weighted = 0.0;  // the aggregate: member-size weights
        for (std::uint32_t c = 0; c < cells; ++c) {
          double sm, wm, nm, sc, wc, nc;
          const std::uint32_t seg = (m * cells + c) * 2;
          sums(seg, sm, wm, nm);
          sums(seg + 1, sc, wc, nc);
          diff[c] = wm > 0.0 && wc > 0.0 ? sm / wm - sc / wc : kNaN;
          members[c] = nm;
          if (std::isfinite(diff[c])) {
            total += nm;
            weighted += nm * diff[c];
          }
          const std::size_t key = m * per_metric + c * v.stat_count;  // mean_diff is first
          out.values[key][g][at] = diff[c];
        }
        if (v.cohort_design) {
          const std::size_t key = m * per_metric + cells * v.stat_count;
          out.values[key][g][at] = total > 0.0 ? weighted / total : kNaN;
        }
      }
    }
  }
  return out;
}

}  // namespace klynge
