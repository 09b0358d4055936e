#include "output_paths.hpp"

#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "klynge/error.hpp"
#include "klynge/io/output_file.hpp"

namespace klynge::cli {

namespace {

// The same file: the same text, or two existing paths to one file (a link, "./x" and "x").
bool same_file(const std::string& a, const std::string& b) {
  if (a == b) return true;
  if (a == "-" || b == "-") return false;
  std::error_code ec;
  const bool same = std::filesystem::equivalent(a, b, ec);
  if (!ec) return same;
  // A file not yet there: compare the normalised absolute paths.
  const auto norm = [](const std::string& p) {
    std::error_code e;
    return std::filesystem::weakly_canonical(std::filesystem::absolute(p, e), e);
  };
  return norm(a) == norm(b);
}

std::string& config_file() {
  static std::string path;
  return path;
}

}  // namespace

void note_config_file(const std::string& path) {
  config_file() = path;
  io::note_input(path);  // OutputFile refuses it too
}

bool check_output_paths(const std::vector<std::pair<std::string, std::string>>& outputs) {
  bool to_stdout = false;
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const auto& [flag, path] = outputs[i];
    if (path.empty()) continue;
    to_stdout = to_stdout || (path == "-" && flag != "--input");
    if (flag != "--input" && path != "-" && !config_file().empty() &&
        same_file(path, config_file()))
      throw_usage_error(
          fmt::format("{} {}: is the --config file; write the output elsewhere", flag, path));
    for (std::size_t j = 0; j < i; ++j) {
      const auto& [other_flag, other] = outputs[j];
      if (other.empty() || (other_flag == "--input" && other == "-") || !same_file(path, other))
        continue;
      if (other_flag == "--input")
        throw_usage_error(
            fmt::format("{} {}: is the input file; write the output elsewhere", flag, path));
      throw_usage_error(path == "-" ? fmt::format("{} - and {} -: only one output can go to "
                                                  "standard output",
                                                  other_flag, flag)
                                    : fmt::format("{} and {} both write {}: give each its own "
                                                  "file",
                                                  other_flag, flag, path));
    }
  }
  return to_stdout;
}

}  // namespace klynge::cli
