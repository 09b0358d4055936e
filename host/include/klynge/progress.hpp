// Progress of long replicate loops on stderr (host only). The backends count finished
// replicates; one printer thread of the reporter reads the count and prints, rate-limited, so
// the loops pay one relaxed atomic add per chunk of replicates and never wait on output.
// Nothing here touches a result: the reporter only reads a counter.
//
// Two styles: a live bar redrawn in place (for a terminal), or one plain line every few seconds
// (for logs: Slurm output files stay readable). `klynge analyze --quiet` shows neither.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace klynge {

enum class ProgressStyle { bar, lines };

class Progress {
 public:
  // Reports `label` (e.g. "bootstrap") towards `total` things counted in `unit` (e.g.
  // "replicates", "datasets") on `out`: a bar redrawn every `interval` (bar), or a line every
  // `interval` (lines). A run shorter than one interval prints nothing.
  Progress(std::string label, std::uint64_t total, ProgressStyle style, std::FILE* out,
           std::chrono::milliseconds interval, std::string unit = "replicates");
  // Stops the printer; ends the bar (or prints a last line) when something was printed.
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void advance(std::uint64_t replicates) noexcept {
    done_.fetch_add(replicates, std::memory_order_relaxed);
  }
  std::uint64_t done() const noexcept { return done_.load(std::memory_order_relaxed); }

 private:
  void print_loop();
  void print(bool final);

  std::string label_;
  std::string unit_;
  std::uint64_t total_;
  ProgressStyle style_;
  std::FILE* out_;
  std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::atomic<std::uint64_t> done_{0};
  bool printed_ = false;  // only the printer thread (then the destructor, after join) uses it
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread printer_;
};

// One thread's share of a replicate loop: counts locally and hands the count to the reporter
// in chunks (and the rest when it goes out of scope). A null reporter costs a branch.
class ProgressTally {
 public:
  explicit ProgressTally(Progress* progress) noexcept : progress_(progress) {}
  ~ProgressTally() { flush(); }
  ProgressTally(const ProgressTally&) = delete;
  ProgressTally& operator=(const ProgressTally&) = delete;

  void add() noexcept {
    if (progress_ && ++pending_ == kChunk) flush();
  }
  void flush() noexcept {
    if (progress_ && pending_ > 0) progress_->advance(pending_);
    pending_ = 0;
  }

 private:
  static constexpr std::uint64_t kChunk = 64;
  Progress* progress_;
  std::uint64_t pending_ = 0;
};

// The reporter a command-line run shows on stderr: none when `quiet`; a bar (redrawn 10 times a
// second) when stderr is a terminal; else a line every `line_seconds`.
inline constexpr double kProgressLineSeconds = 10.0;
std::unique_ptr<Progress> stderr_progress(std::string label, std::uint64_t total, bool quiet,
                                          double line_seconds = kProgressLineSeconds,
                                          std::string unit = "replicates");

}  // namespace klynge
