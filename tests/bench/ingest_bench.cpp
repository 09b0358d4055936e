// Ingest benchmark (scripts/bench-ingest.sh): reads a panel with read_panel, as `klynge
// describe` does, and prints what was read and how fast. Not a test; never timed in CI.
//
//   klynge_ingest_bench FILE [--threads N] [--repeat K] [--no-strata]
//
// Maps the default columns plus strata nace and region (so every column of the benchmark file
// is parsed, as pandas.read_csv does). Prints key=value lines; read_s is the fastest repeat.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "klynge/error.hpp"
#include "klynge/io/read_panel.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE [--threads N] [--repeat K] [--no-strata]\n", argv[0]);
    return 64;
  }
  klynge::ReadOptions options;
  options.columns.strata = {"nace", "region"};
  int repeat = 1;
  for (int i = 2; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--threads") && i + 1 < argc)
      options.threads = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--repeat") && i + 1 < argc)
      repeat = std::max(1, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--no-strata"))
      options.columns.strata.clear();
    else {
      std::fprintf(stderr, "unknown argument %s\n", argv[i]);
      return 64;
    }
  }
  try {
    double best = 1e300;
    klynge::Panel panel;
    for (int r = 0; r < repeat; ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      panel = klynge::read_panel(argv[1], options);
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      best = std::min(best, s);
    }
    std::size_t members = 0;
    for (auto m : panel.member) members += (m == 1);
    std::printf("rows=%zu\nfirms=%zu\nmember_rows=%zu\nbytes=%llu\nread_s=%.4f\nread_mbps=%.1f\n",
                panel.rows(), panel.firms(), members, static_cast<unsigned long long>(panel.bytes),
                best, static_cast<double>(panel.bytes) / 1e6 / best);
  } catch (const klynge::Error& e) {
    std::fprintf(stderr, "klynge_ingest_bench: %s\n", e.what());
    return static_cast<int>(e.code());
  }
  return 0;
}
