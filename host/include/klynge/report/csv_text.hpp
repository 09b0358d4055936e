// Text of one CSV field, for every CSV klynge writes (tidy results, batches, replicates).
#pragma once

#include <string>

namespace klynge {

// RFC 4180 quoting when the text holds a comma, a quote or a line break (cluster names may).
std::string csv_field(const std::string& s);

// The shortest text that reads back as the same double; NA for NaN and infinities.
std::string csv_number(double v);

}  // namespace klynge
