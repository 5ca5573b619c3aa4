// gg::gemm against its specification gg::gemm_reference over many shapes, every transpose,
// padded leading dimensions, alpha/beta, float and double, on 1 and 2 threads.
#include <gategrad/tensor/gemm.hpp>
#include <gategrad/tensor/gemm/blocking.hpp>
#include <gategrad/tensor/parallel.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

using gg::Trans;

struct Shape {
  std::size_t M, N, K;
};

struct Scalars {
  double alpha, beta;
  std::size_t pad;  // extra elements per row beyond the width (leading dimension padding)
};

// beta = 0 runs on a C full of NaN; padding is NaN too, so reading it poisons the result.
const Scalars kScalars[] = {{1.0, 0.0, 0}, {1.0, 1.0, 3}, {-0.75, 0.5, 17}};

template <class T>
struct Matrix {
  std::size_t rows, cols, ld;
  std::vector<T> data;
  Matrix(std::size_t r, std::size_t c, std::size_t pad)
      : rows(r), cols(c), ld(c + pad),
        data(r * (c + pad), std::numeric_limits<T>::quiet_NaN()) {}
  T& at(std::size_t i, std::size_t j) { return data[i * ld + j]; }
  const T& at(std::size_t i, std::size_t j) const { return data[i * ld + j]; }
};

template <class T>
Matrix<T> random_matrix(std::size_t rows, std::size_t cols, std::size_t pad, std::mt19937& rng) {
  Matrix<T> m(rows, cols, pad);
  std::uniform_real_distribution<double> dist(-1.0, 1.0);
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t j = 0; j < cols; ++j) m.at(i, j) = static_cast<T>(dist(rng));
  }
  return m;
}

template <class T>
Matrix<T> absolute(Matrix<T> m) {
  for (std::size_t i = 0; i < m.rows; ++i) {
    for (std::size_t j = 0; j < m.cols; ++j) m.at(i, j) = std::abs(m.at(i, j));
  }
  return m;
}

std::string describe(Trans ta, Trans tb, const Shape& s, const Scalars& sc, int threads) {
  std::ostringstream out;
  out << (ta == Trans::Yes ? "T" : "N") << (tb == Trans::Yes ? "T" : "N") << " M=" << s.M
      << " N=" << s.N << " K=" << s.K << " alpha=" << sc.alpha << " beta=" << sc.beta
      << " pad=" << sc.pad << " threads=" << threads;
  return out.str();
}

// Elements of got outside the error bound (see check_case) or NaN, and padding of C that was
// written; with a description of the first one.
template <class T>
std::pair<std::size_t, std::string> mismatches(const Matrix<T>& got, const Matrix<T>& expected,
                                               const Matrix<T>& magnitude, const Matrix<T>& C0,
                                               std::size_t K) {
  const T eps = std::numeric_limits<T>::epsilon();
  std::size_t bad = 0;
  std::string first_bad;
  for (std::size_t i = 0; i < got.rows; ++i) {
    for (std::size_t j = 0; j < got.cols; ++j) {
      const T tolerance = 2 * static_cast<T>(K + 2) * eps * (magnitude.at(i, j) + eps);
      const T diff = std::abs(got.at(i, j) - expected.at(i, j));
      if (!(diff <= tolerance) && bad++ == 0) {  // !(<=) also catches NaN
        std::ostringstream out;
        out << "C(" << i << "," << j << ") = " << got.at(i, j) << ", expected "
            << expected.at(i, j) << " (tolerance " << tolerance << ")";
        first_bad = out.str();
      }
    }
    // The padding of C belongs to the caller: it must be left as it was.
    for (std::size_t j = got.cols; j < got.ld; ++j) {
      const T before = C0.at(i, j);
      const T after = got.at(i, j);
      if (!(std::isnan(before) ? std::isnan(after) : after == before) && bad++ == 0) {
        first_bad = "padding of C row " + std::to_string(i) + " was written";
      }
    }
  }
  return {bad, first_bad};
}

// Runs one case on each thread count; the error bound per element is the classic dot-product
// bound (K + 2) * eps * (|alpha| * sum_k |a_ik b_kj| + |beta c_ij|), doubled for slack.
template <class T>
void check_case(Trans ta, Trans tb, const Shape& s, const Scalars& sc,
                const std::vector<int>& thread_counts) {
  std::mt19937 rng(static_cast<unsigned>(s.M * 7919 + s.N * 104729 + s.K * 31 + sc.pad));
  const bool a_t = ta == Trans::Yes;
  const bool b_t = tb == Trans::Yes;
  const Matrix<T> A = random_matrix<T>(a_t ? s.K : s.M, a_t ? s.M : s.K, sc.pad, rng);
  const Matrix<T> B = random_matrix<T>(b_t ? s.N : s.K, b_t ? s.K : s.N, sc.pad, rng);
  Matrix<T> C0 = random_matrix<T>(s.M, s.N, sc.pad, rng);
  if (sc.beta == 0.0) C0 = Matrix<T>(s.M, s.N, sc.pad);  // all NaN: must never be read
  const T alpha = static_cast<T>(sc.alpha);
  const T beta = static_cast<T>(sc.beta);

  Matrix<T> expected = C0;
  gg::gemm_reference<T>(ta, tb, s.M, s.N, s.K, alpha, A.data.data(), A.ld, B.data.data(), B.ld,
                        beta, expected.data.data(), expected.ld);
  // Magnitudes for the bound: |alpha| |A| |B| + |beta| |C0|.
  Matrix<T> magnitude = absolute(C0);
  if (sc.beta == 0.0) magnitude = Matrix<T>(s.M, s.N, sc.pad);
  const Matrix<T> abs_a = absolute(A);
  const Matrix<T> abs_b = absolute(B);
  gg::gemm_reference<T>(ta, tb, s.M, s.N, s.K, std::abs(alpha), abs_a.data.data(), abs_a.ld,
                        abs_b.data.data(), abs_b.ld, std::abs(beta), magnitude.data.data(),
                        magnitude.ld);

  for (int threads : thread_counts) {
    INFO(describe(ta, tb, s, sc, threads));
    Matrix<T> got = C0;
    gg::set_num_threads(threads);
    gg::gemm<T>(ta, tb, s.M, s.N, s.K, alpha, A.data.data(), A.ld, B.data.data(), B.ld, beta,
                got.data.data(), got.ld);
    gg::set_num_threads(1);
    const auto [bad, first_bad] = mismatches(got, expected, magnitude, C0, s.K);
    INFO(first_bad);
    CHECK(bad == 0);
  }
}

// Every shape with every transpose combination; with every_scalars, each also with every
// alpha/beta/padding set, else with one set per combination in turn (all sets still occur for
// every shape), which keeps the large shapes fast under the sanitizers.
template <class T>
void check_shapes(const std::vector<Shape>& shapes, const std::vector<int>& thread_counts,
                  bool every_scalars) {
  const int saved = gg::num_threads();
  std::size_t turn = 0;
  for (const Shape& s : shapes) {
    for (Trans ta : {Trans::No, Trans::Yes}) {
      for (Trans tb : {Trans::No, Trans::Yes}) {
        if (every_scalars) {
          for (const Scalars& sc : kScalars) check_case<T>(ta, tb, s, sc, thread_counts);
        } else {
          check_case<T>(ta, tb, s, kScalars[turn++ % std::size(kScalars)], thread_counts);
        }
      }
    }
  }
  gg::set_num_threads(saved);
}

}  // namespace

TEMPLATE_TEST_CASE("gemm matches the reference on small and odd sizes", "[gemm]", float, double) {
  std::vector<Shape> shapes;
  // Edge tiles of every row kernel (AVX-512: MR = 14; edges of m <= 4 and m <= 8 rows take
  // kernels of 4 and 8 rows): 18 = 14 + 4, 22 = 14 + 8, 23 = 14 + 9.
  for (std::size_t M : {1, 2, 7, 13, 18, 22, 23, 31}) {
    for (std::size_t N : {1, 7, 13, 31}) {
      for (std::size_t K : {1, 7, 13, 31}) shapes.push_back({M, N, K});
    }
  }
  check_shapes<TestType>(shapes, {1}, true);
}

TEMPLATE_TEST_CASE("gemm matches the reference on prime, skinny and MLP-like shapes", "[gemm]",
                   float, double) {
  const std::vector<Shape> shapes = {
      {97, 127, 257}, {257, 31, 127}, {127, 257, 31},          // primes, several threads
      {1, 784, 256},  {1, 257, 97},   {3, 97, 301},  {4, 50, 64},  // the few-rows path
      {5, 60, 70},    {1000, 1, 1},   {1, 1, 1000},  {1, 1000, 1}, {1000, 1, 3},
      {3, 3000, 5},   {17, 2, 2000},  {150, 200, 50}, {30, 150, 600},  {3, 2000, 200},
      {300, 5, 200},  {32, 784, 100}, {300, 600, 1},   // a rank-1 update over threads
      {64, 64, 64},   {70, 96, 40}};  // many row panels over a B small enough to read in place
  check_shapes<TestType>(shapes, {1, 2}, false);
}

// K >= 4 max(M, N) and K >= 2 KC: threads split K and sum their partial products; with 4
// threads on K = 600 (three KC blocks) one thread gets no K at all.
TEMPLATE_TEST_CASE("gemm splits a long K between threads", "[gemm]", float, double) {
  const std::vector<Shape> shapes = {{17, 2, 2000}, {40, 50, 3072}, {9, 20, 600}, {100, 120, 1030}};
  check_shapes<TestType>(shapes, {2, 3, 4}, false);
}

TEMPLATE_TEST_CASE("gemm matches the reference across register and cache block edges", "[gemm]",
                   float, double) {
  using Blocks = gg::gemm_detail::Blocking<TestType>;
  const std::size_t MR = Blocks::MR, NR = Blocks::NR, KC = Blocks::KC;
  const std::size_t MC = Blocks::MC, NC = Blocks::NC;
  const std::vector<Shape> shapes = {
      {MR - 1, NR - 1, 9},    {MR, NR, 9},          {MR + 1, NR + 1, 9},
      {2 * MR + 1, 3 * NR - 1, 33},                 {MR, NR, KC - 1},
      {MR + 3, NR + 5, KC},   {MR + 3, NR + 5, KC + 1}, {9, 2 * NR + 3, 2 * KC + 7},
      {MC - 1, 20, 11},       {MC + 1, 20, 11},     {MC + MR + 1, NR + 1, 5},
      {15, NC - 1, 3},        {15, NC + 1, 3},      {2 * MR + 2, NC + NR + 3, 5},
      {5, NC + 1, KC + 1}};  // several jc and pc blocks at once
  check_shapes<TestType>(shapes, {1, 2}, false);
}

TEMPLATE_TEST_CASE("gemm with K = 0 scales C by beta", "[gemm]", float, double) {
  using T = TestType;
  const T nan = std::numeric_limits<T>::quiet_NaN();
  const std::vector<T> a(1), b(1);
  std::vector<T> c(6, nan);
  gg::gemm<T>(Trans::No, Trans::No, 2, 3, 0, T(1), a.data(), 1, b.data(), 3, T(0), c.data(), 3);
  for (T v : c) CHECK(v == T(0));
  c.assign(6, T(1.5));
  gg::gemm<T>(Trans::No, Trans::No, 2, 3, 0, T(1), a.data(), 1, b.data(), 3, T(2), c.data(), 3);
  for (T v : c) CHECK(v == T(3));
  // Empty C: nothing is touched.
  gg::gemm<T>(Trans::No, Trans::No, 0, 3, 4, T(1), nullptr, 4, b.data(), 3, T(0), nullptr, 3);
}

TEMPLATE_TEST_CASE("gemm rejects a leading dimension too small for the shape", "[gemm]", float,
                   double) {
  using T = TestType;
  const std::vector<T> a(64), b(64);
  std::vector<T> c(64);
  using Catch::Matchers::Contains;
  // op(A):(2,4) stored (2,4): lda must be >= 4.
  CHECK_THROWS_AS(gg::gemm<T>(Trans::No, Trans::No, 2, 3, 4, T(1), a.data(), 3, b.data(), 3,
                              T(0), c.data(), 3),
                  std::invalid_argument);
  CHECK_THROWS_WITH(gg::gemm<T>(Trans::No, Trans::No, 2, 3, 4, T(1), a.data(), 3, b.data(), 3,
                                T(0), c.data(), 3),
                    Contains("gemm") && Contains("M=2 N=3 K=4") && Contains("lda=3"));
  // A^T: A stored (4,2) so lda must be >= 2.
  CHECK_THROWS_WITH(gg::gemm<T>(Trans::Yes, Trans::No, 2, 3, 4, T(1), a.data(), 1, b.data(), 3,
                                T(0), c.data(), 3),
                    Contains("gemm") && Contains("lda=1"));
  // B^T: B stored (3,4) so ldb must be >= 4.
  CHECK_THROWS_WITH(gg::gemm<T>(Trans::No, Trans::Yes, 2, 3, 4, T(1), a.data(), 4, b.data(), 3,
                                T(0), c.data(), 3),
                    Contains("gemm") && Contains("ldb=3"));
  CHECK_THROWS_WITH(gg::gemm<T>(Trans::No, Trans::No, 2, 3, 4, T(1), a.data(), 4, b.data(), 3,
                                T(0), c.data(), 2),
                    Contains("gemm") && Contains("ldc=2"));
  CHECK_THROWS_WITH(gg::gemm_reference<T>(Trans::No, Trans::No, 2, 3, 4, T(1), a.data(), 3,
                                          b.data(), 3, T(0), c.data(), 3),
                    Contains("gemm_reference") && Contains("lda=3"));
  // A correct call does not throw.
  CHECK_NOTHROW(gg::gemm<T>(Trans::No, Trans::No, 2, 3, 4, T(1), a.data(), 4, b.data(), 3, T(0),
                            c.data(), 3));
}

namespace {

// B (K, N) scattered into a buffer row by row in a shuffled order, with 32 readable values of
// slack after every row (gemm_b_rows' contract), and the offsets of its rows.
template <class T>
struct ScatteredRows {
  std::vector<T> buffer;
  std::vector<std::ptrdiff_t> offsets;
  ScatteredRows(const Matrix<T>& b, std::mt19937& rng, T slack = std::numeric_limits<T>::quiet_NaN()) {
    const std::size_t stride = b.cols + 32;
    std::vector<std::size_t> slot(b.rows);
    for (std::size_t k = 0; k < b.rows; ++k) slot[k] = k;
    std::shuffle(slot.begin(), slot.end(), rng);
    buffer.assign(b.rows * stride + 32, slack);
    for (std::size_t k = 0; k < b.rows; ++k) {
      offsets.push_back(static_cast<std::ptrdiff_t>(slot[k] * stride));
      for (std::size_t j = 0; j < b.cols; ++j) buffer[slot[k] * stride + j] = b.at(k, j);
    }
  }
};

enum class GivenB { rows, row_ranges, columns, dot };

// gemm_b_rows (B given by its rows, and told which rows of each column may be nonzero),
// gemm_b_columns (op(B) by its columns) or gemm_dot_rows (op(B) = B^T, B by its rows) against
// the reference on the same matrices stored densely.
// The slack past each row is NaN (values read there must not reach C), but for
// gemm_dot_rows, whose contract has A's rows zero and B's finite up to K rounded up to 16:
// there it is a large finite value, and A's padding zeros.
template <class T>
void check_given_b(GivenB given, const Shape& s, const Scalars& sc) {
  const bool by_rows = given == GivenB::rows || given == GivenB::row_ranges;
  INFO((given == GivenB::rows         ? "gemm_b_rows"
        : given == GivenB::row_ranges ? "gemm_b_rows with row ranges"
        : given == GivenB::columns    ? "gemm_b_columns"
                                      : "gemm_dot_rows")
       << " M=" << s.M << " N=" << s.N << " K=" << s.K << " beta=" << sc.beta);
  std::mt19937 rng(static_cast<unsigned>(s.M * 31 + s.N * 7 + s.K));
  Matrix<T> A = random_matrix<T>(s.M, s.K, sc.pad, rng);
  if (given == GivenB::dot) {
    Matrix<T> padded(s.M, s.K, (s.K + 15) / 16 * 16 - s.K + sc.pad);
    std::fill(padded.data.begin(), padded.data.end(), T(0));
    for (std::size_t i = 0; i < s.M; ++i) {
      for (std::size_t k = 0; k < s.K; ++k) padded.at(i, k) = A.at(i, k);
    }
    A = padded;
  }
  // by_rows: B (K, N); else B stored (N, K), op(B) = B^T.
  const Matrix<T> B = by_rows ? random_matrix<T>(s.K, s.N, 0, rng) : random_matrix<T>(s.N, s.K, 0, rng);
  const ScatteredRows<T> scattered(B, rng,
                                   given == GivenB::dot ? T(1e30) : std::numeric_limits<T>::quiet_NaN());
  Matrix<T> C0 = random_matrix<T>(s.M, s.N, sc.pad, rng);
  if (sc.beta == 0.0) C0 = Matrix<T>(s.M, s.N, sc.pad);
  const T alpha = static_cast<T>(sc.alpha), beta = static_cast<T>(sc.beta);
  const Trans tb = by_rows ? Trans::No : Trans::Yes;
  Matrix<T> expected = C0, magnitude = sc.beta == 0.0 ? Matrix<T>(s.M, s.N, sc.pad) : absolute(C0);
  gg::gemm_reference<T>(Trans::No, tb, s.M, s.N, s.K, alpha, A.data.data(), A.ld, B.data.data(), B.ld, beta,
                        expected.data.data(), expected.ld);
  const Matrix<T> abs_a = absolute(A), abs_b = absolute(B);
  gg::gemm_reference<T>(Trans::No, tb, s.M, s.N, s.K, std::abs(alpha), abs_a.data.data(), abs_a.ld,
                        abs_b.data.data(), abs_b.ld, std::abs(beta), magnitude.data.data(), magnitude.ld);
  Matrix<T> got = C0;
  if (by_rows) {
    std::vector<T> packed(gg::packed_a_size<T>(s.M, s.K));
    gg::pack_a_blocks<T>(s.M, s.K, A.data.data(), A.ld, packed.data());
    gg::gemm_b_rows<T>(s.M, s.N, s.K, alpha, packed.data(), scattered.buffer.data(), scattered.offsets.data(), beta,
                       got.data.data(), got.ld);
  } else if (given == GivenB::row_ranges) {
    // Column j of B zero outside a band of rows (some columns wholly zero), as the skipped
    // padding taps of a convolution: gemm_b_rows told so must give the same C.
    Matrix<T> banded = B;
    std::vector<std::size_t> k_begin(s.N), k_end(s.N);
    for (std::size_t j = 0; j < s.N; ++j) {
      k_begin[j] = (j * 7) % (s.K + 1);
      k_end[j] = j % 5 == 4 ? k_begin[j] : std::min(s.K, k_begin[j] + 1 + (j * 13) % s.K);
      for (std::size_t k = 0; k < s.K; ++k) {
        if (k < k_begin[j] || k >= k_end[j]) banded.at(k, j) = T(0);
      }
    }
    const ScatteredRows<T> band_rows(banded, rng);
    expected = C0;
    gg::gemm_reference<T>(Trans::No, Trans::No, s.M, s.N, s.K, alpha, A.data.data(), A.ld, banded.data.data(),
                          banded.ld, beta, expected.data.data(), expected.ld);
    std::vector<T> packed(gg::packed_a_size<T>(s.M, s.K));
    gg::pack_a_blocks<T>(s.M, s.K, A.data.data(), A.ld, packed.data());
    gg::gemm_b_rows<T>(s.M, s.N, s.K, alpha, packed.data(), band_rows.buffer.data(), band_rows.offsets.data(), beta,
                       got.data.data(), got.ld, k_begin.data(), k_end.data());
  } else if (given == GivenB::dot) {
    gg::gemm_dot_rows<T>(s.M, s.N, s.K, alpha, A.data.data(), A.ld, scattered.buffer.data(), scattered.offsets.data(),
                         beta, got.data.data(), got.ld);
  } else {
    std::vector<T> scratch(gg::gemm_b_columns_scratch<T>(s.M, s.N, s.K) + 64 / sizeof(T));
    T* aligned = scratch.data();
    while (reinterpret_cast<std::uintptr_t>(aligned) % 64 != 0) ++aligned;
    gg::gemm_b_columns<T>(s.M, s.N, s.K, alpha, A.data.data(), A.ld, scattered.buffer.data(),
                          scattered.offsets.data(), beta, got.data.data(), got.ld, aligned);
  }
  const auto [bad, first_bad] = mismatches(got, expected, magnitude, C0, s.K);
  INFO(first_bad);
  CHECK(bad == 0);
}

}  // namespace

TEMPLATE_TEST_CASE("gemm with B given by its rows or columns matches the reference", "[gemm]", float, double) {
  // Edge tiles in M (14-row panels, the 4- and 8-row kernels; gemm_dot_rows' 6-row tiles) and
  // N (32-column panels, narrow and partial ones; 4-row tiles of B), K across the 256 (float)
  // or 192 (double) block and M across 336 / 280, K not a whole number of vectors.
  const std::vector<Shape> shapes = {{1, 1, 1},     {5, 17, 27},    {14, 32, 256}, {18, 33, 257},
                                     {32, 100, 288}, {64, 1086, 300}, {23, 70, 600}, {350, 40, 50}};
  std::size_t turn = 0;
  for (const Shape& s : shapes) {
    for (GivenB given : {GivenB::rows, GivenB::row_ranges, GivenB::columns, GivenB::dot}) {
      check_given_b<TestType>(given, s, kScalars[turn++ % std::size(kScalars)]);
    }
  }
}
