#pragma once
// Where a gate was called in user code, filled in by the compiler.
//
// std::source_location would do, but libstdc++ 12 implements it with __builtin_source_location,
// which clang 14 (Debian 12's) lacks. __builtin_FILE, __builtin_LINE and __builtin_FUNCTION work
// in both g++ 12 and clang 14 and, used as default arguments, are evaluated at the outermost call
// site: `Where where = Where::current()` as an operation's last parameter names the line that
// called the operation, not this header.
#include <cstdint>
#include <string>

namespace gg {

class SourceLocation {
 public:
  static constexpr SourceLocation current(const char* file = __builtin_FILE(),
                                          std::uint_least32_t line = __builtin_LINE(),
                                          const char* function = __builtin_FUNCTION()) noexcept {
    return SourceLocation(file, line, function);
  }

  constexpr SourceLocation() noexcept = default;

  constexpr const char* file_name() const noexcept { return file_; }
  constexpr std::uint_least32_t line() const noexcept { return line_; }
  constexpr const char* function_name() const noexcept { return function_; }

 private:
  constexpr SourceLocation(const char* file, std::uint_least32_t line,
                           const char* function) noexcept
      : file_(file), line_(line), function_(function) {}

  const char* file_ = "";
  std::uint_least32_t line_ = 0;
  const char* function_ = "";
};

// The spelling every op's last parameter uses.
using Where = SourceLocation;

// "file:line (in function)".
inline std::string to_string(const SourceLocation& where) {
  return std::string(where.file_name()) + ":" + std::to_string(where.line()) + " (in " +
         where.function_name() + ")";
}

}  // namespace gg
