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

// The ranks of MPI_COMM_WORLD as one team: rank r computes part r of every chunk; rank 0
// receives the parts (MPI_Gatherv of the values and, for the bootstrap, the Welch SEs).
class MpiTeam : public ReplicateTeam {
 public:
  bool root() const override { return g_ranks.rank == 0; }

  std::pair<std::uint64_t, std::uint64_t> my_part(std::uint64_t first,
                                                  std::uint64_t n) const override {
    const auto [lo, hi] = shard_range(n, part(g_ranks.rank));
    return {first + lo, first + hi};
  }

  void gather(StoredRange mine, std::uint64_t first, std::uint64_t n,
              ReplicateStore& store) override {
    const int size = g_ranks.size;
    std::vector<double> send = mine.values;
    if (mine.kind == TableKind::bootstrap)
      send.insert(send.end(), mine.welch_se.begin(), mine.welch_se.end());
    const int count = static_cast<int>(send.size());
    std::vector<int> counts(root() ? size : 1), displs(root() ? size : 1);
    check(MPI_Gather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, MPI_COMM_WORLD),
          "MPI_Gather");
    std::vector<double> all(1);
    if (root()) {
      long long offset = 0;
      for (int r = 0; r < size; ++r) {
        displs[r] = static_cast<int>(offset);
        offset += counts[r];
      }
      if (offset > 2147483647LL)
        throw_usage_error("MPI: one chunk is too large to gather at once (more than 2^31 values)");
      all.resize(static_cast<std::size_t>(std::max<long long>(offset, 1)));
    }
    check(MPI_Gatherv(send.data(), count, MPI_DOUBLE, all.data(), counts.data(), displs.data(),
                      MPI_DOUBLE, 0, MPI_COMM_WORLD),
          "MPI_Gatherv");
    if (!root()) return;
    for (int r = 1; r < size; ++r) {
      const auto [lo, hi] = shard_range(n, part(r));
      if (hi == lo) continue;
      StoredRange p = mine;  // kind, analysis, total, keys, exact, observed
      p.first = first + lo;
      p.count = hi - lo;
      const double* v = all.data() + displs[r];
      p.values.assign(v, v + p.keys * p.count);
      p.welch_se.clear();
      if (p.kind == TableKind::bootstrap)
        p.welch_se.assign(v + p.keys * p.count, v + 2 * p.keys * p.count);
      store.add(std::move(p));
    }
    store.add(std::move(mine));
  }

  std::uint64_t from_root(std::uint64_t value) override {
    unsigned long long v = value;
    check(MPI_Bcast(&v, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD), "MPI_Bcast");
    return v;
  }

  bool any(bool value) override {
    int in = value ? 1 : 0, out = 0;
    check(MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD), "MPI_Allreduce");
    return out != 0;
  }

 private:
  static ShardIndex part(int rank) {
    return ShardIndex{static_cast<std::uint32_t>(rank), static_cast<std::uint32_t>(g_ranks.size)};
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

ReplicateTeam& mpi_team() {
  static MpiTeam team;
  return team;
}

std::vector<std::string> gather_strings(const std::string& mine) {
  if (!g_initialized) return {mine};
  const int size = g_ranks.size;
  const bool root = g_ranks.rank == 0;
  const long long my_length = static_cast<long long>(mine.size());
  if (my_length > 2147483647LL) throw Error(ExitCode::internal, "MPI: a part is too large");
  const int length = static_cast<int>(my_length);
  std::vector<int> lengths(root ? size : 1), displs(root ? size : 1);
  check(MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, MPI_COMM_WORLD),
        "MPI_Gather");
  std::vector<char> all(1);
  if (root) {
    long long offset = 0;
    for (int r = 0; r < size; ++r) {
      displs[r] = static_cast<int>(offset);
      offset += lengths[r];
    }
    if (offset > 2147483647LL) throw Error(ExitCode::internal, "MPI: the parts are too large");
    all.resize(static_cast<std::size_t>(std::max<long long>(offset, 1)));
  }
  check(MPI_Gatherv(mine.data(), length, MPI_CHAR, all.data(), lengths.data(), displs.data(),
                    MPI_CHAR, 0, MPI_COMM_WORLD),
        "MPI_Gatherv");
  std::vector<std::string> out;
  for (int r = 0; root && r < size; ++r) out.emplace_back(all.data() + displs[r], lengths[r]);
  return out;
}

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
