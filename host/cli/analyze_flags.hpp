// The flags of `klynge analyze`, as parsed (analyze.cpp registers them).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "klynge/bootstrap.hpp"
#include "klynge/progress.hpp"
#include "panel_flags.hpp"

namespace klynge::cli {

struct AnalyzeFlags {
  PanelFlags panel;
  std::uint64_t replicates = 9999;
  std::string scheme = "groups";
  std::string unit = "firm";
  std::vector<std::string> ci = {"percentile", "bca"};
  double level = 0.95;
  std::vector<std::string> statistics = {"mean_diff"};
  std::uint64_t seed = kDefaultSeed;
  std::string device = "auto";
  int gpu = 0;
  std::string json_path;
  std::string csv_path;
  std::string replicates_path;  // --save-replicates
  std::string plot_path;        // --plot
  std::uint64_t permutations = 9999;
  std::string perm_scheme = "all";
  std::string perm_statistic = "welch_t";
  std::string alternative = "two-sided";
  bool by_cluster = false;  // --by-cluster
  std::string by;           // --by COL
  bool print_config = false;
  bool quiet = false;
  double progress_seconds = kProgressLineSeconds;
  std::string shard;               // --shard i/K
  std::string checkpoint_dir;      // --checkpoint DIR
  double checkpoint_seconds = 60;  // --checkpoint-every
};

}  // namespace klynge::cli
