// The permutation engine (DESIGN.md §1 "Inference", §2): the test statistic of every metric,
// cell and cohort aggregate under random (Monte Carlo) or all (exact) relabelings of members
// and controls, computed by the shared functor (hd/permutation_replicate.hpp) on a backend.
// Choices (blocks, sampler, ties, p-values): docs/permutation.md.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "klynge/backend.hpp"
#include "klynge/bootstrap.hpp"  // ResultKey, kDefaultSeed
#include "klynge/design.hpp"
#include "klynge/sample.hpp"
#include "klynge/statistics.hpp"

namespace klynge {

// all: labels shuffled across the firms of each cell (one block per cell: in the window design
// all firms; in the cohort design always within cohorts). strata: within cell x stratum blocks.
enum class PermScheme { all, strata };
enum class Alternative { two_sided, greater, less };

std::string_view perm_scheme_name(PermScheme scheme);
std::optional<PermScheme> parse_perm_scheme(std::string_view name);
std::string_view alternative_name(Alternative alternative);
std::optional<Alternative> parse_alternative(std::string_view name);

struct PermutationSpec {
  PermScheme scheme = PermScheme::all;
  Statistic statistic = Statistic::welch_t;
  std::uint64_t seed = kDefaultSeed;
  std::uint64_t permutations = 9999;  // B; exact enumeration when relabelings <= B
  int threads = 0;                    // 0 = all
  std::uint32_t analysis = 0;         // the `stream` word of every draw key
  // mean_diff and welch_t: sums over the drawn (smaller) group only, the rest by subtraction
  // from the totals, O(smaller group) per replicate. Same relabelings as the general path;
  // statistics differ only in rounding.
  bool fast = true;
  BackendChoice backend;         // where the replicates run (same replicates on each)
  Progress* progress = nullptr;  // counts finished replicates when set (progress.hpp)
};

// How many distinct relabelings the blocks allow (product of C(n_b, m_b)), saturated at
// 2^62, and whether the run enumerates them (relabelings <= spec.permutations).
struct PermutationPlan {
  std::uint64_t relabelings = 0;
  bool exact = false;
  std::uint64_t replicates = 0;  // relabelings when exact, else spec.permutations
  std::size_t blocks = 0;
};

PermutationPlan plan_permutations(const Sample& sample, const DesignOptions& options,
                                  const PermutationSpec& spec);

struct PermutationTable {
  std::vector<ResultKey> keys;  // per metric: cells, then (cohort design) the aggregate
  bool exact = false;
  std::uint64_t first = 0;  // replicates (exact: relabeling ranks) [first, first + count)
  std::uint64_t count = 0;
  std::uint64_t total = 0;  // exact: number of relabelings; Monte Carlo: 0 (set by the caller)
  // The statistic under the observed labels, per key (NaN where it has no value).
  std::vector<double> observed;
  // Row-major key x replicate: values[k * count + j]; NaN where the statistic has no value.
  std::vector<double> values;

  double value(std::size_t key, std::uint64_t j) const { return values[key * count + j]; }
};

namespace engine {
struct PermData;
}

// A permutation test prepared once per analysis (blocks, cells, records and, on the CUDA
// backend, their device copies, made by the first run), for any range of replicates or
// relabeling ranks: checkpoint chunks do not rebuild or re-upload them. run() is const but
// not for concurrent calls on one object.
class PreparedPermutations {
 public:
  PreparedPermutations(const Sample& sample, const DesignOptions& options,
                       const PermutationSpec& spec);
  ~PreparedPermutations();
  PreparedPermutations(PreparedPermutations&&) noexcept;
  PreparedPermutations& operator=(PreparedPermutations&&) noexcept;

  // See run_permutations. count 0 gives the table's keys and observed statistics.
  PermutationTable run(bool exact, std::uint64_t first, std::uint64_t count) const;

  // See plan_permutations (without building the arrays again).
  PermutationPlan plan() const;

  // Where run() reports finished replicates (spec.progress at construction; null for none).
  void set_progress(Progress* progress) { spec_.progress = progress; }

  // Makes the backend's copies of the arrays now (the CUDA device copies; nothing on the CPU)
  // instead of in the first run(), so a caller can prepare the next analysis while the
  // current one's replicates run (the next upload overlaps the current kernels).
  void stage() const;

  const PermutationSpec& spec() const { return spec_; }

 private:
  std::unique_ptr<engine::PermData> data_;
  PermutationSpec spec_;
};

// Replicates [first, first + count) (Monte Carlo, exact == false; indices < 2^32) or relabeling
// ranks [first, first + count) (exact == true; first + count <= relabelings). Bit-identical for
// any thread count and any split of the range. Throws Error(usage) for an impossible spec.
PermutationTable run_permutations(const Sample& sample, const DesignOptions& options,
                                  const PermutationSpec& spec, bool exact, std::uint64_t first,
                                  std::uint64_t count);

// The whole run the plan calls for: every relabeling when exact, else replicates [0, B).
PermutationTable run_permutations(const Sample& sample, const DesignOptions& options,
                                  const PermutationSpec& spec);

// Concatenates tables of consecutive ranges (a.first + a.count == b.first).
PermutationTable merge_permutations(const PermutationTable& a, const PermutationTable& b);

}  // namespace klynge
