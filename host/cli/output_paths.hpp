// The output flags of one command, checked together before anything runs: two outputs naming
// one file would overwrite each other (the later silently), and two writing to standard output
// would interleave. Returns whether one of them writes to standard output, in which case the
// text report stays off stdout.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace klynge::cli {

// (flag, path) pairs; empty paths (not asked for) are skipped. Usage error (64) naming both
// flags when two name the same file or both are "-". An entry with flag "--input" is the
// command's input (first in the list): no output may name it.
bool check_output_paths(const std::vector<std::pair<std::string, std::string>>& outputs);

}  // namespace klynge::cli
