// Host-side owner of the arrays behind hd::PermView, built once per analysis and read by every
// backend (the OpenMP loop, the CUDA launcher).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "klynge/hd/perm_scratch.hpp"
#include "klynge/hd/permutation_replicate.hpp"
#include "klynge/permutation.hpp"

namespace klynge::engine {

struct PermData {
  std::vector<std::uint32_t> block_begin{0}, block_pos, block_members;
  std::vector<std::uint64_t> block_draw_offset, block_radix;
  std::vector<std::uint32_t> cell_begin, cell_end;
  std::vector<double> y, w, x0, x1;
  std::vector<std::uint32_t> sorted_begin{0}, sorted_index;
  std::vector<double> sorted_y, sorted_w;
  std::vector<ResultKey> keys;
  std::vector<double> rec, center;
  std::vector<hd::PermSums> cell_totals, block_totals;
  std::vector<std::uint32_t> block_cell;
  std::vector<std::uint32_t> cell_group_begin{0}, group_of;  // --balance: balance groups
  std::vector<std::uint32_t> position_group;                 // balanced fast path
  std::vector<hd::PermSums> group_totals;
  // welch_t's cohort aggregate (hd::PermView::firm_se): dense firm indices, and on the fast
  // path each firm's positions and the pair sums of its records.
  std::uint32_t firms = 0;
  std::vector<std::uint32_t> contribution_firm, firm_begin, position_slots;
  std::vector<double> firm_slots, pair_sums;
  bool unit_weight_slots = false;
  std::uint32_t groups = 0;
  std::uint64_t total_draws = 0;
  std::uint64_t relabelings = 1;
  std::uint32_t longest_cell = 0, longest_sorted = 0, longest_block = 0;
  hd::PermView view{};
  // The device copies of these arrays, made by the CUDA launcher on its first range and kept
  // for the later ones (cuda/permutation.cu); empty on the CPU backend.
  mutable std::shared_ptr<void> device;
};

// Builds the blocks, cells and records of the test; view points into the vectors (do not copy).
void build_perm_data(const Sample& sample, const DesignOptions& options,
                     const PermutationSpec& spec, PermData& d);

// The firm arrays of welch_t's cohort aggregate (hd/perm_firm_influence.hpp): the general
// path's contribution -> firm map, or (fast) the firms' positions and pair sums from d.rec.
// Called by build_perm_data once the blocks, cells and records are in d.
void build_firm_influence(const Sample& sample, bool fast, PermData& d);

// The scratch one worker (a CPU thread, a GPU thread or warp slot) needs for d's replicates.
hd::PermScratchShape perm_scratch_shape(const PermData& d);

}  // namespace klynge::engine
