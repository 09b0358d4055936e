// SHA-256 (FIPS 180-4) of a file or a byte string, for the input's fingerprint in the report's
// provenance: a reader can check that a report was computed from the file they hold. Small and
// self-contained so the build needs no crypto library.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace klynge {

namespace detail {
// sha256_hex without the CPU's SHA instructions: tests compare the two paths.
std::string sha256_hex_portable(std::string_view data);
}  // namespace detail

class Sha256 {
 public:
  Sha256();
  void update(std::string_view data);
  // The digest as 64 lowercase hex digits. Call once, after the last update().
  std::string hex_digest();

 private:
  friend std::string detail::sha256_hex_portable(std::string_view data);
  void compress(const unsigned char* blocks, std::size_t count);

  bool portable_ = false;  // only detail::sha256_hex_portable sets it

  std::array<std::uint32_t, 8> state_;
  std::array<unsigned char, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t total_bytes_ = 0;
};

std::string sha256_hex(std::string_view data);

// The digest of the file's bytes as stored (a .gz file's compressed bytes). Throws
// Error(no_input) when it cannot be opened, Error(io) when a read fails.
std::string sha256_file(const std::string& path);

}  // namespace klynge
