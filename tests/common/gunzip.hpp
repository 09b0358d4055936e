// Inflates a whole gzip file in memory, for tests of the writers that produce .gz outputs.
#pragma once

#include <string>

namespace klynge::test {

// Fails the calling test unless `gz` is exactly one complete, well-formed gzip member.
std::string gunzip(const std::string& gz);

}  // namespace klynge::test
