// See large_sample.hpp.
#include "common/large_sample.hpp"

#include <cmath>
#include <string>

#include "klynge/hd/philox.hpp"

namespace klynge::test {

Sample large_sample(bool weighted, std::uint32_t members, std::uint32_t controls) {
  Sample s;
  s.metric_names = {"revenue", "employees"};
  const std::uint32_t n = members + controls;
  s.cells.push_back(Cell{kWindowCohort, 2015, 2018, 0, members, n});
  s.growth.assign(2, std::vector<double>(n));
  s.start.assign(2, std::vector<double>(n, 1.0));
  s.end.assign(2, std::vector<double>(n, 1.0));
  s.weight.assign(2, std::vector<double>(n, 1.0));
  for (std::uint32_t i = 0; i < n; ++i) {
    s.firm.push_back(static_cast<std::int32_t>(i));
    s.stratum.push_back(-1);
    s.firm_ids.push_back(std::to_string(i));
    s.firm_cluster.push_back(i < members ? 0 : -1);
    const hd::Words4 w = hd::philox_words(99, hd::DrawKey{1, 2, i, 0});
    for (int k = 0; k < 2; ++k) {
      const double u = hd::uniform_open01(w.w[2 * k], w.w[2 * k + 1]);
      const double y = (i < members ? 0.03 : 0.0) + (k + 1) * 0.1 * std::log(u / (1 - u));
      s.growth[k][i] = y;
      s.start[k][i] = 10.0;
      s.end[k][i] = 10.0 * std::exp(3 * y);
      if (weighted) s.weight[k][i] = 0.5 + (w.w[0] & 3);
    }
    if (i % 97 == 5) {  // dropped for employees only
      s.growth[1][i] = std::nan("");
      s.weight[1][i] = 0.0;
    }
  }
  s.cluster_labels = {"c"};
  s.weighted = weighted;
  return s;
}

}  // namespace klynge::test
