// Checks that a call is refused as a usage error (exit 64) whose message contains a phrase: the
// library-level twin of running the CLI and reading its stderr.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "klynge/error.hpp"

namespace klynge::test {

inline void expect_usage_error(const std::function<void()>& call, const std::string& needle) {
  try {
    call();
    ADD_FAILURE() << "accepted; expected: " << needle;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage) << e.what();
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

}  // namespace klynge::test
