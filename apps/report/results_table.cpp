#include <gategrad/apps/report/results_table.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace gg::report {
namespace {

std::string escape_cell(const std::string& cell) {
  std::string escaped;
  for (const char c : cell) {
    if (c == '|') {
      escaped += "\\|";
    } else if (c == '\n' || c == '\r' || c == '\t') {
      escaped += ' ';
    } else {
      escaped += c;
    }
  }
  return escaped;
}

void append_line(std::string& out, const std::vector<std::string>& cells,
                 const std::vector<std::size_t>& widths) {
  out += '|';
  for (std::size_t k = 0; k < cells.size(); ++k) {
    out += ' ' + cells[k] + std::string(widths[k] - cells[k].size(), ' ') + " |";
  }
  out += '\n';
}

}  // namespace

MarkdownTable::MarkdownTable(std::vector<std::string> headers) : headers_(std::move(headers)) {
  if (headers_.empty()) {
    throw std::invalid_argument("MarkdownTable: got no headers, expected at least one column");
  }
}

void MarkdownTable::add_row(std::vector<std::string> cells) {
  if (cells.size() != headers_.size()) {
    throw std::invalid_argument("MarkdownTable::add_row: row " + std::to_string(rows_.size() + 1) +
                                " has " + std::to_string(cells.size()) + " cells, expected " +
                                std::to_string(headers_.size()) + " (one per header)");
  }
  rows_.push_back(std::move(cells));
}

std::string MarkdownTable::str() const {
  std::vector<std::string> header = headers_;
  std::vector<std::vector<std::string>> body = rows_;
  for (std::string& cell : header) cell = escape_cell(cell);
  for (auto& row : body) {
    for (std::string& cell : row) cell = escape_cell(cell);
  }
  // Markdown needs at least three dashes under each header.
  std::vector<std::size_t> widths(header.size(), 3);
  for (std::size_t k = 0; k < header.size(); ++k) {
    widths[k] = std::max(widths[k], header[k].size());
    for (const auto& row : body) widths[k] = std::max(widths[k], row[k].size());
  }
  std::string out;
  append_line(out, header, widths);
  std::vector<std::string> rule(header.size());
  for (std::size_t k = 0; k < header.size(); ++k) rule[k] = std::string(widths[k], '-');
  append_line(out, rule, widths);
  for (const auto& row : body) append_line(out, row, widths);
  return out;
}

std::string format_fixed(double value, int digits) {
  if (digits < 0 || digits > 17) {
    throw std::invalid_argument("format_fixed: got " + std::to_string(digits) +
                                " digits, expected 0..17");
  }
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  std::array<char, 400> buffer{};  // 1e308 written out in full, plus 17 decimals
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                                    std::chars_format::fixed, digits);
  return std::string(buffer.data(), result.ptr);
}

}  // namespace gg::report
