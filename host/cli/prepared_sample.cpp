#include "prepared_sample.hpp"

#include "klynge/build_sample.hpp"
#include "klynge/io/read_panel.hpp"
#include "stopwatch.hpp"

namespace klynge::cli {

PreparedSample prepare_sample(const PanelFlags& flags) {
  PreparedSample p;
  p.read = read_options(flags);
  p.design = design_options(flags);
  Stopwatch clock;
  p.panel = read_panel(flags.input, p.read);
  p.read_s = clock.lap();
  p.sample = build_sample(p.panel, p.design);
  p.design_s = clock.lap();
  p.description = describe_sample(p.sample, p.design);
  p.statistics_s = clock.lap();
  return p;
}

}  // namespace klynge::cli
