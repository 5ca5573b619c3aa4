#pragma once
// Architectures written as strings, as `gategrad depth --arch` takes them. MLPs:
//   "linear,relu,linear,dropout(0.5),linear"
// every linear but the last maps to `hidden` units (linear(n): to n), the first takes the
// input dimension and the last gives one logit per class. CNNs, on the images' (C, H, W):
//   "conv(32,3,pad=1),batchnorm,relu,maxpool(2),conv(64,3,pad=1),batchnorm,relu,maxpool(2),
//    flatten,linear(128),relu,linear"
// conv(out, k[, stride=s][, pad=p]) is a k x k Conv2d, maxpool(k[, stride=s]) and
// avgpool(k[, stride=s]) pool k x k windows (stride k by default), batchnorm is BatchNorm2d
// before flatten and BatchNorm1d after it, dropout2d(p) drops whole channels; flatten turns
// the feature maps into rows for the linear layers. A spec with a conv or pool layer makes a
// CNN: its model starts with an Unflatten of the input rows into images.
#include <gategrad/nn/layers.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace gg::app {

struct NamedArchitecture {
  std::string name;  // "Linear-ReLU-Linear"
  std::string spec;  // "linear,relu,linear"
};

// The homework's seven depth experiments, in its order.
const std::vector<NamedArchitecture>& homework_architectures();

// The CNN row `gategrad depth --cnn` adds: two blocks of [conv 3x3, batch norm, ReLU, 2x2
// max-pool] at 16 and 32 channels, Linear(128), ReLU, dropout 0.25, Linear (examples/
// fashion_cnn.cpp's net), on either dataset's images.
const NamedArchitecture& homework_cnn();

// A built model and what its shape inference found.
struct BuiltModel {
  std::shared_ptr<nn::Sequential> model;
  bool convolutional = false;
  std::uint64_t parameters = 0;        // learnable values
  std::uint64_t activations = 0;       // values every layer outputs per sample, summed
};

// The model of `spec` for inputs of `image` (C, H, W) or (H, W) images, flattened into rows of
// their product; hidden units and classes as above, weights drawn from `init`. Throws
// std::invalid_argument naming the layer's position, the token and what was expected for an
// unknown layer, malformed arguments, a layer that does not fit the shape reaching it (a
// pooling window larger than the feature map, a conv after flatten, a linear before flatten in
// a CNN), or a spec that does not end with linear (nor, for an MLP, start with it).
BuiltModel build_model(const std::string& spec, const std::vector<std::int64_t>& image, std::size_t hidden,
                       std::size_t classes, Generator& init);

// An MLP spec on inputs of `inputs` values: build_model on the shape (inputs).
std::shared_ptr<nn::Sequential> build_mlp(const std::string& spec, std::size_t inputs,
                                          std::size_t hidden, std::size_t classes,
                                          Generator& init);

// "linear,relu,linear" -> "Linear-ReLU-Linear"; "conv(32,3,pad=1),maxpool(2)" ->
// "Conv(32,3,pad=1)-MaxPool(2)".
std::string display_name(const std::string& spec);

}  // namespace gg::app
