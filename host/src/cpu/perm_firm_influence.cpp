// The firm arrays behind welch_t's cohort aggregate in the permutation test
// (hd/perm_firm_influence.hpp): which firm each contribution is, and on the fast path the
// quadratic form of the firms' all-control influence.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "klynge/engine/perm_data.hpp"

namespace klynge::engine {

void build_firm_influence(const Sample& sample, bool fast, PermData& d) {
  const std::size_t n = sample.contributions();
  // Dense indices in the order of the panel's firm indices, so the general path sums the
  // firms' squared influence in describe's order.
  std::vector<std::int32_t> ids(sample.firm.begin(), sample.firm.end());
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  d.firms = static_cast<std::uint32_t>(ids.size());
  d.contribution_firm.resize(n);
  for (std::size_t i = 0; i < n; ++i)
    d.contribution_firm[i] = static_cast<std::uint32_t>(
        std::lower_bound(ids.begin(), ids.end(), sample.firm[i]) - ids.begin());
  if (!fast) return;

  // Block positions by firm (ascending position: cell order), their cells and records.
  const std::size_t positions = d.block_pos.size();
  const std::size_t metrics = sample.metrics();
  std::vector<std::uint32_t> position_cell(positions);
  std::vector<std::uint32_t> position_firm(positions);
  for (std::size_t b = 0; b + 1 < d.block_begin.size(); ++b)
    for (std::uint32_t j = d.block_begin[b]; j < d.block_begin[b + 1]; ++j) {
      position_firm[j] = d.contribution_firm[d.block_pos[j]];
      position_cell[j] = d.block_cell[b];
    }
  d.firm_begin.assign(d.firms + 1, 0);
  for (std::size_t j = 0; j < positions; ++j) ++d.firm_begin[position_firm[j] + 1];
  for (std::uint32_t f = 0; f < d.firms; ++f) d.firm_begin[f + 1] += d.firm_begin[f];
  d.firm_positions.resize(positions);
  d.firm_cell.resize(positions);
  d.firm_rec.resize(positions * metrics * 2);
  d.position_slots.resize(2 * positions);
  for (std::size_t j = 0; j < positions; ++j) {
    d.position_slots[2 * j] = d.firm_begin[position_firm[j]];
    d.position_slots[2 * j + 1] = d.firm_begin[position_firm[j] + 1];
  }
  std::vector<std::uint32_t> next(d.firm_begin.begin(), d.firm_begin.end() - 1);
  for (std::size_t j = 0; j < positions; ++j) {
    const std::uint32_t x = next[position_firm[j]]++;
    d.firm_positions[x] = static_cast<std::uint32_t>(j);
    d.firm_cell[x] = position_cell[j];
    for (std::size_t m = 0; m < metrics; ++m) {
      const double* r = d.rec.data() + (j * metrics + m) * 2;  // (y - center, w)
      d.firm_rec[(x * metrics + m) * 2] = r[1] * r[0];
      d.firm_rec[(x * metrics + m) * 2 + 1] = r[1];
    }
  }

  // Per metric, over firms, the products of the records of two of a firm's slots.
  const std::size_t cells = sample.cells.size();
  const std::size_t cc = cells * cells;
  d.pair_sums.assign(metrics * 3 * cc, 0.0);
  for (std::size_t m = 0; m < metrics; ++m) {
    double* P = d.pair_sums.data() + m * 3 * cc;
    double* R = P + cc;
    double* B = R + cc;
    for (std::uint32_t f = 0; f < d.firms; ++f)
      for (std::uint32_t x = d.firm_begin[f]; x < d.firm_begin[f + 1]; ++x) {
        const double* rx = d.firm_rec.data() + (x * metrics + m) * 2;
        for (std::uint32_t z = d.firm_begin[f]; z < d.firm_begin[f + 1]; ++z) {
          const double* rz = d.firm_rec.data() + (z * metrics + m) * 2;
          const std::size_t at = d.firm_cell[x] * cells + d.firm_cell[z];
          P[at] += rx[0] * rz[0];
          R[at] += rx[0] * rz[1];
          B[at] += rx[1] * rz[1];
        }
      }
  }
}

}  // namespace klynge::engine
