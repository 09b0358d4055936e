// A team of lanes (hd/team.hpp) emulated on the CPU with one std::thread per lane, for testing
// the code a GPU warp runs: sync() is a barrier, sum() adds the lanes' values in
// hd::butterfly_sum's order (the order of the warp's shuffle butterfly), add() is an atomic add.
// The lanes really run at the same time, so a missing sync() or a lane that skips a collective
// step shows up as a wrong result or a hang (the test's timeout), not as a silent pass.
#pragma once

#include <atomic>
#include <barrier>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

#include "klynge/hd/bootstrap_chunked.hpp"
#include "klynge/hd/bootstrap_lanes.hpp"
#include "klynge/hd/team.hpp"

namespace klynge::test {

class ThreadTeamState {
 public:
  explicit ThreadTeamState(std::uint32_t lanes)
      : lanes_(lanes),
        barrier_(static_cast<std::ptrdiff_t>(lanes)),
        values_(lanes),
        flags_(lanes) {}

  std::uint32_t lanes_;
  std::barrier<> barrier_;
  std::vector<double> values_;
  std::vector<char> flags_;
};

struct ThreadTeam {
  ThreadTeamState* state;
  std::uint32_t lane_;

  std::uint32_t lane() const { return lane_; }
  std::uint32_t lanes() const { return state->lanes_; }
  void sync() const { state->barrier_.arrive_and_wait(); }
  // Every lane posts its value, reads what it needs, and waits again before the next post.
  template <typename Read>
  auto exchange(double x, Read&& read) const {
    state->values_[lane_] = x;
    sync();
    const auto result = read(state->values_);
    sync();
    return result;
  }
  double sum(double x) const {
    return exchange(x, [&](std::vector<double> v) { return hd::butterfly_sum(v.data(), lanes()); });
  }
  double scan(double x) const {
    return exchange(x, [&](const std::vector<double>& v) {
      double below = 0.0;
      for (std::uint32_t l = 0; l < lane_; ++l) below += v[l];
      return below;
    });
  }
  std::uint32_t first_lane(bool flag) const {
    state->flags_[lane_] = flag ? 1 : 0;
    sync();
    std::uint32_t first = lanes();
    for (std::uint32_t l = 0; l < lanes(); ++l)
      if (state->flags_[l]) {
        first = l;
        break;
      }
    sync();
    return first;
  }
  double broadcast(double x, std::uint32_t from) const {
    return exchange(x, [&](const std::vector<double>& v) { return v[from]; });
  }
  void add(double* p, double x) const { std::atomic_ref<double>(*p).fetch_add(x); }
};

// A chunk tree's plane counted by the team: each lane its blocks, the team adds the ones.
struct ThreadTeamPlaneCounter {
  ThreadTeam team;
  std::uint32_t operator()(const hd::NodeWords& at, std::uint64_t position,
                           std::uint32_t bits) const {
    const std::uint32_t mine =
        hd::plane_ones_of_lane(at, position, bits, team.lane(), team.lanes());
    return static_cast<std::uint32_t>(team.sum(static_cast<double>(mine)));
  }
};

inline ThreadTeamPlaneCounter plane_counter_of(const ThreadTeam& team) {
  return ThreadTeamPlaneCounter{team};
}

// Runs body(team) on `lanes` threads, one lane each, and waits for all of them.
inline void run_thread_team(std::uint32_t lanes,
                            const std::function<void(const ThreadTeam&)>& body) {
  ThreadTeamState state(lanes);
  std::vector<std::thread> threads;
  for (std::uint32_t l = 0; l < lanes; ++l)
    threads.emplace_back([&state, &body, l] { body(ThreadTeam{&state, l}); });
  for (std::thread& t : threads) t.join();
}

}  // namespace klynge::test
