#include "report_provenance.hpp"

#include "configuration.hpp"

namespace klynge::cli {

Provenance report_provenance(const CLI::App& cmd, const Panel& input,
                             std::optional<std::uint64_t> seed, std::string device, int threads) {
  Provenance p;
  p.command = cmd.get_name();
  p.input_path = input.path;
  // read_panel hashed the bytes as it read them (no second read).
  p.input_sha256 = input.input_sha256;
  p.seed = seed;
  p.device = std::move(device);
  p.threads = threads;
  p.configuration = configuration_json(cmd);
  return p;
}

}  // namespace klynge::cli
