// read_panel: the file's bytes into memory (mapped when it is a plain regular file, read
// otherwise), inflated when the name ends in ".gz", then parse_panel on them; a .gz file's text
// is parsed chunk by chunk while the rest inflates (ParseWhileInflating). The SHA-256 of the
// bytes as stored is computed on another thread meanwhile, so that the provenance needs no
// second read of the file (Panel::input_sha256).
#include "klynge/io/read_panel.hpp"

#include <omp.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "input_bytes.hpp"
#include "klynge/report/sha256.hpp"
#include "reader_internal.hpp"

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

// parse_panel on the text of a .gz file while it is inflated: inflate_gzip tells it (the
// InflateWatcher) how far the text is final, and a thread of its own parses the whole chunks of
// rows there are (StreamingParse); finish() parses the rest once the whole file is inflated.
// Errors keep their order: a gzip error is inflate_gzip's, thrown before any parse error is
// reported, and the destructor stops the thread. Should the text outgrow the room reserved for
// it (e.g. several gzip members, when the last one's size is no guide) and move, what was
// parsed is dropped and the whole text is parsed after the inflate, as without streaming.
class ParseWhileInflating final : public io::InflateWatcher {
 public:
  ParseWhileInflating(const std::string& path, const ReadOptions& options, std::size_t size_hint,
                      std::size_t rows_per_chunk)
      : path_(path),
        options_(options),
        rows_per_chunk_(rows_per_chunk),
        parse_(std::make_unique<io::StreamingParse>(path, options, size_hint, rows_per_chunk)),
        thread_([this] { run(); }) {}
  ~ParseWhileInflating() override { stop(); }
  ParseWhileInflating(const ParseWhileInflating&) = delete;
  ParseWhileInflating& operator=(const ParseWhileInflating&) = delete;

  void inflated(const char* data, std::size_t size) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      data_ = data;
      size_ = size;
    }
    wake_.notify_one();
  }

  void moving() override {
    stop();
    parse_.reset();
  }

  // The panel of the whole text (inflate_gzip has returned).
  Panel finish(std::string_view text) {
    stop();
    if (!parse_) return detail::parse_panel_chunked(text, path_, options_, rows_per_chunk_);
    return parse_->finish(text);
  }

 private:
  void run() {
    std::size_t seen = 0;
    for (;;) {
      const char* data;
      std::size_t size;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return quit_.load() || size_ > seen; });
        if (quit_.load()) return;
        data = data_;
        size = size_;
      }
      parse_->advance(std::string_view(data, size), quit_);
      seen = size;
    }
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      quit_.store(true);
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
  }

  const std::string& path_;
  const ReadOptions& options_;
  const std::size_t rows_per_chunk_;
  std::unique_ptr<io::StreamingParse> parse_;
  std::mutex mutex_;
  std::condition_variable wake_;
  const char* data_ = nullptr;
  std::size_t size_ = 0;
  std::atomic<bool> quit_{false};
  std::thread thread_;  // last: starts after the members it uses exist
};

}  // namespace

namespace detail {

Panel read_panel_chunked(const std::string& path, const ReadOptions& options,
                         std::size_t rows_per_chunk, std::size_t inflate_step) {
  io::InputBytes stored;
  io::load_file(path, stored);
  HashInBackground hash(stored.view());
  Panel panel;
  if (is_gzip_name(path)) {
    io::InputBytes text;
    const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();
    if (threads > 1) {
      // One thread inflates while another parses (a single thread: one after the other).
      ParseWhileInflating parse(path, options, io::inflated_size_hint(stored.view()),
                                rows_per_chunk);
      io::inflate_gzip(stored.view(), path, text, &parse, inflate_step);
      panel = parse.finish(text.view());
    } else {
      io::inflate_gzip(stored.view(), path, text);
      panel = parse_panel_chunked(text.view(), path, options, rows_per_chunk);
    }
  } else {
    panel = parse_panel_chunked(stored.view(), path, options, rows_per_chunk);
  }
  panel.input_sha256 = hash.take();
  return panel;
}

}  // namespace detail

Panel read_panel(const std::string& path, const ReadOptions& options) {
  return detail::read_panel_chunked(path, options, detail::kRowsPerChunk, io::kInflateStep);
}

}  // namespace klynge
