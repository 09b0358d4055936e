// One `klynge power` dataset's Sample, the panel path against the record path (docs/power.md
// "Where a dataset is made"). Not a test; never timed in CI.
//
//   klynge_sim_sample_bench FIRMS [--threads N] [--repeat K] [--device cpu|cuda]
//                           [--design window|cohort]
//
// panel_s: simulate_panel -> to_panel -> build_sample (the path before the records);
// records_s: simulated_window_sample (window) or simulated_cohort_sample (cohort) on the device
// given. Both are the fastest of K repeats of dataset 0 of a study at the defaults (20% members,
// premium 0.02; window 2017-2020, or entry years 2011-2015 with horizon 3); the two Samples are
// compared (cells, firms and growth bit for bit) and the run fails if they differ.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "klynge/build_sample.hpp"
#include "klynge/error.hpp"
#include "klynge/power.hpp"
#include "klynge/sim_cohort.hpp"
#include "klynge/sim_window.hpp"

namespace {

template <class F>
double fastest(int repeat, F f) {
  double best = 1e300;
  for (int k = 0; k < repeat; ++k) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    best = std::min(best,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

bool same(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace klynge;
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: %s FIRMS [--threads N] [--repeat K] [--device cpu|cuda] "
                 "[--design window|cohort]\n",
                 argv[0]);
    return 64;
  }
  const auto firms = static_cast<std::uint32_t>(std::atol(argv[1]));
  int threads = 1, repeat = 3;
  bool cohort = false;
  BackendChoice backend;
  for (int i = 2; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--threads") && i + 1 < argc)
      threads = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--repeat") && i + 1 < argc)
      repeat = std::max(1, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--design") && i + 1 < argc)
      cohort = !std::strcmp(argv[++i], "cohort");
    else if (!std::strcmp(argv[i], "--device") && i + 1 < argc)
      backend.backend = std::strcmp(argv[++i], "cuda") ? Backend::cpu : Backend::cuda;
    else {
      std::fprintf(stderr, "unknown argument %s\n", argv[i]);
      return 64;
    }
  }
  try {
    power::PowerSpec study;
    if (cohort) {
      study.entry_first = 2011;
      study.entry_last = 2015;
    }
    const power::PremiumPoint premium{{0.02, 0.02, 0.02}, "0.02"};
    sim::SimSpec spec = power::dataset_spec(study, premium, firms, 0);
    spec.threads = threads;
    DesignOptions design;
    if (cohort) {
      design.horizon = study.horizon;
    } else {
      design.from = study.from;
      design.to = study.to;
    }
    Sample panel_sample, record_sample;
    const double panel_s = fastest(repeat, [&] {
      panel_sample = build_sample(sim::to_panel(sim::simulate_panel(spec), {}, cohort), design);
    });
    const double records_s = fastest(repeat, [&] {
      record_sample = cohort ? sim::simulated_cohort_sample(spec, design, backend)
                             : sim::simulated_window_sample(spec, design, backend);
    });
    bool equal = panel_sample.firm == record_sample.firm &&
                 panel_sample.cells.size() == record_sample.cells.size();
    for (std::size_t m = 0; m < panel_sample.growth.size(); ++m)
      equal = equal && same(panel_sample.growth[m], record_sample.growth[m]);
    std::printf(
        "design=%s firms=%u threads=%d device=%s panel_s=%.4f records_s=%.4f speedup=%.1f "
        "equal=%d\n",
        cohort ? "cohort" : "window", firms, threads,
        std::string(backend_name(backend.backend)).c_str(), panel_s, records_s, panel_s / records_s,
        equal ? 1 : 0);
    return equal ? 0 : 70;
  } catch (const Error& e) {
    std::fprintf(stderr, "klynge_sim_sample_bench: %s\n", e.what());
    return static_cast<int>(e.code());
  }
}
