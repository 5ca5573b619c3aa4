#include <gategrad/apps/lists.hpp>

#include <CLI/CLI.hpp>

#include <cmath>
#include <exception>
#include <limits>

namespace gg::app {

CLI::Validator number_above(double low, bool inclusive) {
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        double value = 0;
        return parse_finite_number(text, low, inclusive, std::numeric_limits<double>::max(), value);
      },
      inclusive ? "NUMBER>=0" : "NUMBER>0");
}

CLI::Validator number_between(double low, bool low_inclusive, double high) {
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        double value = 0;
        return parse_finite_number(text, low, low_inclusive, high, value);
      },
      "NUMBER");
}

CLI::Validator whole_number(std::uint64_t low, std::uint64_t high) {
  CLI::Validator check(
      [=](std::string& text) -> std::string {
        std::uint64_t value = 0;
        std::string why = parse_whole_number(text, low, high, value);
        if (why.empty()) text = std::to_string(value);
        return why;
      },
      "INT");
  check.non_modifying(false);
  return check;
}

std::vector<double> parse_list(const std::string& flag, const std::string& text, const CLI::Validator& check) {
  std::vector<double> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    std::string why = item.empty() ? "empty item" : check(item);
    if (!why.empty()) {
      throw CLI::ValidationError(flag, "in list '" + text + "': " + why + " (expected comma-separated numbers)");
    }
    // The validator accepted a finite number (a whole one rewritten as digits, so exact), which
    // parse_number reads as the validator did.
    double value = 0;
    if (!parse_number(item, value)) {
      throw CLI::ValidationError(flag, "in list '" + text + "': got '" + item + "' (expected comma-separated numbers)");
    }
    out.push_back(value);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::vector<std::size_t> parse_size_list(const std::string& flag, const std::string& text, std::uint64_t max) {
  std::vector<std::size_t> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    std::uint64_t value = 0;
    const std::string why = item.empty() ? "empty item" : parse_whole_number(item, 1, max, value);
    if (!why.empty()) {
      throw CLI::ValidationError(flag, "in list '" + text + "': " + why + " (expected comma-separated whole numbers)");
    }
    out.push_back(static_cast<std::size_t>(value));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace gg::app
