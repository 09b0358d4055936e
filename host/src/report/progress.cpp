#include "klynge/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>

namespace klynge {

namespace {

std::string duration_text(double seconds) {
  if (!(seconds >= 0.0)) return "?";
  const auto s = static_cast<std::uint64_t>(seconds + 0.5);
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, s / 60 % 60);
}

}  // namespace

Progress::Progress(std::string label, std::uint64_t total, ProgressStyle style, std::FILE* out,
                   std::chrono::milliseconds interval, std::string unit)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      style_(style),
      out_(out),
      interval_(interval) {
  printer_ = std::thread([this] { print_loop(); });
}

Progress::~Progress() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  printer_.join();
  if (printed_) print(true);
}

void Progress::print_loop() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [this] { return stop_; })) print(false);
}

void Progress::print(bool final) {
  const std::uint64_t done = std::min(this->done(), total_);
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double share = total_ > 0 ? static_cast<double>(done) / static_cast<double>(total_) : 1.0;
  const double left = share > 0.0 ? elapsed * (1.0 - share) / share : -1.0;
  if (style_ == ProgressStyle::bar) {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(share * kWidth);
    fmt::print(out_, "\r{} [{}{}] {:3.0f}% {}/{} {} elapsed, {} left{}", label_,
               std::string(static_cast<std::size_t>(filled), '#'),
               std::string(static_cast<std::size_t>(kWidth - filled), '.'), share * 100.0, done,
               total_, duration_text(elapsed), final ? "0s" : duration_text(left),
               final ? "\n" : "");
  } else {
    fmt::print(out_, "klynge: {}: {}/{} {} ({:.0f}%), {} elapsed{}\n", label_, done, total_, unit_,
               share * 100.0, duration_text(elapsed),
               final ? ", done" : ", about " + duration_text(left) + " left");
  }
  std::fflush(out_);
  printed_ = true;
}

std::unique_ptr<Progress> stderr_progress(std::string label, std::uint64_t total, bool quiet,
                                          double line_seconds, std::string unit) {
  if (quiet || total == 0) return nullptr;
  if (::isatty(STDERR_FILENO))
    return std::make_unique<Progress>(std::move(label), total, ProgressStyle::bar, stderr,
                                      std::chrono::milliseconds(100), std::move(unit));
  return std::make_unique<Progress>(
      std::move(label), total, ProgressStyle::lines, stderr,
      std::chrono::milliseconds(static_cast<std::int64_t>(std::max(line_seconds, 0.001) * 1000.0)),
      std::move(unit));
}

}  // namespace klynge
