// libFuzzer target for the gzip inflater of read_panel (host/src/io/gzip_inflate.cpp), which
// replaced zlib's gzread so that the compressed bytes can be hashed on another thread. Any input
// must end in the inflated bytes or a klynge::Error (exit 74, one line); anything else is a bug.
// Differential oracle: zlib's own gzread over the same bytes (a memfd), the reader before the
// change, must agree: both fail, or both give the same bytes. (Error wording is not compared:
// gzread's messages carry its fd name, which the reader strips.) And inflating in small steps
// with a watcher (read_panel's parse while inflating) must give the same bytes or the very same
// error message as in one go, telling the watcher ever larger sizes, nothing after moving().
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "../../host/src/io/input_bytes.hpp"
#include "klynge/error.hpp"

namespace {

// zlib's gzread over the bytes; false when it reports an error.
bool gzread_all(const std::uint8_t* data, std::size_t size, std::string& out) {
  const int fd = ::memfd_create("fuzz.gz", 0);
  if (fd < 0) __builtin_trap();
  for (std::size_t done = 0; done < size;) {
    const ssize_t n = ::write(fd, data + done, size - done);
    if (n <= 0) __builtin_trap();
    done += static_cast<std::size_t>(n);
  }
  ::lseek(fd, 0, SEEK_SET);
  gzFile gz = ::gzdopen(fd, "rb");
  if (!gz) __builtin_trap();
  char buffer[1 << 16];
  bool ok = true;
  for (;;) {
    const int got = ::gzread(gz, buffer, sizeof buffer);
    int errnum = Z_OK;
    ::gzerror(gz, &errnum);
    if (got < 0 || (errnum != Z_OK && errnum != Z_STREAM_END)) {
      ok = false;
      break;
    }
    if (got == 0) break;
    out.append(buffer, static_cast<std::size_t>(got));
  }
  ::gzclose(gz);
  return ok;
}

// Checks what inflate_gzip tells a watcher.
class Watch final : public klynge::io::InflateWatcher {
 public:
  void inflated(const char*, std::size_t size) override {
    if (moved_ || size < size_) __builtin_trap();
    size_ = size;
  }
  void moving() override {
    if (moved_) __builtin_trap();
    moved_ = true;
  }
  bool moved() const { return moved_; }
  std::size_t size() const { return size_; }

 private:
  std::size_t size_ = 0;
  bool moved_ = false;
};

// inflate_gzip's bytes, or its error message prefixed with "!".
std::string inflate(std::string_view in, klynge::io::InflateWatcher* watcher, std::size_t step) {
  klynge::io::InputBytes out;
  try {
    klynge::io::inflate_gzip(in, "fuzz.gz", out, watcher, step);
  } catch (const klynge::Error& e) {
    return std::string("!") + e.what();
  }
  return std::string(out.view());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string reference;
  const bool reference_ok = gzread_all(data, size, reference);

  klynge::io::InputBytes out;
  bool ok = true;
  try {
    klynge::io::inflate_gzip(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.gz",
                             out);
  } catch (const klynge::Error& e) {
    ok = false;
    if (e.code() != klynge::ExitCode::io) __builtin_trap();  // a read error, exit 74
    if (std::strchr(e.what(), '\n')) __builtin_trap();       // messages are one line
  }
  if (ok != reference_ok) __builtin_trap();
  if (ok && out.view() != std::string_view(reference)) __builtin_trap();

  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::string whole = inflate(in, nullptr, 0);
  Watch watch;
  const std::string stepped = inflate(in, &watch, 1 + size % 61);
  if (stepped != whole) __builtin_trap();
  // Without a move, the watcher was last told the whole size (never, in the transparent mode).
  if (ok && !watch.moved() && watch.size() != 0 && watch.size() != whole.size()) __builtin_trap();
  return 0;
}
