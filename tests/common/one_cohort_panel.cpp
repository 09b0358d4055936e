#include "common/one_cohort_panel.hpp"

#include <string>
#include <vector>

#include "common/run_klynge.hpp"

namespace klynge::test {

std::string one_cohort_panel(int entry_year) {
  const std::string csv = read_file(example_file("firms.csv"));
  const std::string year = std::to_string(entry_year);
  std::string kept;
  for (std::size_t begin = 0; begin < csv.size();) {
    const std::size_t end = csv.find('\n', begin);
    const std::string line = csv.substr(begin, end - begin);
    // Columns: firm_id, year, employees, revenue, value_added, member, entry_year, ...
    std::vector<std::string> field;
    for (std::size_t a = 0; field.size() < 7;) {
      const std::size_t b = line.find(',', a);
      field.push_back(line.substr(a, b - a));
      if (b == std::string::npos) break;
      a = b + 1;
    }
    if (begin == 0 || field.size() < 7 || field[5] != "1" || field[6] == year) kept += line + "\n";
    if (end == std::string::npos) break;
    begin = end + 1;
  }
  const std::string path = scratch_dir("one_cohort_panel") + "/firms_" + year + ".csv";
  write_file(path, kept);
  return path;
}

}  // namespace klynge::test
