// The real Fashion-MNIST, when Debian's dataset-fashion-mnist is installed.
#include <gategrad/data/dataset.hpp>
#include <gategrad/data/fashion_mnist.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <filesystem>
#include <span>

TEST_CASE("data: the installed Fashion-MNIST has 60,000 + 10,000 images in 10 balanced classes",
          "[data][fashion-mnist]") {
  const std::filesystem::path dir = gg::data::kFashionMnistDir;
  if (!std::filesystem::exists(dir / "train-images-idx3-ubyte.gz")) {
    WARN("Fashion-MNIST not found in " << dir << ": apt-get install dataset-fashion-mnist");
    return;
  }
  const gg::data::Dataset train = gg::data::load_fashion_mnist(dir, gg::data::Split::Train);
  const gg::data::Dataset test = gg::data::load_fashion_mnist(dir, gg::data::Split::Test);
  CHECK(train.images.sizes() == gg::IntArrayRef{60000, 784});
  CHECK(test.images.sizes() == gg::IntArrayRef{10000, 784});
  CHECK(train.image_shape == gg::SizeVector{28, 28});

  for (const gg::data::Dataset* data : {&train, &test}) {
    INFO(data->name);
    std::array<std::size_t, 10> count{};
    std::size_t out_of_range = 0;
    const std::int64_t* labels = data->labels.data_ptr<std::int64_t>();
    for (std::int64_t label : std::span(labels, data->size())) {
      if (label >= 0 && label <= 9) ++count[std::size_t(label)]; else ++out_of_range;
    }
    CHECK(out_of_range == 0);
    const std::size_t per_class = data->size() / 10;  // 6,000 train, 1,000 test
    for (std::size_t c = 0; c < 10; ++c) CHECK(count[c] == per_class);
    const float* x = data->images.data_ptr<float>();
    const auto [low, high] = std::minmax_element(x, x + data->images.numel());
    CHECK(*low == 0.0f);
    CHECK(*high == 255.0f);
  }
  // The first image of either split is an ankle boot.
  CHECK(train.labels.data_ptr<std::int64_t>()[0] == 9);
  CHECK(test.labels.data_ptr<std::int64_t>()[0] == 9);

  const gg::data::TrainValidation split = gg::data::split_train_validation(train);
  CHECK(split.train.size() == 59000);
  CHECK(split.validation.size() == 1000);
  CHECK(split.validation.labels.data_ptr<std::int64_t>()[0] ==
        train.labels.data_ptr<std::int64_t>()[59000]);
}
