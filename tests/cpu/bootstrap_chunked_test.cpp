// The chunked exact multinomial (hd/bootstrap_chunked.hpp): its binomial splits have the exact
// binomial law, its counts the multinomial law (means, variances and covariances of counts
// over blocks of units, inside and across chunks), and the engine's count, fused and dense
// paths still draw the same firms, invariant to threads and range splits. Fixed seeds: each
// check is deterministic; tolerances are several Monte Carlo standard errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "common/bitwise_equal.hpp"
#include "common/large_sample.hpp"
#include "klynge/bootstrap.hpp"
#include "klynge/hd/bootstrap_chunked.hpp"
#include "klynge/sample.hpp"

namespace klynge {
namespace {

// Binomial(t, p) probabilities by the recurrence from P(0) (t small enough not to underflow).
std::vector<double> binomial_pmf(std::uint32_t t, double p) {
  std::vector<double> pmf(t + 1);
  pmf[0] = std::pow(1.0 - p, t);
  for (std::uint32_t k = 0; k < t; ++k) pmf[k + 1] = pmf[k] * (t - k) / (k + 1.0) * p / (1.0 - p);
  return pmf;
}

// Pearson's chi-square of observed counts against n * pmf, pooling the tails into bins with an
// expectation of at least 5. Returns {statistic, degrees of freedom}.
std::pair<double, int> chi_square(const std::vector<double>& observed,
                                  const std::vector<double>& pmf, double n) {
  double stat = 0.0, obs = 0.0, expct = 0.0;
  int bins = 0;
  for (std::size_t k = 0; k < pmf.size(); ++k) {
    obs += observed[k];
    expct += n * pmf[k];
    if (expct >= 5.0 || k + 1 == pmf.size()) {
      stat += (obs - expct) * (obs - expct) / expct;
      ++bins;
      obs = expct = 0.0;
    }
  }
  return {stat, bins - 1};
}

// Upper 1e-6 tail of chi-square with df degrees of freedom (Wilson–Hilferty, ample here).
double chi_square_bound(int df) {
  const double z = 4.753;  // standard normal 1 - 1e-6 quantile
  const double a = 2.0 / (9.0 * df);
  return df * std::pow(1.0 - a + z * std::sqrt(a), 3);
}

TEST(ChunkedDraws, PopcountCountsBits) {
  for (std::uint32_t x : {0u, 1u, 0x80000000u, 0xFFFFFFFFu, 0x12345678u, 0xF0F0F0F0u}) {
    std::uint32_t expected = 0;
    for (int b = 0; b < 32; ++b) expected += (x >> b) & 1u;
    EXPECT_EQ(hd::popcount32(x), expected) << x;
  }
}

// The digit-by-digit split against the exact Binomial(t, a / total) law, for halves (p = 1/2,
// one word decides 32 trials), a dyadic p, and non-dyadic ones with many digits.
TEST(ChunkedDraws, BinomialSplitHasTheBinomialLaw) {
  struct Case {
    std::uint32_t trials, a, total;
  };
  for (const Case c : {Case{40, 512, 1024}, Case{33, 1, 4}, Case{40, 3, 7}, Case{100, 1000, 1784},
                       Case{5, 1, 3}, Case{70, 9999, 10000}}) {
    constexpr std::uint32_t kDraws = 40000;
    std::vector<double> observed(c.trials + 1, 0.0);
    double sum = 0.0;
    for (std::uint32_t r = 0; r < kDraws; ++r) {
      const hd::NodeWords at{2026, 5, hd::kPurposeBootstrapTree | 7u, r};
      const std::uint32_t k = hd::binomial_split(at, c.trials, c.a, c.total);
      ASSERT_LE(k, c.trials);
      observed[k] += 1.0;
      sum += k;
    }
    const double p = static_cast<double>(c.a) / c.total;
    const auto [stat, df] = chi_square(observed, binomial_pmf(c.trials, p), kDraws);
    EXPECT_LT(stat, chi_square_bound(df)) << c.trials << " " << c.a << "/" << c.total;
    const double sd = std::sqrt(c.trials * p * (1 - p) / kDraws);
    EXPECT_NEAR(sum / kDraws, c.trials * p, 5 * sd) << c.a << "/" << c.total;
  }
}

// The split reads exactly the documented words: a word-at-a-time restatement through
// WordStream (positions 0, 1, ... of the node's purpose) gives the same count.
std::uint32_t naive_split(hd::WordStream s, std::uint32_t trials, std::uint32_t a,
                          std::uint32_t total) {
  std::uint64_t position = 0, remainder = a;
  std::uint32_t successes = 0, undecided = trials;
  while (undecided > 0) {
    remainder *= 2;
    const bool digit = remainder >= total;
    if (digit) remainder -= total;
    std::uint32_t ones = 0;
    for (std::uint32_t left = undecided; left > 0;) {
      const std::uint32_t take = std::min<std::uint32_t>(left, 32);
      const std::uint32_t word = s.at(position++);
      for (std::uint32_t b = 0; b < take; ++b) ones += (word >> b) & 1u;
      left -= take;
    }
    if (digit) {
      successes += undecided - ones;
      undecided = ones;
    } else {
      undecided -= ones;
    }
    if (remainder == 0) break;
  }
  return successes;
}

TEST(ChunkedDraws, BinomialSplitReadsTheDocumentedWords) {
  for (std::uint32_t r = 0; r < 200; ++r) {
    for (const auto [trials, a, total] : {std::array<std::uint32_t, 3>{5000, 4096, 8192},
                                          {70000, 65536, 70000},
                                          {3, 1, 3},
                                          {2049, 1024, 1808}}) {
      const hd::NodeWords at{77, 1, hd::kPurposeBootstrapTree | 9u, r};
      ASSERT_EQ(
          hd::binomial_split(at, trials, a, total),
          naive_split(hd::word_stream(77, 1, hd::kPurposeBootstrapTree | 9u, r), trials, a, total))
          << r << " " << trials << " " << a << "/" << total;
    }
  }
}

TEST(ChunkedDraws, TreeCoversTheGroup) {
  const hd::ChunkTree t = hd::chunk_tree(10000);  // 9 full chunks and one of 784 units
  EXPECT_EQ(t.depth, 4u);
  EXPECT_EQ(hd::node_units(t, 0, 1), 10000u);
  EXPECT_EQ(hd::node_units(t, 1, 2), 8192u);
  EXPECT_EQ(hd::node_units(t, 1, 3), 1808u);
  EXPECT_EQ(hd::node_units(t, 4, 16 + 9), 784u);
  EXPECT_EQ(hd::node_units(t, 4, 16 + 10), 0u);
  EXPECT_EQ(hd::chunk_tree(hd::kChunkedMinUnits).depth, 3u);
}

std::vector<std::uint32_t> counts_of(std::uint32_t m, std::uint32_t replicate,
                                     std::uint32_t begin = 0, std::uint64_t seed = 11) {
  std::vector<std::uint32_t> counts(m, 0);
  hd::for_each_chunked_index(seed, 3, replicate, begin, m, [&](std::uint32_t i) {
    ASSERT_LT(i, m);
    ++counts[i];
  });
  return counts;
}

// Over many replicates of a group of 10 000 units (a partial last chunk; straddling tree
// nodes with p = 8192/10000 and 1024/1808): every replicate draws exactly m indices; each
// unit's count has mean 1; the count of every block of units B has the multinomial mean |B|
// and variance |B| (1 - |B|/m), for blocks inside a chunk, across chunk edges, across the
// root's split, and in the partial chunk; and the pooled per-unit counts follow Binomial(m, 1/m).
TEST(ChunkedDraws, CountsHaveTheMultinomialLaw) {
  constexpr std::uint32_t m = 10000, R = 3000;
  struct Block {
    std::uint32_t from, to;
  };
  const std::vector<Block> blocks = {{0, 1},       {100, 612},   {1000, 1048},  {0, 1024},
                                     {3000, 7000}, {8000, 9500}, {9216, 10000}, {0, 5000},
                                     {8191, 8193}, {0, 9999}};
  std::vector<double> block_sum(blocks.size(), 0.0), block_sum2(blocks.size(), 0.0);
  std::vector<double> unit_sum(m, 0.0);
  std::vector<double> pooled(12, 0.0);
  for (std::uint32_t r = 0; r < R; ++r) {
    const std::vector<std::uint32_t> c = counts_of(m, r);
    std::uint64_t total = 0;
    for (std::uint32_t u = 0; u < m; ++u) {
      total += c[u];
      unit_sum[u] += c[u];
      pooled[std::min<std::uint32_t>(c[u], 11)] += 1.0;
    }
    ASSERT_EQ(total, m) << r;
    for (std::size_t b = 0; b < blocks.size(); ++b) {
      double s = 0.0;
      for (std::uint32_t u = blocks[b].from; u < blocks[b].to; ++u) s += c[u];
      block_sum[b] += s;
      block_sum2[b] += s * s;
    }
  }
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    const double size = blocks[b].to - blocks[b].from;
    const double var = size * (1.0 - size / m);
    const double mean = block_sum[b] / R;
    const double sample_var = block_sum2[b] / R - mean * mean;
    EXPECT_NEAR(mean, size, 5 * std::sqrt(var / R)) << blocks[b].from << ":" << blocks[b].to;
    // SE of a sample variance of near-normal sums: var * sqrt(2 / R).
    EXPECT_NEAR(sample_var, var, 5 * var * std::sqrt(2.0 / R) + 0.02)
        << blocks[b].from << ":" << blocks[b].to;
  }
  for (std::uint32_t u = 0; u < m; ++u)
    ASSERT_NEAR(unit_sum[u] / R, 1.0, 5.5 * std::sqrt(1.0 / R)) << u;
  std::vector<double> pmf = binomial_pmf(m, 1.0 / m);
  pmf.resize(12);
  double tail = 1.0;
  for (int k = 0; k < 11; ++k) tail -= pmf[k];
  pmf[11] = tail;
  // Units within a replicate are (weakly, negatively) dependent; the pooled frequencies of
  // R * m counts still match the marginal law to well within this bound.
  const auto [stat, df] = chi_square(pooled, pmf, static_cast<double>(R) * m);
  EXPECT_LT(stat, chi_square_bound(df));
}

// A pure function of (seed, analysis, replicate, begin): repeatable, and each key changes it.
TEST(ChunkedDraws, DrawsAreKeyedAndRepeatable) {
  const std::uint32_t m = 20000;
  const auto base = counts_of(m, 4);
  EXPECT_EQ(base, counts_of(m, 4));
  EXPECT_NE(base, counts_of(m, 5));
  EXPECT_NE(base, counts_of(m, 4, 1));
  EXPECT_NE(base, counts_of(m, 4, 0, 12));
  std::vector<std::uint32_t> order;
  hd::for_each_chunked_index(11, 3, 4, 0, m, [&](std::uint32_t i) { order.push_back(i); });
  ASSERT_EQ(order.size(), m);
  // Chunk by chunk from the first.
  for (std::size_t k = 1; k < order.size(); ++k)
    ASSERT_LE(order[k - 1] >> hd::kChunkBits, order[k] >> hd::kChunkBits) << k;
}

// On test::large_sample (both groups chunked): the count path and the fused/dense paths agree
// to rounding; results are invariant to threads and range splits; and the bootstrap SE of the
// mean difference matches its closed form sqrt(v1 / n1 + v2 / n2) (v with divisor n) within
// Monte Carlo error.
TEST(ChunkedBootstrap, PathsAgreeAndAreInvariant) {
  for (bool weighted : {false, true}) {
    const Sample sample = test::large_sample(weighted);
    DesignOptions design;
    design.from = 2015;
    design.to = 2018;
    BootstrapSpec spec;
    spec.statistics = {Statistic::mean_diff, Statistic::welch_t};
    spec.seed = 7;
    spec.threads = 2;
    constexpr std::uint64_t B = 24;
    const ReplicateTable fast = run_bootstrap(sample, design, spec, 0, B);
    spec.fused = false;
    const ReplicateTable counted = run_bootstrap(sample, design, spec, 0, B);
    ASSERT_EQ(fast.values.size(), counted.values.size());
    for (std::size_t i = 0; i < fast.values.size(); ++i)
      EXPECT_NEAR(fast.values[i], counted.values[i], 1e-12 * (1.0 + std::abs(counted.values[i])))
          << weighted << " " << i;
    spec.fused = true;
    spec.threads = 1;
    EXPECT_TRUE(test::bitwise_equal(run_bootstrap(sample, design, spec, 0, B).values, fast.values));
    const ReplicateTable merged = merge_replicates(run_bootstrap(sample, design, spec, 0, 7),
                                                   run_bootstrap(sample, design, spec, 7, B - 7));
    EXPECT_TRUE(test::bitwise_equal(merged.values, fast.values));
  }
}

TEST(ChunkedBootstrap, StandardErrorMatchesTheClosedForm) {
  const Sample sample = test::large_sample(false);
  DesignOptions design;
  design.from = 2015;
  design.to = 2018;
  BootstrapSpec spec;
  spec.statistics = {Statistic::mean_diff};
  spec.seed = 3;
  constexpr std::uint64_t B = 3000;
  const ReplicateTable t = run_bootstrap(sample, design, spec, 0, B);
  ASSERT_EQ(t.keys.size(), 2u);
  for (std::size_t k = 0; k < 2; ++k) {
    double v[2] = {0, 0}, n[2] = {0, 0};
    for (int g = 0; g < 2; ++g) {
      const std::uint32_t from = g == 0 ? 0 : 9000, to = g == 0 ? 9000 : 21000;
      double sum = 0.0, sum2 = 0.0;
      for (std::uint32_t i = from; i < to; ++i) {
        const double y = sample.growth[k][i];
        if (std::isnan(y)) continue;
        n[g] += 1;
        sum += y;
        sum2 += y * y;
      }
      const double mean = sum / n[g];
      v[g] = sum2 / n[g] - mean * mean;
    }
    const double se = std::sqrt(v[0] / n[0] + v[1] / n[1]);
    double sum = 0.0, sum2 = 0.0;
    for (std::uint64_t b = 0; b < B; ++b) {
      const double x = t.values[k * B + b];
      sum += x;
      sum2 += x * x;
    }
    const double mean = sum / B;
    const double boot_se = std::sqrt((sum2 - B * mean * mean) / (B - 1));
    // The SE of a bootstrap SE from B replicates is about se / sqrt(2 B) (1.3% here).
    EXPECT_NEAR(boot_se / se, 1.0, 4.0 / std::sqrt(2.0 * B)) << k;
  }
}

}  // namespace
}  // namespace klynge
