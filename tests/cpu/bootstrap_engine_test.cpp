// The bootstrap engine: draws (unbiased bounded integers, Poisson(1), Exp(1)), the identity
// replicate against describe_sample, and the reproducibility contract (threads, range splits).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <set>

#include "common/bitwise_equal.hpp"
#include "common/expect_usage.hpp"
#include "common/run_klynge.hpp"
#include "klynge/bootstrap.hpp"
#include "klynge/build_sample.hpp"
#include "klynge/engine/boot_data.hpp"
#include "klynge/error.hpp"
#include "klynge/hd/bootstrap_draws.hpp"
#include "klynge/hd/bootstrap_replicate.hpp"
#include "klynge/io/read_panel.hpp"
#include "klynge/statistics.hpp"

namespace klynge {
namespace {

// ---- draws -------------------------------------------------------------------------------------

// Scaled-down exact check: the same multiply-shift-reject rule on 8-bit words. Over all 256
// words, every value in [0, n) must be accepted exactly floor(256 / n) times.
TEST(BootstrapDraws, LemireRuleIsExactlyUniformOnSmallWords) {
  for (std::uint32_t n = 1; n <= 256; ++n) {
    std::vector<int> hits(n, 0);
    const std::uint32_t threshold = (256 - n) % n;
    for (std::uint32_t word = 0; word < 256; ++word) {
      const std::uint32_t m = word * n;
      if ((m & 0xFF) >= threshold) ++hits[m >> 8];
    }
    for (std::uint32_t v = 0; v < n; ++v) ASSERT_EQ(hits[v], static_cast<int>(256 / n)) << n;
  }
}

// The 32-bit rule: for n = 3 (2^32 mod 3 = 1) exactly one word is rejected, and the number of
// accepted words per value is computable: count words w with (w * n) >> 32 == v per value by
// the interval each value covers.
TEST(BootstrapDraws, BoundedTryRejectsExactlyTheExcessWords) {
  for (std::uint32_t n : {3u, 7u, 1000u, 1999u}) {
    const std::uint64_t excess = (std::uint64_t{1} << 32) % n;
    // Rejected words are those whose low product word is below the excess: the first
    // ceil-ish words of each value's run. Count the rejected among the first word of every run.
    std::uint64_t rejected = 0;
    for (std::uint64_t v = 0; v < std::min<std::uint64_t>(n, 2000); ++v) {
      // First word of value v's run: ceil(v * 2^32 / n).
      const std::uint64_t start = (v * (std::uint64_t{1} << 32) + n - 1) / n;
      for (std::uint64_t w = start; w < start + 3 && w < (std::uint64_t{1} << 32); ++w) {
        const hd::BoundedTry t = hd::bounded_try(static_cast<std::uint32_t>(w), n);
        if (t.value == v && !t.accepted) ++rejected;
      }
    }
    EXPECT_EQ(rejected, excess) << n;
  }
  EXPECT_TRUE(hd::bounded_try(0xFFFFFFFFu, 1).accepted);
  EXPECT_EQ(hd::bounded_try(0xFFFFFFFFu, 1).value, 0u);
}

TEST(BootstrapDraws, BoundedIndexChiSquareWithFixedSeed) {
  constexpr std::uint32_t n = 10;
  constexpr int draws = 200000;
  std::vector<double> hits(n, 0.0);
  hd::WordStream s = hd::word_stream(12345, 7, hd::kPurposeBootstrapIndex, 3);
  for (int j = 0; j < draws; ++j) {
    const std::uint32_t v = hd::bounded_index(s, static_cast<std::uint64_t>(j), n);
    ASSERT_LT(v, n);
    hits[v] += 1.0;
  }
  double chi2 = 0.0;
  for (double h : hits)
    chi2 += (h - draws / double(n)) * (h - draws / double(n)) / (draws / double(n));
  EXPECT_LT(chi2, 27.88);  // 99.9% quantile of chi-square with 9 df
}

TEST(BootstrapDraws, RejectedDrawsUseTheirOwnRetryWords) {
  // A huge n makes rejections frequent (2^32 mod n = 2^31 - 1 for n = 2^31 + 1: almost half).
  const std::uint32_t n = 2147483649u;
  hd::WordStream s = hd::word_stream(99, 1, hd::kPurposeBootstrapIndex, 5);
  int rejected = 0;
  for (std::uint64_t p = 0; p < 64; ++p) {
    const std::uint32_t direct = hd::bounded_index(s, p, n);
    // The same draw computed alone, out of order, gives the same value.
    hd::WordStream alone = hd::word_stream(99, 1, hd::kPurposeBootstrapIndex, 5);
    EXPECT_EQ(hd::bounded_index(alone, p, n), direct);
    if (!hd::bounded_try(s.at(p), n).accepted) ++rejected;
  }
  EXPECT_GT(rejected, 5);
}

TEST(BootstrapDraws, PoissonOneMomentsAndExactThresholds) {
  EXPECT_EQ(hd::poisson1_u32(0), 0u);
  EXPECT_EQ(hd::poisson1_u32(1580030168u), 0u);  // P(X = 0) = e^-1 of the words
  EXPECT_EQ(hd::poisson1_u32(1580030169u), 1u);
  EXPECT_EQ(hd::poisson1_u32(0xFFFFFFFFu), 12u);
  hd::WordStream s = hd::word_stream(2024, 0, hd::kPurposeBootstrapPoisson, 0);
  constexpr int draws = 400000;
  double sum = 0.0, sum2 = 0.0, zeros = 0.0;
  for (int j = 0; j < draws; ++j) {
    const double k = hd::poisson1_u32(s.at(static_cast<std::uint64_t>(j)));
    sum += k;
    sum2 += k * k;
    zeros += k == 0.0;
  }
  const double mean = sum / draws, var = sum2 / draws - mean * mean;
  EXPECT_NEAR(mean, 1.0, 5 * std::sqrt(1.0 / draws));
  EXPECT_NEAR(var, 1.0, 5 * std::sqrt(3.0 / draws));  // Var of X^2-ish scale; generous
  EXPECT_NEAR(zeros / draws, std::exp(-1.0), 5 * std::sqrt(0.25 / draws));
}

TEST(BootstrapDraws, ExpOneMoments) {
  hd::WordStream s = hd::word_stream(77, 0, hd::kPurposeBootstrapExp, 0);
  constexpr int draws = 200000;
  double sum = 0.0, sum2 = 0.0;
  for (int j = 0; j < draws; ++j) {
    const double e = hd::exp1_from_words(s.at(2ull * j), s.at(2ull * j + 1));
    ASSERT_GT(e, 0.0);
    ASSERT_TRUE(std::isfinite(e));
    sum += e;
    sum2 += e * e;
  }
  const double mean = sum / draws, var = sum2 / draws - mean * mean;
  EXPECT_NEAR(mean, 1.0, 5 * std::sqrt(1.0 / draws));
  EXPECT_NEAR(var, 1.0, 5 * std::sqrt(8.0 / draws));
}

// ---- engine on the example panel ---------------------------------------------------------------

struct Loaded {
  Panel panel;
  DesignOptions design;
  Sample sample;
};

Loaded load(bool cohort, bool balance = false) {
  ReadOptions read;
  read.columns.entry = "entry_year";
  if (balance) read.columns.strata = {"nace"};
  Loaded l{read_panel(test::example_file("firms.csv"), read), {}, {}};
  if (!cohort) {
    l.design.from = 2012;
    l.design.to = 2015;
  }
  l.design.balance = balance;
  l.sample = build_sample(l.panel, l.design);
  return l;
}

BootstrapSpec all_statistics(Scheme scheme = Scheme::groups) {
  BootstrapSpec spec;
  spec.scheme = scheme;
  spec.statistics = {Statistic::mean_diff, Statistic::median_diff, Statistic::trimmed_mean_diff,
                     Statistic::agg_diff, Statistic::welch_t};
  spec.seed = 42;
  return spec;
}

void expect_identity_reproduces_describe(const Loaded& l) {
  const Description d = describe_sample(l.sample, l.design);
  const ReplicateTable t = identity_replicate(l.sample, l.design, all_statistics());
  ASSERT_EQ(t.keys.size(), d.results.size());
  for (std::size_t k = 0; k < t.keys.size(); ++k) {
    const Estimate& e = d.results[k];
    ASSERT_EQ(t.keys[k].metric, e.metric);
    ASSERT_EQ(t.keys[k].cohort, e.cohort);
    ASSERT_EQ(t.keys[k].statistic, e.statistic);
    if (e.status == "ok") {
      // Bitwise: the same sums in the same order.
      EXPECT_EQ(std::memcmp(&t.values[k], &e.value, sizeof(double)), 0)
          << k << " " << statistic_name(e.statistic) << " " << t.values[k] << " vs " << e.value;
    } else {
      EXPECT_TRUE(std::isnan(t.values[k])) << k;
    }
  }
}

TEST(BootstrapEngine, IdentityCountsReproduceDescribeWindow) {
  expect_identity_reproduces_describe(load(false));
}

TEST(BootstrapEngine, IdentityCountsReproduceDescribeCohort) {
  expect_identity_reproduces_describe(load(true));
}

TEST(BootstrapEngine, IdentityCountsReproduceDescribeBalanced) {
  expect_identity_reproduces_describe(load(true, true));
}

TEST(BootstrapEngine, WelchSeOfMeanDiffMatchesWelchT) {
  const Loaded l = load(true);
  const ReplicateTable t = identity_replicate(l.sample, l.design, all_statistics());
  for (std::size_t k = 0; k + 4 < t.keys.size(); k += 5) {
    ASSERT_EQ(t.keys[k].statistic, Statistic::mean_diff);
    if (std::isnan(t.values[k + 4])) continue;
    EXPECT_NEAR(t.values[k] / t.welch_se[k], t.values[k + 4], 1e-12 * std::abs(t.values[k + 4]));
  }
}

using test::bitwise_equal;

class SchemeInvariance : public ::testing::TestWithParam<Scheme> {};

TEST_P(SchemeInvariance, ThreadsAndRangeSplitsAreBitIdentical) {
  const Loaded l = load(true, GetParam() == Scheme::strata);
  BootstrapSpec spec = all_statistics(GetParam());
  constexpr std::uint64_t B = 60;
  spec.threads = 1;
  const ReplicateTable one = run_bootstrap(l.sample, l.design, spec, 0, B);
  spec.threads = 2;
  const ReplicateTable two = run_bootstrap(l.sample, l.design, spec, 0, B);
  EXPECT_TRUE(bitwise_equal(one.values, two.values));
  EXPECT_TRUE(bitwise_equal(one.welch_se, two.welch_se));
  const ReplicateTable a = run_bootstrap(l.sample, l.design, spec, 0, B / 3);
  const ReplicateTable b = run_bootstrap(l.sample, l.design, spec, B / 3, B - B / 3);
  const ReplicateTable merged = merge_replicates(a, b);
  EXPECT_TRUE(bitwise_equal(one.values, merged.values));
  EXPECT_TRUE(bitwise_equal(one.welch_se, merged.welch_se));
  // Replicates differ from each other and from another seed.
  std::set<double> distinct;
  for (std::uint64_t j = 0; j < B; ++j) distinct.insert(one.value(0, j));
  EXPECT_GT(distinct.size(), B / 2);
  spec.seed = 43;
  const ReplicateTable other = run_bootstrap(l.sample, l.design, spec, 0, B);
  EXPECT_FALSE(bitwise_equal(one.values, other.values));
}

INSTANTIATE_TEST_SUITE_P(AllSchemes, SchemeInvariance,
                         ::testing::Values(Scheme::groups, Scheme::strata, Scheme::poisson,
                                           Scheme::bayesian),
                         [](const auto& info) { return std::string(scheme_name(info.param)); });

// ---- what moves together -----------------------------------------------------------------------

TEST(BootstrapResampling, StrataSchemeKeepsPerCellCounts) {
  const Loaded l = load(true, true);
  BootstrapSpec spec = all_statistics(Scheme::strata);
  engine::BootData data;
  engine::build_boot_data(l.sample, l.design, spec, data);
  engine::ScratchBuffers buf(data);
  // Every member firm's (cohort, stratum) cell and every control firm's stratum.
  std::map<std::int32_t, std::pair<std::int32_t, std::int32_t>> member_cell;
  std::map<std::int32_t, std::int32_t> control_stratum;
  for (const Cell& c : l.sample.cells) {
    for (std::uint32_t i = c.member_begin; i < c.member_end; ++i)
      member_cell[l.sample.firm[i]] = {c.cohort, l.sample.stratum[i]};
    for (std::uint32_t i = c.member_end; i < c.control_end; ++i)
      control_stratum.emplace(l.sample.firm[i], l.sample.stratum[i]);
  }
  std::map<std::pair<std::int32_t, std::int32_t>, double> m_orig, m_rep;
  std::map<std::int32_t, double> c_orig, c_rep;
  for (const auto& [f, cell] : member_cell) m_orig[cell] += 1;
  for (const auto& [f, s] : control_stratum) c_orig[s] += 1;
  for (std::uint32_t r = 0; r < 5; ++r) {
    hd::draw_counts(data.view, r, buf.firm_count.data());
    m_rep.clear();
    c_rep.clear();
    double total = 0.0;
    for (const auto& [f, cell] : member_cell) m_rep[cell] += buf.firm_count[f];
    for (const auto& [f, s] : control_stratum) c_rep[s] += buf.firm_count[f];
    for (double c : buf.firm_count) total += c;
    EXPECT_EQ(m_rep, m_orig);
    EXPECT_EQ(c_rep, c_orig);
    EXPECT_EQ(total, double(member_cell.size() + control_stratum.size()));
  }
}

TEST(BootstrapResampling, ClusterUnitMovesWholeClusters) {
  const Loaded l = load(true);
  BootstrapSpec spec = all_statistics();
  spec.unit = ResampleUnit::cluster;
  engine::BootData data;
  engine::build_boot_data(l.sample, l.design, spec, data);
  engine::ScratchBuffers buf(data);
  std::map<std::int32_t, std::set<std::int32_t>> clusters;
  for (const Cell& c : l.sample.cells)
    for (std::uint32_t i = c.member_begin; i < c.member_end; ++i)
      clusters[l.sample.firm_cluster[l.sample.firm[i]]].insert(l.sample.firm[i]);
  ASSERT_GT(clusters.size(), 3u);
  bool varied = false;
  for (std::uint32_t r = 0; r < 5; ++r) {
    hd::draw_counts(data.view, r, buf.firm_count.data());
    double draws = 0.0;
    for (const auto& [label, firms] : clusters) {
      const double first = buf.firm_count[*firms.begin()];
      for (std::int32_t f : firms) EXPECT_EQ(buf.firm_count[f], first) << "cluster " << label;
      draws += first;
      varied = varied || first != 1.0;
    }
    EXPECT_EQ(draws, double(clusters.size()));  // as many cluster draws as clusters
  }
  EXPECT_TRUE(varied);
}

TEST(BootstrapResampling, ControlFirmCarriesAllCohortsTogether) {
  const Loaded l = load(true);
  engine::BootData data;
  engine::build_boot_data(l.sample, l.design, all_statistics(), data);
  // Each control firm is one unit in one resample group, so its count (one number per firm)
  // applies to every cohort cell it appears in; check that the pool is distinct firms and
  // that some control appears in several cells.
  std::map<std::int32_t, int> cells_of;
  for (const Cell& c : l.sample.cells)
    for (std::uint32_t i = c.member_end; i < c.control_end; ++i) cells_of[l.sample.firm[i]]++;
  const std::uint32_t g = data.member_groups;
  ASSERT_EQ(data.view.resample_groups, g + 1);
  const std::uint32_t units = data.group_unit_begin[g + 1] - data.group_unit_begin[g];
  EXPECT_EQ(units, cells_of.size());
  int shared = 0;
  for (const auto& [f, n] : cells_of) shared += n > 1;
  EXPECT_GT(shared, 0);
  // Members: one group per cohort, sized as the cohort.
  EXPECT_EQ(g, l.sample.cells.size());
  for (std::uint32_t c = 0; c < g; ++c)
    EXPECT_EQ(data.group_unit_begin[c + 1] - data.group_unit_begin[c],
              l.sample.cells[c].member_end - l.sample.cells[c].member_begin);
}

TEST(BootstrapResampling, ClusterUnitWithStrataIsAUsageError) {
  const Loaded l = load(true, true);
  BootstrapSpec spec = all_statistics(Scheme::strata);
  spec.unit = ResampleUnit::cluster;
  try {
    run_bootstrap(l.sample, l.design, spec, 0, 2);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
  }
}

// All members in one cluster: every replicate would draw the same members, so the intervals
// would hold the controls' variation only; refused (it ran with status ok before 2026-12-05).
TEST(BootstrapResampling, ClusterUnitWithOneClusterIsAUsageError) {
  Loaded l = load(true);
  for (auto& c : l.sample.firm_cluster)
    if (c >= 0) c = 0;
  BootstrapSpec spec = all_statistics();
  spec.unit = ResampleUnit::cluster;
  test::expect_usage_error([&] { run_bootstrap(l.sample, l.design, spec, 0, 2); },
                           "every member firm is in one cluster");
  // A member without a label is a cluster of its own: two units, allowed.
  for (const Cell& c : l.sample.cells)
    if (c.member_end > c.member_begin) {
      l.sample.firm_cluster[static_cast<std::size_t>(l.sample.firm[c.member_begin])] = -1;
      break;
    }
  EXPECT_EQ(run_bootstrap(l.sample, l.design, spec, 0, 2).count, 2u);
}

}  // namespace
}  // namespace klynge

namespace klynge {
namespace {

// The fused (and dense) mean paths draw the same firms as the count path; sums differ only in
// rounding. Also bit-identical across threads and range splits.
class FusedPath : public ::testing::TestWithParam<std::tuple<Scheme, bool>> {};

TEST_P(FusedPath, AgreesWithTheCountPathAndIsInvariant) {
  const auto [scheme, weighted] = GetParam();
  ReadOptions read;
  read.columns.entry = "entry_year";
  read.columns.strata = {"nace"};
  const Panel panel = read_panel(test::example_file("firms.csv"), read);
  DesignOptions design;
  design.from = 2012;
  design.to = 2015;
  design.balance = weighted;  // balancing weights make the sample weighted
  const Sample sample = build_sample(panel, design);
  ASSERT_EQ(sample.weighted, weighted);
  BootstrapSpec spec;
  spec.scheme = scheme;
  spec.statistics = {Statistic::mean_diff, Statistic::welch_t};
  spec.threads = 2;
  constexpr std::uint64_t B = 90;
  const ReplicateTable fused = run_bootstrap(sample, design, spec, 0, B);
  spec.fused = false;
  const ReplicateTable counted = run_bootstrap(sample, design, spec, 0, B);
  ASSERT_EQ(fused.values.size(), counted.values.size());
  for (std::size_t i = 0; i < fused.values.size(); ++i) {
    EXPECT_NEAR(fused.values[i], counted.values[i], 1e-12 * (1.0 + std::abs(counted.values[i])));
    if (!std::isnan(counted.welch_se[i]))
      EXPECT_NEAR(fused.welch_se[i], counted.welch_se[i], 1e-12 * counted.welch_se[i]);
  }
  spec.fused = true;
  spec.threads = 1;
  const ReplicateTable one = run_bootstrap(sample, design, spec, 0, B);
  EXPECT_TRUE(bitwise_equal(one.values, fused.values));
  const ReplicateTable merged = merge_replicates(run_bootstrap(sample, design, spec, 0, 31),
                                                 run_bootstrap(sample, design, spec, 31, B - 31));
  EXPECT_TRUE(bitwise_equal(merged.values, fused.values));
  EXPECT_TRUE(bitwise_equal(merged.welch_se, fused.welch_se));
}

INSTANTIATE_TEST_SUITE_P(Schemes, FusedPath,
                         ::testing::Combine(::testing::Values(Scheme::groups, Scheme::strata,
                                                              Scheme::poisson, Scheme::bayesian),
                                            ::testing::Bool()));

}  // namespace
}  // namespace klynge

namespace klynge {
namespace {

TEST(BootstrapDraws, InterleavedPhiloxEqualsPhiloxWords) {
  std::vector<std::uint32_t> out(4 * 37);
  for (std::uint64_t seed : {0ull, 20240917ull, 0xFFFFFFFFFFFFFFFFull}) {
    for (std::uint32_t first : {0u, 5u, 0xFFFFFFF0u}) {
      for (std::uint32_t count : {1u, 4u, 37u}) {
        hd::philox_blocks(seed, 3, hd::kPurposeBootstrapIndex, 77, first, count, out.data());
        for (std::uint32_t b = 0; b < count; ++b) {
          const hd::Words4 w =
              hd::philox_words(seed, hd::DrawKey{3, hd::kPurposeBootstrapIndex, 77, first + b});
          for (int i = 0; i < 4; ++i) ASSERT_EQ(out[4 * b + i], w.w[i]) << seed << " " << first;
        }
      }
    }
  }
}

}  // namespace
}  // namespace klynge
