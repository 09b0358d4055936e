#include "report_provenance.hpp"

#include "configuration.hpp"
#include "klynge/report/sha256.hpp"

namespace klynge::cli {

Provenance report_provenance(const CLI::App& cmd, const std::string& input,
                             std::optional<std::uint64_t> seed, std::string device, int threads) {
  Provenance p;
  p.command = cmd.get_name();
  p.input_path = input;
  // A second read of the input; the first has just put it in the page cache.
  p.input_sha256 = sha256_file(input);
  p.seed = seed;
  p.device = std::move(device);
  p.threads = threads;
  p.configuration = configuration_json(cmd);
  return p;
}

}  // namespace klynge::cli
