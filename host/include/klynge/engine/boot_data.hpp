// Host-side owner of the arrays behind hd::BootView, built once per analysis and read by every
// backend (the OpenMP loop, the CUDA launcher) and by the jackknife.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "klynge/bootstrap.hpp"
#include "klynge/hd/bootstrap_fused.hpp"
#include "klynge/hd/dense_items.hpp"

namespace klynge::engine {

struct BootData {
  std::vector<std::uint32_t> seg_begin;
  std::vector<double> y, w, x0, x1, ys, ws;
  std::vector<std::int32_t> firm, sorted_firm;
  std::vector<std::uint32_t> group_unit_begin, unit_firm_begin;
  std::vector<std::int32_t> unit_firms;
  // Resample groups 0 .. member_groups-1 draw members, the rest controls.
  std::uint32_t member_groups = 0;
  std::uint32_t max_segment = 0;
  std::vector<ResultKey> keys;
  hd::BootView view{};
  // Whether the caller wants each replicate's Welch SE (BootstrapSpec::replicate_se): without
  // it the count path skips the cohort aggregate's influence pass unless welch_t needs it.
  bool replicate_se = false;
  // The fused path (hd/bootstrap_fused.hpp), when it applies.
  bool fused = false;
  std::vector<std::uint32_t> unit_record_begin;
  std::vector<hd::FusedRecord> records;
  std::vector<double> center;
  hd::FusedView fused_view{};
  // The dense variant (unweighted, groups/strata, firm units).
  bool dense = false;
  std::vector<double> dense_d;
  std::vector<std::uint32_t> group_segment;
  hd::DenseView dense_view{};
  // The dense replicate cut into work items for the GPU (hd/dense_items.hpp).
  std::vector<hd::DenseItem> dense_items;
  std::vector<std::uint32_t> group_first_item, chunked_groups;
  hd::DenseItemsView items_view{};
  // The device copies of these arrays, made by the CUDA launcher on its first range and kept
  // for the later ones (cuda/bootstrap.cu); empty on the CPU backend.
  mutable std::shared_ptr<void> device;
};

// Fills the dense work items of data (dense path only; view must be built).
void build_dense_items(BootData& data);

// Builds the segments, units and groups; view points into the vectors (do not copy BootData).
void build_boot_data(const Sample& sample, const DesignOptions& options, const BootstrapSpec& spec,
                     BootData& data);

// Per-thread scratch for the replicate functor on the CPU.
struct ScratchBuffers {
  std::vector<double> firm_count, influence, seg_counts, sorted_counts, cell_values, cell_se,
      member_units;
  std::vector<hd::Moments> cell_moments;
  hd::BootScratch scratch{};
  explicit ScratchBuffers(const BootData& data);
};

}  // namespace klynge::engine
