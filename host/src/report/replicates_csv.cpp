#include "klynge/report/replicates_csv.hpp"
#include "klynge/report/csv_text.hpp"

#include <fmt/format.h>

#include <cmath>

#include "klynge/report/json_values.hpp"

namespace klynge {

namespace {

}  // namespace

void write_replicates_header(io::OutputFile& out, const std::string& by_column) {
  if (!by_column.empty()) out.write(csv_field(by_column) + ",");
  out.write("metric,cohort,statistic,replicate,value\n");
}

void write_replicates_rows(io::OutputFile& out, const std::vector<std::string>& metric_names,
                           const ReplicateTable& table, const std::string* by_value) {
  const std::string by = by_value ? csv_field(*by_value) + "," : "";
  fmt::memory_buffer buffer;
  constexpr std::size_t kFlushBytes = 1 << 20;
  for (std::size_t k = 0; k < table.keys.size(); ++k) {
    const ResultKey& key = table.keys[k];
    const std::string prefix = fmt::format("{}{},{},{},", by, csv_field(metric_names[key.metric]),
                                           cohort_text(key.cohort), statistic_name(key.statistic));
    for (std::uint64_t j = 0; j < table.count; ++j) {
      const double v = table.value(k, j);
      // Shortest text that reads back as the same double; NA where the replicate has no value.
      if (std::isfinite(v))
        fmt::format_to(std::back_inserter(buffer), "{}{},{}\n", prefix, table.first + j, v);
      else
        fmt::format_to(std::back_inserter(buffer), "{}{},NA\n", prefix, table.first + j);
      if (buffer.size() >= kFlushBytes) {
        out.write(std::string_view(buffer.data(), buffer.size()));
        buffer.clear();
      }
    }
  }
  out.write(std::string_view(buffer.data(), buffer.size()));
}

}  // namespace klynge
