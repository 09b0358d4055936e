#include "klynge/engine/table_memory.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include "klynge/error.hpp"

namespace klynge::engine {

std::uint64_t physical_memory_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page <= 0) return 0;
  return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page);
}

void check_replicate_table_fits(std::string_view flag, std::uint64_t keys, std::uint64_t count,
                                bool with_se) {
  const std::uint64_t memory = physical_memory_bytes();
  if (memory == 0 || keys == 0) return;
  // In doubles, without overflowing: the table is keys x count values, twice with the SEs.
  const long double bytes = static_cast<long double>(keys) * static_cast<long double>(count) *
                            sizeof(double) * (with_se ? 2 : 1);
  if (bytes <= static_cast<long double>(memory)) return;
  constexpr long double kGiB = 1024.0L * 1024.0L * 1024.0L;
  throw Error(ExitCode::usage,
              fmt::format("{} {}: {} result keys x {} replicates need {:.1f} GiB for the "
                          "replicate table, more than this machine's {:.1f} GiB of memory; lower "
                          "{}",
                          flag, count, keys, count, static_cast<double>(bytes / kGiB),
                          static_cast<double>(memory / kGiB), flag));
}

}  // namespace klynge::engine
