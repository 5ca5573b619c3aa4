// Printing gg::Tensor as LibTorch prints torch::Tensor (tensor/print.cpp).
//
// Every expected string below is the exact output of LibTorch 1.13's operator<< (libtorch-dev
// 1.13.1 on Debian 12) for the same values, sizes, strides and dtype, produced by a throwaway
// program outside this repository (`std::ostringstream s; s << t;`). When printing changes,
// regenerate them from LibTorch instead of editing them by hand.
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/tensor.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <initializer_list>
#include <iomanip>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <type_traits>

using gg::Tensor;

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

template <class T>
T to_element(double v) {
  if constexpr (std::is_same_v<T, gg::BFloat16> || std::is_same_v<T, float>) {
    return T(static_cast<float>(v));
  } else {
    return static_cast<T>(v);
  }
}

// A contiguous tensor of dtype T holding `values` in row-major order.
template <class T>
Tensor filled(gg::IntArrayRef sizes, std::initializer_list<double> values) {
  Tensor t = gg::empty(sizes, gg::dtype_of<T>);
  REQUIRE(static_cast<std::size_t>(t.numel()) == values.size());
  T* p = t.data_ptr<T>();
  for (double v : values) *p++ = to_element<T>(v);
  return t;
}

// start, start + step, ... in row-major order: arange(n) * step + start, viewed as `sizes`.
template <class T>
Tensor ramp(gg::IntArrayRef sizes, double step = 1, double start = 0) {
  Tensor t = gg::empty(sizes, gg::dtype_of<T>);
  T* p = t.data_ptr<T>();
  for (std::int64_t i = 0; i < t.numel(); ++i) {
    p[i] = to_element<T>(start + static_cast<double>(i) * step);
  }
  return t;
}

// A view of base's storage with hand-set sizes, strides and offset (as torch.as_strided), so
// that these tests read strided data without depending on the view kernels.
Tensor strided(const Tensor& base, gg::IntArrayRef sizes, gg::IntArrayRef strides,
               std::int64_t offset = 0) {
  auto impl = std::make_shared<gg::TensorImpl>(*base.unsafe_impl());
  impl->sizes = sizes.vec();
  impl->strides = strides.vec();
  impl->storage_offset = offset;
  return Tensor(std::move(impl));
}

// to_string and operator<< on a fresh stream must both give LibTorch's text.
void check_prints(const Tensor& t, const std::string& expected) {
  CHECK(gg::to_string(t) == expected);
  std::ostringstream os;
  os << t;
  CHECK(os.str() == expected);
}

}  // namespace

TEST_CASE("print: integer-valued floats print without decimals", "[core][print]") {
  check_prints(filled<float>({2, 3}, {1, 2, 3, 4, 5, 6}),
      " 1  2  3\n"
      " 4  5  6\n"
      "[ CPUFloatType{2,3} ]");
  check_prints(gg::zeros({2, 2}),
      " 0  0\n"
      " 0  0\n"
      "[ CPUFloatType{2,2} ]");
  check_prints(filled<float>({1, 1}, {0}),
      " 0\n"
      "[ CPUFloatType{1,1} ]");
  // From 10 digits on, scientific.
  check_prints(filled<double>({2}, {12345678901.0, 1}),
      " 1.2346e+10\n"
      " 1.0000e+00\n"
      "[ CPUDoubleType{2} ]");
  // 7 digits: general notation at the stream's precision (6), as LibTorch.
  check_prints(filled<float>({2}, {1234567, 1}),
      "1.23457e+06\n"
      "       1\n"
      "[ CPUFloatType{2} ]");
  check_prints(filled<float>({2}, {-0.0, 1}),
      "-0\n"
      " 1\n"
      "[ CPUFloatType{2} ]");
}

TEST_CASE("print: fractions are fixed with 4 decimals, sized to the largest", "[core][print]") {
  check_prints(filled<float>({3}, {0.5, -1.25, 3.14159}),
      " 0.5000\n"
      "-1.2500\n"
      " 3.1416\n"
      "[ CPUFloatType{3} ]");
  check_prints(filled<float>({2, 2}, {0.5, -1.25, 3.14159, 10}),
      "  0.5000  -1.2500\n"
      "  3.1416  10.0000\n"
      "[ CPUFloatType{2,2} ]");
  check_prints(filled<float>({3}, {-1.5, 2.25, -3}),
      "-1.5000\n"
      " 2.2500\n"
      "-3.0000\n"
      "[ CPUFloatType{3} ]");
  check_prints(filled<float>({2}, {0.5, 0.25}),
      " 0.5000\n"
      " 0.2500\n"
      "[ CPUFloatType{2} ]");
  check_prints(filled<float>({2}, {0.05, 12.5}),
      "  0.0500\n"
      " 12.5000\n"
      "[ CPUFloatType{2} ]");
  check_prints(filled<float>({2}, {12345.5, 1.5}),
      " 12345.5000\n"
      "     1.5000\n"
      "[ CPUFloatType{2} ]");
  check_prints(filled<double>({3}, {0.1, 1.5, -2}),
      " 0.1000\n"
      " 1.5000\n"
      "-2.0000\n"
      "[ CPUDoubleType{3} ]");
}

TEST_CASE("print: a negative value sizes the field only when it comes first", "[core][print]") {
  // LibTorch compares the signed value against the largest magnitude so far.
  check_prints(filled<float>({2}, {-1000.5, 1.5}),
      "-1000.5000\n"
      "    1.5000\n"
      "[ CPUFloatType{2} ]");
  check_prints(filled<float>({2}, {1.5, -1000.5}),
      " 1.5000\n"
      "-1000.5000\n"
      "[ CPUFloatType{2} ]");
  check_prints(filled<float>({3}, {-123456.5, 1.5, 2.5}),
      "-1.2346e+05\n"
      " 1.5000e+00\n"
      " 2.5000e+00\n"
      "[ CPUFloatType{3} ]");
}

TEST_CASE("print: large or small magnitudes share a scale factor line", "[core][print]") {
  check_prints(filled<float>({3}, {123456.7, 23456.1, 100000}),
      "1e+05 *\n"
      " 1.2346\n"
      " 0.2346\n"
      " 1.0000\n"
      "[ CPUFloatType{3} ]");
  // Under a scale every row but the first is one space further in, as LibTorch.
  check_prints(filled<float>({2, 2}, {123456.7, 23456.1, 100000, 99999.5}),
      "1e+05 *\n"
      " 1.2346  0.2346\n"
      "  1.0000  1.0000\n"
      "[ CPUFloatType{2,2} ]");
  check_prints(filled<float>({3, 2}, {123456.7, 23456.1, 100000, 99999.5, 1e5, 2e5}),
      "1e+05 *\n"
      " 1.2346  0.2346\n"
      "  1.0000  1.0000\n"
      "  1.0000  2.0000\n"
      "[ CPUFloatType{3,2} ]");
  check_prints(filled<float>({3}, {0.001234, 0.0005, 0.0021}),
      "0.001 *\n"
      " 1.2340\n"
      " 0.5000\n"
      " 2.1000\n"
      "[ CPUFloatType{3} ]");
  check_prints(filled<float>({2, 2}, {0.001234, 0.0005, 0.0021, 0.003}),
      "0.001 *\n"
      " 1.2340  0.5000\n"
      "  2.1000  3.0000\n"
      "[ CPUFloatType{2,2} ]");
  check_prints(filled<float>({2}, {0.05, 0.025}),
      "0.01 *\n"
      " 5.0000\n"
      " 2.5000\n"
      "[ CPUFloatType{2} ]");
}

TEST_CASE("print: magnitudes spanning more than 4 decades are scientific", "[core][print]") {
  check_prints(filled<float>({3}, {1e10, 1e-5, 1.5}),
      " 1.0000e+10\n"
      " 1.0000e-05\n"
      " 1.5000e+00\n"
      "[ CPUFloatType{3} ]");
  check_prints(filled<float>({2, 2}, {1e10, 1e-5, 1.5, -2}),
      " 1.0000e+10  1.0000e-05\n"
      " 1.5000e+00 -2.0000e+00\n"
      "[ CPUFloatType{2,2} ]");
  check_prints(filled<float>({2}, {0.0001, 1000}),
      " 1.0000e-04\n"
      " 1.0000e+03\n"
      "[ CPUFloatType{2} ]");
  check_prints(filled<float>({2}, {0.00015, 1000.5}),
      " 1.5000e-04\n"
      " 1.0005e+03\n"
      "[ CPUFloatType{2} ]");
  // A three-digit exponent widens the field by one.
  check_prints(filled<double>({3}, {1e-120, 1.5, 2e150}),
      " 1.0000e-120\n"
      "  1.5000e+00\n"
      " 2.0000e+150\n"
      "[ CPUDoubleType{3} ]");
  check_prints(filled<double>({1, 2}, {1e-120, 1.5}),
      " 1.0000e-120   1.5000e+00\n"
      "[ CPUDoubleType{1,2} ]");
}

TEST_CASE("print: nan and inf are printed but do not choose the format", "[core][print]") {
  check_prints(filled<float>({4}, {kNan, kInf, -kInf, 1.5}),
      "    nan\n"
      "    inf\n"
      "   -inf\n"
      " 1.5000\n"
      "[ CPUFloatType{4} ]");
  check_prints(filled<float>({4}, {kNan, kInf, -kInf, 2}),
      "nan\n"
      "inf\n"
      "-inf\n"
      " 2\n"
      "[ CPUFloatType{4} ]");
  check_prints(filled<float>({2}, {kNan, kInf}),
      "nan\n"
      "inf\n"
      "[ CPUFloatType{2} ]");
  check_prints(filled<float>({2}, {-kNan, 1.5}),
      "   -nan\n"
      " 1.5000\n"
      "[ CPUFloatType{2} ]");
}

TEST_CASE("print: int64, bool and bfloat16 print through their double values", "[core][print]") {
  check_prints(filled<std::int64_t>({3}, {1, -20, 300}),
      "   1\n"
      " -20\n"
      " 300\n"
      "[ CPULongType{3} ]");
  check_prints(filled<std::int64_t>({2}, {10000000000.0, 3}),
      " 1.0000e+10\n"
      " 3.0000e+00\n"
      "[ CPULongType{2} ]");
  check_prints(ramp<std::int64_t>({2, 3}),
      " 0  1  2\n"
      " 3  4  5\n"
      "[ CPULongType{2,3} ]");
  check_prints(filled<bool>({3}, {1, 0, 1}),
      " 1\n"
      " 0\n"
      " 1\n"
      "[ CPUBoolType{3} ]");
  check_prints(filled<bool>({2, 2}, {1, 0, 1, 1}),
      " 1  0\n"
      " 1  1\n"
      "[ CPUBoolType{2,2} ]");
  // bfloat16(0.1) is 0.10009765625.
  check_prints(filled<gg::BFloat16>({3}, {0.1, 1.5, -2}),
      " 0.1001\n"
      " 1.5000\n"
      "-2.0000\n"
      "[ CPUBFloat16Type{3} ]");
  check_prints(filled<gg::BFloat16>({2, 2}, {0.1, 1.5, -2, 300}),
      "   0.1001    1.5000\n"
      "  -2.0000  300.0000\n"
      "[ CPUBFloat16Type{2,2} ]");
}

TEST_CASE("print: a 0-d tensor prints its value in general notation", "[core][print]") {
  check_prints(filled<float>({}, {3.5}),
      "3.5\n"
      "[ CPUFloatType{} ]");
  check_prints(filled<double>({}, {0.123456789}),
      "0.123457\n"
      "[ CPUDoubleType{} ]");
  check_prints(filled<float>({}, {1234567}),
      "1.23457e+06\n"
      "[ CPUFloatType{} ]");
  check_prints(filled<std::int64_t>({}, {7}),
      "7\n"
      "[ CPULongType{} ]");
  check_prints(filled<bool>({}, {1}),
      "1\n"
      "[ CPUBoolType{} ]");
  check_prints(filled<gg::BFloat16>({}, {0.1}),
      "0.100098\n"
      "[ CPUBFloat16Type{} ]");
}

TEST_CASE("print: n-d tensors print one block per matrix, first index fastest", "[core][print]") {
  check_prints(ramp<float>({2, 3, 4}),
      "(1,.,.) = \n"
      "   0   1   2   3\n"
      "   4   5   6   7\n"
      "   8   9  10  11\n"
      "\n"
      "(2,.,.) = \n"
      "  12  13  14  15\n"
      "  16  17  18  19\n"
      "  20  21  22  23\n"
      "[ CPUFloatType{2,3,4} ]");
  check_prints(ramp<float>({3, 2, 2}, 0.25),
      "(1,.,.) = \n"
      "  0.0000  0.2500\n"
      "  0.5000  0.7500\n"
      "\n"
      "(2,.,.) = \n"
      "  1.0000  1.2500\n"
      "  1.5000  1.7500\n"
      "\n"
      "(3,.,.) = \n"
      "  2.0000  2.2500\n"
      "  2.5000  2.7500\n"
      "[ CPUFloatType{3,2,2} ]");
  // Each matrix chooses its own format.
  check_prints(ramp<float>({2, 2, 2}, 100000, 0.5),
      "(1,.,.) = \n"
      "  5.0000e-01  1.0000e+05\n"
      "  2.0000e+05  3.0000e+05\n"
      "\n"
      "(2,.,.) = \n"
      " 1e+05 *\n"
      "  4.0000  5.0000\n"
      "   6.0000  7.0000\n"
      "[ CPUFloatType{2,2,2} ]");
  check_prints(ramp<std::int64_t>({2, 1, 2, 2}),
      "(1,1,.,.) = \n"
      "  0  1\n"
      "  2  3\n"
      "\n"
      "(2,1,.,.) = \n"
      "  4  5\n"
      "  6  7\n"
      "[ CPULongType{2,1,2,2} ]");
  // LibTorch walks the leading indices with the first one fastest: (1,1), (2,1), (1,2), ...
  check_prints(ramp<std::int64_t>({2, 3, 1, 2}),
      "(1,1,.,.) = \n"
      "  0  1\n"
      "\n"
      "(2,1,.,.) = \n"
      "  6  7\n"
      "\n"
      "(1,2,.,.) = \n"
      "  2  3\n"
      "\n"
      "(2,2,.,.) = \n"
      "  8  9\n"
      "\n"
      "(1,3,.,.) = \n"
      "  4  5\n"
      "\n"
      "(2,3,.,.) = \n"
      "  10  11\n"
      "[ CPULongType{2,3,1,2} ]");
  check_prints(ramp<std::int64_t>({1, 2, 1, 2, 1}),
      "(1,1,1,.,.) = \n"
      "  0\n"
      "  1\n"
      "\n"
      "(1,2,1,.,.) = \n"
      "  2\n"
      "  3\n"
      "[ CPULongType{1,2,1,2,1} ]");
  // General notation keeps the precision 4 that the fixed first matrix set, as LibTorch.
  check_prints(filled<float>({2, 1, 2}, {0.5, 1.5, 123456, 7}),
      "(1,.,.) = \n"
      "  0.5000  1.5000\n"
      "\n"
      "(2,.,.) = \n"
      " 1.235e+05       7\n"
      "[ CPUFloatType{2,1,2} ]");
}

TEST_CASE("print: strided tensors are read through their strides and offset", "[core][print]") {
  const Tensor m = ramp<float>({2, 3});
  check_prints(strided(m, {3, 2}, {1, 3}),  // m.t()
      " 0  3\n"
      " 1  4\n"
      " 2  5\n"
      "[ CPUFloatType{3,2} ]");
  check_prints(strided(ramp<float>({2, 3}, 0.125), {3, 2}, {1, 3}),
      " 0.0000  0.3750\n"
      " 0.1250  0.5000\n"
      " 0.2500  0.6250\n"
      "[ CPUFloatType{3,2} ]");
  const Tensor e = ramp<float>({3, 4});
  check_prints(strided(e, {3}, {4}, 2),  // e.select(1, 2)
      "  2\n"
      "  6\n"
      " 10\n"
      "[ CPUFloatType{3} ]");
  check_prints(strided(e, {3, 2}, {4, 2}),  // e.slice(1, 0, 4, 2)
      "  0   2\n"
      "  4   6\n"
      "  8  10\n"
      "[ CPUFloatType{3,2} ]");
  check_prints(strided(filled<float>({2, 1}, {1.5, 2.5}), {2, 3}, {1, 0}),  // expand({2, 3})
      " 1.5000  1.5000  1.5000\n"
      " 2.5000  2.5000  2.5000\n"
      "[ CPUFloatType{2,3} ]");
  check_prints(strided(ramp<float>({10}), {2, 2}, {1, 3}, 4),
      " 4  7\n"
      " 5  8\n"
      "[ CPUFloatType{2,2} ]");
  check_prints(strided(ramp<float>({2, 2, 2}), {2, 2, 2}, {1, 4, 2}),  // permute({2, 0, 1})
      "(1,.,.) = \n"
      "  0  2\n"
      "  4  6\n"
      "\n"
      "(2,.,.) = \n"
      "  1  3\n"
      "  5  7\n"
      "[ CPUFloatType{2,2,2} ]");
}

TEST_CASE("print: wide matrices wrap at 80 columns into column blocks", "[core][print]") {
  // The "Columns a to b" header shares its line with the first row, as LibTorch.
  check_prints(ramp<float>({3, 30}, 0.125),
      "Columns 1 to 8  0.0000   0.1250   0.2500   0.3750   0.5000   0.6250   0.7500   0.8750\n"
      "  3.7500   3.8750   4.0000   4.1250   4.2500   4.3750   4.5000   4.6250\n"
      "  7.5000   7.6250   7.7500   7.8750   8.0000   8.1250   8.2500   8.3750\n"
      "\n"
      "Columns 9 to 16  1.0000   1.1250   1.2500   1.3750   1.5000   1.6250   1.7500   1.8750\n"
      "  4.7500   4.8750   5.0000   5.1250   5.2500   5.3750   5.5000   5.6250\n"
      "  8.5000   8.6250   8.7500   8.8750   9.0000   9.1250   9.2500   9.3750\n"
      "\n"
      "Columns 17 to 24  2.0000   2.1250   2.2500   2.3750   2.5000   2.6250   2.7500   2.8750\n"
      "  5.7500   5.8750   6.0000   6.1250   6.2500   6.3750   6.5000   6.6250\n"
      "  9.5000   9.6250   9.7500   9.8750  10.0000  10.1250  10.2500  10.3750\n"
      "\n"
      "Columns 25 to 30  3.0000   3.1250   3.2500   3.3750   3.5000   3.6250\n"
      "  6.7500   6.8750   7.0000   7.1250   7.2500   7.3750\n"
      " 10.5000  10.6250  10.7500  10.8750  11.0000  11.1250\n"
      "[ CPUFloatType{3,30} ]");
  check_prints(ramp<std::int64_t>({2, 30}),
      "Columns 1 to 20  0   1   2   3   4   5   6   7   8   9  10  11  12  13  14  15  16  17  18  19\n"
      " 30  31  32  33  34  35  36  37  38  39  40  41  42  43  44  45  46  47  48  49\n"
      "\n"
      "Columns 21 to 30 20  21  22  23  24  25  26  27  28  29\n"
      " 50  51  52  53  54  55  56  57  58  59\n"
      "[ CPULongType{2,30} ]");
  check_prints(ramp<float>({2, 20}, 10000, 100000.5),
      "Columns 1 to 101e+05 *\n"
      " 1.0000  1.1000  1.2000  1.3000  1.4000  1.5000  1.6000  1.7000  1.8000  1.9000\n"
      "  3.0000  3.1000  3.2000  3.3000  3.4000  3.5000  3.6000  3.7000  3.8000  3.9000\n"
      "\n"
      "Columns 11 to 201e+05 *\n"
      " 2.0000  2.1000  2.2000  2.3000  2.4000  2.5000  2.6000  2.7000  2.8000  2.9000\n"
      "  4.0000  4.1000  4.2000  4.3000  4.4000  4.5000  4.6000  4.7000  4.8000  4.9000\n"
      "[ CPUFloatType{2,20} ]");
  check_prints(ramp<float>({2, 1, 30}, 0.125),
      "(1,.,.) = \n"
      " Columns 1 to 9  0.0000  0.1250  0.2500  0.3750  0.5000  0.6250  0.7500  0.8750  1.0000\n"
      "\n"
      "Columns 10 to 18  1.1250  1.2500  1.3750  1.5000  1.6250  1.7500  1.8750  2.0000  2.1250\n"
      "\n"
      "Columns 19 to 27  2.2500  2.3750  2.5000  2.6250  2.7500  2.8750  3.0000  3.1250  3.2500\n"
      "\n"
      "Columns 28 to 30  3.3750  3.5000  3.6250\n"
      "\n"
      "(2,.,.) = \n"
      " Columns 1 to 9  3.7500  3.8750  4.0000  4.1250  4.2500  4.3750  4.5000  4.6250  4.7500\n"
      "\n"
      "Columns 10 to 18  4.8750  5.0000  5.1250  5.2500  5.3750  5.5000  5.6250  5.7500  5.8750\n"
      "\n"
      "Columns 19 to 27  6.0000  6.1250  6.2500  6.3750  6.5000  6.6250  6.7500  6.8750  7.0000\n"
      "\n"
      "Columns 28 to 30  7.1250  7.2500  7.3750\n"
      "[ CPUFloatType{2,1,30} ]");
  check_prints(ramp<float>({2, 1, 20}, 10000, 100000.5),
      "(1,.,.) = \n"
      " Columns 1 to 9 1e+05 *\n"
      "  1.0000  1.1000  1.2000  1.3000  1.4000  1.5000  1.6000  1.7000  1.8000\n"
      "\n"
      "Columns 10 to 18 1e+05 *\n"
      "  1.9000  2.0000  2.1000  2.2000  2.3000  2.4000  2.5000  2.6000  2.7000\n"
      "\n"
      "Columns 19 to 20 1e+05 *\n"
      "  2.8000  2.9000\n"
      "\n"
      "(2,.,.) = \n"
      " Columns 1 to 9 1e+05 *\n"
      "  3.0000  3.1000  3.2000  3.3000  3.4000  3.5000  3.6000  3.7000  3.8000\n"
      "\n"
      "Columns 10 to 18 1e+05 *\n"
      "  3.9000  4.0000  4.1000  4.2000  4.3000  4.4000  4.5000  4.6000  4.7000\n"
      "\n"
      "Columns 19 to 20 1e+05 *\n"
      "  4.8000  4.9000\n"
      "[ CPUFloatType{2,1,20} ]");
}

TEST_CASE("print: empty and undefined tensors print only their trailer", "[core][print]") {
  check_prints(gg::empty({0, 3}),
      "[ CPUFloatType{0,3} ]");
  check_prints(gg::empty({0}),
      "[ CPUFloatType{0} ]");
  check_prints(gg::empty({2, 0, 3}),
      "[ CPUFloatType{2,0,3} ]");
  check_prints(gg::empty({3, 0}),
      "[ CPUFloatType{3,0} ]");
  check_prints(gg::empty({0}, gg::kBool),
      "[ CPUBoolType{0} ]");
  check_prints(gg::empty({0, 3}, gg::kInt64),
      "[ CPULongType{0,3} ]");
  check_prints(Tensor(),
      "[ Tensor (undefined) ]");
}

TEST_CASE("print: the stream's format is restored and its precision honoured", "[core][print]") {
  std::ostringstream os;
  os << std::setprecision(3) << filled<float>({2}, {0.5, 1.25}) << " " << 3.14159265;
  CHECK(os.str() ==
      " 0.5000\n"
      " 1.2500\n"
      "[ CPUFloatType{2} ] 3.14");
  // General notation (0-d values, integer-valued data) prints at the caller's precision.
  std::ostringstream scalar;
  scalar << std::setprecision(3) << filled<double>({}, {0.123456789});
  CHECK(scalar.str() ==
      "0.123\n"
      "[ CPUDoubleType{} ]");
  std::ostringstream integers;
  integers << std::setprecision(3) << filled<float>({2}, {1234, 1});
  CHECK(integers.str() ==
      "1.23e+03\n"
      "    1\n"
      "[ CPUFloatType{2} ]");
}
