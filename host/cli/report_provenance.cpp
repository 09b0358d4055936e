#include "report_provenance.hpp"

#include "configuration.hpp"
#include "klynge/io/input_digest.hpp"

namespace klynge::cli {

Provenance report_provenance(const CLI::App& cmd, const std::string& input,
                             std::optional<std::uint64_t> seed, std::string device, int threads) {
  Provenance p;
  p.command = cmd.get_name();
  p.input_path = input;
  // Kept by read_panel, which hashed the bytes as it read them (no second read).
  p.input_sha256 = input_sha256(input);
  p.seed = seed;
  p.device = std::move(device);
  p.threads = threads;
  p.configuration = configuration_json(cmd);
  return p;
}

}  // namespace klynge::cli
