#include "configuration.hpp"

#include <cctype>
#include <cstdlib>
#include <regex>
#include <vector>

namespace klynge::cli {

namespace {

struct FlagValue {
  std::string name;
  bool is_switch = false;  // a flag without argument: true/false
  bool is_list = false;
  std::vector<std::string> items;
};

// Plain decimal numbers only ("inf", "0x10" and the like stay strings).
bool is_number(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.' ||
          c == 'e' || c == 'E'))
      return false;
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

// CLI11 captures a list default as "[a,b,c]".
std::vector<std::string> split_list_default(std::string text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']')
    text = text.substr(1, text.size() - 2);
  std::vector<std::string> out;
  if (text.empty()) return out;
  std::size_t at = 0;
  for (std::size_t comma; (comma = text.find(',', at)) != std::string::npos; at = comma + 1)
    out.push_back(text.substr(at, comma - at));
  out.push_back(text.substr(at));
  return out;
}

std::vector<FlagValue> effective_values(const CLI::App& cmd) {
  std::vector<FlagValue> out;
  for (const CLI::Option* opt : cmd.get_options()) {
    if (!opt->get_configurable() || opt == cmd.get_help_ptr() || opt->get_lnames().empty())
      continue;
    FlagValue v;
    v.name = opt->get_single_name();
    v.is_switch = opt->get_expected_min() == 0;  // as CLI11's own config writer decides
    v.is_list = opt->get_items_expected_max() > 1;
    if (opt->count() > 0) {
      v.items = opt->reduced_results();
    } else if (v.is_switch) {
      v.items = {"false"};
    } else if (!opt->get_default_str().empty()) {
      v.items = v.is_list ? split_list_default(opt->get_default_str())
                          : std::vector<std::string>{opt->get_default_str()};
    } else {
      continue;  // no value and no default: leaving it out keeps it unset on the way back
    }
    if (v.is_switch && !v.items.empty()) {
      const std::string& last = v.items.back();
      v.items = {last == "false" || last == "0" || last == "off" || last == "no" ? "false"
                                                                                 : "true"};
    }
    out.push_back(std::move(v));
  }
  return out;
}

std::string toml_string(const std::string& s) {
  // A literal string ('...') keeps backslashes as they are (a Windows-style or odd path), which
  // the config reader does not unescape in "..." strings; it cannot hold ' or control
  // characters, which take the escaped form.
  if (s.find_first_of("'\t\n\r") == std::string::npos) return "'" + s + "'";
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\t') {
      out += "\\t";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

// TOML's number grammar (no leading zeros, digits on both sides of the point): ".9" or "010" as
// typed are written as strings, which every flag reads back the same and TOML readers accept.
bool is_toml_number(const std::string& s) {
  static const std::regex number(R"([+-]?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?)");
  return std::regex_match(s, number);
}

std::string toml_scalar(const FlagValue& v, const std::string& item) {
  if (v.is_switch || is_toml_number(item)) return item;
  return toml_string(item);
}

nlohmann::ordered_json json_scalar(const FlagValue& v, const std::string& item) {
  if (v.is_switch) return item == "true";
  if (is_number(item)) {
    // Integers stay exact (64-bit seeds); "03"-like text that JSON rejects becomes a double.
    auto parsed = nlohmann::ordered_json::parse(item, nullptr, false);
    return parsed.is_discarded() ? nlohmann::ordered_json(std::strtod(item.c_str(), nullptr))
                                 : parsed;
  }
  return item;
}

}  // namespace

void add_print_config_flag(CLI::App& cmd, bool& print_config) {
  cmd.add_flag("--print-config", print_config,
               "Print the effective configuration (every flag with its value) as TOML and exit; "
               "--config reads it back")
      ->configurable(false)
      ->group("Run");
}

std::string configuration_toml(const CLI::App& cmd) {
  std::string out = "[" + cmd.get_name() + "]\n";
  for (const FlagValue& v : effective_values(cmd)) {
    out += v.name + " = ";
    if (v.is_list) {
      out += "[";
      for (std::size_t i = 0; i < v.items.size(); ++i)
        out += (i ? ", " : "") + toml_scalar(v, v.items[i]);
      out += "]";
    } else {
      out += toml_scalar(v, v.items.empty() ? std::string() : v.items.back());
    }
    out += "\n";
  }
  return out;
}

nlohmann::ordered_json configuration_json(const CLI::App& cmd) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const FlagValue& v : effective_values(cmd)) {
    if (v.is_list) {
      nlohmann::ordered_json items = nlohmann::ordered_json::array();
      for (const std::string& item : v.items) items.push_back(json_scalar(v, item));
      out[v.name] = std::move(items);
    } else {
      out[v.name] = json_scalar(v, v.items.empty() ? std::string() : v.items.back());
    }
  }
  return out;
}

}  // namespace klynge::cli
