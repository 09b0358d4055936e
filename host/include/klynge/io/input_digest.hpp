// The SHA-256 of an input file, for the report's provenance and the run fingerprints, without a
// second read of the file: read_panel hashes the bytes as it reads them and keeps the digest
// here (and in Panel::input_sha256) for the callers that only know the path.
#pragma once

#include <sys/stat.h>

#include <string>

namespace klynge {

// The digest of the file's bytes as stored (a .gz file's compressed bytes), equal to
// sha256_file(path). Taken from the last read_panel of this very path when the file is still
// the one read then (same device, inode, size and modification time); otherwise the file is
// read and hashed now (errors as sha256_file).
std::string input_sha256(const std::string& path);

namespace io {
// Called by read_panel: `hex` is the digest of the bytes of `path`, whose status was `st`.
void remember_input_sha256(const std::string& path, const struct stat& st, std::string hex);
}  // namespace io

}  // namespace klynge
