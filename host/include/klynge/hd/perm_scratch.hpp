// Where one permutation replicate's scratch lives: the sizes of its arrays (PermScratchShape)
// and the pointers of worker j's share of five flat buffers (perm_scratch_of). Written once for
// both backends, so the layout the GPU's threads and warp slots use is the one every CPU test
// runs (a device-only copy of it once went wrong without any test noticing).
#pragma once

#include <cstddef>
#include <cstdint>

#include "klynge/hd/macros.hpp"
#include "klynge/hd/perm_sums.hpp"
#include "klynge/hd/perm_view.hpp"

namespace klynge::hd {

// Elements of each array's type per worker (host/src/cpu/permutation.cpp: perm_scratch_shape).
struct PermScratchShape {
  std::size_t label, taken, marks, cell, sorted, cells, groups, firms, cell_terms, chosen,
      member_sums, drawn_sums;
  // member_count, control_count [cell]; sorted_member, sorted_control [sorted]; cell_value,
  // cell_units, cell_se2, cell_diff [cells]; group_member_w, group_control_w, group_factor
  // [groups]; firm_influence [firms]; cell_terms.
  KLYNGE_HD std::size_t doubles() const {
    return 2 * cell + 2 * sorted + 4 * cells + 3 * groups + firms + cell_terms;
  }
  // taken, then marks.
  KLYNGE_HD std::size_t words() const { return taken + marks; }
  KLYNGE_HD std::size_t sums() const { return member_sums + drawn_sums; }
  KLYNGE_HD std::size_t bytes() const {
    return label + words() * sizeof(std::uint64_t) + doubles() * sizeof(double) +
           sums() * sizeof(PermSums) + chosen * sizeof(std::uint32_t);
  }
};

// The buffers of `workers` workers: each holds workers * (its shape's count) elements.
struct PermScratchArrays {
  std::uint8_t* label;
  std::uint64_t* taken;
  double* doubles;
  PermSums* sums;
  std::uint32_t* chosen;
};

// Worker j's scratch.
KLYNGE_HD PermScratch perm_scratch_of(const PermScratchShape& shape,
                                      const PermScratchArrays& arrays, std::uint64_t j) {
  PermScratch sc;
  sc.label = arrays.label + j * shape.label;
  sc.taken = arrays.taken + j * shape.words();
  sc.marks = sc.taken + shape.taken;
  double* dbl = arrays.doubles + j * shape.doubles();
  sc.member_count = dbl;
  sc.control_count = sc.member_count + shape.cell;
  sc.sorted_member = sc.control_count + shape.cell;
  sc.sorted_control = sc.sorted_member + shape.sorted;
  sc.cell_value = sc.sorted_control + shape.sorted;
  sc.cell_units = sc.cell_value + shape.cells;
  sc.cell_se2 = sc.cell_units + shape.cells;
  sc.cell_diff = sc.cell_se2 + shape.cells;
  sc.group_member_w = sc.cell_diff + shape.cells;
  sc.group_control_w = sc.group_member_w + shape.groups;
  sc.group_factor = sc.group_control_w + shape.groups;
  sc.firm_influence = sc.group_factor + shape.groups;
  sc.cell_terms = sc.firm_influence + shape.firms;
  sc.chosen = arrays.chosen + j * shape.chosen;
  sc.member_sums = arrays.sums + j * shape.sums();
  sc.drawn_sums = sc.member_sums + shape.member_sums;
  return sc;
}

}  // namespace klynge::hd
