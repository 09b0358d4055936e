// --device auto|cpu|cuda and --gpu N: which backend runs the replicates of a command.
#pragma once

#include <string>

#include "klynge/backend.hpp"

namespace klynge::cli {

// auto: the CUDA backend when this build has it and device `gpu` is usable, else the CPU.
// cuda: the CUDA backend or an Error(usage) saying why it cannot run (never a crash).
BackendChoice choose_backend(const std::string& device, int gpu);

}  // namespace klynge::cli
