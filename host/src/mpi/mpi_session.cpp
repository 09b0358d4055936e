// MPI scale-out: the session (init/finalize only under an MPI launcher), the rank map, and the
// source that splits every replicate range across the ranks and gathers the parts on rank 0.
#include <mpi.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "klynge/engine/distributed_sources.hpp"
#include "klynge/engine/mpi_ranks.hpp"
#include "klynge/engine/replicate_store.hpp"
#include "klynge/error.hpp"

namespace klynge {

namespace {

RankInfo g_ranks;
bool g_initialized = false;

// Launched by mpirun/mpiexec (Open MPI, MPICH, Intel MPI) or srun with PMI/PMIx.
bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS"}) {
    const char* v = std::getenv(name);
    if (v && *v) return true;
  }
  return false;
}

void check(int status, const char* what) {
  if (status != MPI_SUCCESS) throw Error(ExitCode::internal, std::string("MPI error in ") + what);
}

// Part r of [0, total) per rank; rank 0 then holds all of them.
class MpiSource : public ReplicateSource {
 public:
  ReplicateTable bootstrap(const Sample& sample, const DesignOptions& design,
                           const BootstrapSpec& spec, std::uint64_t B) override {
    const ShardIndex part{static_cast<std::uint32_t>(g_ranks.rank),
                          static_cast<std::uint32_t>(g_ranks.size)};
    const auto [lo, hi] = shard_range(B, part);
    ReplicateTable mine = run_bootstrap(sample, design, spec, lo, hi - lo);
    ReplicateStore store;
    store.add(mine, spec.analysis, B);
    gather(store, TableKind::bootstrap, spec.analysis, B, mine.keys.size());
    if (g_ranks.rank != 0) return mine;
    return store.bootstrap_table(spec.analysis, B, mine.keys, "MPI gather");
  }

  PermutationTable permutations(const Sample& sample, const DesignOptions& design,
                                const PermutationSpec& spec, const PermutationPlan& plan) override {
    const ShardIndex part{static_cast<std::uint32_t>(g_ranks.rank),
                          static_cast<std::uint32_t>(g_ranks.size)};
    const auto [lo, hi] = shard_range(plan.replicates, part);
    PermutationTable mine = run_permutations(sample, design, spec, plan.exact, lo, hi - lo);
    ReplicateStore store;
    store.add(mine, spec.analysis, plan.replicates);
    gather(store, TableKind::permutation, spec.analysis, plan.replicates, mine.keys.size());
    if (g_ranks.rank != 0) return mine;
    PermutationTable t = store.permutation_table(spec.analysis, plan.replicates, mine.keys,
                                                 plan.exact, "MPI gather");
    t.observed = mine.observed;
    t.total = mine.total;
    return t;
  }

  bool is_partial() const override { return g_ranks.rank != 0; }

 private:
  // Every rank sends its values (and, for the bootstrap, its Welch SEs) to rank 0, which adds
  // each rank's range to `store`.
  static void gather(ReplicateStore& store, TableKind kind, std::uint32_t analysis,
                     std::uint64_t total, std::size_t keys) {
    const int size = g_ranks.size;
    const StoredRange* mine_ptr = nullptr;
    for (const StoredRange* r : store.ranges(kind, analysis, "MPI gather")) mine_ptr = r;
    std::vector<double> send;
    if (mine_ptr) {
      send = mine_ptr->values;
      if (kind == TableKind::bootstrap)
        send.insert(send.end(), mine_ptr->welch_se.begin(), mine_ptr->welch_se.end());
    }
    const int count = static_cast<int>(send.size());
    std::vector<int> counts(g_ranks.rank == 0 ? size : 0), displs;
    check(MPI_Gather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, MPI_COMM_WORLD),
          "MPI_Gather");
    std::vector<double> all;
    if (g_ranks.rank == 0) {
      displs.resize(size);
      long long offset = 0;
      for (int r = 0; r < size; ++r) {
        displs[r] = static_cast<int>(offset);
        offset += counts[r];
      }
      if (offset > 2147483647LL)
        throw_usage_error("MPI: one table is too large to gather at once (more than 2^31 values)");
      all.resize(static_cast<std::size_t>(offset));
    }
    check(MPI_Gatherv(send.data(), count, MPI_DOUBLE, all.data(), counts.data(), displs.data(),
                      MPI_DOUBLE, 0, MPI_COMM_WORLD),
          "MPI_Gatherv");
    if (g_ranks.rank != 0) return;
    std::vector<double> observed = mine_ptr ? mine_ptr->observed : std::vector<double>();
    bool exact = mine_ptr && mine_ptr->exact;
    ReplicateStore joined;
    for (int r = 1; r < size; ++r) {
      const auto [lo, hi] = shard_range(
          total, ShardIndex{static_cast<std::uint32_t>(r), static_cast<std::uint32_t>(size)});
      if (hi == lo) continue;
      StoredRange part;
      part.kind = kind;
      part.analysis = analysis;
      part.exact = exact;
      part.total = total;
      part.first = lo;
      part.count = hi - lo;
      part.keys = keys;
      const double* p = all.data() + displs[r];
      part.values.assign(p, p + keys * part.count);
      if (kind == TableKind::bootstrap)
        part.welch_se.assign(p + keys * part.count, p + 2 * keys * part.count);
      part.observed = observed;
      store.add(std::move(part));
    }
  }
};

}  // namespace

MpiSession::MpiSession(int& argc, char**& argv) {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  g_ranks.host = host;
  g_ranks.local_rank = local_rank_from_environment();
  if (!launched_by_mpi()) return;
  check(MPI_Init(&argc, &argv), "MPI_Init");
  g_initialized = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &g_ranks.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_ranks.size);
}

MpiSession::~MpiSession() {
  if (g_initialized) MPI_Finalize();
}

const RankInfo& mpi_ranks() { return g_ranks; }

std::unique_ptr<ReplicateSource> make_mpi_source() { return std::make_unique<MpiSource>(); }

std::vector<std::string> gather_rank_map(const std::string& device) {
  const std::string line = fmt::format("rank {}: host {}, local rank {}, device {}",
                                       g_ranks.rank, g_ranks.host, g_ranks.local_rank, device);
  if (!g_initialized) return {line};
  char buffer[256] = {};
  line.copy(buffer, sizeof buffer - 1);
  std::vector<char> all(g_ranks.rank == 0 ? 256 * g_ranks.size : 0);
  check(MPI_Gather(buffer, 256, MPI_CHAR, all.data(), 256, MPI_CHAR, 0, MPI_COMM_WORLD),
        "MPI_Gather");
  std::vector<std::string> out;
  for (int r = 0; g_ranks.rank == 0 && r < g_ranks.size; ++r) out.emplace_back(&all[256 * r]);
  return out;
}

}  // namespace klynge
