// Wall time per stage, for the "timing" block of the JSON reports.
#pragma once

#include <chrono>

namespace klynge::cli {

class Stopwatch {
 public:
  // Seconds since construction or the previous lap, and restarts.
  double lap() {
    const auto now = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(now - start_).count();
    start_ = now;
    return seconds;
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace klynge::cli
