// The program's number options on arbitrary strings: the comma-separated lists (`grid --lr
// 1e-4,1e-3 --reg 0,0.25 --hidden 50,100`) either throw the documented CLI::ValidationError or
// return one number per item inside the range their validator promises, and the single-number
// parsers (apps/cli_values.hpp) either say why or give a value in range, never a wrapped or
// undefined cast.
#include "strict.hpp"

#include <gategrad/apps/cli_values.hpp>
#include <gategrad/apps/lists.hpp>

#include <CLI/Error.hpp>

#include <algorithm>
#include <cmath>
#include <string>

namespace {

std::size_t items(const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), ',')) + 1; }

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  gg::fuzz::setup();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (const bool inclusive : {false, true}) {
    try {
      const auto values = gg::app::parse_list("--lr", text, gg::app::number_above(0, inclusive));
      if (values.size() != items(text)) gg::fuzz::fail("parse_list: " + std::to_string(values.size()) + " values");
      for (double v : values) {
        if (!std::isfinite(v) || v < 0 || (!inclusive && v == 0)) gg::fuzz::fail("parse_list: got " + std::to_string(v));
      }
    } catch (const CLI::ValidationError&) {
    } catch (const std::exception& e) {
      gg::fuzz::undocumented("parse_list", e);
    }
  }
  try {
    const auto sizes = gg::app::parse_size_list("--hidden", text);
    if (sizes.size() != items(text)) gg::fuzz::fail("parse_size_list: " + std::to_string(sizes.size()) + " values");
    for (std::size_t s : sizes) {
      if (s == 0 || s > gg::app::kMaxHidden) gg::fuzz::fail("parse_size_list: got " + std::to_string(s));
    }
  } catch (const CLI::ValidationError&) {
  } catch (const std::exception& e) {
    gg::fuzz::undocumented("parse_size_list", e);
  }
  std::uint64_t whole = 0;
  if (gg::app::parse_whole_number(text, 1, gg::app::kMaxBatch, whole).empty() && (whole < 1 || whole > gg::app::kMaxBatch)) {
    gg::fuzz::fail("parse_whole_number: accepted " + std::to_string(whole));
  }
  double number = 0;
  if (gg::app::parse_finite_number(text, 0, false, 1, number).empty() && !(number > 0 && number <= 1)) {
    gg::fuzz::fail("parse_finite_number: accepted " + std::to_string(number));
  }
  return 0;
}
