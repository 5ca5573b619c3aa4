// Splits, subsets and preprocessing, on datasets built in memory.
#include <gategrad/data/dataset.hpp>
#include <gategrad/data/preprocess.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>
#include <vector>

using Catch::Matchers::Contains;

namespace {

// N images of `image_shape` holding whole numbers 0..255 (as raw bytes would), labels i % 10.
// Channel c of a CHW image is drawn from [0, 64 (c + 1)), so channels differ in mean and spread.
gg::data::Dataset make_dataset(std::size_t n, const gg::Shape& image_shape, std::uint64_t seed) {
  gg::data::Dataset data;
  data.name = "synthetic";
  data.image_shape = image_shape;
  data.num_classes = 10;
  data.images = gg::ArrayF::empty({n, data.dim()});
  data.labels.resize(n);
  gg::Generator gen(seed);
  const std::size_t D = data.dim(), C = data.channels(), P = D / C;
  for (std::size_t i = 0; i < n; ++i) {
    data.labels[i] = std::int64_t(i % 10);
    for (std::size_t j = 0; j < D; ++j) {
      const std::size_t c = j / P;
      data.images.data()[i * D + j] = float(gen.below(C == 1 ? 256 : 64 * (c + 1)));
    }
  }
  return data;
}

// Mean and population standard deviation, in double, of columns [first, first + count) of x.
std::pair<double, double> block_stats(const gg::ArrayF& x, std::size_t first, std::size_t count) {
  const std::size_t N = x.shape()[0], D = x.shape()[1];
  double sum = 0, squares = 0;
  for (std::size_t i = 0; i < N; ++i) {
    for (std::size_t j = first; j < first + count; ++j) sum += x.data()[i * D + j];
  }
  const double mean = sum / double(N * count);
  for (std::size_t i = 0; i < N; ++i) {
    for (std::size_t j = first; j < first + count; ++j) {
      squares += (x.data()[i * D + j] - mean) * (x.data()[i * D + j] - mean);
    }
  }
  return {mean, std::sqrt(squares / double(N * count))};
}

bool same_rows(const gg::data::Dataset& part, std::size_t part_row, const gg::data::Dataset& full,
               std::size_t full_row) {
  const std::size_t D = full.dim();
  return std::equal(part.images.data() + part_row * D, part.images.data() + (part_row + 1) * D,
                    full.images.data() + full_row * D) &&
         part.labels[part_row] == full.labels[full_row];
}

}  // namespace

TEST_CASE("split_train_validation keeps the first rows for training and the next for validation",
          "[data][split]") {
  const gg::data::Dataset full = make_dataset(20, {3, 2, 2}, 1);
  const gg::data::TrainValidation split = gg::data::split_train_validation(full, 5);
  REQUIRE(split.train.size() == 15);
  REQUIRE(split.validation.size() == 5);
  CHECK(split.train.images.shape() == gg::Shape{15, 12});
  CHECK(split.validation.images.shape() == gg::Shape{5, 12});
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
  const gg::data::Dataset first = gg::data::take_first(full, 7);
  REQUIRE(first.size() == 7);
  for (std::size_t i = 0; i < 7; ++i) CHECK(same_rows(first, i, full, i));
  CHECK(gg::data::take_first(full, 12).size() == 12);
  CHECK_THROWS_WITH(gg::data::take_first(full, 13), Contains("13 rows") && Contains("only 12"));
}

TEST_CASE("check_dataset names inconsistent images and labels", "[data][split]") {
  gg::data::Dataset data = make_dataset(4, {2, 2}, 3);
  data.labels.push_back(0);
  CHECK_THROWS_WITH(gg::data::check_dataset("op", data),
                    Contains("op") && Contains("(4, 4)") && Contains("expected (N, D) = (5, 4)"));
  data.labels.pop_back();
  data.labels[2] = 10;
  CHECK_THROWS_WITH(gg::data::check_dataset("op", data),
                    Contains("label 10 at row 2") && Contains("0 to 10 - 1"));
}

TEST_CASE("preprocess: scaling maps bytes to [0, 1] or [-1, 1]", "[data][preprocess]") {
  gg::data::Dataset data = make_dataset(1, {3}, 0);
  data.images = gg::ArrayF::from({1, 3}, {0.0f, 127.5f, 255.0f});
  gg::data::Dataset symmetric = data;
  gg::data::scale_to_unit(data);
  CHECK(data.images.at({0, 0}) == 0.0f);
  CHECK(data.images.at({0, 1}) == Approx(0.5f));
  CHECK(data.images.at({0, 2}) == Approx(1.0f));
  gg::data::scale_to_symmetric(symmetric);
  CHECK(symmetric.images.at({0, 0}) == -1.0f);
  CHECK(symmetric.images.at({0, 1}) == Approx(0.0f).margin(1e-6));
  CHECK(symmetric.images.at({0, 2}) == Approx(1.0f));
}

TEST_CASE("preprocess: the mean image is the column mean, and subtracting it centres train only",
          "[data][preprocess]") {
  gg::data::Dataset tiny = make_dataset(2, {2}, 0);
  tiny.images = gg::ArrayF::from({2, 2}, {0.0f, 2.0f, 4.0f, 7.0f});
  const gg::ArrayF tiny_mean = gg::data::mean_image(tiny);
  CHECK(tiny_mean.shape() == gg::Shape{2});
  CHECK(tiny_mean.data()[0] == 2.0f);
  CHECK(tiny_mean.data()[1] == 4.5f);

  // The homework's recipe: raw 0..255 minus the training mean image, on every split.
  gg::data::TrainValidation split =
      gg::data::split_train_validation(make_dataset(300, {3, 4, 4}, 4), 50);
  const gg::data::Dataset raw_validation = split.validation;
  const gg::ArrayF mean = gg::data::mean_image(split.train);
  gg::data::subtract_mean_image(split.train, mean);
  gg::data::subtract_mean_image(split.validation, mean);
  for (std::size_t j = 0; j < 48; ++j) {
    CHECK(std::abs(block_stats(split.train.images, j, 1).first) < 1e-4);
  }
  for (std::size_t i = 0; i < 50; ++i) {
    for (std::size_t j = 0; j < 48; ++j) {
      const float expected = raw_validation.images.at({i, j}) - mean.data()[j];
      if (split.validation.images.at({i, j}) != expected) FAIL("validation " << i << "," << j);
    }
  }
  // The validation split keeps its own, non-zero mean.
  CHECK(std::abs(block_stats(split.validation.images, 0, 48).first) > 1e-3);
  CHECK_THROWS_WITH(gg::data::subtract_mean_image(split.train, tiny_mean),
                    Contains("(2,)") && Contains("expected (48,)"));
}

TEST_CASE("preprocess: per-channel standardisation gives each training channel mean 0 and std 1",
          "[data][preprocess]") {
  gg::data::TrainValidation split =
      gg::data::split_train_validation(make_dataset(200, {3, 8, 8}, 5), 20);
  const gg::data::Dataset raw_validation = split.validation;
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
  CHECK(split.validation.images.at({3, j}) ==
        Approx((raw_validation.images.at({3, j}) - stats.mean[2]) / stats.std[2]).epsilon(1e-6));
}

TEST_CASE("preprocess: per-channel statistics of a grey image use one channel",
          "[data][preprocess]") {
  gg::data::Dataset data = make_dataset(2, {2, 2}, 0);
  data.images = gg::ArrayF::from({2, 4}, {1.0f, 2.0f, 3.0f, 4.0f, 1.0f, 2.0f, 3.0f, 4.0f});
  const gg::data::ChannelStats stats = gg::data::channel_stats(data);
  REQUIRE(stats.mean.size() == 1);
  CHECK(stats.mean[0] == 2.5);
  CHECK(stats.std[0] == Approx(std::sqrt(1.25)));

  gg::data::Dataset colour = make_dataset(2, {3, 2, 2}, 0);
  CHECK_THROWS_WITH(gg::data::standardize_channels(colour, stats),
                    Contains("1 means and 1 stds") && Contains("has 3 channels"));
  data.images = gg::ArrayF::full({2, 4}, 7.0f);
  CHECK_THROWS_WITH(gg::data::channel_stats(data), Contains("channel 0") && Contains("constant"));
}
