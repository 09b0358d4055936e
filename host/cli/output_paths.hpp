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

// The --config file of this run (main reads it from the command line before parsing): no
// output may name it, or the report would replace the user's configuration.
void note_config_file(const std::string& path);

}  // namespace klynge::cli
