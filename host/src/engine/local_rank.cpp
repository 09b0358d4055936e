#include <cstdlib>
#include <string>

#include "klynge/engine/mpi_ranks.hpp"

namespace klynge {

int local_rank_from_environment() {
  for (const char* name :
       {"OMPI_COMM_WORLD_LOCAL_RANK", "SLURM_LOCALID", "MPI_LOCALRANKID", "PMI_LOCAL_RANK"}) {
    const char* value = std::getenv(name);
    if (value && *value) {
      char* end = nullptr;
      const long r = std::strtol(value, &end, 10);
      if (*end == '\0' && r >= 0 && r < 1 << 20) return static_cast<int>(r);
    }
  }
  return 0;
}

}  // namespace klynge
