// Console tables that fit a terminal of kTableWidth columns: long labels are shortened with a
// visible mark, long prose lines are wrapped at spaces.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace klynge {

inline constexpr std::size_t kTableWidth = 100;

// `label` if it has at most `width - 1` characters (one column stays as a gap), else its first
// `width - 2` characters and '~'.
std::string fit_label(std::string_view label, std::size_t width);

// Each line of `text` broken at spaces into lines of at most `width` characters (a word longer
// than that stays whole); continuation lines are indented by `indent` spaces.
std::string wrap_lines(std::string_view text, std::size_t width = kTableWidth,
                       std::size_t indent = 2);

}  // namespace klynge
