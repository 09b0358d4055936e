// read_panel: the file's bytes into memory (mapped when it is a plain regular file, read
// otherwise), inflated when the name ends in ".gz", then parse_panel on them. The SHA-256 of the
// bytes as stored is computed on a second thread while the first inflates or parses, so that
// the provenance needs no second read of the file (io/input_digest).
#include "klynge/io/read_panel.hpp"

#include <thread>

#include "input_bytes.hpp"
#include "klynge/io/input_digest.hpp"
#include "klynge/report/sha256.hpp"

namespace klynge {

namespace {

bool is_gzip_name(const std::string& path) {
  return path.size() >= 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
}

// sha256_hex(bytes) on its own thread; the destructor waits, so `bytes` must outlive it.
class HashInBackground {
 public:
  explicit HashInBackground(std::string_view bytes)
      : thread_([this, bytes] { hex_ = sha256_hex(bytes); }) {}
  ~HashInBackground() {
    if (thread_.joinable()) thread_.join();
  }
  HashInBackground(const HashInBackground&) = delete;
  HashInBackground& operator=(const HashInBackground&) = delete;

  std::string take() {
    thread_.join();
    return std::move(hex_);
  }

 private:
  std::string hex_;
  std::thread thread_;
};

}  // namespace

Panel read_panel(const std::string& path, const ReadOptions& options) {
  struct stat st {};
  io::InputBytes stored;
  io::load_file(path, stored, st);
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
  if (S_ISREG(st.st_mode)) io::remember_input_sha256(path, st, panel.input_sha256);
  return panel;
}

}  // namespace klynge
