// read_panel: the file's bytes into memory (mapped when it is a plain regular file, read
// otherwise, inflated with zlib when the name ends in ".gz"), then parse_panel on them.
#include "klynge/io/read_panel.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <new>

#include "reader_internal.hpp"

namespace klynge {

namespace {

[[noreturn]] void cannot_open(const std::string& path, int err) {
  throw Error(ExitCode::no_input, path + ": cannot open: " + std::strerror(err));
}

[[noreturn]] void read_failed(const std::string& path, const std::string& what) {
  throw Error(ExitCode::io, path + ": read error: " + what);
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

// The whole input in memory: a read-only mapping or a malloc'd buffer.
class InputBytes {
 public:
  InputBytes() = default;
  ~InputBytes() {
    if (mapped_)
      ::munmap(data_, size_);
    else
      std::free(data_);
  }
  InputBytes(const InputBytes&) = delete;
  InputBytes& operator=(const InputBytes&) = delete;

  std::string_view view() const { return {static_cast<const char*>(data_), size_}; }

  void map(int fd, std::size_t size) {
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (p == MAP_FAILED) return;
    ::madvise(p, size, MADV_SEQUENTIAL);
    data_ = p;
    size_ = size;
    mapped_ = true;
  }
  bool mapped() const { return mapped_; }

  // Room for at least `more` further bytes after size(); returns where to write them.
  char* reserve(std::size_t more) {
    if (capacity_ - size_ < more) {
      std::size_t want = std::max(capacity_ * 2, size_ + more);
      void* p = std::realloc(data_, want);
      if (!p) throw std::bad_alloc();
      data_ = p;
      capacity_ = want;
    }
    return static_cast<char*>(data_) + size_;
  }
  std::size_t room() const { return capacity_ - size_; }
  void grow(std::size_t n) { size_ += n; }

 private:
  void* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
  bool mapped_ = false;
};

bool is_gzip_name(const std::string& path) {
  return path.size() >= 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
}

int open_input(const std::string& path, struct stat& st) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) cannot_open(path, errno);
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    cannot_open(path, err);
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    cannot_open(path, EISDIR);
  }
  return fd;
}

void read_plain(const std::string& path, InputBytes& bytes) {
  struct stat st {};
  Fd fd(open_input(path, st));
  if (S_ISREG(st.st_mode) && st.st_size > 0) {
    bytes.map(fd.get(), static_cast<std::size_t>(st.st_size));
    if (bytes.mapped()) return;
  }
  const std::size_t hint = S_ISREG(st.st_mode) ? static_cast<std::size_t>(st.st_size) + 1 : 1 << 20;
  for (;;) {
    char* dst = bytes.reserve(std::max<std::size_t>(hint, 1 << 16));
    const ssize_t got = ::read(fd.get(), dst, std::min<std::size_t>(bytes.room(), 1u << 30));
    if (got < 0) {
      if (errno == EINTR) continue;
      read_failed(path, std::strerror(errno));
    }
    if (got == 0) return;
    bytes.grow(static_cast<std::size_t>(got));
  }
}

void read_gzip(const std::string& path, InputBytes& bytes) {
  struct stat st {};
  Fd fd(open_input(path, st));
  gzFile gz = ::gzdopen(fd.get(), "rb");
  if (!gz) read_failed(path, "cannot start gzip decompression");
  fd.release();  // gzclose closes it
  struct Closer {
    gzFile gz;
    ~Closer() { ::gzclose(gz); }
  } closer{gz};
  ::gzbuffer(gz, 1 << 18);
  const std::size_t hint =
      S_ISREG(st.st_mode) ? static_cast<std::size_t>(st.st_size) * 4 + (1 << 16) : (1 << 22);
  for (;;) {
    char* dst = bytes.reserve(std::max<std::size_t>(bytes.room() ? 0 : hint, 1 << 16));
    const unsigned ask = static_cast<unsigned>(std::min<std::size_t>(bytes.room(), 1u << 30));
    const int got = ::gzread(gz, dst, ask);
    int errnum = Z_OK;
    const char* message = ::gzerror(gz, &errnum);
    if (got < 0 || (errnum != Z_OK && errnum != Z_STREAM_END)) {
      if (errnum == Z_ERRNO) read_failed(path, std::strerror(errno));
      std::string why = message ? message : "decompression failed";
      // zlib prefixes the name it was given, "<fd:N>" after gzdopen: the path is already said.
      if (why.rfind("<fd:", 0) == 0 && why.find(": ") != std::string::npos)
        why.erase(0, why.find(": ") + 2);
      read_failed(path, "gzip: " + why);
    }
    if (got == 0) return;
    bytes.grow(static_cast<std::size_t>(got));
  }
}

}  // namespace

Panel read_panel(const std::string& path, const ReadOptions& options) {
  InputBytes bytes;
  if (is_gzip_name(path))
    read_gzip(path, bytes);
  else
    read_plain(path, bytes);
  return parse_panel(bytes.view(), path, options);
}

}  // namespace klynge
