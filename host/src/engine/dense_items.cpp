// The work items of the dense replicate (hd/dense_items.hpp): a chunked group gives one item
// per chunk, a small group one item; under Poisson or Bayesian weights every group gives one item
// per kChunkUnits units. Built once per analysis from the group sizes alone.
#include "klynge/engine/boot_data.hpp"

namespace klynge::engine {

void build_dense_items(BootData& d) {
  const hd::BootView& v = d.view;
  d.dense_items.clear();
  d.chunked_groups.clear();
  d.group_first_item.assign(1, 0);
  for (std::uint32_t g = 0; g < v.resample_groups; ++g) {
    const std::uint32_t m = d.group_unit_begin[g + 1] - d.group_unit_begin[g];
    const std::uint32_t chunks = (m + hd::kChunkUnits - 1) >> hd::kChunkBits;
    if (v.scheme == hd::BootScheme::poisson || v.scheme == hd::BootScheme::bayesian) {
      // Every unit has its own words: no tree.
      for (std::uint32_t c = 0; c < chunks; ++c) d.dense_items.push_back({g, c});
    } else if (hd::chunked_group(m)) {
      d.chunked_groups.push_back(g);
      for (std::uint32_t c = 0; c < chunks; ++c) d.dense_items.push_back({g, c});
    } else {
      d.dense_items.push_back({g, hd::kWholeGroup});
    }
    d.group_first_item.push_back(static_cast<std::uint32_t>(d.dense_items.size()));
  }
  d.items_view =
      hd::DenseItemsView{d.dense_items.data(), static_cast<std::uint32_t>(d.dense_items.size()),
                         d.group_first_item.data(), d.chunked_groups.data(),
                         static_cast<std::uint32_t>(d.chunked_groups.size())};
}

}  // namespace klynge::engine
