#include "klynge/report/text_layout.hpp"

namespace klynge {

std::string fit_label(std::string_view label, std::size_t width) {
  if (width < 3 || label.size() + 1 <= width) return std::string(label);
  return std::string(label.substr(0, width - 2)) + "~";
}

namespace {

std::string wrap_line(std::string_view line, std::size_t width, std::size_t indent) {
  std::string out, current;
  std::size_t at = 0;
  while (at <= line.size()) {
    std::size_t space = line.find(' ', at);
    if (space == std::string_view::npos) space = line.size();
    const std::string_view word = line.substr(at, space - at);
    if (!current.empty() && current.size() + 1 + word.size() > width) {
      out += current + "\n";
      current = std::string(indent, ' ');
      current += word;
    } else {
      if (!current.empty() || at > 0) current += ' ';
      current += word;
    }
    at = space + 1;
  }
  return out + current;
}

}  // namespace

std::string wrap_lines(std::string_view text, std::size_t width, std::size_t indent) {
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    const bool newline = end != std::string_view::npos;
    if (!newline) end = text.size();
    out += wrap_line(text.substr(at, end - at), width, indent);
    if (newline) out += '\n';
    at = end + 1;
  }
  return out;
}

}  // namespace klynge
