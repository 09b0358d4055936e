// A whole input file in memory, for read_panel: its bytes as stored (a read-only mapping, or a
// malloc'd buffer for pipes and other files that cannot be mapped), and a growable buffer for
// what gzip inflates. Internal to host/src/io/.
#pragma once

#include <sys/stat.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace klynge::io {

[[noreturn]] void cannot_open(const std::string& path, int err);
[[noreturn]] void read_failed(const std::string& path, const std::string& what);

// A mapping or a malloc'd buffer, freed by the destructor.
class InputBytes {
 public:
  InputBytes() = default;
  ~InputBytes();
  InputBytes(const InputBytes&) = delete;
  InputBytes& operator=(const InputBytes&) = delete;

  std::string_view view() const { return {static_cast<const char*>(data_), size_}; }

  // Maps `size` bytes of fd read-only; false (and nothing mapped) when the kernel refuses.
  bool map(int fd, std::size_t size);

  // Room for at least `more` further bytes after size(); returns where to write them. Growth may
  // move the buffer.
  char* reserve(std::size_t more);
  std::size_t room() const { return capacity_ - size_; }
  void grow(std::size_t n) { size_ += n; }

 private:
  void* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
  bool mapped_ = false;
};

// The file's bytes as stored: mapped when it is a non-empty regular file, read otherwise.
// Errors: cannot_open when it cannot be opened or is a directory, read_failed when a read fails.
void load_file(const std::string& path, InputBytes& bytes);

// Told by inflate_gzip how far it has inflated, so that another thread can read the text while
// the rest is inflated (read_panel's gzip path).
class InflateWatcher {
 public:
  virtual ~InflateWatcher() = default;
  // out's first `size` bytes are final and at `data`, where they stay until moving().
  virtual void inflated(const char* data, std::size_t size) = 0;
  // out is about to grow and move: on return, nothing may read the bytes at the old address.
  // Called at most once; inflated() is not called after it.
  virtual void moving() = 0;
};

// Inflates a whole .gz file as zlib's gzread does: gzip members one after another, bytes after
// a member that do not start another one ignored, and a file that does not start with the gzip
// magic bytes taken as it is. Errors are read_failed(path, "gzip: <zlib's reason>"), e.g.
// "gzip: unexpected end of file" for a truncated file. With a watcher, it is told after every
// `step` bytes at most (0: a default) what is final; the bytes and errors are the same either
// way (the transparent mode calls it never).
// What inflate_gzip reserves for the inflated text (a size guess: see gzip_inflate.cpp).
std::size_t inflated_size_hint(std::string_view compressed);

inline constexpr std::size_t kInflateStep = std::size_t{1} << 20;
void inflate_gzip(std::string_view compressed, const std::string& path, InputBytes& out,
                  InflateWatcher* watcher = nullptr, std::size_t step = kInflateStep);

}  // namespace klynge::io
