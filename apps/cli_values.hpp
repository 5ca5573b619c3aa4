#pragma once
// Numbers on the command line, checked before they are converted: a value that does not fit
// its flag is an error naming the flag, never an undefined float-to-integer cast or a negative
// number wrapped to 2^64 - 1.
#include <cstdint>
#include <string>

namespace gg::app {

// The largest sizes the program accepts. Beyond them no run finishes in a sensible time or
// memory: at --hidden 65536 CIFAR-10's W1 alone is 805 MB, and --batch 65536 rows of it 805 MB
// more (the memory a run needs is also estimated once the data is loaded: memory_budget.hpp).
inline constexpr std::uint64_t kMaxHidden = 65536;
inline constexpr std::uint64_t kMaxBatch = 65536;
inline constexpr std::uint64_t kMaxIterations = 100'000'000;  // the loss history keeps one double each
inline constexpr std::uint64_t kMaxEpochs = 100'000;
inline constexpr std::uint64_t kMaxValidation = 100'000'000;
inline constexpr std::uint64_t kMaxThreads = 4096;

// Parses a whole number in [low, high]: digits ("200", "+200") or a finite number that is
// exactly whole ("1e3", "1000.0"). On success stores it in `value` and returns ""; otherwise
// returns "got 'TEXT', expected a whole number from LOW to HIGH" (or says why: not a number,
// not whole). Never casts a value that does not fit.
std::string parse_whole_number(const std::string& text, std::uint64_t low, std::uint64_t high,
                               std::uint64_t& value);

// The whole of `text` as a number (an optional '+', then what std::from_chars reads); false
// otherwise. Never throws: std::stod refuses some texts from_chars reads (subnormals).
bool parse_number(const std::string& text, double& value);

// Parses a finite number with low < value (low <= value when low_inclusive) and value <= high.
// NaN and infinities are rejected. Returns "" or the message, as parse_whole_number.
std::string parse_finite_number(const std::string& text, double low, bool low_inclusive,
                                double high, double& value);

}  // namespace gg::app
