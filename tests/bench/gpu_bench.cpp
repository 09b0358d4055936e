// GPU benchmark (run by scripts/bench-gpu.sh, never by ctest): klynge's CUDA launchers on
// synthetic window-design samples. The resampling arrays are prepared and uploaded once (as an
// analysis does; "setup"), then the B replicates are timed: kernels and the copy back.
//   klynge_gpu_bench boot N METRICS B [poisson|median]   exact (or Poisson) bootstrap of the
//                                                 mean difference, N firms (10% members);
//                                                 median: of the median difference too (the
//                                                 count path: a warp per replicate)
//   klynge_gpu_bench perm N MEMBERS B             permutation test, welch_t, MEMBERS of N
// Prints one line: workload, seconds, G draws/s (draws = B x N for the bootstrap, B x the
// smaller group for the permutation test), and the first replicate value as a check.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "klynge/bootstrap.hpp"
#include "klynge/device_info.hpp"
#include "klynge/hd/philox.hpp"
#include "klynge/permutation.hpp"

namespace {

using namespace klynge;

// N firms, the first `members` of them members, M metrics of log growth with a small premium.
Sample synthetic(std::uint32_t n, std::uint32_t members, std::uint32_t metrics) {
  Sample s;
  for (std::uint32_t m = 0; m < metrics; ++m) {
    std::string name = "m";  // (not "m" + to_string: GCC 12 warns falsely on that)
    name += std::to_string(m);
    s.metric_names.push_back(name);
  }
  s.growth.resize(metrics);
  s.start.resize(metrics);
  s.end.resize(metrics);
  s.weight.resize(metrics);
  for (std::uint32_t i = 0; i < n; ++i) {
    s.firm.push_back(static_cast<std::int32_t>(i));
    s.stratum.push_back(-1);
    s.firm_ids.push_back(std::to_string(i));
    s.firm_cluster.push_back(-1);
    for (std::uint32_t m = 0; m < metrics; ++m) {
      const hd::Words4 w = hd::philox_words(7, hd::DrawKey{m, 1, i, 0});
      const double u = hd::uniform_open01(w.w[0], w.w[1]);
      const double g = 0.05 * std::log(u / (1.0 - u)) + (i < members ? 0.01 : 0.0);
      s.growth[m].push_back(g);
      s.start[m].push_back(100.0);
      s.end[m].push_back(100.0 * std::exp(g));
      s.weight[m].push_back(1.0);
    }
  }
  Cell c;
  c.from = 2010;
  c.to = 2013;
  c.member_end = members;
  c.control_end = n;
  s.cells.push_back(c);
  return s;
}

DesignOptions window() {
  DesignOptions o;
  o.from = 2010;
  o.to = 2013;
  return o;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr,
                 "usage: klynge_gpu_bench boot N METRICS B [poisson|median] | perm N MEMBERS B\n");
    return 64;
  }
  if (query_cuda().devices.empty()) {
    std::fprintf(stderr, "klynge_gpu_bench: no usable GPU (%s)\n", query_cuda().problem.c_str());
    return 69;
  }
  const std::string what = argv[1];
  const auto n = static_cast<std::uint32_t>(std::strtoull(argv[2], nullptr, 10));
  const auto third = static_cast<std::uint32_t>(std::strtoull(argv[3], nullptr, 10));
  const std::uint64_t B = std::strtoull(argv[4], nullptr, 10);
  const bool poisson = argc > 5 && std::string(argv[5]) == "poisson";
  const bool median = argc > 5 && std::string(argv[5]) == "median";
  if (what == "boot") {
    const Sample s = synthetic(n, n / 10, third);
    BootstrapSpec spec;
    spec.scheme = poisson ? Scheme::poisson : Scheme::groups;
    if (median) spec.statistics = {Statistic::mean_diff, Statistic::median_diff};
    spec.backend.backend = Backend::cuda;
    // The resampling arrays are built once per analysis (host) and uploaded by the first run;
    // the figure is the replicates' run: kernels and the copy back.
    const auto p0 = std::chrono::steady_clock::now();
    const PreparedBootstrap prepared(s, window(), spec);
    prepared.run(0, 16);  // warm-up: context, module load, device copies
    const double setup = seconds_since(p0);
    const auto t0 = std::chrono::steady_clock::now();
    const ReplicateTable t = prepared.run(0, B);
    const double sec = seconds_since(t0);
    std::printf(
        "boot %s n=%u metrics=%u B=%llu: %.4f s, %.2f G draws/s (setup %.3f s), first=%.9g\n",
        poisson  ? "poisson"
        : median ? "median"
                 : "exact",
        n, third, static_cast<unsigned long long>(B), sec, static_cast<double>(B) * n / sec / 1e9,
        setup, t.values.empty() ? NAN : t.values[0]);
  } else if (what == "perm") {
    const Sample s = synthetic(n, third, 1);
    PermutationSpec spec;
    spec.permutations = B;
    spec.backend.backend = Backend::cuda;
    const auto p0 = std::chrono::steady_clock::now();
    const PreparedPermutations prepared(s, window(), spec);
    prepared.run(false, 0, 16);  // warm-up: context, module load, device copies
    const double setup = seconds_since(p0);
    const auto t0 = std::chrono::steady_clock::now();
    const PermutationTable t = prepared.run(false, 0, B);
    const double sec = seconds_since(t0);
    const double k = std::min<double>(third, n - third);
    std::printf("perm n=%u members=%u B=%llu: %.6f s, %.2f G draws/s (setup %.3f s), first=%.9g\n",
                n, third, static_cast<unsigned long long>(B), sec,
                static_cast<double>(B) * k / sec / 1e9, setup,
                t.values.empty() ? NAN : t.values[0]);
  } else {
    std::fprintf(stderr, "klynge_gpu_bench: unknown workload '%s'\n", what.c_str());
    return 64;
  }
  return 0;
}
