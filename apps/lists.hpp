#pragma once
// The gategrad program's number options: validators whose messages say what was expected, and
// comma-separated lists of them (`grid --lr 1e-4,5e-4`). Apart from main.cpp so that the fuzz
// targets (fuzz/fuzz_lists.cpp) reach them. The checks themselves are in cli_values.hpp.
#include <gategrad/apps/cli_values.hpp>

#include <CLI/CLI.hpp>  // Validators.hpp alone does not compile in CLI11 2.1 (it needs Error.hpp first)

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace gg::app {

// Accepts a whole-string finite number > low (>= low when inclusive); CLI11's own validators
// name the type's full range instead.
CLI::Validator number_above(double low, bool inclusive);

// A finite number in (low, high] ([low, high] when low_inclusive): NaN is rejected, unlike
// CLI::Range, whose comparisons NaN passes.
CLI::Validator number_between(double low, bool low_inclusive, double high);

// A whole number in [low, high], rewritten as plain digits ("1e3" -> "1000") so that CLI11
// converts it into an integer option exactly; "-1" and "1e20" are errors, not wrapped or cast.
CLI::Validator whole_number(std::uint64_t low, std::uint64_t high);

// A comma-separated list: every item must be present and pass `check` (CLI11 would skip empty
// items of "1e-3,,2" silently). Throws CLI::ValidationError naming `flag` and the list.
std::vector<double> parse_list(const std::string& flag, const std::string& text,
                               const CLI::Validator& check);

// A list of whole numbers from 1 to max (`grid --hidden 50,100`); throws CLI::ValidationError.
std::vector<std::size_t> parse_size_list(const std::string& flag, const std::string& text,
                                         std::uint64_t max = kMaxHidden);

}  // namespace gg::app
