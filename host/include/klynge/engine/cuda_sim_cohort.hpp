// The CUDA twin of sim::cohort_firms (cuda/sim_cohort.cu): one GPU thread per firm runs
// hd::sim::sim_cohort_firm, and the records come back to the host, which lays out the Sample
// with the same code as the CPU path (sim::cohort_sample). A build without CUDA links a stub
// (host/src/no_cuda/sim_cohort.cpp) that throws Error(usage) with one clear line.
// Every CUDA call is checked: a failure is Error(internal) (exit 70) naming the call.
#pragma once

#include <vector>

#include "klynge/backend.hpp"
#include "klynge/hd/sim_cohort.hpp"

namespace klynge::cuda {

// The records of every firm of the dataset of `params`, computed on choice.gpu: firm i's
// attributes at firms[i], its year first_year + k at years[i * sim_years(params) + k].
void sim_cohort_firms(const hd::sim::SimParams& params, const BackendChoice& choice,
                      std::vector<hd::sim::SimCohortFirm>& firms,
                      std::vector<hd::sim::SimFirmYear>& years);

}  // namespace klynge::cuda
