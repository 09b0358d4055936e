// The bootstrap engine (DESIGN.md §1 "Inference", §2): replicate statistics of a Sample under a
// resampling scheme, computed by the shared per-replicate functor (hd/bootstrap_replicate.hpp)
// on a backend. Choices (what is resampled, how draws are keyed) are in docs/bootstrap.md.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "klynge/backend.hpp"
#include "klynge/design.hpp"
#include "klynge/progress.hpp"
#include "klynge/sample.hpp"
#include "klynge/statistics.hpp"

namespace klynge {

enum class Scheme { groups, strata, poisson, bayesian };
enum class ResampleUnit { firm, cluster };

std::string_view scheme_name(Scheme scheme);
std::optional<Scheme> parse_scheme(std::string_view name);
std::string_view resample_unit_name(ResampleUnit unit);
std::optional<ResampleUnit> parse_resample_unit(std::string_view name);

// The documented default seed of `klynge analyze` (printed with every run).
inline constexpr std::uint64_t kDefaultSeed = 20240917;

struct BootstrapSpec {
  Scheme scheme = Scheme::groups;
  ResampleUnit unit = ResampleUnit::firm;
  std::uint64_t seed = kDefaultSeed;
  std::uint64_t replicates = 9999;  // B (informational here: ranges are given to run_bootstrap)
  std::vector<Statistic> statistics{Statistic::mean_diff};  // any order; duplicates ignored
  int threads = 0;                                          // 0 = all
  std::uint32_t analysis = 0;                               // the `stream` word of every draw key
  // Use the fused gather-accumulate replicate when it applies (window design, only mean_diff
  // and welch_t requested). Same draws as the count path; sums differ only in rounding.
  bool fused = true;
  // Fill ReplicateTable::welch_se (the studentized interval needs it). false: every welch_se is
  // NaN and the count path skips the cohort aggregate's influence pass, which is most of a
  // replicate's cost there; the values are the same bits either way.
  bool replicate_se = true;
  BackendChoice backend;         // where the replicates run (same replicates on each)
  Progress* progress = nullptr;  // counts finished replicates when set (progress.hpp)
};

// Which result a row of a ReplicateTable belongs to: describe_sample's result keys restricted
// to the requested statistics, in describe_sample's order (metric, cell, aggregate, statistic).
struct ResultKey {
  std::size_t metric = 0;
  std::int32_t cohort = kWindowCohort;
  Statistic statistic = Statistic::mean_diff;
};

struct ReplicateTable {
  std::vector<ResultKey> keys;
  std::uint64_t first = 0;  // replicates [first, first + count)
  std::uint64_t count = 0;
  // Row-major key x replicate: values[k * count + j] is key k in replicate first + j. NaN where
  // the statistic has no value in that replicate (e.g. a resampled group is empty).
  std::vector<double> values;
  // The Welch standard error of the mean difference in each replicate, for mean_diff keys
  // (same layout; NaN rows for other keys). Feeds the studentized interval.
  std::vector<double> welch_se;

  double value(std::size_t key, std::uint64_t j) const { return values[key * count + j]; }
};

namespace engine {
struct BootData;
}

// A bootstrap prepared once per analysis: the resampling arrays built from the sample (and, on
// the CUDA backend, their device copies, made by the first run) serve every replicate range,
// so checkpoint chunks and ranks' parts do not rebuild or re-upload them, and the jackknife
// and the identity replicate of the same analysis read them too (jackknife.hpp). Throws
// Error(usage) for an impossible spec (e.g. --unit cluster without cluster labels, strata with
// cluster units). run() is const but not for concurrent calls on one object.
class PreparedBootstrap {
 public:
  PreparedBootstrap(const Sample& sample, const DesignOptions& options, const BootstrapSpec& spec);
  ~PreparedBootstrap();
  PreparedBootstrap(PreparedBootstrap&&) noexcept;
  PreparedBootstrap& operator=(PreparedBootstrap&&) noexcept;

  // Replicates [first, first + count); see run_bootstrap. count 0 gives the table's keys.
  ReplicateTable run(std::uint64_t first, std::uint64_t count) const;

  // Where run() reports finished replicates (spec.progress at construction; null for none).
  void set_progress(Progress* progress) { spec_.progress = progress; }

  // Makes the backend's copies of the arrays now (the CUDA device copies; nothing on the CPU)
  // instead of in the first run(), so a caller can prepare the next analysis while the
  // current one's replicates run (the next upload overlaps the current kernels).
  void stage() const;

  const BootstrapSpec& spec() const { return spec_; }
  const engine::BootData& data() const { return *data_; }

 private:
  std::unique_ptr<engine::BootData> data_;
  BootstrapSpec spec_;
};

// Replicates [first, first + count) of the bootstrap. Bit-identical for any thread count and
// any split of the replicate range. Throws Error(usage) for an impossible spec (e.g.
// --unit cluster without cluster labels, strata with cluster units).
ReplicateTable run_bootstrap(const Sample& sample, const DesignOptions& options,
                             const BootstrapSpec& spec, std::uint64_t first, std::uint64_t count);

// Concatenates tables of consecutive ranges (a.first + a.count == b.first).
ReplicateTable merge_replicates(const ReplicateTable& a, const ReplicateTable& b);

// The replicate functor with every firm counted once: reproduces describe_sample's values for
// the keys (NaN where its status is not ok) and gives the Welch SE of each mean_diff estimate.
ReplicateTable identity_replicate(const Sample& sample, const DesignOptions& options,
                                  const BootstrapSpec& spec);
// The same on a prepared bootstrap's arrays (no rebuild).
ReplicateTable identity_replicate(const PreparedBootstrap& prepared);

}  // namespace klynge
