// Names used in reports for the enumerations of klynge/sample.hpp.
#include "klynge/sample.hpp"

namespace klynge {

std::string_view group_name(Group group) {
  switch (group) {
    case Group::member:
      return "member";
    case Group::control:
      return "control";
  }
  return "unknown";
}

std::string_view drop_reason_name(DropReason reason) {
  switch (reason) {
    case DropReason::missing_start:
      return "missing_start";
    case DropReason::missing_end:
      return "missing_end";
    case DropReason::nonpositive_start:
      return "nonpositive_start";
    case DropReason::nonpositive_end:
      return "nonpositive_end";
    case DropReason::zero_both:
      return "zero_both";
    case DropReason::missing_weight:
      return "missing_weight";
    case DropReason::no_entry_year:
      return "no_entry_year";
    case DropReason::unmatched_stratum:
      return "unmatched_stratum";
  }
  return "unknown";
}

}  // namespace klynge
