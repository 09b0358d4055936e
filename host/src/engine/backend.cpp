#include "klynge/backend.hpp"

namespace klynge {

std::string_view backend_name(Backend backend) {
  return backend == Backend::cuda ? "cuda" : "cpu";
}

}  // namespace klynge
