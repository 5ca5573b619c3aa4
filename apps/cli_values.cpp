#include <gategrad/apps/cli_values.hpp>

#include <charconv>
#include <cmath>
#include <limits>

namespace gg::app {
namespace {

std::string shortest(double v) {
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, v).ptr;
  return std::string(buffer, end);
}

// A whole std::from_chars parse of the text, or false (leading '+' allowed, as strtod allows it).
template <class T>
bool parse_all(const std::string& text, T& value) {
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (begin != end && *begin == '+') {
    ++begin;
    // A second sign ("+-0"): from_chars would read the "-0" after the '+'.
    if (begin != end && (*begin == '+' || *begin == '-')) return false;
  }
  if (begin == end) return false;
  const auto result = std::from_chars(begin, end, value);
  return result.ec == std::errc() && result.ptr == end;
}

}  // namespace

bool parse_number(const std::string& text, double& value) { return parse_all(text, value); }

std::string parse_whole_number(const std::string& text, std::uint64_t low, std::uint64_t high,
                               std::uint64_t& value) {
  const std::string expected =
      "expected a whole number from " + std::to_string(low) + " to " + std::to_string(high);
  std::uint64_t parsed = 0;
  if (!parse_all(text, parsed)) {
    double real = 0;
    if (!parse_all(text, real) || !std::isfinite(real)) return "got '" + text + "', " + expected;
    if (real != std::floor(real)) return "got '" + text + "', not a whole number; " + expected;
    // 2^64 is exactly representable; anything below it converts without undefined behaviour.
    if (real < static_cast<double>(low) || real >= 18446744073709551616.0 ||
        static_cast<std::uint64_t>(real) > high) {
      return "got '" + text + "', " + expected;
    }
    parsed = static_cast<std::uint64_t>(real);
  }
  if (parsed < low || parsed > high) return "got '" + text + "', " + expected;
  value = parsed;
  return {};
}

std::string parse_finite_number(const std::string& text, double low, bool low_inclusive,
                                double high, double& value) {
  std::string expected = "expected a number " + std::string(low_inclusive ? ">= " : "> ") + shortest(low);
  if (high < std::numeric_limits<double>::max()) expected += " and <= " + shortest(high);
  double parsed = 0;
  if (!parse_all(text, parsed) || !std::isfinite(parsed) ||
      !(low_inclusive ? parsed >= low : parsed > low) || !(parsed <= high)) {
    return "got '" + text + "', " + expected;
  }
  value = parsed;
  return {};
}

}  // namespace gg::app
