// read_panel: the file's bytes into memory (mapped when it is a plain regular file, read
// otherwise), inflated when the name ends in ".gz", then parse_panel on them. The SHA-256 of the
// bytes as stored is computed on a second thread while the first inflates or parses, so that
// the provenance needs no second read of the file (Panel::input_sha256).
#include "klynge/io/read_panel.hpp"

#include <atomic>
#include <thread>

#include "input_bytes.hpp"
#include "klynge/report/sha256.hpp"

namespace klynge {

namespace {

bool is_gzip_name(const std::string& path) {
  return path.size() >= 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
}

// sha256_hex(bytes) on its own thread. The destructor stops it early when the digest was not
// taken (a read that failed need not wait for the hash of a large file) and waits for it, so
// `bytes` must outlive it.
class HashInBackground {
 public:
  explicit HashInBackground(std::string_view bytes) : thread_([this, bytes] { run(bytes); }) {}
  ~HashInBackground() {
    stop_.store(true, std::memory_order_relaxed);
    if (thread_.joinable()) thread_.join();
  }
  HashInBackground(const HashInBackground&) = delete;
  HashInBackground& operator=(const HashInBackground&) = delete;

  std::string take() {
    thread_.join();
    return std::move(hex_);
  }

 private:
  void run(std::string_view bytes) {
    constexpr std::size_t kSlice = std::size_t{16} << 20;
    Sha256 h;
    for (std::size_t at = 0; at < bytes.size(); at += kSlice) {
      if (stop_.load(std::memory_order_relaxed)) return;
      h.update(bytes.substr(at, kSlice));
    }
    hex_ = h.hex_digest();
  }

  std::atomic<bool> stop_{false};
  std::string hex_;
  std::thread thread_;  // last: starts after the members it uses exist
};

}  // namespace

Panel read_panel(const std::string& path, const ReadOptions& options) {
  io::InputBytes stored;
  io::load_file(path, stored);
  HashInBackground hash(stored.view());
  Panel panel;
  if (is_gzip_name(path)) {
    io::InputBytes text;
    io::inflate_gzip(stored.view(), path, text);
    panel = parse_panel(text.view(), path, options);
  } else {
    panel = parse_panel(stored.view(), path, options);
  }
  panel.input_sha256 = hash.take();
  return panel;
}

}  // namespace klynge
