// The provenance block of a subcommand's JSON report (klynge/report/provenance.hpp), filled from
// the parsed subcommand: its effective configuration and the input panel's path and SHA-256.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "klynge/panel.hpp"
#include "klynge/report/provenance.hpp"

namespace klynge::cli {

Provenance report_provenance(const CLI::App& cmd, const Panel& input,
                             std::optional<std::uint64_t> seed, std::string device, int threads);

}  // namespace klynge::cli
