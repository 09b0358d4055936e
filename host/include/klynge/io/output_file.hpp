// Safe output files (DESIGN.md §4: no half-written report). Data goes to a temporary file
// next to the final one (path + ".tmp.<pid>"); commit() flushes, fsyncs and renames it onto
// the final path. An OutputFile destroyed without commit() removes its temporary, so a failed
// or interrupted run leaves the old file (if any) untouched and no partial file behind.
//
// A final path ending in ".gz" is gzip-compressed: one gzip member, deterministic bytes (no name,
// time stamp 0, OS byte 255). Besides streaming write(), large outputs can be compressed in
// parallel: deflate_block() on any thread, then write_block() in order. "-" writes to standard
// output (no temporary, no rename, never compressed).
//
// A path that names a device, FIFO or socket (/dev/null, /dev/stdout, a pipe) is written
// directly: renaming a temporary onto it would replace the device with a regular file. A
// symbolic link is followed: the temporary goes next to its target, which the rename replaces,
// so the link stays. A path that is one of this run's input files (note_input) is refused.
//
// Errors: the path is an input of this run -> Error(usage, ...); the temporary cannot be created
// -> Error(cant_create, "<path>: cannot create: ..."); a write, flush, sync, close or rename
// fails (disk full, ...) -> Error(io, "<path>: ...").
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace klynge::io {

// A piece of output deflated on its own (raw deflate, ended by a sync flush, no history from
// earlier data), ready for OutputFile::write_block. Pure function of (data, level): safe to run
// on any thread.
struct DeflatedBlock {
  std::string bytes;
  std::uint32_t crc = 0;   // CRC-32 of the uncompressed data
  std::uint64_t size = 0;  // uncompressed bytes
};
DeflatedBlock deflate_block(std::string_view data, int level);

struct OutputOptions {
  int gzip_level = 6;  // zlib level 1 (fast) .. 9 (small), used for ".gz" paths
};

// Records a file this run reads (device and inode), so that no output is written over it.
void note_input(const std::string& path);

class OutputFile {
 public:
  explicit OutputFile(std::string path, OutputOptions options = {});
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  void write(std::string_view data);
  // Appends a block made by deflate_block(data, gzip_level()); the file decompresses to the
  // same bytes as write(data) would give. Only for gzip outputs.
  void write_block(const DeflatedBlock& block);
  // Finishes the file and makes it visible under its final name. Call once.
  void commit();

  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return temp_path_; }  // empty for stdout
  bool is_stdout() const { return path_ == "-"; }
  // Written in place, without a temporary: standard output, a device, a FIFO or a socket.
  bool is_direct() const { return is_stdout() || direct_; }
  bool gzip() const;
  int gzip_level() const { return gzip_level_; }
  std::uint64_t bytes_in() const { return bytes_in_; }  // uncompressed bytes written so far

 private:
  void start_gzip();
  void flush_buffer(int flush);
  void write_fd(const char* data, std::size_t size);
  [[noreturn]] void fail_io(const std::string& what, int err);
  void discard() noexcept;

  struct Deflater;
  std::string path_;
  std::string target_;  // the file the rename replaces: path_, or a symbolic link's target
  std::string temp_path_;
  bool direct_ = false;
  int fd_ = -1;
  bool committed_ = false;
  bool failed_ = false;
  int gzip_level_ = 6;
  std::uint64_t bytes_in_ = 0;
  std::string buffer_;  // uncompressed input waiting to be written or compressed
  std::unique_ptr<Deflater> deflater_;
};

}  // namespace klynge::io
