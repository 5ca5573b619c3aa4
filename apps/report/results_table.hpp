#pragma once
// Markdown tables for results.md: readable as plain text (columns padded to equal width) and
// rendered as tables on GitHub.
//
//   | hidden | val accuracy |
//   | ------ | ------------ |
//   | 50     | 0.512        |
#include <string>
#include <vector>

namespace gg::report {

class MarkdownTable {
 public:
  // Throws std::invalid_argument when headers is empty.
  explicit MarkdownTable(std::vector<std::string> headers);

  // Throws std::invalid_argument naming the row's number when it does not have one cell per
  // header.
  void add_row(std::vector<std::string> cells);

  std::size_t rows() const { return rows_.size(); }

  // The table, one line per row, each ending in '\n'. A '|' in a cell is escaped as "\|" and a
  // line break becomes a space, so no cell can break the table.
  std::string str() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// value with exactly `digits` digits after the point ("0.861" for (0.8612, 3)); "nan", "inf" and
// "-inf" for non-finite values. Throws std::invalid_argument when digits is not in 0..17.
std::string format_fixed(double value, int digits);

}  // namespace gg::report
