// `klynge info`: what this build contains and which devices it sees.
#include <fmt/format.h>

#include "commands.hpp"
#include "klynge/device_info.hpp"
#include "klynge/version.hpp"

#include <omp.h>

namespace klynge::cli {

void add_info_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("info", "Show the build's features and the visible GPUs");
  cmd->callback([] {
    const CudaStatus cuda = query_cuda();
    fmt::print("klynge {} ({})\n", kVersion, *kGitRevision ? kGitRevision : "no git revision");
    fmt::print("cpu backend: OpenMP, {} threads available\n", omp_get_max_threads());
    fmt::print("cuda backend: {}\n", cuda.built ? "built" : "not built");
    if (cuda.built)
      fmt::print("cuda runtime: {}.{}, driver: {}.{}\n", cuda.runtime_version / 1000,
                 cuda.runtime_version % 1000 / 10, cuda.driver_version / 1000,
                 cuda.driver_version % 1000 / 10);
    for (const CudaDevice& d : cuda.devices)
      fmt::print("gpu {}: {}, {:.1f} GiB, compute capability {}.{}\n", d.index, d.name,
                 static_cast<double>(d.memory_bytes) / (1024.0 * 1024.0 * 1024.0),
                 d.compute_major, d.compute_minor);
    if (!cuda.problem.empty()) fmt::print("gpu: none usable ({})\n", cuda.problem);
  });
}

}  // namespace klynge::cli
