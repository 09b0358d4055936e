// The data-generating process of `klynge simulate`, written once for host and device
// (docs/simulate.md has the equations). Everything here is a pure function of the parameters,
// the seed and the firm index: no allocation, no exceptions, no std containers, no RNG state.
// Every random quantity comes from hd::philox_words keyed by
//   (seed, stream = dataset, purpose = Var::<variable>, index = firm, block = year offset or 0),
// so a firm's rows are the same whatever thread, chunk, or device computes them.
#pragma once

#include <cmath>
#include <cstdint>

#include "klynge/hd/macros.hpp"
#include "klynge/hd/normal.hpp"
#include "klynge/hd/philox.hpp"

namespace klynge::hd::sim {

// Draw purposes, one per simulated variable. The numbers are part of the seed contract:
// never renumber; add new variables at the end.
enum class Var : std::uint32_t {
  size = 1,          // z_i, the firm's standardised size factor
  size_tail = 2,     // exponential right tail of the size effect
  trend = 3,         // firm-specific employment trend
  productivity = 4,  // firm revenue-per-employee effect
  va_firm = 5,       // firm value-added share effect
  selection = 6,     // idiosyncratic part of the membership latent
  entry = 7,         // entry year of a member
  cluster = 8,       // cluster of a member
  nace = 9,          // industry
  region = 10,       // region
  birth = 11,        // late birth and its year
  emp_init = 12,     // initial transitory employment state
  emp_shock = 13,    // yearly employment innovation
  rev_init = 14,     // initial transitory revenue state
  rev_shock = 15,    // yearly revenue innovation
  va_shock = 16,     // yearly value-added share shock
  year_shock = 17,   // industry-year shocks (index = industry, not firm)
  exit = 18,         // yearly exit event
  zero = 19,         // zero cells (word m for metric m)
  missing = 20,      // missing cells (word m for metric m)
};

inline constexpr int kMetrics = 3;  // employees, revenue, value_added (column order)
inline constexpr int kNaceCount = 16;
inline constexpr int kRegionCount = 15;
inline constexpr int kClusterThemes = 16;
// Entry years that can have their own premium factor (SimParams::entry_factor).
inline constexpr int kMaxEntryFactors = 64;
// Years in the cluster that can have their own premium factor (SimParams::tenure_sum).
inline constexpr int kMaxTenureFactors = 64;

// Structural constants of the process. Defaults give panels that look like Norwegian
// register data (small median firm, heavy right tail, industry-specific productivity).
struct SimModel {
  double log_emp_base = 1.3862943611198906;  // ln 4: median employment of a typical firm
  double size_sd = 1.0;             // sigma_a: sd of the normal part of the log size effect
  double size_tail = 0.5;           // tau: scale of the exponential tail (Pareto index 1/tau)
  double emp_trend = 0.01;          // g_E: common employment trend per year
  double size_growth = 0.005;       // gamma: a firm one sd larger (z) grows this much slower
  double trend_sd = 0.01;           // sd of the firm-specific trend
  double emp_ar = 0.7;              // rho_u: persistence of transitory employment
  double emp_shock_sd = 0.12;       // sigma_u: employment innovation sd
  double emp_year_sd = 0.02;        // industry-year employment shock sd
  double young_gap = 1.0;           // log size gap of a newborn firm
  // The gap shrinks by this factor each year of age. 1 = no catch-up growth: a member may be
  // born shortly before it joins, so catch-up growth would be credited to membership and the
  // simulated premium would no longer be the comparison's known answer.
  double young_decay = 1.0;
  double rev_trend = 0.025;         // g_R: nominal revenue-per-employee trend per year
  double productivity_sd = 0.5;     // sigma_p: firm productivity effect sd
  double rev_ar = 0.5;              // rho_v: persistence of transitory revenue
  double rev_shock_sd = 0.15;       // sigma_v: revenue innovation sd
  double rev_year_sd = 0.04;        // industry-year revenue shock sd
  double va_firm_sd = 0.4;          // firm effect on the logit of the value-added share
  double va_shock_sd = 0.25;        // yearly shock to the logit of the value-added share
  double exit_size_slope = 0.5;     // kappa: exit hazard = rate * erfc(kappa z / sqrt 2)
  double max_log_employees = 13.0;  // caps absurd tails (e^13 = 442413 employees)
  double max_log_revenue = 30.0;    // caps revenue (NOK thousands) likewise
  // Scale of a member's transitory shocks (employment and revenue AR(1) states) relative to a
  // non-member's. 1 = equally noisy (bit-identical panels to a model without this knob). Means
  // are unchanged, so `klynge power --member-noise` studies tests under unequal variances.
  double member_noise = 1.0;
};

// Everything a firm's rows depend on; plain data so it can be copied to a device as is.
struct SimParams {
  std::uint64_t seed = 1;
  std::uint32_t stream = 0;  // dataset number (purpose-independent stream of the draw key)
  std::uint32_t firms = 0;
  std::int32_t first_year = 0, last_year = 0;
  std::int32_t entry_first = 0, entry_last = 0;
  std::uint32_t clusters = 1;
  double member_cut = 0;  // member iff selection latent > member_cut = Phi^-1(1 - share)
  double selection = 0;   // rho: correlation of the latent with the size factor z
  double premium[kMetrics] = {0, 0, 0};  // log-growth premium per year after entry
  // A member entering in entry_first + k gains entry_factor[k] x the premium, for the first
  // entry_factors entry years (`klynge power --premium-by-entry`); entry_factors = 0: all 1.
  std::uint32_t entry_factors = 0;
  double entry_factor[kMaxEntryFactors] = {};
  // A member's k-th year in the cluster (year entry + k) adds tenure factor A_k x the premium
  // (`--premium-by-tenure`), A_k = 1 beyond the first tenure_factors years. Stored as the
  // running sums tenure_sum[d - 1] = A_1 + ... + A_d, the member's premium years after d years
  // in the cluster; tenure_factors = 0: every A_k is 1 (d premium years after d years).
  std::uint32_t tenure_factors = 0;
  double tenure_sum[kMaxTenureFactors] = {};
  double home_share = 0;  // P(member in its cluster's home industry), same for home region
  double zero_share = 0, missing_share = 0, exit_rate = 0, birth_share = 0;
  SimModel model;
  // Industry table: word < nace_upper[k] picks the first such k (upper bounds scaled to 2^32).
  std::uint64_t nace_upper[kNaceCount] = {};
  double nace_log_size[kNaceCount] = {};
  double nace_log_rev[kNaceCount] = {};   // ln(revenue per employee, NOK thousands)
  double nace_logit_va[kNaceCount] = {};  // logit of the typical value-added share
  std::uint64_t region_upper[kRegionCount] = {};
  // Cluster c has theme c % kClusterThemes: home industry and home region (shifted by
  // c / kClusterThemes so repeated themes spread over regions).
  std::uint8_t theme_nace[kClusterThemes] = {};
  std::uint8_t theme_region[kClusterThemes] = {};
};

struct SimFirm {
  std::uint32_t index = 0;
  bool member = false;
  bool late_born = false;
  std::int32_t entry_year = 0;  // members only
  std::int32_t cluster = -1;    // members only
  std::uint32_t nace = 0;
  std::uint32_t region = 0;
  std::int32_t birth_year = 0;  // first year with a row
  double z = 0;                 // standardised size factor
  double size_effect = 0;       // a_i
  double trend = 0;             // theta_i
  double productivity = 0;      // p_i
  double va_logit = 0;          // nace logit share + firm effect
  double exit_hazard = 0;       // per-year exit probability
};

// One firm-year. Values are already rounded: employees to an integer, revenue and value added
// to tenths of NOK thousands (so the CSV prints integers/10 and never depends on how a libm
// rounds the last bit of exp()). A zero cell holds 0; a missing cell has its bit set.
struct SimRow {
  std::int32_t year = 0;
  std::uint8_t missing = 0;                  // bit m: metric m is missing
  std::int64_t value[kMetrics] = {0, 0, 0};  // employees, revenue*10, value_added*10
};

KLYNGE_HD Words4 sim_draw(const SimParams& p, Var v, std::uint32_t index, std::uint32_t block) {
  return philox_words(p.seed, DrawKey{p.stream, static_cast<std::uint32_t>(v), index, block});
}

template <int N>
KLYNGE_HD std::uint32_t sim_categorical(std::uint32_t word, const std::uint64_t (&upper)[N]) {
  for (int k = 0; k < N - 1; ++k)
    if (word < upper[k]) return static_cast<std::uint32_t>(k);
  return N - 1;
}

KLYNGE_HD std::int64_t sim_round(double x) {  // x >= 0; half away from zero
  return static_cast<std::int64_t>(x + 0.5);
}

// The firm's attributes (draws with block 0).
KLYNGE_HD SimFirm sim_firm(const SimParams& p, std::uint32_t i) {
  const SimModel& m = p.model;
  SimFirm f;
  f.index = i;
  f.z = std_normal(sim_draw(p, Var::size, i, 0));
  const Words4 tw = sim_draw(p, Var::size_tail, i, 0);
  const double tail = -::log(uniform_open01(tw.w[0], tw.w[1]));  // Exp(1)
  f.size_effect = m.size_sd * f.z + m.size_tail * (tail - 1.0);

  const double e = std_normal(sim_draw(p, Var::selection, i, 0));
  const double latent = p.selection * f.z + ::sqrt(1.0 - p.selection * p.selection) * e;
  f.member = latent > p.member_cut;
  if (f.member) {
    const std::uint32_t span = static_cast<std::uint32_t>(p.entry_last - p.entry_first + 1);
    f.entry_year = p.entry_first +
                   static_cast<std::int32_t>(bounded_u32(sim_draw(p, Var::entry, i, 0).w[0], span));
    f.cluster =
        static_cast<std::int32_t>(bounded_u32(sim_draw(p, Var::cluster, i, 0).w[0], p.clusters));
  }

  const int theme = f.member ? f.cluster % kClusterThemes : 0;
  const Words4 nw = sim_draw(p, Var::nace, i, 0);
  if (f.member && bernoulli_u32(nw.w[1], p.home_share))
    f.nace = p.theme_nace[theme];
  else
    f.nace = sim_categorical(nw.w[0], p.nace_upper);
  const Words4 rw = sim_draw(p, Var::region, i, 0);
  if (f.member && bernoulli_u32(rw.w[1], p.home_share))
    f.region = (p.theme_region[theme] + static_cast<std::uint32_t>(f.cluster / kClusterThemes)) %
               kRegionCount;
  else
    f.region = sim_categorical(rw.w[0], p.region_upper);

  // Late birth: uniform over the years after the first; a member is born by its entry year.
  const Words4 bw = sim_draw(p, Var::birth, i, 0);
  const std::int32_t last_birth = f.member ? f.entry_year : p.last_year;
  f.birth_year = p.first_year;
  if (last_birth > p.first_year && bernoulli_u32(bw.w[0], p.birth_share)) {
    f.late_born = true;
    f.birth_year = p.first_year + 1 +
                   static_cast<std::int32_t>(
                       bounded_u32(bw.w[1], static_cast<std::uint32_t>(last_birth - p.first_year)));
  }

  f.trend =
      m.emp_trend - m.size_growth * f.z + m.trend_sd * std_normal(sim_draw(p, Var::trend, i, 0));
  f.productivity = m.productivity_sd * std_normal(sim_draw(p, Var::productivity, i, 0));
  f.va_logit = p.nace_logit_va[f.nace] + m.va_firm_sd * std_normal(sim_draw(p, Var::va_firm, i, 0));
  double h = p.exit_rate * ::erfc(m.exit_size_slope * f.z * 0.70710678118654752440);
  f.exit_hazard = h < 1.0 ? h : 1.0;
  return f;
}

// A member's premium years after `years_in` years in the cluster (0 before its entry): the sum
// of its tenure factors, years_in itself without them (exactly, so such panels keep their bits).
KLYNGE_HD double premium_years(const SimParams& p, std::int32_t years_in) {
  if (years_in <= 0) return 0.0;
  const auto d = static_cast<std::uint32_t>(years_in);
  if (p.tenure_factors == 0) return static_cast<double>(d);
  if (d <= p.tenure_factors) return p.tenure_sum[d - 1];
  return p.tenure_sum[p.tenure_factors - 1] + static_cast<double>(d - p.tenure_factors);
}

// Calls visit(row) for each of the firm's rows in year order; rows run from the birth year to
// the last year or until the firm exits. A visitor that needs no later rows returns false to
// stop early: a row never depends on the rows after it, so the rows visited are the same.
// Returns the number of rows visited. A visitor (not a buffer) so that a caller needing a few
// rows of a firm, e.g. on a device, keeps no per-year storage.
template <class Visit>
KLYNGE_HD int sim_visit_rows(const SimParams& p, const SimFirm& f, Visit& visit) {
  const SimModel& m = p.model;
  const std::uint32_t i = f.index;
  const int years = p.last_year - p.first_year + 1;
  const double noise = f.member ? m.member_noise : 1.0;
  const double emp_sd = noise * m.emp_shock_sd, rev_sd = noise * m.rev_shock_sd;
  const double emp_sd0 = emp_sd / ::sqrt(1.0 - m.emp_ar * m.emp_ar);
  const double rev_sd0 = rev_sd / ::sqrt(1.0 - m.rev_ar * m.rev_ar);
  double u = emp_sd0 * std_normal(sim_draw(p, Var::emp_init, i, 0));
  double v = rev_sd0 * std_normal(sim_draw(p, Var::rev_init, i, 0));
  double d_emp = 0, d_rev = 0;  // cumulated industry-year shocks
  double young = f.late_born ? m.young_gap : 0.0;
  const double emp_level = m.log_emp_base + p.nace_log_size[f.nace] + f.size_effect;
  const double rev_level = p.nace_log_rev[f.nace] + f.productivity;
  // The member's factor on the premium; 1 multiplies exactly, so panels without factors keep
  // their bits.
  const std::uint32_t cohort = static_cast<std::uint32_t>(f.entry_year - p.entry_first);
  const double factor = f.member && cohort < p.entry_factors ? p.entry_factor[cohort] : 1.0;
  int n = 0;
  for (int k = 0; k < years; ++k) {
    const std::int32_t t = p.first_year + k;
    const std::uint32_t block = static_cast<std::uint32_t>(k);
    if (k > 0) {
      const NormalPair ys = normal_pair(sim_draw(p, Var::year_shock, f.nace, block));
      d_emp += m.emp_year_sd * ys.z0;
      d_rev += m.rev_year_sd * ys.z1;
    }
    if (t < f.birth_year) continue;
    if (t > f.birth_year) {
      // A member does not leave before its first year in the cluster has passed.
      const bool at_risk = !(f.member && t <= f.entry_year);
      if (at_risk && p.exit_rate > 0.0 &&
          bernoulli_u32(sim_draw(p, Var::exit, i, block).w[0], f.exit_hazard))
        break;
      u = m.emp_ar * u + emp_sd * std_normal(sim_draw(p, Var::emp_shock, i, block));
      v = m.rev_ar * v + rev_sd * std_normal(sim_draw(p, Var::rev_shock, i, block));
      young *= m.young_decay;
    }
    const double years_in = f.member ? premium_years(p, t - f.entry_year) : 0.0;
    // Counterfactual (no-membership) log employment and log revenue.
    const double log_emp0 = emp_level + f.trend * k + u + d_emp - young;
    const double log_rev0 = rev_level + log_emp0 + m.rev_trend * k + v + d_rev;
    double le = log_emp0 + p.premium[0] * factor * years_in;
    le = le < m.max_log_employees ? le : m.max_log_employees;
    double lr = log_rev0 + p.premium[1] * factor * years_in;
    lr = lr < m.max_log_revenue ? lr : m.max_log_revenue;
    double lv = log_rev0 + p.premium[2] * factor * years_in;
    lv = lv < m.max_log_revenue ? lv : m.max_log_revenue;
    const double logit =
        f.va_logit + m.va_shock_sd * std_normal(sim_draw(p, Var::va_shock, i, block));
    const double share = 1.0 / (1.0 + ::exp(-logit));

    SimRow r;
    r.year = t;
    r.missing = 0;
    const std::int64_t emp = sim_round(::exp(le));
    r.value[0] = emp < 1 ? 1 : emp;
    r.value[1] = sim_round(::exp(lr) * 10.0);
    r.value[2] = sim_round(::exp(lv) * share * 10.0);
    if (p.zero_share > 0.0) {
      const Words4 zw = sim_draw(p, Var::zero, i, block);
      for (int j = 0; j < kMetrics; ++j)
        if (bernoulli_u32(zw.w[j], p.zero_share)) r.value[j] = 0;
    }
    if (p.missing_share > 0.0) {
      const Words4 mw = sim_draw(p, Var::missing, i, block);
      for (int j = 0; j < kMetrics; ++j)
        if (bernoulli_u32(mw.w[j], p.missing_share)) {
          r.missing = static_cast<std::uint8_t>(r.missing | (1u << j));
          r.value[j] = 0;
        }
    }
    ++n;
    if (!visit(static_cast<const SimRow&>(r))) break;
  }
  return n;
}

// Stores every row it visits, in order.
struct SimRowWriter {
  SimRow* out;
  int n;
  KLYNGE_HD bool operator()(const SimRow& r) {
    out[n++] = r;
    return true;
  }
};

// The firm's rows, in year order, into out[0 .. n) (capacity: the number of panel years).
// Returns n.
KLYNGE_HD int sim_rows(const SimParams& p, const SimFirm& f, SimRow* out) {
  SimRowWriter writer{out, 0};
  return sim_visit_rows(p, f, writer);
}

// The value of metric m in a row as the CSV prints it and the panel reader reads it: employees
// as is, revenue and value added in NOK thousands (tenths / 10, one correctly rounded
// division), NaN when the cell is missing.
KLYNGE_HD double sim_cell_value(const SimRow& r, int m) {
  if ((r.missing >> m) & 1u) return static_cast<double>(NAN);
  return static_cast<double>(r.value[m]) / (m == 0 ? 1.0 : 10.0);
}

}  // namespace klynge::hd::sim
