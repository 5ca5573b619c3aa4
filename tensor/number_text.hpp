#pragma once
// Numbers in error messages: the shortest text that reads back as the same double ("0.1",
// "1e-09", "1e+300", "nan"), where std::to_string would print 1e-9 as "0.000000".
#include <charconv>
#include <string>

namespace gg {

inline std::string number_text(double v) {
  char buf[32];
  const auto result = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, result.ptr);
}

}  // namespace gg
