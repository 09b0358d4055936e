// gzip in memory for tests: inflating what the .gz writers produce, and making .gz inputs for
// the reader's tests.
#pragma once

#include <string>

namespace klynge::test {

// Fails the calling test unless `gz` is exactly one complete, well-formed gzip member.
std::string gunzip(const std::string& gz);

// One gzip member holding `text`, deflated at zlib `level`.
std::string gzip_member(const std::string& text, int level = 6);

}  // namespace klynge::test
