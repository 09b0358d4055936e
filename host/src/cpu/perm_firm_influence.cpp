// The firm arrays behind welch_t's cohort aggregate in the permutation test
// (hd/perm_firm_influence.hpp): which firm each contribution is, and on the fast path the
// quadratic form of the firms' all-control influence.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "klynge/engine/perm_data.hpp"
#include "klynge/hd/perm_firm_influence.hpp"

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

  // Block positions by firm (ascending position: cell order): firm f's slots are
  // [firm_begin[f], firm_begin[f + 1]), each its cell and records (hd::PermView::firm_slots).
  const std::size_t positions = d.block_pos.size();
  const std::size_t metrics = sample.metrics();
  // Unweighted (every w 0 or 1) a slot keeps a alone (hd::slot_record).
  bool unit = true;
  for (std::size_t k = 1; k < d.rec.size() && unit; k += 2)
    unit = d.rec[k] == 0.0 || d.rec[k] == 1.0;
  d.unit_weight_slots = unit;
  const std::size_t stride = hd::firm_slot_stride(unit, static_cast<std::uint32_t>(metrics));
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
  d.firm_slots.resize(positions * stride);
  d.position_slots.resize(2 * positions);
  std::vector<std::uint32_t> next(d.firm_begin.begin(), d.firm_begin.end() - 1);
  for (std::size_t j = 0; j < positions; ++j) {
    const std::uint32_t f = position_firm[j];
    const std::uint32_t x = next[f]++;
    const std::uint32_t first = d.firm_begin[f], count = d.firm_begin[f + 1] - first;
    // One slot per cell: the fast path runs only with fewer than 2^16 cells.
    d.position_slots[2 * j] = first;
    d.position_slots[2 * j + 1] = (x - first) | (count << 16);
    double* slot = d.firm_slots.data() + x * stride;
    slot[0] = position_cell[j];
    for (std::size_t m = 0; m < metrics; ++m) {
      const double* r = d.rec.data() + (j * metrics + m) * 2;  // (y - center, w)
      if (unit) {
        slot[1 + m] = r[1] == 1.0 ? r[0] : std::numeric_limits<double>::quiet_NaN();
      } else {
        slot[1 + 2 * m] = r[1] * r[0];
        slot[2 + 2 * m] = r[1];
      }
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
        const double* sx = d.firm_slots.data() + x * stride;
        double rx[2], rz[2];
        hd::slot_record(unit, sx, static_cast<std::uint32_t>(m), rx[0], rx[1]);
        for (std::uint32_t z = d.firm_begin[f]; z < d.firm_begin[f + 1]; ++z) {
          const double* sz = d.firm_slots.data() + z * stride;
          hd::slot_record(unit, sz, static_cast<std::uint32_t>(m), rz[0], rz[1]);
          const std::size_t at =
              static_cast<std::size_t>(sx[0]) * cells + static_cast<std::size_t>(sz[0]);
          P[at] += rx[0] * rz[0];
          R[at] += rx[0] * rz[1];
          B[at] += rx[1] * rz[1];
        }
      }
  }
}

}  // namespace klynge::engine
