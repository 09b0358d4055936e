// Fixed tables of the simulator: industries, regions and cluster themes (docs/simulate.md).
// They are part of the seed contract: changing a weight or an order changes every panel.
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "klynge/simulate.hpp"

namespace klynge::sim {

namespace {

// NACE Rev. 2 divisions common among Norwegian cluster members. weight: share of firms in
// percent; log_size: industry offset of log employment; rev_per_emp: revenue per employee in
// NOK thousands; va_share: typical value added / revenue.
struct NaceRow {
  std::string_view code;
  int weight;
  double log_size;
  double rev_per_emp;
  double va_share;
};
constexpr NaceRow kNace[hd::sim::kNaceCount] = {
    {"03", 3, 0.3, 6000, 0.40},   // fishing and aquaculture
    {"09", 2, 0.8, 4500, 0.45},   // mining support (oil and gas services)
    {"10", 4, 1.0, 4000, 0.22},   // food products
    {"25", 5, 0.6, 1800, 0.40},   // fabricated metal products
    {"26", 2, 0.9, 2500, 0.45},   // computer, electronic and optical products
    {"28", 3, 0.8, 2600, 0.38},   // machinery
    {"30", 2, 1.0, 3000, 0.30},   // other transport equipment (ships)
    {"41", 12, 0.1, 2800, 0.25},  // construction of buildings
    {"46", 14, 0.0, 5500, 0.15},  // wholesale trade
    {"47", 16, 0.2, 2000, 0.18},  // retail trade
    {"49", 7, -0.2, 1600, 0.40},  // land transport
    {"55", 5, 0.3, 900, 0.45},    // accommodation
    {"62", 9, -0.1, 1900, 0.55},  // computer programming and consultancy
    {"71", 9, -0.2, 1600, 0.55},  // architecture and engineering
    {"72", 2, 0.2, 1500, 0.55},   // scientific research and development
    {"86", 5, -0.3, 1200, 0.65},  // human health
};

// Norwegian counties (2024), weighted roughly by number of firms.
struct RegionRow {
  std::string_view name;
  int weight;
};
constexpr RegionRow kRegion[hd::sim::kRegionCount] = {
    {"Oslo", 900},      {"Akershus", 720}, {"Ostfold", 305},         {"Buskerud", 270},
    {"Innlandet", 373}, {"Vestfold", 257}, {"Telemark", 177},        {"Agder", 318},
    {"Rogaland", 500},  {"Vestland", 650}, {"More og Romsdal", 270}, {"Trondelag", 480},
    {"Nordland", 243},  {"Troms", 170},    {"Finnmark", 75},
};

// Cluster themes: a made-up but plausible name, the home industry (index into kNace) and the
// home region (index into kRegion).
struct Theme {
  std::string_view name;
  int nace;
  int region;
};
constexpr Theme kTheme[hd::sim::kClusterThemes] = {
    {"NCE Subsea Frontier", 1, 9},     {"GCE Blue Harvest", 0, 11},
    {"Arena Health Tech", 15, 0},      {"NCE Energy Transition", 13, 8},
    {"Arena Food Valley", 2, 8},       {"GCE Maritime Futures", 6, 10},
    {"NCE Green Process", 3, 6},       {"Arena Arctic Tourism", 11, 12},
    {"NCE Software Valley", 12, 0},    {"Arena Smart Building", 7, 1},
    {"GCE Advanced Materials", 5, 4},  {"Arena Logistics Hub", 10, 2},
    {"NCE Ocean Data", 14, 11},        {"Arena Seafood Trade", 8, 13},
    {"NCE Systems Integration", 4, 3}, {"Arena Retail Lab", 9, 5},
};

template <int N, class Row>
void fill_upper(const Row (&rows)[N], std::uint64_t (&upper)[N]) {
  std::uint64_t total = 0;
  for (const Row& r : rows) total += static_cast<std::uint64_t>(r.weight);
  std::uint64_t cum = 0;
  for (int k = 0; k < N; ++k) {
    cum += static_cast<std::uint64_t>(rows[k].weight);
    upper[k] = (cum << 32) / total;  // exact integer arithmetic: the same on every machine
  }
}

}  // namespace

void fill_tables(hd::sim::SimParams& p) {
  fill_upper(kNace, p.nace_upper);
  fill_upper(kRegion, p.region_upper);
  for (int k = 0; k < hd::sim::kNaceCount; ++k) {
    p.nace_log_size[k] = kNace[k].log_size;
    p.nace_log_rev[k] = std::log(kNace[k].rev_per_emp);
    p.nace_logit_va[k] = std::log(kNace[k].va_share / (1.0 - kNace[k].va_share));
  }
  for (int c = 0; c < hd::sim::kClusterThemes; ++c) {
    p.theme_nace[c] = static_cast<std::uint8_t>(kTheme[c].nace);
    p.theme_region[c] = static_cast<std::uint8_t>(kTheme[c].region);
  }
}

std::string_view nace_code(std::uint32_t nace) {
  return kNace[nace].code;
}
std::string_view region_name(std::uint32_t region) {
  return kRegion[region].name;
}

std::string cluster_name(int cluster, int clusters) {
  const std::string_view theme = kTheme[cluster % hd::sim::kClusterThemes].name;
  if (clusters <= hd::sim::kClusterThemes) return std::string(theme);
  return fmt::format("{} {:02}", theme, cluster / hd::sim::kClusterThemes + 1);
}

std::string_view size_class(std::int64_t employees) {
  if (employees <= 0) return "0";
  if (employees < 5) return "1-4";
  if (employees < 10) return "5-9";
  if (employees < 20) return "10-19";
  if (employees < 50) return "20-49";
  if (employees < 100) return "50-99";
  if (employees < 250) return "100-249";
  return "250+";
}

}  // namespace klynge::sim
