// libFuzzer target for the --config reader (host/cli/config_reader.hpp): any file must end in
// configuration items or a CLI11 error (ConfigError for what the reader refuses), never in a
// crash, a sanitizer report, a hang or another exception. The app stands in for klynge's: two
// sections with a value flag, a list flag, a switch with a one-letter name and a path.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "../../host/cli/config_reader.hpp"

namespace {

struct FuzzApp {
  CLI::App app{"fuzz"};
  std::string input;
  unsigned bootstrap = 0;
  std::vector<std::string> ci;
  bool quiet = false;
  FuzzApp() {
    for (const char* name : {"analyze", "describe"}) {
      CLI::App* sub = app.add_subcommand(name);
      sub->add_option("--input", input);
      sub->add_option("--bootstrap", bootstrap);
      sub->add_option("--ci", ci)->delimiter(',');
      sub->add_flag("-q,--quiet", quiet);
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static FuzzApp fuzz;  // the reader only looks the sections and flags up
  const klynge::cli::ConfigReader reader(fuzz.app);
  std::istringstream file(std::string(reinterpret_cast<const char*>(data), size));
  try {
    const std::vector<CLI::ConfigItem> items = reader.from_config(file);
    for (const CLI::ConfigItem& item : items) (void)item.fullname();
  } catch (const CLI::Error&) {
  }
  return 0;
}
