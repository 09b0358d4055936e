#include "klynge/report/provenance.hpp"

#include <omp.h>

#include "klynge/version.hpp"

namespace klynge {

std::string git_revision() {
  return *kGitRevision ? kGitRevision : "unknown";
}

nlohmann::ordered_json provenance_json(const Provenance& p) {
  nlohmann::ordered_json out;
  out["klynge_version"] = kVersion;
  out["git_revision"] = git_revision();
#ifdef KLYNGE_WITH_CUDA
  const bool cuda = true;
#else
  const bool cuda = false;
#endif
  out["build"] = {{"cuda_compiled", cuda},
                  {"openmp_max_threads", omp_get_max_threads()},
                  {"compiler", __VERSION__},
#ifdef NDEBUG
                  {"assertions", false}};
#else
                  {"assertions", true}};
#endif
  out["command"] = p.command;
  out["device"] = p.device;
  out["threads"] = p.threads;
  out["input"] = {{"path", p.input_path}, {"sha256", p.input_sha256}};
  out["seed"] = p.seed ? nlohmann::ordered_json(*p.seed) : nlohmann::ordered_json(nullptr);
  out["configuration"] = p.configuration;
  return out;
}

}  // namespace klynge
