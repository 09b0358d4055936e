// The stages every panel subcommand starts with: read the panel, apply the design, compute the
// point statistics. describe stops here; analyze resamples on top.
#pragma once

#include "klynge/design.hpp"
#include "klynge/panel.hpp"
#include "klynge/sample.hpp"
#include "klynge/statistics.hpp"
#include "panel_flags.hpp"

namespace klynge::cli {

struct PreparedSample {
  ReadOptions read;
  DesignOptions design;
  Panel panel;
  Sample sample;
  Description description;
  double read_s = 0.0, design_s = 0.0, statistics_s = 0.0;
};

// Flag combinations are checked before the (possibly long) read.
PreparedSample prepare_sample(const PanelFlags& flags);

}  // namespace klynge::cli
