// Linked only into builds without MPI: every process is rank 0 of 1.
#include <unistd.h>

#include "klynge/engine/mpi_ranks.hpp"

namespace klynge {

namespace {
RankInfo g_ranks;
}

MpiSession::MpiSession(int&, char**&) {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  g_ranks.host = host;
  g_ranks.local_rank = local_rank_from_environment();
}

MpiSession::~MpiSession() = default;

const RankInfo& mpi_ranks() { return g_ranks; }

ReplicateTeam& mpi_team() { return single_process_team(); }

std::vector<std::string> gather_strings(const std::string& mine) { return {mine}; }

std::vector<std::string> gather_rank_map(const std::string&) { return {}; }

}  // namespace klynge
