// MPI scale-out (issue 7, docs/scale-out.md): `mpirun -np K klynge analyze ...` or `srun klynge
// analyze ...` splits every replicate range across the ranks; rank 0 gathers the tables and
// writes the report. A process not started by an MPI launcher never initializes MPI, and a
// build without MPI (no MPI library found by CMake) runs every process as a single rank.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "klynge/engine/replicate_team.hpp"

namespace klynge {

struct RankInfo {
  int rank = 0;
  int size = 1;
  int local_rank = 0;  // on its node: OMPI_COMM_WORLD_LOCAL_RANK, SLURM_LOCALID,
                       // MPI_LOCALRANKID, PMI_LOCAL_RANK (the first one set), else 0
  std::string host;
};

// Initializes MPI when launched by an MPI launcher (and built with MPI); finalizes on scope
// exit. One per process, created first thing in main.
class MpiSession {
 public:
  MpiSession(int& argc, char**& argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
};

// This process's place (rank 0 of 1 outside MPI).
const RankInfo& mpi_ranks();

// The local rank from the launchers' environment variables, in the documented order.
int local_rank_from_environment();

// The ranks as a ReplicateTeam: rank r computes part r of every chunk, rank 0 receives them.
// Every rank must ask for the same tables in the same order. A build without MPI: one process.
ReplicateTeam& mpi_team();

// Rank 0 receives every rank's `mine`, in rank order (the others get an empty list); outside
// MPI: {mine}.
std::vector<std::string> gather_strings(const std::string& mine);

// Gathers one line per rank ("rank r: host h, device d") on rank 0 (empty elsewhere).
std::vector<std::string> gather_rank_map(const std::string& device);

}  // namespace klynge
