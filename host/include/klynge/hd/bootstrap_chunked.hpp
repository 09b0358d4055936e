// Chunked exact multinomial draws for large resample groups (DESIGN.md §3, issue 5).
//
// Resampling m units with replacement is a Multinomial(m; 1/m, ..., 1/m) count per unit. For a
// large group the plain way (m independent uniform indices) gathers from the whole group at
// random: L2-bound on a GPU, cache-missing on a CPU. Here the group is cut into chunks of
// kChunkUnits consecutive units; a binary tree over the chunks splits the m draws between the
// two halves of every node by an exact Binomial, so each chunk learns how many draws land in
// it; then the draws of one chunk are uniform indices inside that chunk only. The joint law of
// the counts is exactly the multinomial one (a multinomial is its binomial splits), and a
// chunk's rows fit in L1 / shared memory while its draws run.
//
// Integer draws only (DESIGN.md §2), so every compiler and device computes the same indices:
// - Binomial(t, a/L) compares t uniforms U with p = a/L digit by digit: at binary digit k of p
//   (exact integer long division) one random bit per still-undecided trial; a trial whose bit
//   is below p's digit succeeds, above fails, equal stays undecided. Trials are exchangeable,
//   so only the number of undecided trials is kept (popcounts of words). When p = 1/2 (a node
//   whose halves hold equal units — every node not on the group's right edge) one bit per
//   trial decides all: t/32 words. Other nodes need about 2t/32 words.
// - A full chunk (kChunkUnits = 2^10 units) takes its indices as 10-bit fields, three per word;
//   the group's last, partial chunk uses Lemire's bounded draw on whole words.
// A group of 10^6 units costs about 0.7 words per draw instead of 1, and the gathers stay
// inside 8-32 KB windows.
//
// Where the draws live. Tree node h (heap order: root 1, children 2h and 2h + 1; the leaves
// are the chunks) of the resample group starting at unit `begin` reads the word sequence
//   DrawKey{stream = analysis, purpose = kPurposeBootstrapTree | (begin + h),
//           index = replicate, block = position / 4}
// from position 0. Heap ids stay below the group's size (groups of >= kChunkedMinUnits), so
// the purposes of different groups never meet. A rejected Lemire draw j of the partial chunk
// retries at positions j + k * 2^31, k = 1, 2, ...
//
// The chunked path is chosen by the group size alone, never by the backend: the CPU and the
// GPU draw the same indices.
#pragma once

#include <cstdint>

#include "klynge/hd/bootstrap_draws.hpp"
#include "klynge/hd/macros.hpp"
#include "klynge/hd/philox.hpp"

namespace klynge::hd {

inline constexpr std::uint32_t kChunkBits = 10;
inline constexpr std::uint32_t kChunkUnits = 1u << kChunkBits;
inline constexpr std::uint32_t kChunkIndicesPerWord = 3;  // fields of 10 bits in a word
static_assert(kChunkIndicesPerWord * kChunkBits <= 32);
// Groups at least this large are drawn by chunks (at least 8 chunks; heap ids < group size).
inline constexpr std::uint32_t kChunkedMinUnits = 1u << 13;
// Purposes kPurposeBootstrapTree | id, id < 2^31: above every other purpose number.
inline constexpr std::uint32_t kPurposeBootstrapTree = 0x80000000u;

KLYNGE_HD bool chunked_group(std::uint32_t units) {
  return units >= kChunkedMinUnits;
}

KLYNGE_HD std::uint32_t popcount32(std::uint32_t x) {
#if defined(__CUDA_ARCH__)
  return static_cast<std::uint32_t>(__popc(x));
#else
  x = x - ((x >> 1) & 0x55555555u);
  x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
  x = (x + (x >> 4)) & 0x0F0F0F0Fu;
  return (x * 0x01010101u) >> 24;
#endif
}

// A node's word sequence: DrawKey{analysis, purpose, replicate, block = position / 4}.
struct NodeWords {
  std::uint64_t seed;
  std::uint32_t analysis;
  std::uint32_t purpose;
  std::uint32_t replicate;
};

// The number of ones among the next `bits` random bits of a node's words from *position
// (whole words, the last one masked), advancing *position past them. Words come from
// philox_blocks in runs (the same words WordStream would read, four blocks interleaved).
KLYNGE_HD std::uint32_t count_random_ones(const NodeWords& at, std::uint64_t* position,
                                          std::uint32_t bits) {
  constexpr std::uint32_t kRunWords = 64;
  std::uint32_t words[kRunWords + 8];
  std::uint32_t ones = 0;
  while (bits > 0) {
    const std::uint32_t wanted = (bits + 31) / 32;
    const std::uint32_t len = wanted < kRunWords ? wanted : kRunWords;
    const std::uint64_t first_block = *position >> 2, last_block = (*position + len - 1) >> 2;
    philox_blocks(at.seed, at.analysis, at.purpose, at.replicate,
                  static_cast<std::uint32_t>(first_block),
                  static_cast<std::uint32_t>(last_block - first_block + 1), words);
    const std::uint32_t* w = words + (*position & 3u);
    for (std::uint32_t k = 0; k < len; ++k) {
      const std::uint32_t take = bits < 32 ? bits : 32;
      ones += popcount32(take == 32 ? w[k] : w[k] & ((1u << take) - 1u));
      bits -= take;
    }
    *position += len;
  }
  return ones;
}

// The ones of a plane counted by one thread (count_random_ones); a team of threads counts the
// same words in parts and adds them (hd/bootstrap_lanes.hpp).
struct SerialPlaneCounter {
  KLYNGE_HD std::uint32_t operator()(const NodeWords& at, std::uint64_t position,
                                     std::uint32_t bits) const {
    return count_random_ones(at, &position, bits);
  }
};

// Binomial(trials, a / total), 0 < a < total, exact (see the header). Reads the node's words
// from position 0; plane k takes the ceil(undecided / 32) words after plane k - 1's.
template <typename PlaneCounter = SerialPlaneCounter>
KLYNGE_HD std::uint32_t binomial_split(const NodeWords& at, std::uint32_t trials, std::uint32_t a,
                                       std::uint32_t total, PlaneCounter count = PlaneCounter{}) {
  std::uint64_t position = 0;
  std::uint32_t successes = 0, undecided = trials;
  std::uint64_t remainder = a;  // p = a / total; its next digit is floor(2 r / total)
  while (undecided > 0) {
    remainder <<= 1;
    const bool digit = remainder >= total;
    if (digit) remainder -= total;
    const std::uint32_t ones = count(at, position, undecided);
    position += (undecided + 31) / 32;
    if (digit) {  // a zero bit is below p's 1: success; a one bit ties and goes on
      successes += undecided - ones;
      undecided = ones;
    } else {  // a one bit is above p's 0: failure; a zero bit ties and goes on
      undecided -= ones;
    }
    if (remainder == 0) break;  // p's later digits are all 0: a tie so far means U >= p
  }
  return successes;
}

// The chunk tree of a group of m units: 2^depth leaves, chunks past the group's end empty.
struct ChunkTree {
  std::uint32_t units;
  std::uint32_t depth;
};

KLYNGE_HD ChunkTree chunk_tree(std::uint32_t units) {
  const std::uint32_t chunks = (units + kChunkUnits - 1) >> kChunkBits;
  std::uint32_t depth = 0;
  while ((1u << depth) < chunks) ++depth;
  return ChunkTree{units, depth};
}

// Units under node `node` at `level` (root: node 1, level 0).
KLYNGE_HD std::uint32_t node_units(const ChunkTree& t, std::uint32_t level, std::uint32_t node) {
  const std::uint64_t span = std::uint64_t{kChunkUnits} << (t.depth - level);
  const std::uint64_t first = static_cast<std::uint64_t>(node - (1u << level)) * span;
  if (first >= t.units) return 0;
  const std::uint64_t rest = t.units - first;
  return static_cast<std::uint32_t>(rest < span ? rest : span);
}

KLYNGE_HD NodeWords node_words(std::uint64_t seed, std::uint32_t analysis, std::uint32_t replicate,
                               std::uint32_t begin, std::uint32_t node) {
  return NodeWords{seed, analysis, kPurposeBootstrapTree | (begin + node), replicate};
}

// The `draws` indices of one chunk (local to the group), in draw order.
template <typename Sink>
KLYNGE_HD void chunk_draws(std::uint64_t seed, std::uint32_t analysis, std::uint32_t replicate,
                           std::uint32_t begin, std::uint32_t leaf, std::uint32_t chunk,
                           std::uint32_t size, std::uint32_t draws, Sink& sink) {
  const std::uint32_t base = chunk << kChunkBits;
  const std::uint32_t purpose = kPurposeBootstrapTree | (begin + leaf);
  if (size == kChunkUnits) {
    // Words in runs from philox_blocks (the same words WordStream would read).
    constexpr std::uint32_t kRunBlocks = 32;
    std::uint32_t words[4 * kRunBlocks];
    const std::uint32_t word_count = (draws + kChunkIndicesPerWord - 1) / kChunkIndicesPerWord;
    std::uint32_t j = 0;
    for (std::uint32_t w0 = 0; w0 < word_count; w0 += 4 * kRunBlocks) {
      const std::uint32_t run = word_count - w0 < 4 * kRunBlocks ? word_count - w0 : 4 * kRunBlocks;
      philox_blocks(seed, analysis, purpose, replicate, w0 / 4, (run + 3) / 4, words);
      for (std::uint32_t k = 0; k < run; ++k) {
        std::uint32_t word = words[k];
        if (draws - j >= kChunkIndicesPerWord) {  // all three fields (every word but the last)
          sink(base + (word & (kChunkUnits - 1u)));
          sink(base + ((word >> kChunkBits) & (kChunkUnits - 1u)));
          sink(base + ((word >> (2 * kChunkBits)) & (kChunkUnits - 1u)));
          j += kChunkIndicesPerWord;
          continue;
        }
        for (; j < draws; ++j) {
          sink(base + (word & (kChunkUnits - 1u)));
          word >>= kChunkBits;
        }
      }
    }
    return;
  }
  WordStream s = word_stream(seed, analysis, purpose, replicate);
  for (std::uint32_t j = 0; j < draws; ++j) {
    BoundedTry t = bounded_try(s.at(j), size);
    for (std::uint64_t attempt = 1; !t.accepted; ++attempt)
      t = bounded_try(s.at(j + (attempt << 31)), size);
    sink(base + t.value);
  }
}

// Every chunk of a chunked group of m units that receives draws, from the first:
// leaf(leaf node, chunk, units of the chunk, draws in it). The tree's splits run depth-first,
// each through `count` (one thread, or a team sharing the words of each plane).
template <typename PlaneCounter, typename Leaf>
KLYNGE_HD void for_each_leaf(std::uint64_t seed, std::uint32_t analysis, std::uint32_t replicate,
                             std::uint32_t begin, std::uint32_t m, PlaneCounter count,
                             Leaf&& leaf) {
  const ChunkTree tree = chunk_tree(m);
  struct Pending {
    std::uint32_t node, level, draws;
  };
  Pending stack[34];  // depth-first, left first: at most depth + 1 entries
  int top = 0;
  stack[top++] = Pending{1, 0, m};
  while (top > 0) {
    const Pending p = stack[--top];
    if (p.draws == 0) continue;
    if (p.level == tree.depth) {
      leaf(p.node, p.node - (1u << tree.depth), node_units(tree, p.level, p.node), p.draws);
      continue;
    }
    const std::uint32_t left_units = node_units(tree, p.level + 1, 2 * p.node);
    const std::uint32_t right_units = node_units(tree, p.level + 1, 2 * p.node + 1);
    std::uint32_t left = p.draws;
    if (right_units > 0) {
      left = binomial_split(node_words(seed, analysis, replicate, begin, p.node), p.draws,
                            left_units, left_units + right_units, count);
    }
    stack[top++] = Pending{2 * p.node + 1, p.level + 1, p.draws - left};
    stack[top++] = Pending{2 * p.node, p.level + 1, left};
  }
}

// No preparation before a chunk's draws.
struct NoChunkStart {
  KLYNGE_HD void operator()(std::uint32_t, std::uint32_t) const {}
};

// Every draw of a chunked group of m units (chunked_group(m)): sink(local index in [0, m)),
// chunk by chunk from the first, each chunk's draws in order. start(first unit, units) runs
// before the draws of each chunk that has any (where a backend brings the chunk's rows close).
template <typename Sink, typename ChunkStart = NoChunkStart>
KLYNGE_HD void for_each_chunked_index(std::uint64_t seed, std::uint32_t analysis,
                                      std::uint32_t replicate, std::uint32_t begin, std::uint32_t m,
                                      Sink&& sink, ChunkStart start = ChunkStart{}) {
  for_each_leaf(
      seed, analysis, replicate, begin, m, SerialPlaneCounter{},
      [&](std::uint32_t leaf, std::uint32_t chunk, std::uint32_t size, std::uint32_t draws) {
        start(chunk << kChunkBits, size);
        chunk_draws(seed, analysis, replicate, begin, leaf, chunk, size, draws, sink);
      });
}

}  // namespace klynge::hd
