// inflate_gzip: zlib's inflate() over a .gz file already in memory, with gzread's rules for what
// follows a member and its words for every failure (users and tests see them), so that the
// caller can hash the same bytes on another thread instead of reading the file twice.
#include <zlib.h>

#include <algorithm>
#include <cstdint>

#include "input_bytes.hpp"

namespace klynge::io {

namespace {

constexpr std::size_t kMaxStep = std::size_t{1} << 30;  // avail_in/avail_out are 32-bit

bool starts_member(const unsigned char* p, std::size_t n) {
  return n >= 2 && p[0] == 31 && p[1] == 139;
}

// The uncompressed size to reserve: the last member's ISIZE trailer (the whole size for the
// usual single-member file under 4 GiB), never less than a typical CSV's ratio would need.
// Untouched capacity costs address space only; a short guess is grown (realloc, no copy for
// large blocks).
std::size_t output_hint(const unsigned char* p, std::size_t n) {
  std::size_t isize = 0;
  if (n >= 18)
    isize = std::size_t{p[n - 4]} | std::size_t{p[n - 3]} << 8 | std::size_t{p[n - 2]} << 16 |
            std::size_t{p[n - 1]} << 24;
  return std::max(std::min(isize, n * 64), n * 4) + (std::size_t{1} << 16);
}

[[noreturn]] void gzip_failed(const std::string& path, const char* why) {
  read_failed(path, std::string("gzip: ") + why);
}

}  // namespace

std::size_t inflated_size_hint(std::string_view compressed) {
  return output_hint(reinterpret_cast<const unsigned char*>(compressed.data()), compressed.size());
}

void inflate_gzip(std::string_view compressed, const std::string& path, InputBytes& out,
                  InflateWatcher* watcher, std::size_t step) {
  const auto* const p = reinterpret_cast<const unsigned char*>(compressed.data());
  const std::size_t n = compressed.size();
  if (!starts_member(p, n)) {  // gzread's transparent mode: not gzip, taken as it is
    if (n > 0) {
      std::copy(compressed.begin(), compressed.end(), out.reserve(n));
      out.grow(n);
    }
    return;
  }
  z_stream strm{};
  if (::inflateInit2(&strm, 15 + 16) != Z_OK)  // 15 + 16: gzip framing only, as gzread
    read_failed(path, "cannot start gzip decompression");
  struct End {
    z_stream* s;
    ~End() { ::inflateEnd(s); }
  } end{&strm};
  if (watcher == nullptr)
    step = kMaxStep;
  else if (step == 0)
    step = kInflateStep;

  // No huge-page advice here: measured, it makes inflating slower (2 MiB zeroing and compaction
  // stalls in the one thread that inflates).
  out.reserve(output_hint(p, n));
  std::size_t pos = 0;
  for (;;) {  // one gzip member per pass
    ::inflateReset(&strm);
    int ret = Z_OK;
    while (ret != Z_STREAM_END) {  // one inflate() call of gzread's loop per pass
      if (pos == n) gzip_failed(path, "unexpected end of file");
      if (watcher != nullptr && out.room() < (std::size_t{1} << 16)) {
        watcher->moving();  // the reserve below moves the text
        watcher = nullptr;
        step = kMaxStep;
      }
      char* dst = out.reserve(std::size_t{1} << 16);
      strm.next_in = const_cast<unsigned char*>(p + pos);  // zlib does not write it
      strm.avail_in = static_cast<uInt>(std::min(n - pos, kMaxStep));
      strm.next_out = reinterpret_cast<unsigned char*>(dst);
      const std::size_t call_room = std::min(out.room(), kMaxStep);
      // The call in steps of at most `step` output bytes, each one shown to the watcher. A step
      // that fills its output before the call's room is full is continued as the one call
      // would be (inflate() returns the same bytes and errors however its output is split);
      // any other return ends the call where the one call would end, so that "unexpected end
      // of file" is decided at the same points as without steps.
      std::size_t call_done = 0;
      do {
        const uInt room = static_cast<uInt>(std::min(call_room - call_done, step));
        strm.avail_out = room;
        ret = ::inflate(&strm, Z_NO_FLUSH);
        pos = static_cast<std::size_t>(strm.next_in - p);
        out.grow(room - strm.avail_out);
        call_done += room - strm.avail_out;
        if (ret == Z_STREAM_ERROR || ret == Z_NEED_DICT)
          gzip_failed(path, "internal error: inflate stream corrupt");
        if (ret == Z_MEM_ERROR) gzip_failed(path, "out of memory");
        if (ret == Z_DATA_ERROR)
          gzip_failed(path, strm.msg != nullptr ? strm.msg : "compressed data error");
        if (watcher != nullptr) watcher->inflated(out.view().data(), out.view().size());
      } while (ret != Z_STREAM_END && strm.avail_out == 0 && call_done < call_room);
    }
    // Another member follows, or the rest is trailing bytes that gzread ignores.
    if (!starts_member(p + pos, n - pos)) return;
  }
}

}  // namespace klynge::io
