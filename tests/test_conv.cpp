// Convolution and pooling: the kernels against plain loops written from the definitions (every
// parameter, both dtypes, the threaded batch split), the modules (shapes, initialisation,
// parameter names, printing) and the errors. Gradients: tests/test_gradcheck_gates.cpp;
// values and gradients against torch: tests/op_oracle.cpp.
#include "tensor_helpers.hpp"

#include <gategrad/autograd/backward.hpp>
#include <gategrad/autograd/conv_ops.hpp>
#include <gategrad/nn/conv.hpp>
#include <gategrad/nn/functional.hpp>
#include <gategrad/nn/layers.hpp>
#include <gategrad/nn/pooling.hpp>
#include <gategrad/nn/upsampling.hpp>
#include <gategrad/tensor/conv.hpp>
#include <gategrad/tensor/parallel.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

using gg::Tensor;
using Catch::Matchers::Contains;

namespace {

struct ConvCase {
  std::int64_t n, c, h, w, oc, kh, kw, sh, sw, ph, pw, dh, dw, groups;
};

// out[n, o, y, x] = sum over c in o's group, i, j of in[n, c, y sh - ph + i dh, x sw - pw + j dw] w[o, c, i, j].
std::vector<double> reference_conv(const std::vector<double>& in, const std::vector<double>& wt, const ConvCase& k,
                                   std::int64_t oh, std::int64_t ow) {
  const std::int64_t cg = k.c / k.groups, ocg = k.oc / k.groups;
  std::vector<double> out(static_cast<std::size_t>(k.n * k.oc * oh * ow), 0.0);
  for (std::int64_t n = 0; n < k.n; ++n)
    for (std::int64_t o = 0; o < k.oc; ++o)
      for (std::int64_t y = 0; y < oh; ++y)
        for (std::int64_t x = 0; x < ow; ++x) {
          double sum = 0;
          const std::int64_t g = o / ocg;
          for (std::int64_t c = 0; c < cg; ++c)
            for (std::int64_t i = 0; i < k.kh; ++i)
              for (std::int64_t j = 0; j < k.kw; ++j) {
                const std::int64_t iy = y * k.sh - k.ph + i * k.dh, ix = x * k.sw - k.pw + j * k.dw;
                if (iy < 0 || iy >= k.h || ix < 0 || ix >= k.w) continue;
                sum += in[static_cast<std::size_t>(((n * k.c + g * cg + c) * k.h + iy) * k.w + ix)] *
                       wt[static_cast<std::size_t>(((o * cg + c) * k.kh + i) * k.kw + j)];
              }
          out[static_cast<std::size_t>(((n * k.oc + o) * oh + y) * ow + x)] = sum;
        }
  return out;
}

void check_close(const std::vector<double>& got, const std::vector<double>& want, double tol) {
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("element " << i);
    CHECK(std::abs(got[i] - want[i]) <= tol * (1.0 + std::abs(want[i])));
  }
}

}  // namespace

TEST_CASE("conv2d matches the definition for every parameter, and its adjoints are adjoints", "[conv]") {
  const std::vector<ConvCase> cases = {
      {2, 3, 7, 6, 4, 3, 3, 1, 1, 0, 0, 1, 1, 1},   // plain
      {1, 2, 9, 8, 3, 3, 2, 2, 3, 1, 2, 2, 1, 1},   // stride, padding, dilation, rectangular
      {3, 4, 6, 6, 6, 3, 3, 1, 2, 1, 0, 1, 1, 2},   // groups
      {2, 3, 5, 5, 3, 3, 3, 1, 1, 1, 1, 1, 1, 3},   // depthwise
      {2, 5, 4, 3, 7, 1, 1, 1, 1, 0, 0, 1, 1, 1},   // 1x1: the image as its own column matrix
      {2, 4, 5, 5, 2, 1, 1, 2, 2, 0, 0, 1, 1, 1},   // 1x1 with stride: through im2col
      {1, 1, 3, 3, 1, 3, 3, 1, 1, 2, 2, 1, 1, 1},   // padding wider than the image's border
      {16, 3, 12, 12, 8, 5, 5, 1, 1, 2, 2, 1, 1, 1},  // small images: the batch split over tasks
      {1, 2, 9, 8, 3, 3, 2, 1, 1, 2, 1, 2, 3, 1},   // stride 1 with dilation: shifted rows
      {2, 3, 5, 4, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1},   // 1x1 padded: input gradient through col2im
      {1, 8, 20, 20, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1},  // one image: its columns split over threads
      {3, 1, 28, 28, 6, 5, 5, 1, 1, 2, 2, 1, 1, 1},   // LeNet-5's first layer: weight gradient as dot products
      {2, 4, 24, 24, 8, 3, 3, 1, 1, 1, 1, 1, 1, 2},   // the same with groups (4 channels per group)
      {2, 3, 10, 10, 4, 5, 5, 1, 1, 0, 0, 1, 1, 1},   // 5x5 on a small map: the input gradient skips padding taps
      {1, 4, 6, 7, 4, 4, 3, 1, 1, 3, 2, 2, 1, 2},    // padding taps skipped, dilated and grouped
      {1, 64, 8, 8, 48, 3, 3, 1, 1, 1, 1, 1, 1, 1},  // one small image: its rows of weights split over threads
  };
  for (const gg::Dtype dtype : {gg::kFloat64, gg::kFloat32}) {
    for (int threads : {1, 2}) {
      gg::set_num_threads(threads);
      std::uint64_t seed = 10;
      for (const ConvCase& k : cases) {
        INFO("case n=" << k.n << " c=" << k.c << " groups=" << k.groups << " " << gg::to_string(dtype) << " threads "
                       << threads);
        const Tensor x = gg::test::uniform({k.n, k.c, k.h, k.w}, seed++, -1, 1, dtype);
        const Tensor w = gg::test::uniform({k.oc, k.c / k.groups, k.kh, k.kw}, seed++, -1, 1, dtype);
        gg::native::Conv2dParams p;
        p.stride = {k.sh, k.sw};
        p.padding = {k.ph, k.pw};
        p.dilation = {k.dh, k.dw};
        p.groups = k.groups;
        const Tensor y = gg::native::conv2d(x, w, p);
        const std::int64_t oh = (k.h + 2 * k.ph - k.dh * (k.kh - 1) - 1) / k.sh + 1;
        const std::int64_t ow = (k.w + 2 * k.pw - k.dw * (k.kw - 1) - 1) / k.sw + 1;
        REQUIRE(y.sizes() == gg::IntArrayRef({k.n, k.oc, oh, ow}));
        const double tol = dtype == gg::kFloat64 ? 1e-12 : 1e-5;
        check_close(gg::test::values<double>(y), reference_conv(gg::test::values<double>(x), gg::test::values<double>(w), k, oh, ow), tol);

        // <conv(x, w), g> = <x, input_grad(g, w)> = <w, weight_grad(x, g)>.
        const Tensor g = gg::test::uniform(y.sizes(), seed++, -1, 1, dtype);
        const Tensor dx = gg::native::conv2d_backward_input(g, w, x.sizes(), p);
        const Tensor dw = gg::native::conv2d_backward_weight(x, g, w.sizes(), p);
        const double lhs = gg::native::sum(gg::native::mul(y, g)).item<double>();
        const double via_x = gg::native::sum(gg::native::mul(x, dx)).item<double>();
        const double via_w = gg::native::sum(gg::native::mul(w, dw)).item<double>();
        CHECK(via_x == Approx(lhs).epsilon(tol * 10).margin(tol));
        CHECK(via_w == Approx(lhs).epsilon(tol * 10).margin(tol));
      }
    }
  }
  gg::set_num_threads(2);
}

TEST_CASE("conv2d's weight gradient does not depend on the thread count", "[conv]") {
  const Tensor x = gg::test::uniform({9, 3, 10, 10}, 1, -1, 1, gg::kFloat32);
  const Tensor g = gg::test::uniform({9, 4, 8, 8}, 2, -1, 1, gg::kFloat32);
  gg::native::Conv2dParams p;
  gg::set_num_threads(1);
  const std::vector<float> one = gg::test::values<float>(gg::native::conv2d_backward_weight(x, g, {4, 3, 3, 3}, p));
  gg::set_num_threads(2);
  const std::vector<float> two = gg::test::values<float>(gg::native::conv2d_backward_weight(x, g, {4, 3, 3, 3}, p));
  // Each task sums a fixed run of images and the runs are added in task order: with one task
  // and with two the sums differ in order, so compare to rounding, and two runs bitwise.
  check_close(std::vector<double>(one.begin(), one.end()), std::vector<double>(two.begin(), two.end()), 1e-5);
  const std::vector<float> again = gg::test::values<float>(gg::native::conv2d_backward_weight(x, g, {4, 3, 3, 3}, p));
  CHECK(two == again);
}

TEST_CASE("max_pool2d finds each window's maximum and its index, as torch's", "[conv][pool]") {
  // 1x1x4x4 with values 0..15: 2x2 windows take the bottom-right element of each.
  const Tensor x = gg::arange(16, gg::kFloat32).view({1, 1, 4, 4});
  auto [y, idx] = gg::max_pool2d_with_indices(x, 2);
  CHECK(gg::test::values<float>(y) == std::vector<float>{5, 7, 13, 15});
  CHECK(gg::test::values<std::int64_t>(idx) == std::vector<std::int64_t>{5, 7, 13, 15});
  CHECK(idx.dtype() == gg::kInt64);

  // ceil_mode keeps a last, partial window; padding is never chosen (-inf).
  const Tensor neg = gg::neg(x);
  CHECK(gg::max_pool2d(x, 3, 2, 0, 1, true).sizes() == gg::IntArrayRef({1, 1, 2, 2}));
  CHECK(gg::max_pool2d(x, 3, 2, 0, 1, false).sizes() == gg::IntArrayRef({1, 1, 1, 1}));
  CHECK(gg::test::values<float>(gg::max_pool2d(neg, 2, 2, 1)) ==
        std::vector<float>{-0.0f, -1, -3, -4, -5, -7, -12, -13, -15});

  // A NaN in a window is its maximum; ties give the first index.
  Tensor with_nan = gg::zeros({1, 1, 2, 2});
  with_nan.data_ptr<float>()[2] = std::numeric_limits<float>::quiet_NaN();
  auto [m, at] = gg::max_pool2d_with_indices(with_nan, 2);
  CHECK(std::isnan(m.item<float>()));
  CHECK(at.item<std::int64_t>() == 2);
  CHECK(std::get<1>(gg::max_pool2d_with_indices(gg::zeros({1, 1, 2, 2}), 2)).item<std::int64_t>() == 0);

  // Unbatched (C, H, W) in, unbatched out; the gradient goes to each window's maximum.
  const Tensor leaf = gg::arange(16, gg::kFloat64).view({1, 4, 4}).requires_grad_();
  const Tensor out = gg::max_pool2d(leaf, 2);
  CHECK(out.sizes() == gg::IntArrayRef({1, 2, 2}));
  gg::sum(out).backward();
  const std::vector<double> grad = gg::test::values<double>(leaf.grad());
  for (int i = 0; i < 16; ++i) CHECK(grad[static_cast<std::size_t>(i)] == ((i == 5 || i == 7 || i == 13 || i == 15) ? 1.0 : 0.0));
}

TEST_CASE("2x2 max pooling: the float32 vector path picks what the float64 loop picks", "[conv][pool]") {
  // Rows of 14 (LeNet), 16, 17 (a masked tail), 40 (two vectors and a half); values from a few
  // integers, so that windows hold ties, and a NaN now and then.
  for (const std::int64_t width : {14, 16, 17, 40}) {
    INFO("width " << 2 * width);
    Tensor x = gg::test::uniform({2, 3, 6, 2 * width}, static_cast<std::uint64_t>(width), 0, 4, gg::kFloat64);
    double* p = x.data_ptr<double>();
    for (std::int64_t i = 0; i < x.numel(); ++i) p[i] = i % 37 == 5 ? std::numeric_limits<double>::quiet_NaN() : std::floor(p[i]);
    auto [want, want_at] = gg::native::max_pool2d_with_indices(x, gg::native::Pool2dParams{{2, 2}, {2, 2}});
    auto [got, got_at] = gg::native::max_pool2d_with_indices(gg::native::to(x, gg::kFloat32), gg::native::Pool2dParams{{2, 2}, {2, 2}});
    CHECK(gg::test::values<std::int64_t>(got_at) == gg::test::values<std::int64_t>(want_at));
    const std::vector<double> w = gg::test::values<double>(want);
    const std::vector<float> g = gg::test::values<float>(got);
    for (std::size_t i = 0; i < w.size(); ++i) CHECK((std::isnan(w[i]) ? std::isnan(g[i]) : g[i] == static_cast<float>(w[i])));
  }
}

TEST_CASE("avg_pool2d and adaptive_avg_pool2d average as torch's", "[conv][pool]") {
  const Tensor x = gg::arange(16, gg::kFloat32).view({1, 1, 4, 4});
  CHECK(gg::test::values<float>(gg::avg_pool2d(x, 2)) == std::vector<float>{2.5f, 4.5f, 10.5f, 12.5f});
  // Padding 1 counted: the corner window holds x[0,0] and three zeros.
  CHECK(gg::test::values<float>(gg::avg_pool2d(x, 2, 2, 1))[0] == 0.0f);
  CHECK(gg::test::values<float>(gg::avg_pool2d(gg::ones({1, 1, 4, 4}), 2, 2, 1))[0] == 0.25f);
  CHECK(gg::test::values<float>(gg::avg_pool2d(gg::ones({1, 1, 4, 4}), 2, 2, 1, false, false))[0] == 1.0f);
  CHECK(gg::test::values<float>(gg::adaptive_avg_pool2d(x, 1)) == std::vector<float>{7.5f});
  // 3 rows into 2 cells: [0, 2) and [1, 3).
  const Tensor r = gg::arange(3, gg::kFloat32).view({1, 1, 3, 1});
  CHECK(gg::test::values<float>(gg::adaptive_avg_pool2d(r, {2, 1})) == std::vector<float>{0.5f, 1.5f});
}

TEST_CASE("adaptive_max_pool2d takes each cell's maximum and index as torch's", "[conv][pool]") {
  // torch: F.adaptive_max_pool2d(x, (2, 3), return_indices=True); 3 rows into cells [0, 2) and
  // [1, 3), 5 columns into [0, 2), [1, 4), [3, 5).
  const Tensor x = gg::tensor({0., 5., 1., 2., 9., 3., 4., 8., 7., 6., 1., 1., 2., 0., 3.}).view({1, 1, 3, 5});
  const auto [values, indices] = gg::adaptive_max_pool2d(x, {2, 3});
  CHECK(gg::test::values<double>(values) == std::vector<double>{5, 8, 9, 4, 8, 7});
  CHECK(gg::test::values<std::int64_t>(indices) == std::vector<std::int64_t>{1, 7, 4, 6, 7, 8});
  // (C, H, W) in, (C, OH, OW) out; the module and the functional form agree.
  namespace nn = gg::nn;
  namespace F = gg::nn::functional;
  nn::AdaptiveMaxPool2d pool(nn::AdaptiveMaxPool2dOptions({2, 3}));
  CHECK(pool.forward(x.view({1, 3, 5})).sizes() == gg::IntArrayRef{1, 2, 3});
  CHECK(gg::test::values<double>(F::adaptive_max_pool2d(x, F::AdaptiveMaxPool2dFuncOptions(1))) == std::vector<double>{9});
  CHECK(gg::test::values<std::int64_t>(std::get<1>(pool.forward_with_indices(x))) == gg::test::values<std::int64_t>(indices));
  CHECK(pool.describe() == "AdaptiveMaxPool2d(output_size=[2, 3])");
  // A NaN is the maximum (torch: the last NaN of the cell).
  const double nan = std::nan("");
  const Tensor with_nan = gg::tensor({1., nan, 3., nan, 2.}).view({1, 1, 1, 5});
  const auto [nan_value, nan_index] = gg::adaptive_max_pool2d(with_nan, 1);
  CHECK(std::isnan(nan_value.item<double>()));
  CHECK(nan_index.item<std::int64_t>() == 3);
  // The gradient goes to each cell's maximum (element 7, the 8, is the maximum of two cells).
  const Tensor leaf = x.clone().requires_grad_();
  gg::sum(std::get<0>(gg::adaptive_max_pool2d(leaf, {2, 3}))).backward();
  CHECK(gg::test::values<double>(leaf.grad()) ==
        std::vector<double>{0, 1, 0, 0, 1, 0, 1, 2, 1, 0, 0, 0, 0, 0, 0});
  CHECK_THROWS_WITH(gg::adaptive_max_pool2d(x, {0, 3}),
                    Catch::Matchers::Contains("adaptive_max_pool2d: got input [1, 1, 3, 5] and output_size [0, 3]"));
  CHECK_THROWS_WITH(gg::adaptive_max_pool2d(gg::ones({2, 3}), 1),
                    Catch::Matchers::Contains("adaptive_max_pool2d"));
}

TEST_CASE("feature_dropout zeroes whole channels and keeps the expectation", "[conv][dropout]") {
  gg::Generator gen(3);
  const Tensor x = gg::ones({8, 16, 3, 3});
  const Tensor y = gg::feature_dropout(x, 0.25, true, gen);
  const std::vector<float> v = gg::test::values<float>(y);
  int dropped = 0;
  for (std::size_t plane = 0; plane < 8 * 16; ++plane) {
    const float first = v[plane * 9];
    CHECK((first == 0.0f || first == Approx(1.0f / 0.75f)));
    for (std::size_t k = 1; k < 9; ++k) CHECK(v[plane * 9 + k] == first);
    dropped += first == 0.0f;
  }
  CHECK(dropped > 10);   // 32 expected of 128
  CHECK(dropped < 60);
  CHECK(gg::feature_dropout(x, 0.25, false, gen).is_same(x));
  namespace F = gg::nn::functional;
  CHECK(F::dropout2d(gg::ones({4, 3, 3}), F::Dropout2dFuncOptions().p(0.5), gen).sizes() == gg::IntArrayRef({4, 3, 3}));
  CHECK_THROWS_WITH(F::dropout2d(gg::ones({4, 3})), Contains("expected (N, C, H, W) or unbatched (C, H, W)"));
  CHECK_THROWS_WITH(gg::feature_dropout(x, 1.5, true), Contains("got p = 1.5"));
}

TEST_CASE("Conv2d, MaxPool2d and Dropout2d as LibTorch's modules", "[conv][nn]") {
  auto conv = std::make_shared<gg::nn::Conv2d>(gg::nn::Conv2dOptions(1, 10, 5));
  CHECK(conv->weight().sizes() == gg::IntArrayRef({10, 1, 5, 5}));
  CHECK(conv->bias().sizes() == gg::IntArrayRef({10}));
  const auto named = conv->named_parameters();
  REQUIRE(named.size() == 2);
  CHECK(named[0].first == "weight");
  CHECK(named[1].first == "bias");
  // PyTorch's initialisation: uniform in +-1/sqrt(fan_in) = +-0.2.
  const std::vector<float> w = gg::test::values<float>(conv->weight());
  float lo = 1, hi = -1;
  for (float v : w) lo = std::min(lo, v), hi = std::max(hi, v);
  CHECK(lo >= -0.2f);
  CHECK(hi <= 0.2f);
  CHECK(hi - lo > 0.3f);
  CHECK(conv->describe() == "Conv2d(1, 10, kernel_size=[5, 5], stride=[1, 1])");
  CHECK((*conv)(gg::zeros({2, 1, 28, 28})).sizes() == gg::IntArrayRef({2, 10, 24, 24}));

  gg::nn::Conv2d same(gg::nn::Conv2dOptions(3, 4, {3, 2}).padding(gg::kSame).bias(false).groups(1));
  CHECK(same.forward(gg::zeros({1, 3, 5, 6})).sizes() == gg::IntArrayRef({1, 4, 5, 6}));
  CHECK(same.describe() == "Conv2d(3, 4, kernel_size=[3, 2], stride=[1, 1], padding=kSame, bias=false)");
  CHECK(same.named_parameters().size() == 1);

  gg::nn::Conv1d conv1(gg::nn::Conv1dOptions(2, 3, 3).stride(2).padding(1));
  CHECK(conv1.forward(gg::zeros({4, 2, 9})).sizes() == gg::IntArrayRef({4, 3, 5}));
  gg::nn::ConvTranspose2d up(gg::nn::ConvTranspose2dOptions(4, 2, 2).stride(2));
  CHECK(up.weight().sizes() == gg::IntArrayRef({4, 2, 2, 2}));
  CHECK(up.forward(gg::zeros({1, 4, 3, 3})).sizes() == gg::IntArrayRef({1, 2, 6, 6}));

  gg::nn::MaxPool2d pool(gg::nn::MaxPool2dOptions(2));
  CHECK(pool.describe() == "MaxPool2d(kernel_size=[2, 2], stride=[2, 2], padding=[0, 0], dilation=[1, 1], ceil_mode=false)");
  CHECK(pool.forward(gg::zeros({2, 3, 7, 7})).sizes() == gg::IntArrayRef({2, 3, 3, 3}));
  gg::nn::AvgPool2d avg(gg::nn::AvgPool2dOptions(3).stride(1).padding(1));
  CHECK(avg.forward(gg::zeros({2, 3, 7, 7})).sizes() == gg::IntArrayRef({2, 3, 7, 7}));
  gg::nn::AdaptiveAvgPool2d gap(gg::nn::AdaptiveAvgPool2dOptions(1));
  CHECK(gap.forward(gg::zeros({2, 3, 7, 7})).sizes() == gg::IntArrayRef({2, 3, 1, 1}));

  gg::nn::Dropout2d drop(0.5);
  CHECK(drop.describe() == "Dropout2d(p=0.5)");
  drop.eval();
  const Tensor z = gg::ones({2, 3, 2, 2});
  CHECK(drop.forward(z).is_same(z));

  CHECK_THROWS_WITH(gg::nn::Conv2d(gg::nn::Conv2dOptions(3, 4, 3).groups(2)),
                    Contains("expected both divisible by groups"));
}

TEST_CASE("convolution and pooling errors name the op, what it got and what it expected", "[conv][errors]") {
  const Tensor x = gg::zeros({1, 3, 8, 8});
  CHECK_THROWS_AS(gg::conv2d(x, gg::zeros({4, 2, 3, 3})), gg::ShapeError);
  CHECK_THROWS_WITH(gg::conv2d(x, gg::zeros({4, 2, 3, 3})),
                    Contains("conv2d: got input [1, 3, 8, 8] and weight [4, 2, 3, 3] with groups = 1") &&
                        Contains("expected input to have weight.size(1) * groups = 2 channels, but got 3 channels"));
  CHECK_THROWS_WITH(gg::conv2d(gg::zeros({1, 3, 2, 2}), gg::zeros({4, 3, 3, 3})),
                    Contains("smaller than the (dilated) kernel (3, 3)"));
  CHECK_THROWS_WITH(gg::conv2d(gg::zeros({3, 8}), gg::zeros({4, 3, 3, 3})),
                    Contains("expected (N, C, H, W) or unbatched (C, H, W)"));
  CHECK_THROWS_WITH(gg::conv2d(x, gg::zeros({4, 3, 3, 3}), gg::zeros({5})), Contains("expected bias (4)"));
  CHECK_THROWS_WITH(gg::conv2d(x, gg::zeros({4, 3, 3, 3}), {}, 0), Contains("expected strides and dilations >= 1"));
  CHECK_THROWS_WITH(gg::conv2d(x, gg::zeros({4, 3, 3, 3}), {}, {1, 2, 3}), Contains("expected one value or two"));
  CHECK_THROWS_WITH(gg::conv2d(x, gg::zeros({4, 3, 3, 3}, gg::kFloat64)),
                    Contains("expected both float32 or both float64"));
  CHECK_THROWS_WITH(gg::conv2d(x, gg::zeros({4, 3, 3, 3}), {}, 2, "same"), Contains("expected stride 1"));
  CHECK_THROWS_WITH(gg::conv2d(x, gg::zeros({4, 3, 3, 3}), {}, 1, "full"), Contains("expected \"same\", \"valid\""));
  CHECK_THROWS_WITH(gg::conv_transpose2d(x, gg::zeros({3, 2, 3, 3}), {}, 1, 0, 1),
                    Contains("expected 0 <= output_padding < stride"));
  CHECK_THROWS_WITH(gg::max_pool2d(x, 2, 2, 2), Contains("at most half the kernel size"));
  CHECK_THROWS_WITH(gg::max_pool2d(gg::zeros({1, 1, 1, 1}), 3), Contains("expected an output of at least 1 x 1"));
  CHECK_THROWS_WITH(gg::max_pool2d(gg::zeros({1, 1, 4, 4}, gg::kInt64), 2), Contains("expected float32 or float64"));
  CHECK_THROWS_WITH(gg::avg_pool2d(x, 2, {}, 0, false, true, 0), Contains("expected a nonzero divisor"));
  // The gradient kernel checks the indices it is given (the gate's come from the forward).
  const Tensor dy = gg::ones({1, 1, 2, 2});
  CHECK_THROWS_WITH(gg::native::max_pool2d_backward(dy, gg::full({1, 1, 2, 2}, 16, gg::kInt64), {1, 1, 4, 4}),
                    Contains("max_pool2d_backward: got index 16") && Contains("expected 0 <= index < 16"));
  CHECK_THROWS_WITH(gg::native::max_pool2d_backward(dy, gg::zeros({1, 1, 2, 2}, gg::kInt64), {2, 1, 4, 4}),
                    Contains("max_pool2d_backward: got grad_output [1, 1, 2, 2]") && Contains("expected"));
  CHECK_THROWS_WITH(gg::native::max_pool2d_backward(dy, gg::zeros({1, 1, 2, 2}), {1, 1, 4, 4}),
                    Contains("expected int64"));
}

TEST_CASE("im2col is the column matrix conv2d multiplies, col2im its adjoint", "[conv]") {
  const Tensor x = gg::test::uniform({2, 3, 6, 5}, 31, -1, 1, gg::kFloat64);
  const Tensor w = gg::test::uniform({4, 3, 3, 2}, 32, -1, 1, gg::kFloat64);
  // conv2d(x, w) = W (OC, C kH kW) x im2col(x) (N, C kH kW, L), reshaped to (N, OC, OH, OW).
  const Tensor cols = gg::im2col(x, {3, 2}, 1, 1, {2, 1});
  CHECK(cols.sizes() == gg::IntArrayRef({2, 18, 3 * 6}));
  const Tensor via_matmul = gg::matmul(w.view({4, -1}), cols).view({2, 4, 3, 6});
  const Tensor direct = gg::conv2d(x, w, {}, {2, 1}, 1);
  check_close(gg::test::values<double>(via_matmul), gg::test::values<double>(direct), 1e-12);
  // <im2col(x), c> = <x, col2im(c)>.
  const Tensor c = gg::test::uniform(cols.sizes(), 33, -1, 1, gg::kFloat64);
  const Tensor back = gg::col2im(c, {6, 5}, {3, 2}, 1, 1, {2, 1});
  CHECK(gg::sum(cols * c).item<double>() == Approx(gg::sum(x * back).item<double>()).epsilon(1e-12));
  namespace F = gg::nn::functional;
  gg::nn::Unfold unfold(gg::nn::UnfoldOptions(2).stride(2));
  gg::nn::Fold fold(gg::nn::FoldOptions(4, 2).stride(2));
  const Tensor image = gg::test::uniform({1, 2, 4, 4}, 34);
  // Non-overlapping windows: fold(unfold(x)) is x.
  CHECK(gg::test::values<float>(fold.forward(unfold.forward(image))) == gg::test::values<float>(image));
  CHECK_THROWS_WITH(F::fold(gg::zeros({1, 7, 4}), F::FoldFuncOptions(4, 2)), Contains("divisible by kH kW = 4"));
  CHECK_THROWS_WITH(F::fold(gg::zeros({1, 8, 5}), F::FoldFuncOptions(4, 2).stride(2)), Contains("expected 4 windows"));
}

TEST_CASE("interpolate and Upsample: sizes, modes and torch's errors", "[conv][upsample]") {
  namespace F = gg::nn::functional;
  const Tensor x = gg::arange(4, gg::kFloat32).view({1, 1, 2, 2});
  // Nearest, scale 2: each pixel a 2x2 block.
  CHECK(gg::test::values<float>(F::interpolate(x, F::InterpolateFuncOptions().scale_factor(std::vector<double>{2}))) ==
        std::vector<float>{0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3});
  // Bilinear with align_corners: the corners stay, the middle is their mean.
  const Tensor b = F::interpolate(
      x, F::InterpolateFuncOptions().size(std::vector<std::int64_t>{3, 3}).mode(gg::kBilinear).align_corners(true));
  CHECK(gg::test::values<float>(b) == std::vector<float>{0, 0.5f, 1, 1, 1.5f, 2, 2, 2.5f, 3});
  gg::nn::Upsample up(gg::nn::UpsampleOptions().scale_factor(std::vector<double>{2, 2}));
  CHECK(up.describe() == "Upsample(scale_factor=[2, 2], mode=kNearest)");
  CHECK(up.forward(gg::zeros({2, 3, 4, 5})).sizes() == gg::IntArrayRef({2, 3, 8, 10}));
  CHECK_THROWS_WITH(F::interpolate(x), Contains("got neither size nor scale_factor, expected exactly one"));
  CHECK_THROWS_WITH(F::interpolate(x, F::InterpolateFuncOptions().size(std::vector<std::int64_t>{3}).align_corners(true)),
                    Contains("align_corners with mode kNearest"));
  CHECK_THROWS_WITH(F::interpolate(gg::zeros({1, 2, 3}), F::InterpolateFuncOptions().size(std::vector<std::int64_t>{3})),
                    Contains("expected (N, C, H, W)"));
}
