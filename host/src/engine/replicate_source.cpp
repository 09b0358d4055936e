#include "klynge/engine/replicate_source.hpp"

namespace klynge {

ReplicateTable ReplicateSource::bootstrap(const PreparedBootstrap& prepared, std::uint64_t B) {
  return prepared.run(0, B);
}

PermutationTable ReplicateSource::permutations(const PreparedPermutations& prepared,
                                               const PermutationPlan& plan) {
  return prepared.run(plan.exact, 0, plan.replicates);
}

ReplicateSource& local_replicates() {
  static ReplicateSource local;
  return local;
}

}  // namespace klynge
