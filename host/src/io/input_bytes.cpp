#include "input_bytes.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>

#include "klynge/error.hpp"
#include "klynge/io/output_file.hpp"

namespace klynge::io {

void cannot_open(const std::string& path, int err) {
  throw Error(ExitCode::no_input, path + ": cannot open: " + std::strerror(err));
}

void read_failed(const std::string& path, const std::string& what) {
  throw Error(ExitCode::io, path + ": read error: " + what);
}

InputBytes::~InputBytes() {
  if (mapped_)
    ::munmap(data_, size_);
  else
    std::free(data_);
}

bool InputBytes::map(int fd, std::size_t size) {
  void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  if (p == MAP_FAILED) return false;
  ::madvise(p, size, MADV_SEQUENTIAL);
  data_ = p;
  size_ = size;
  capacity_ = size;
  mapped_ = true;
  return true;
}

char* InputBytes::reserve(std::size_t more) {
  if (capacity_ - size_ < more) {
    const std::size_t want = std::max(capacity_ * 2, size_ + more);
    void* p = std::realloc(data_, want);
    if (!p) throw std::bad_alloc();
    data_ = p;
    capacity_ = want;
  }
  return static_cast<char*>(data_) + size_;
}

namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

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

}  // namespace

void load_file(const std::string& path, InputBytes& bytes) {
  struct stat st {};
  Fd fd(open_input(path, st));
  note_input(path);  // no output of this run may replace it
  if (S_ISREG(st.st_mode) && st.st_size > 0 &&
      bytes.map(fd.get(), static_cast<std::size_t>(st.st_size)))
    return;
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

}  // namespace klynge::io
