#include "klynge/io/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "klynge/error.hpp"

namespace klynge::io {

namespace {

// Input is handed on (written or deflated) in blocks of exactly this size, so the compressed
// bytes never depend on how callers split their writes.
constexpr std::size_t kBlock = std::size_t{1} << 20;
constexpr std::size_t kDeflateOut = std::size_t{256} << 10;

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string parent_dir(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

// Raw deflate (no zlib/gzip wrapper); OutputFile writes the gzip header and trailer itself so
// that parallel blocks and streamed data can share one gzip member.
struct OutputFile::Deflater {
  z_stream z{};
  std::vector<unsigned char> out = std::vector<unsigned char>(kDeflateOut);
  bool open = false;
  bool dirty = false;  // input given since the last reset
  uLong crc = crc32(0L, Z_NULL, 0);
  std::uint64_t size = 0;  // uncompressed bytes in the member so far
  ~Deflater() {
    if (open) deflateEnd(&z);
  }
};

namespace {

bool init_raw_deflate(z_stream& z, int level) {
  return deflateInit2(&z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK;
}

// gzip member header: magic, deflate, no flags, mtime 0, no extra flags, OS unknown.
constexpr unsigned char kGzipHeader[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};

}  // namespace

DeflatedBlock deflate_block(std::string_view data, int level) {
  DeflatedBlock block;
  block.size = data.size();
  block.crc = static_cast<std::uint32_t>(crc32(0L, Z_NULL, 0));
  // zlib takes at most uInt bytes per call; checksum in pieces.
  for (std::size_t at = 0; at < data.size();) {
    const std::size_t n = std::min<std::size_t>(data.size() - at, std::size_t{1} << 30);
    block.crc = static_cast<std::uint32_t>(
        crc32(block.crc, reinterpret_cast<const Bytef*>(data.data() + at), static_cast<uInt>(n)));
    at += n;
  }
  z_stream z{};
  if (!init_raw_deflate(z, level)) throw Error(ExitCode::internal, "zlib deflateInit2 failed");
  block.bytes.resize(deflateBound(&z, static_cast<uLong>(data.size())) + 64);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  std::size_t used = 0;
  for (;;) {
    if (used == block.bytes.size()) block.bytes.resize(block.bytes.size() * 2);
    z.next_out = reinterpret_cast<Bytef*>(block.bytes.data() + used);
    z.avail_out = static_cast<uInt>(block.bytes.size() - used);
    const int rc = deflate(&z, Z_SYNC_FLUSH);
    used = block.bytes.size() - z.avail_out;
    if (rc == Z_STREAM_ERROR) {
      deflateEnd(&z);
      throw Error(ExitCode::internal, "zlib deflate failed");
    }
    if (z.avail_in == 0 && z.avail_out != 0) break;  // sync flush complete
  }
  deflateEnd(&z);
  block.bytes.resize(used);
  return block;
}

namespace {

std::mutex& inputs_mutex() {
  static std::mutex m;
  return m;
}
std::vector<std::pair<dev_t, ino_t>>& inputs() {
  static std::vector<std::pair<dev_t, ino_t>> files;
  return files;
}

}  // namespace

void note_input(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return;
  const std::lock_guard<std::mutex> lock(inputs_mutex());
  inputs().emplace_back(st.st_dev, st.st_ino);
}

OutputFile::OutputFile(std::string path, OutputOptions options) : path_(std::move(path)) {
  if (path_.empty())
    throw Error(ExitCode::usage, "output path is empty (use - for standard output)");
  if (options.gzip_level < 1 || options.gzip_level > 9)
    throw Error(ExitCode::usage, fmt::format("gzip level {} is not in 1..9", options.gzip_level));
  buffer_.reserve(kBlock);
  if (is_stdout()) {
    fd_ = STDOUT_FILENO;
    return;
  }
  gzip_level_ = options.gzip_level;
  target_ = path_;
  struct stat st {};
  if (::stat(path_.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode))
      throw Error(ExitCode::cant_create,
                  fmt::format("{}: cannot create: {}", path_, std::strerror(EISDIR)));
    {
      const std::lock_guard<std::mutex> lock(inputs_mutex());
      for (const auto& [dev, ino] : inputs())
        if (dev == st.st_dev && ino == st.st_ino)
          throw Error(
              ExitCode::usage,
              fmt::format("{}: is an input file of this run; write the output elsewhere", path_));
    }
    if (!S_ISREG(st.st_mode)) {  // a device, FIFO or socket: write to it as it is
      fd_ = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd_ < 0)
        throw Error(ExitCode::cant_create,
                    fmt::format("{}: cannot open: {}", path_, std::strerror(errno)));
      direct_ = true;
      if (ends_with(path_, ".gz")) start_gzip();
      return;
    }
    struct stat link {};
    if (::lstat(path_.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
      // Replace the link's target, not the link.
      if (char* resolved = ::realpath(path_.c_str(), nullptr)) {
        target_ = resolved;
        std::free(resolved);
      }
    }
  }
  temp_path_ = fmt::format("{}.tmp.{}", target_, static_cast<long>(::getpid()));
  fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd_ < 0) {
    const int err = errno;
    temp_path_.clear();  // nothing of ours to remove
    throw Error(ExitCode::cant_create,
                fmt::format("{}: cannot create: {}", path_, std::strerror(err)));
  }
  if (ends_with(path_, ".gz")) start_gzip();
}

void OutputFile::start_gzip() {
  deflater_ = std::make_unique<Deflater>();
  if (!init_raw_deflate(deflater_->z, gzip_level_)) {
    discard();
    throw Error(ExitCode::internal, fmt::format("{}: zlib deflateInit2 failed", path_));
  }
  deflater_->open = true;
  write_fd(reinterpret_cast<const char*>(kGzipHeader), sizeof kGzipHeader);
}

OutputFile::~OutputFile() {
  discard();
}

bool OutputFile::gzip() const {
  return deflater_ != nullptr;
}

void OutputFile::discard() noexcept {
  if (fd_ >= 0 && !is_stdout()) ::close(fd_);
  fd_ = -1;
  if (!committed_ && !temp_path_.empty()) ::unlink(temp_path_.c_str());
  deflater_.reset();
}

void OutputFile::fail_io(const std::string& what, int err) {
  failed_ = true;
  throw Error(ExitCode::io, fmt::format("{}: {}: {}", path_, what, std::strerror(err)));
}

void OutputFile::write(std::string_view data) {
  if (committed_ || failed_ || fd_ < 0)
    throw Error(ExitCode::internal, fmt::format("{}: write after commit or failure", path_));
  bytes_in_ += data.size();
  while (!data.empty()) {
    const std::size_t n = std::min(kBlock - buffer_.size(), data.size());
    buffer_.append(data.data(), n);
    data.remove_prefix(n);
    if (buffer_.size() == kBlock) flush_buffer(Z_NO_FLUSH);
  }
}

void OutputFile::write_fd(const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd_, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail_io("write failed", errno);
    }
    if (n == 0) fail_io("write failed", EIO);
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

// Hands the buffered input to the file: written as is, or deflated into the gzip member with
// `flush` (Z_NO_FLUSH while streaming, Z_SYNC_FLUSH before a block, Z_FINISH at the end).
void OutputFile::flush_buffer(int flush) {
  if (!deflater_) {
    write_fd(buffer_.data(), buffer_.size());
    buffer_.clear();
    return;
  }
  Deflater& d = *deflater_;
  z_stream& z = d.z;
  d.crc = crc32(d.crc, reinterpret_cast<const Bytef*>(buffer_.data()),
                static_cast<uInt>(buffer_.size()));
  d.size += buffer_.size();
  if (!buffer_.empty()) d.dirty = true;
  z.next_in = reinterpret_cast<Bytef*>(buffer_.data());
  z.avail_in = static_cast<uInt>(buffer_.size());
  for (;;) {
    z.next_out = d.out.data();
    z.avail_out = static_cast<uInt>(d.out.size());
    const int rc = deflate(&z, flush);
    if (rc == Z_STREAM_ERROR) {
      failed_ = true;
      throw Error(ExitCode::internal, fmt::format("{}: zlib deflate failed", path_));
    }
    write_fd(reinterpret_cast<const char*>(d.out.data()), d.out.size() - z.avail_out);
    if (flush == Z_FINISH ? rc == Z_STREAM_END : (z.avail_in == 0 && z.avail_out != 0)) break;
  }
  buffer_.clear();
}

void OutputFile::write_block(const DeflatedBlock& block) {
  if (committed_ || failed_ || fd_ < 0)
    throw Error(ExitCode::internal, fmt::format("{}: write after commit or failure", path_));
  if (!deflater_)
    throw Error(ExitCode::internal,
                fmt::format("{}: write_block on a file that is not gzip", path_));
  Deflater& d = *deflater_;
  // End what was streamed so far on a byte boundary and forget its history: the block's
  // back-references must not reach into data the block's compressor never saw, and the
  // streamed data after the block must not reach into the block.
  if (!buffer_.empty() || d.dirty) {
    flush_buffer(Z_SYNC_FLUSH);
    if (deflateReset(&d.z) != Z_OK)
      throw Error(ExitCode::internal, fmt::format("{}: zlib deflateReset failed", path_));
    d.dirty = false;
  }
  write_fd(block.bytes.data(), block.bytes.size());
  d.crc = crc32_combine(d.crc, block.crc, static_cast<z_off_t>(block.size));
  d.size += block.size;
  bytes_in_ += block.size;
}

void OutputFile::commit() {
  if (committed_ || failed_ || fd_ < 0)
    throw Error(ExitCode::internal, fmt::format("{}: commit after commit or failure", path_));
  flush_buffer(Z_FINISH);
  if (deflater_) {
    // gzip trailer: CRC-32 and size mod 2^32, little-endian.
    unsigned char trailer[8];
    const std::uint32_t crc = static_cast<std::uint32_t>(deflater_->crc);
    const std::uint32_t size = static_cast<std::uint32_t>(deflater_->size);
    for (int k = 0; k < 4; ++k) {
      trailer[k] = static_cast<unsigned char>(crc >> (8 * k));
      trailer[4 + k] = static_cast<unsigned char>(size >> (8 * k));
    }
    write_fd(reinterpret_cast<const char*>(trailer), sizeof trailer);
  }
  if (is_stdout()) {
    committed_ = true;
    return;
  }
  if (direct_) {  // nothing to sync or rename: a device or pipe takes the bytes as written
    const int fd = fd_;
    fd_ = -1;
    committed_ = true;
    if (::close(fd) != 0) fail_io("cannot close", errno);
    return;
  }
  if (::fsync(fd_) != 0) fail_io("cannot sync", errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail_io("cannot close", errno);
  if (::rename(temp_path_.c_str(), target_.c_str()) != 0)
    fail_io("cannot rename temporary file onto it", errno);
  committed_ = true;
  // Make the rename itself durable; a directory that cannot be synced is not an error.
  const int dir = ::open(parent_dir(target_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    (void)::fsync(dir);
    ::close(dir);
  }
}

}  // namespace klynge::io
