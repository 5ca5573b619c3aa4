// Splits, subsets and preprocessing, on datasets built in memory.
#include <gategrad/data/dataset.hpp>
#include <gategrad/data/preprocess.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>
#include <vector>

using Catch::Matchers::Contains;

namespace {

// N images of `image_shape` holding whole numbers 0..255 (as raw bytes would), labels i % 10.
// Channel c of a CHW image is drawn from [0, 64 (c + 1)), so channels differ in mean and spread.
gg::data::Dataset make_dataset(std::size_t n, const gg::SizeVector& image_shape, std::uint64_t seed) {
  gg::data::Dataset data;
  data.name = "synthetic";
  data.image_shape = image_shape;
  data.num_classes = 10;
  data.images = gg::empty({std::int64_t(n), std::int64_t(data.dim())});
  data.labels = gg::empty({std::int64_t(n)}, gg::kInt64);
  gg::Generator gen(seed);
  const std::size_t D = data.dim(), C = data.channels(), P = D / C;
  float* x = data.images.data_ptr<float>();
  for (std::size_t i = 0; i < n; ++i) {
    data.labels.data_ptr<std::int64_t>()[i] = std::int64_t(i % 10);
    for (std::size_t j = 0; j < D; ++j) {
      const std::size_t c = j / P;
      x[i * D + j] = float(gen.below(C == 1 ? 256 : 64 * (c + 1)));
    }
  }
  return data;
}

// Element (i, j) of a contiguous float32 matrix.
float at(const gg::Tensor& x, std::size_t i, std::size_t j) {
  return x.data_ptr<float>()[i * std::size_t(x.size(1)) + j];
}

std::int64_t label(const gg::data::Dataset& data, std::size_t i) {
  return data.labels.data_ptr<std::int64_t>()[i];
}

// A copy that owns its values: copying a Dataset copies its tensors' handles, which share the
// values (as torch.Tensor's), so in-place preprocessing would change both.
gg::data::Dataset deep_copy(const gg::data::Dataset& data) {
  gg::data::Dataset copy = data;
  copy.images = gg::native::clone(data.images);
  copy.labels = gg::native::clone(data.labels);
  return copy;
}

gg::Tensor matrix(std::int64_t rows, std::int64_t cols, std::initializer_list<float> values) {
  return gg::from_values(std::span<const float>(values.begin(), values.size()), {rows, cols});
}

// Mean and population standard deviation, in double, of columns [first, first + count) of x.
std::pair<double, double> block_stats(const gg::Tensor& x, std::size_t first, std::size_t count) {
  const auto N = std::size_t(x.size(0));
  double sum = 0, squares = 0;
  for (std::size_t i = 0; i < N; ++i) {
    for (std::size_t j = first; j < first + count; ++j) sum += at(x, i, j);
  }
  const double mean = sum / double(N * count);
  for (std::size_t i = 0; i < N; ++i) {
    for (std::size_t j = first; j < first + count; ++j) {
      squares += (at(x, i, j) - mean) * (at(x, i, j) - mean);
    }
  }
  return {mean, std::sqrt(squares / double(N * count))};
}

bool same_rows(const gg::data::Dataset& part, std::size_t part_row, const gg::data::Dataset& full,
               std::size_t full_row) {
  const std::size_t D = full.dim();
  const float* p = part.images.data_ptr<float>();
  const float* f = full.images.data_ptr<float>();
  return std::equal(p + part_row * D, p + (part_row + 1) * D, f + full_row * D) &&
         label(part, part_row) == label(full, full_row);
}

}  // namespace

TEST_CASE("split_train_validation keeps the first rows for training and the next for validation",
          "[data][split]") {
  const gg::data::Dataset full = make_dataset(20, {3, 2, 2}, 1);
  const gg::data::TrainValidation split = gg::data::split_train_validation(full, 5);
  REQUIRE(split.train.size() == 15);
  REQUIRE(split.validation.size() == 5);
  CHECK(split.train.images.sizes() == gg::IntArrayRef{15, 12});
  CHECK(split.validation.images.sizes() == gg::IntArrayRef{5, 12});
  // Views of full's rows, not copies.
  CHECK(split.train.images.data_ptr() == full.images.data_ptr());
  CHECK(split.validation.images.data_ptr<float>() == full.images.data_ptr<float>() + 15 * 12);
  CHECK(split.validation.labels.data_ptr<std::int64_t>() ==
        full.labels.data_ptr<std::int64_t>() + 15);
  for (std::size_t i = 0; i < 15; ++i) CHECK(same_rows(split.train, i, full, i));
  for (std::size_t i = 0; i < 5; ++i) CHECK(same_rows(split.validation, i, full, 15 + i));
  CHECK(split.validation.image_shape == full.image_shape);
  CHECK(split.validation.num_classes == 10);
  CHECK(split.validation.name == "synthetic validation");
}

TEST_CASE("split_train_validation needs both splits non-empty", "[data][split]") {
  const gg::data::Dataset full = make_dataset(20, {2, 2}, 1);
  for (std::size_t bad : {std::size_t{0}, std::size_t{20}, std::size_t{21}}) {
    CHECK_THROWS_WITH(gg::data::split_train_validation(full, bad),
                      Contains(std::to_string(bad) + " validation rows out of the 20") &&
                          Contains("fewer than 20"));
  }
}

TEST_CASE("split: take_first keeps the first rows", "[data][split]") {
  const gg::data::Dataset full = make_dataset(12, {2, 2}, 2);
  gg::data::Dataset first = gg::data::take_first(full, 7);
  REQUIRE(first.size() == 7);
  for (std::size_t i = 0; i < 7; ++i) CHECK(same_rows(first, i, full, i));
  // A copy: the rest of the rows can be freed, and changing it leaves `full` as it was.
  CHECK(first.images.data_ptr() != full.images.data_ptr());
  first.images.fill_(-1.0f);
  CHECK(at(full.images, 0, 0) != -1.0f);
  CHECK(gg::data::take_first(full, 12).size() == 12);
  CHECK_THROWS_WITH(gg::data::take_first(full, 13), Contains("13 rows") && Contains("only 12"));
}

TEST_CASE("check_dataset names inconsistent images and labels", "[data][split]") {
  gg::data::Dataset data = make_dataset(4, {2, 2}, 3);
  const gg::Tensor labels = data.labels;
  data.labels = gg::zeros({5}, gg::kInt64);
  CHECK_THROWS_WITH(gg::data::check_dataset("op", data),
                    Contains("op") && Contains("float32 of sizes [4, 4]") &&
                        Contains("expected a contiguous float32 tensor of sizes [N, D] = [5, 4]"));
  data.labels = labels;
  labels.data_ptr<std::int64_t>()[2] = 10;
  CHECK_THROWS_WITH(gg::data::check_dataset("op", data),
                    Contains("label 10 at row 2") && Contains("0 to 10 - 1"));
  labels.data_ptr<std::int64_t>()[2] = 2;
  gg::data::check_dataset("op", data);

  // The dtypes and the layout the data layer reads through raw pointers.
  data.labels = gg::zeros({4});
  CHECK_THROWS_WITH(gg::data::check_dataset("op", data),
                    Contains("labels are float32 of sizes [4]") && Contains("expected a contiguous int64"));
  data.labels = gg::Tensor();
  CHECK_THROWS_WITH(gg::data::check_dataset("op", data), Contains("labels are undefined"));
  data.labels = labels;
  data.images = gg::zeros({4, 4}, gg::kFloat64);
  CHECK_THROWS_WITH(gg::data::check_dataset("op", data), Contains("images are float64 of sizes [4, 4]"));
  data.images = gg::native::t(gg::zeros({4, 4}));
  CHECK_THROWS_WITH(gg::data::check_dataset("op", data), Contains("(not contiguous)"));
}

TEST_CASE("preprocess: scaling maps bytes to [0, 1] or [-1, 1]", "[data][preprocess]") {
  gg::data::Dataset data = make_dataset(1, {3}, 0);
  data.images = matrix(1, 3, {0.0f, 127.5f, 255.0f});
  gg::data::Dataset symmetric = deep_copy(data);
  const std::uint64_t version = data.images._version();
  gg::data::scale_to_unit(data);
  CHECK(data.images._version() > version);
  CHECK(at(data.images, 0, 0) == 0.0f);
  CHECK(at(data.images, 0, 1) == Approx(0.5f));
  CHECK(at(data.images, 0, 2) == Approx(1.0f));
  CHECK(at(data.images, 0, 1) == 127.5f * (1.0f / 255.0f));  // x * scale, in float
  gg::data::scale_to_symmetric(symmetric);
  CHECK(at(symmetric.images, 0, 0) == -1.0f);
  CHECK(at(symmetric.images, 0, 1) == Approx(0.0f).margin(1e-6));
  CHECK(at(symmetric.images, 0, 2) == Approx(1.0f));
}

TEST_CASE("preprocess: the mean image is the column mean, and subtracting it centres train only",
          "[data][preprocess]") {
  gg::data::Dataset tiny = make_dataset(2, {2}, 0);
  tiny.images = matrix(2, 2, {0.0f, 2.0f, 4.0f, 7.0f});
  const gg::Tensor tiny_mean = gg::data::mean_image(tiny);
  CHECK(tiny_mean.dtype() == gg::kFloat32);
  CHECK(tiny_mean.sizes() == gg::IntArrayRef{2});
  CHECK(tiny_mean.data_ptr<float>()[0] == 2.0f);
  CHECK(tiny_mean.data_ptr<float>()[1] == 4.5f);

  // The homework's recipe: raw 0..255 minus the training mean image, on every split.
  gg::data::TrainValidation split =
      gg::data::split_train_validation(make_dataset(300, {3, 4, 4}, 4), 50);
  const gg::data::Dataset raw_validation = deep_copy(split.validation);
  const gg::Tensor mean = gg::data::mean_image(split.train);
  gg::data::subtract_mean_image(split.train, mean);
  gg::data::subtract_mean_image(split.validation, mean);
  for (std::size_t j = 0; j < 48; ++j) {
    CHECK(std::abs(block_stats(split.train.images, j, 1).first) < 1e-4);
  }
  for (std::size_t i = 0; i < 50; ++i) {
    for (std::size_t j = 0; j < 48; ++j) {
      const float expected = at(raw_validation.images, i, j) - mean.data_ptr<float>()[j];
      if (at(split.validation.images, i, j) != expected) FAIL("validation " << i << "," << j);
    }
  }
  // The validation split keeps its own, non-zero mean.
  CHECK(std::abs(block_stats(split.validation.images, 0, 48).first) > 1e-3);
  CHECK_THROWS_WITH(gg::data::subtract_mean_image(split.train, tiny_mean),
                    Contains("float32 of sizes [2]") && Contains("expected float32 of sizes [48]"));
  CHECK_THROWS_WITH(gg::data::subtract_mean_image(split.train, gg::zeros({48}, gg::kFloat64)),
                    Contains("float64 of sizes [48]"));
  CHECK_THROWS_WITH(gg::data::subtract_mean_image(split.train, gg::Tensor()), Contains("undefined"));
}

TEST_CASE("preprocess: a strided mean image is read as its values", "[data][preprocess]") {
  gg::data::Dataset data = make_dataset(3, {2}, 0);
  data.images = matrix(3, 2, {1.0f, 10.0f, 2.0f, 20.0f, 3.0f, 30.0f});
  // Column 0 of a (2, 2) matrix: the values 1 and 5, two elements apart.
  const gg::Tensor mean = gg::native::select(matrix(2, 2, {1.0f, 4.0f, 5.0f, 8.0f}), 1, 0);
  REQUIRE_FALSE(mean.is_contiguous());
  gg::data::subtract_mean_image(data, mean);
  CHECK(at(data.images, 2, 0) == 2.0f);
  CHECK(at(data.images, 2, 1) == 25.0f);
}

TEST_CASE("preprocess: per-channel standardisation gives each training channel mean 0 and std 1",
          "[data][preprocess]") {
  gg::data::TrainValidation split =
      gg::data::split_train_validation(make_dataset(200, {3, 8, 8}, 5), 20);
  const gg::data::Dataset raw_validation = deep_copy(split.validation);
  const gg::data::ChannelStats stats = gg::data::channel_stats(split.train);
  REQUIRE(stats.mean.size() == 3);
  for (std::size_t c = 0; c < 3; ++c) {
    const auto [mean, std] = block_stats(split.train.images, c * 64, 64);
    CHECK(stats.mean[c] == Approx(mean).epsilon(1e-12));
    CHECK(stats.std[c] == Approx(std).epsilon(1e-12));
    // Uniform on {0, ..., 64 (c + 1) - 1}: mean (64 (c + 1) - 1) / 2.
    CHECK(stats.mean[c] == Approx((64.0 * double(c + 1) - 1) / 2).epsilon(0.05));
  }
  gg::data::standardize_channels(split.train, stats);
  gg::data::standardize_channels(split.validation, stats);
  for (std::size_t c = 0; c < 3; ++c) {
    const auto [mean, std] = block_stats(split.train.images, c * 64, 64);
    CHECK(std::abs(mean) < 1e-5);
    CHECK(std == Approx(1.0).epsilon(1e-5));
  }
  const std::size_t j = 2 * 64 + 17;  // channel 2
  CHECK(at(split.validation.images, 3, j) ==
        Approx((at(raw_validation.images, 3, j) - stats.mean[2]) / stats.std[2]).epsilon(1e-6));
}

TEST_CASE("preprocess: per-channel statistics of a grey image use one channel",
          "[data][preprocess]") {
  gg::data::Dataset data = make_dataset(2, {2, 2}, 0);
  data.images = matrix(2, 4, {1.0f, 2.0f, 3.0f, 4.0f, 1.0f, 2.0f, 3.0f, 4.0f});
  const gg::data::ChannelStats stats = gg::data::channel_stats(data);
  REQUIRE(stats.mean.size() == 1);
  CHECK(stats.mean[0] == 2.5);
  CHECK(stats.std[0] == Approx(std::sqrt(1.25)));

  gg::data::Dataset colour = make_dataset(2, {3, 2, 2}, 0);
  CHECK_THROWS_WITH(gg::data::standardize_channels(colour, stats),
                    Contains("1 means and 1 stds") && Contains("has 3 channels"));
  data.images = gg::full({2, 4}, 7.0f);
  CHECK_THROWS_WITH(gg::data::channel_stats(data), Contains("channel 0") && Contains("constant"));
}
