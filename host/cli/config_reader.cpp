#include "config_reader.hpp"

#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace klynge::cli {

namespace {

std::string trimmed(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return std::string(s.substr(first, last - first + 1));
}

// A line without its comment: from the first '#' outside a quoted string on, trimmed. (CLI11
// alone cuts at any '#', which read `input = 'data#2.csv'` as "'data"; ConfigReader hands it
// lines without comments and sets a comment character that text files do not hold.)
std::string without_comment(const std::string& line) {
  char quote = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote != 0) {
      if (c == '\\' && quote == '"')
        ++i;  // an escaped character, perhaps a quote
      else if (c == quote)
        quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#') {
      return trimmed(std::string_view(line).substr(0, i));
    }
  }
  return trimmed(line);
}

// The key of a `key = value` line without its comment (or of a bare `key`, which CLI11 reads
// as `key = true`), without the quotes a TOML key may have.
std::string key_of(const std::string& bare) {
  std::string key = trimmed(std::string_view(bare).substr(0, bare.find('=')));
  if (key.size() >= 2 && (key.front() == '"' || key.front() == '\'') && key.back() == key.front())
    key = key.substr(1, key.size() - 2);
  return key;
}

// Text of the file as a message shows it: control characters as \xNN.
std::string shown(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x20)
      out += fmt::format("\\x{:02X}", static_cast<unsigned>(static_cast<unsigned char>(c)));
    else
      out += c;
  }
  return out;
}

// Whether a `key = value` line (without its comment) opens an array that goes on over the
// next lines.
bool opens_multiline_array(const std::string& bare) {
  const auto eq = bare.find('=');
  if (eq == std::string::npos) return false;
  const std::string value = trimmed(std::string_view(bare).substr(eq + 1));
  return !value.empty() && value.front() == '[' && value.back() != ']';
}

// The subcommand named `name`, or null.
const CLI::App* subcommand_named(const CLI::App& app, const std::string& name) {
  try {
    return app.get_subcommand(name);
  } catch (const CLI::OptionNotFound&) {
    return nullptr;
  }
}

// As CLI11 matches a config key to an option (App::_parse_single_config).
bool names_a_flag(const CLI::App& sub, const std::string& key) {
  if (sub.get_option_no_throw("--" + key)) return true;
  if (key.size() == 1 && sub.get_option_no_throw("-" + key)) return true;
  return sub.get_option_no_throw(key) != nullptr;
}

std::string section_list(const CLI::App& app) {
  std::string out;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    out += (out.empty() ? "[" : ", [") + sub->get_name() + "]";
  return out;
}

[[noreturn]] void refuse(std::size_t line, const std::string& why) {
  throw CLI::ConfigError(fmt::format("line {}: {}", line, why));
}

}  // namespace

std::vector<CLI::ConfigItem> ConfigReader::from_config(std::istream& input) const {
  std::ostringstream checked;
  std::set<std::string> tables, keys;  // keys: of the current section
  const CLI::App* section = nullptr;
  std::string section_name;
  // A TOML array over several lines is passed on as one line (CLI11 reads on only after a
  // line such as `ci = ["bca",`, not after `ci = [`): `array` collects it, from `array_line`.
  std::string array;
  std::size_t array_line = 0;
  std::string raw;
  std::size_t number = 1;
  for (; std::getline(input, raw); ++number) {
    if (number == 1 && raw.rfind("\xEF\xBB\xBF", 0) == 0) raw.erase(0, 3);
    const std::string line = trimmed(raw);
    if (!array.empty()) {
      array += " " + without_comment(line);
      if (!array.empty() && array.back() == ']') {
        checked << array << '\n';
        array.clear();
      }
      continue;
    }
    if (line.empty() || line.front() == '#' || line.front() == ';') {
      checked << '\n';  // one line out per line in
      continue;
    }
    if (line.front() == '[') {
      // A header, possibly `[[name]]` and possibly with a comment after it (which CLI11
      // would take for a key): passed on bare.
      const std::string header = without_comment(line);
      const bool twin = header.rfind("[[", 0) == 0;
      const std::size_t brackets = twin ? 2 : 1;
      if (header.size() < 2 * brackets ||
          header.compare(header.size() - brackets, brackets, std::string(brackets, ']')) != 0)
        refuse(number, fmt::format("`{}` is not a section header (a header is [name] alone on "
                                   "its line)",
                                   shown(line)));
      section_name = trimmed(header.substr(brackets, header.size() - 2 * brackets));
      section = subcommand_named(*app_, section_name);
      if (!section)
        refuse(number, fmt::format("[{}] is no klynge subcommand (sections: {})",
                                   shown(section_name), section_list(*app_)));
      if (!tables.insert(section_name).second)
        refuse(number, fmt::format("[{}] appears a second time (TOML defines a table once: "
                                   "put its keys under the first)",
                                   section_name));
      keys.clear();
      checked << header << '\n';
      continue;
    }
    const std::string bare = without_comment(line);
    const std::string key = key_of(bare);
    if (key.empty()) refuse(number, fmt::format("`{}` has no key before its '='", shown(bare)));
    if (!section)
      refuse(number, fmt::format("`{}` comes before any section; flags go under the section of "
                                 "their subcommand ({})",
                                 shown(key), section_list(*app_)));
    if (!names_a_flag(*section, key))
      refuse(number, fmt::format("`{}` is no flag of klynge {} (klynge {} --help lists them)",
                                 shown(key), section_name, section_name));
    if (!keys.insert(key).second)
      refuse(number, fmt::format("`{}` is set a second time in [{}]", key, section_name));
    if (opens_multiline_array(bare)) {
      array = bare;
      array_line = number;
      continue;
    }
    // A bare `key` (a switch) goes on as `key = true`: CLI11 skips lines shorter than three
    // characters, which would drop `q` silently.
    checked << (bare.find('=') == std::string::npos ? bare + " = true" : bare) << '\n';
  }
  if (!array.empty())
    refuse(array_line, fmt::format("the array of `{}` is not closed with ']'", key_of(array)));
  std::istringstream text(checked.str());
  return CLI::ConfigTOML::from_config(text);
}

void read_config_files(CLI::App& app, const std::string& description) {
  app.set_config("--config", "", description);
  app.allow_config_extras(CLI::config_extras_mode::error);
  app.config_formatter(std::make_shared<ConfigReader>(app));
}

}  // namespace klynge::cli
