// Printing a Tensor as LibTorch's operator<< prints a torch::Tensor (ATen's Formatting.cpp), so
// that the output of a gategrad program can be diffed against a LibTorch one's character for
// character. tests/test_core_print.cpp holds LibTorch 1.13's own output for each case.
//
// LibTorch prints through a float64 copy, and chooses one format per matrix: a 1-d tensor, a
// 2-d one, or each 2-d slice of an n-d one. Its rules, including the odd ones (kept on purpose,
// each marked "as LibTorch" below):
//   * integer-valued data: general notation, one column wider than its digits; scientific
//     from 10 digits on;
//   * otherwise fixed with 4 decimals, sized to the largest magnitude; when the magnitudes
//     span more than 4 decades, scientific; when the largest has more than 5 digits or the
//     values are all below 0.1, fixed with a common "1e+05 *" factor on its own line;
//   * nan and inf are ignored when choosing, and printed as the stream prints them;
//   * 80 columns per line; a wider matrix is cut into "Columns 1 to N" blocks.
#include <gategrad/tensor/tensor.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <iomanip>
#include <ios>
#include <ostream>
#include <span>
#include <sstream>
#include <string>
#include <vector>

namespace gg {

namespace {

constexpr std::int64_t kLineWidth = 80;  // LibTorch's default linesize

// The values of t in row-major order, read through its sizes, strides and offset, converted to
// double as LibTorch's printer does (bool prints as 1 and 0, bfloat16 as its float value).
std::vector<double> values_as_double(const Tensor& t) {
  std::vector<double> out;
  const std::int64_t n = t.numel();
  if (n == 0) return out;
  out.reserve(static_cast<std::size_t>(n));
  const IntArrayRef sizes = t.sizes();
  const IntArrayRef strides = t.strides();
  const std::size_t rank = sizes.size();
  visit_dtype(t.dtype(), [&]<class T>() {
    const T* base = t.data_ptr<T>();
    SizeVector index(rank, 0);
    std::int64_t offset = 0;  // of `index`, in elements from base
    for (std::int64_t i = 0; i < n; ++i) {
      out.push_back(static_cast<double>(base[offset]));
      // Odometer: bump the last dim, carrying into earlier ones.
      for (std::size_t d = rank; d-- > 0;) {
        if (++index[d] < sizes[d]) {
          offset += strides[d];
          break;
        }
        offset -= (sizes[d] - 1) * strides[d];
        index[d] = 0;
      }
    }
  });
  return out;
}

enum class Notation { General, Fixed, Scientific };

struct Layout {
  Notation notation = Notation::General;
  std::int64_t width = 0;  // of every value's field
  double scale = 1;        // values print divided by it, under a "scale *" line
};

// Digits before the decimal point of a magnitude: 3 for 123.4, 0 for 0.5, -1 for 0.05 (and 1
// for 0, as LibTorch).
std::int64_t leading_digits(double magnitude) {
  if (magnitude == 0) return 1;
  return static_cast<std::int64_t>(std::floor(std::log10(magnitude))) + 1;
}

// The layout LibTorch chooses for one matrix (or 1-d tensor) of values.
Layout choose_layout(std::span<const double> values) {
  bool integer_valued = true;
  bool any_finite = false;
  double smallest = 0;  // least finite magnitude
  double largest = 0;   // see below
  for (double v : values) {
    if (!std::isfinite(v)) continue;
    if (v != std::ceil(v)) integer_valued = false;
    const double magnitude = std::fabs(v);
    if (!any_finite) {
      smallest = largest = magnitude;
      any_finite = true;
      continue;
    }
    if (magnitude < smallest) smallest = magnitude;
    // As LibTorch: the signed value is compared, so a negative one never raises the largest
    // magnitude unless it comes first ([1.5, -1000.5] is sized for 1.5 and overflows its field).
    if (v > largest) largest = magnitude;
  }
  const std::int64_t lo = any_finite ? leading_digits(smallest) : 1;
  const std::int64_t hi = any_finite ? leading_digits(largest) : 1;

  if (integer_valued) {
    if (hi > 9) return {Notation::Scientific, 11, 1};
    return {Notation::General, hi + 1, 1};
  }
  if (hi - lo > 4) {
    const bool three_digit_exponent = std::abs(hi) > 99 || std::abs(lo) > 99;
    return {Notation::Scientific, three_digit_exponent ? 12 : 11, 1};
  }
  if (hi > 5 || hi < 0) {
    return {Notation::Fixed, 7, std::pow(10.0, static_cast<double>(hi - 1))};
  }
  return {Notation::Fixed, hi == 0 ? 7 : hi + 6, 1};
}

// Sets the stream's notation for `layout`. As LibTorch, general notation keeps whatever
// precision the stream has: the caller's (6 by default), or 4 when an earlier slice of the same
// tensor was fixed or scientific, so 123456 prints as 1.235e+05 there.
void apply_notation(std::ostream& os, const Layout& layout) {
  switch (layout.notation) {
    case Notation::General: os.unsetf(std::ios_base::floatfield); break;
    case Notation::Fixed: os << std::fixed << std::setprecision(4); break;
    case Notation::Scientific: os << std::scientific << std::setprecision(4); break;
  }
}

// Restores the caller's flags and precision on the way out, as LibTorch's printer does.
class FormatRestorer {
 public:
  explicit FormatRestorer(std::ostream& os) : os_(os), saved_(nullptr) { saved_.copyfmt(os); }
  FormatRestorer(const FormatRestorer&) = delete;
  FormatRestorer& operator=(const FormatRestorer&) = delete;
  ~FormatRestorer() { os_.copyfmt(saved_); }

 private:
  std::ostream& os_;
  std::ios saved_;
};

void write_scale_line(std::ostream& os, double scale) {
  const FormatRestorer restore(os);
  os.unsetf(std::ios_base::floatfield);
  os << scale << " *\n";
}

void write_spaces(std::ostream& os, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) os << ' ';
}

// values:(rows,cols) row-major, rows*cols > 0. `indent` is 1 inside an n-d tensor.
// LibTorch's spacing is reproduced as it is: the "Columns a to b" header shares its line with
// the first row (or with the scale line), and under a scale factor every row but the first is
// one space further in.
void write_matrix(std::ostream& os, std::span<const double> values, std::int64_t rows,
                  std::int64_t cols, std::int64_t indent) {
  const Layout layout = choose_layout(values);
  apply_notation(os, layout);
  const std::int64_t per_line = (kLineWidth - indent) / (layout.width + 1);
  const bool wraps = per_line < cols;
  write_spaces(os, indent);
  for (std::int64_t first = 0; first < cols; first += per_line) {
    const std::int64_t last = std::min(first + per_line, cols) - 1;
    if (wraps) {
      if (first != 0) os << '\n';
      os << "Columns " << first + 1 << " to " << last + 1;
      write_spaces(os, indent);
    }
    if (layout.scale != 1) {
      write_scale_line(os, layout.scale);
      write_spaces(os, indent);
    }
    for (std::int64_t r = 0; r < rows; ++r) {
      for (std::int64_t c = first; c <= last; ++c) {
        os << std::setw(static_cast<int>(layout.width))
           << values[static_cast<std::size_t>(r * cols + c)] / layout.scale;
        if (c != last) {
          os << ' ';
          continue;
        }
        os << '\n';
        if (r != rows - 1) write_spaces(os, layout.scale != 1 ? indent + 1 : indent);
      }
    }
  }
}

// values:(s0,...,s_{n-1}) row-major, n >= 3, not empty: one "(i,j,.,.) = " block per matrix.
// As LibTorch, the first leading index varies fastest: (1,1), (2,1), (1,2), ...
void write_slices(std::ostream& os, std::span<const double> values, IntArrayRef sizes) {
  const std::size_t leading = sizes.size() - 2;
  const std::int64_t rows = sizes[leading];
  const std::int64_t cols = sizes[leading + 1];
  const std::int64_t matrix = rows * cols;
  const SizeVector leading_strides = contiguous_strides(IntArrayRef(sizes.data(), leading));
  SizeVector index(leading, 0);
  for (bool first = true;; first = false) {
    if (!first) os << '\n';
    os << '(';
    std::int64_t slice = 0;
    for (std::size_t d = 0; d < leading; ++d) {
      os << index[d] + 1 << ',';
      slice += index[d] * leading_strides[d];
    }
    os << ".,.) = \n";
    write_matrix(os, values.subspan(static_cast<std::size_t>(slice * matrix),
                                    static_cast<std::size_t>(matrix)),
                 rows, cols, 1);
    std::size_t d = 0;
    while (d < leading && ++index[d] == sizes[d]) index[d++] = 0;
    if (d == leading) return;
  }
}

void write_trailer(std::ostream& os, const Tensor& t) {
  os << "[ " << type_name(t.dtype()) << '{';
  const char* separator = "";
  for (std::int64_t s : t.sizes()) {
    os << separator << s;
    separator = ",";
  }
  os << "} ]";
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const Tensor& t) {
  const FormatRestorer restore(os);
  if (!t.defined()) return os << "[ Tensor (undefined) ]";
  const std::vector<double> values = values_as_double(t);
  const std::int64_t rank = t.dim();
  if (rank == 0) {
    os.unsetf(std::ios_base::floatfield);
    os << values[0] << '\n';
  } else if (values.empty()) {
    // Nothing but the trailer, whatever the rank.
  } else if (rank == 1) {
    const Layout layout = choose_layout(values);
    apply_notation(os, layout);
    if (layout.scale != 1) write_scale_line(os, layout.scale);
    for (double v : values) os << std::setw(static_cast<int>(layout.width)) << v / layout.scale << '\n';
  } else if (rank == 2) {
    write_matrix(os, values, t.size(0), t.size(1), 0);
  } else {
    write_slices(os, values, t.sizes());
  }
  write_trailer(os, t);
  return os;
}

std::string to_string(const Tensor& t) {
  std::ostringstream os;
  os << t;
  return os.str();
}

}  // namespace gg
