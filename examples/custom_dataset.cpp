// pytorch/examples' cpp/custom-dataset in gategrad: a dataset class of our own over a folder of
// labelled image files. An info file lists "relative/path.png label" per line; the dataset
// keeps the list and reads an image (libpng) only when the data loader asks for it, on the
// loader's worker threads. A small CNN (two 3x3 convolutions with max pooling, two linear
// layers) is trained on 80% of the files with Adam, and tested on the other 20%, logging loss
// and accuracy as the original does. The original reads Caltech-101 JPEGs through OpenCV; here
// the folder is made from Fashion-MNIST (Debian's dataset-fashion-mnist) when it has no info
// file yet, so the program runs on a fresh machine.
//
//   custom_dataset [--images DIR] [--make N] [--epochs N] [--min-accuracy A]
//
// --make N: how many Fashion-MNIST training images to write when DIR has no info.txt (default
// 3000). Exits 1 if the test accuracy is below --min-accuracy (default 0).
#include <gategrad/gategrad.hpp>

#include <png.h>

#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kImageSize = 28;
constexpr std::size_t kTrainBatchSize = 32;
constexpr std::size_t kTestBatchSize = 200;
constexpr std::int64_t kLogInterval = 20;

using Data = std::vector<std::pair<std::string, std::int64_t>>;  // (path under the root, label)

// A grey kImageSize x kImageSize PNG as a (1, H, W) float32 tensor in [0, 1].
gg::Tensor read_image(const fs::path& path) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (png_image_begin_read_from_file(&image, path.c_str()) == 0) {
    throw std::runtime_error("read_image: " + path.string() + ": " + image.message);
  }
  image.format = PNG_FORMAT_GRAY;
  if (image.width != kImageSize || image.height != kImageSize) {
    png_image_free(&image);
    throw std::runtime_error("read_image: " + path.string() + " is " + std::to_string(image.width) + "x" +
                             std::to_string(image.height) + ", expected " + std::to_string(kImageSize) + "x" +
                             std::to_string(kImageSize));
  }
  std::vector<std::uint8_t> pixels(PNG_IMAGE_SIZE(image));
  if (png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr) == 0) {
    throw std::runtime_error("read_image: " + path.string() + ": " + image.message);
  }
  gg::Tensor out = gg::empty({1, kImageSize, kImageSize});
  float* p = out.data_ptr<float>();
  for (std::size_t i = 0; i < pixels.size(); ++i) p[i] = static_cast<float>(pixels[i]) / 255.0f;
  return out;
}

class CustomDataset : public gg::data::datasets::Dataset<CustomDataset> {
 public:
  CustomDataset(Data data, fs::path root) : data_(std::move(data)), root_(std::move(root)) {}

  gg::data::Example<> get(std::size_t index) override {
    const auto& [path, label] = data_.at(index);
    return {read_image(root_ / path), gg::scalar_tensor(label, gg::kInt64)};
  }
  std::optional<std::size_t> size() const override { return data_.size(); }

 private:
  Data data_;
  fs::path root_;
};

struct Network : gg::nn::Module {
  Network()
      : conv1(register_module("conv1", std::make_shared<gg::nn::Conv2d>(gg::nn::Conv2dOptions(1, 16, 3).padding(1)))),
        conv2(register_module("conv2", std::make_shared<gg::nn::Conv2d>(gg::nn::Conv2dOptions(16, 32, 3).padding(1)))),
        fc1(register_module("fc1", std::make_shared<gg::nn::Linear>(32 * 7 * 7, 64))),
        fc2(register_module("fc2", std::make_shared<gg::nn::Linear>(64, 10))) {}

  gg::Tensor forward(const gg::Tensor& input) override {
    gg::Tensor x = gg::max_pool2d(gg::relu(conv1->forward(input)), 2);  // (N, 16, 14, 14)
    x = gg::max_pool2d(gg::relu(conv2->forward(x)), 2);                 // (N, 32, 7, 7)
    x = gg::relu(fc1->forward(x.view({x.size(0), -1})));
    return gg::log_softmax(fc2->forward(x), 1);
  }

  std::shared_ptr<gg::nn::Conv2d> conv1, conv2;
  std::shared_ptr<gg::nn::Linear> fc1, fc2;
};

// Writes the first `count` Fashion-MNIST training images as <class>/image_<i>.png under root,
// then info.txt (last, so that a folder with an info file is complete).
void make_folder(const fs::path& root, std::int64_t count) {
  const gg::data::Dataset fashion = gg::data::load_fashion_mnist();
  if (count > static_cast<std::int64_t>(fashion.size())) count = static_cast<std::int64_t>(fashion.size());
  std::ofstream info(root / "info.txt.partial");
  const float* pixels = fashion.images.data_ptr<float>();
  const std::int64_t* labels = fashion.labels.data_ptr<std::int64_t>();
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(kImageSize * kImageSize));
  for (std::int64_t i = 0; i < count; ++i) {
    std::string folder = fashion.class_names[static_cast<std::size_t>(labels[i])];
    for (char& c : folder) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';  // "T-shirt/top"
    fs::create_directories(root / folder);
    char name[32];
    std::snprintf(name, sizeof name, "image_%05lld.png", static_cast<long long>(i));
    const std::string relative = folder + "/" + name;
    for (std::size_t k = 0; k < bytes.size(); ++k) {
      bytes[k] = static_cast<std::uint8_t>(pixels[static_cast<std::size_t>(i) * bytes.size() + k]);
    }
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    image.width = kImageSize;
    image.height = kImageSize;
    image.format = PNG_FORMAT_GRAY;
    if (png_image_write_to_file(&image, (root / relative).c_str(), 0, bytes.data(), 0, nullptr) == 0) {
      throw std::runtime_error("make_folder: " + (root / relative).string() + ": " + image.message);
    }
    info << relative << ' ' << labels[i] << '\n';
  }
  info.close();
  if (!info) throw std::runtime_error("make_folder: could not write " + (root / "info.txt.partial").string());
  fs::rename(root / "info.txt.partial", root / "info.txt");
}

Data read_info(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("read_info: cannot open " + file.string());
  Data data;
  std::string path;
  std::int64_t label = 0;
  while (in >> path >> label) {
    if (label < 0 || label > 9) {
      throw std::runtime_error("read_info: " + file.string() + ": label " + std::to_string(label) + " of " + path +
                               ", expected 0..9");
    }
    data.emplace_back(path, label);
  }
  if (!in.eof()) throw std::runtime_error("read_info: " + file.string() + ": expected lines of \"path label\"");
  return data;
}

// A seeded random 80/20 split of the list, as the original's.
std::pair<Data, Data> split(const Data& all) {
  gg::Generator gen(1);
  const gg::Tensor order = gg::randperm(static_cast<std::int64_t>(all.size()), gen);
  const std::int64_t* at = order.data_ptr<std::int64_t>();
  Data train, test;
  const std::size_t n_train = all.size() * 8 / 10;
  for (std::size_t i = 0; i < all.size(); ++i) (i < n_train ? train : test).push_back(all[static_cast<std::size_t>(at[i])]);
  return {train, test};
}

template <class Loader>
void train(std::int64_t epoch, Network& net, Loader& loader, gg::optim::Optimizer& optimizer, std::size_t size) {
  net.train();
  std::size_t seen = 0;
  std::int64_t correct = 0, batch_index = 0;
  for (auto& batch : loader) {
    optimizer.zero_grad();
    gg::Tensor output = net.forward(batch.data);
    gg::Tensor loss = gg::nll_loss(output, batch.target);
    loss.backward();
    optimizer.step();
    seen += static_cast<std::size_t>(batch.data.size(0));
    correct += output.argmax(1).eq(batch.target).sum().template item<std::int64_t>();
    if (batch_index++ % kLogInterval == 0) {
      std::printf("Train Epoch: %lld %zu/%zu\tLoss: %.4f\tAcc: %.4f\n", static_cast<long long>(epoch), seen, size,
                  loss.template item<float>(), static_cast<double>(correct) / static_cast<double>(seen));
    }
  }
}

template <class Loader>
double test(Network& net, Loader& loader, std::size_t size) {
  gg::NoGradGuard no_grad;
  net.eval();
  double loss = 0;
  std::int64_t correct = 0;
  for (const auto& batch : loader) {
    gg::Tensor output = net.forward(batch.data);
    loss += gg::nll_loss(output, batch.target, {}, gg::Reduction::Sum).template item<float>();
    correct += output.argmax(1).eq(batch.target).sum().template item<std::int64_t>();
  }
  const double accuracy = static_cast<double>(correct) / static_cast<double>(size);
  std::printf("Test Loss: %.4f\tAcc: %.4f\n", loss / static_cast<double>(size), accuracy);
  return accuracy;
}

struct Options {
  fs::path images = "custom-dataset";
  std::int64_t make = 3000, epochs = 3;
  double min_accuracy = 0;
};

std::optional<Options> parse(int argc, char** argv) {
  Options o;
  if (argc % 2 == 0) return std::nullopt;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag(argv[i]), value(argv[i + 1]);
    const auto number = [&](auto& out) {
      const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), out);
      return error == std::errc() && end == value.data() + value.size();
    };
    bool ok = true;
    if (flag == "--images") o.images = std::string(value);
    else if (flag == "--make") ok = number(o.make) && o.make >= 10;
    else if (flag == "--epochs") ok = number(o.epochs) && o.epochs >= 1;
    else if (flag == "--min-accuracy") ok = number(o.min_accuracy) && o.min_accuracy >= 0 && o.min_accuracy <= 1;
    else ok = false;
    if (!ok) return std::nullopt;
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const std::optional<Options> options = parse(argc, argv);
  if (!options) {
    std::cerr << "usage: custom_dataset [--images DIR] [--make N] [--epochs N] [--min-accuracy A]  "
                 "(N >= 10 for --make, >= 1 for --epochs; 0 <= A <= 1)\n";
    return 2;
  }
  try {
    fs::create_directories(options->images);
    if (!fs::exists(options->images / "info.txt")) {
      std::cout << "Writing " << options->make << " Fashion-MNIST images to " << options->images << '\n';
      make_folder(options->images, options->make);
    }
    const auto [train_data, test_data] = split(read_info(options->images / "info.txt"));

    namespace data = gg::data;
    auto train_set = CustomDataset(train_data, options->images).map(data::transforms::Stack<>());
    auto test_set = CustomDataset(test_data, options->images).map(data::transforms::Stack<>());
    const std::size_t train_size = train_set.size().value(), test_size = test_set.size().value();
    auto train_loader = data::make_data_loader<data::samplers::RandomSampler>(
        std::move(train_set), data::DataLoaderOptions().batch_size(kTrainBatchSize).workers(2));
    auto test_loader = data::make_data_loader<data::samplers::SequentialSampler>(
        std::move(test_set), data::DataLoaderOptions().batch_size(kTestBatchSize));

    Network net;
    gg::optim::Adam optimizer(net.parameters(), gg::optim::AdamOptions(1e-3));
    double accuracy = 0;
    for (std::int64_t epoch = 1; epoch <= options->epochs; ++epoch) {
      train(epoch, net, *train_loader, optimizer, train_size);
      accuracy = test(net, *test_loader, test_size);
    }
    return accuracy >= options->min_accuracy ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "custom_dataset: " << e.what() << '\n';
    return 1;
  }
}
