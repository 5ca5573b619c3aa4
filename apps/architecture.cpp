#include <gategrad/apps/architecture.hpp>
#include <gategrad/nn/conv.hpp>
#include <gategrad/nn/normalization.hpp>
#include <gategrad/nn/pooling.hpp>

#include <cctype>
#include <cstdint>
#include <map>
#include <stdexcept>

namespace gg::app {
namespace {

// The spec's layers, lower-cased and without spaces; commas inside parentheses stay in their
// layer ("conv(32,3,pad=1)").
std::vector<std::string> tokens(const std::string& spec) {
  std::vector<std::string> out(1);
  int depth = 0;
  for (char c : spec) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    if (c == ',' && depth == 0) {
      out.emplace_back();
      continue;
    }
    depth += c == '(' ? 1 : c == ')' ? -1 : 0;
    out.back() += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (out.size() == 1 && out[0].empty()) out.clear();
  return out;
}

[[noreturn]] void bad(const std::string& spec, std::size_t i, const std::string& token, const std::string& why) {
  throw std::invalid_argument("--arch: layer " + std::to_string(i + 1) + " '" + token + "' of '" + spec +
                              "': " + why);
}

// A layer token split into its name and arguments: "conv(32,3,pad=1)" -> conv, positional
// {32, 3}, named {pad: 1}. Throws (through `fail`) on unbalanced parentheses or bad numbers.
struct Layer {
  std::string name;
  std::vector<std::string> positional;
  std::map<std::string, std::string> named;
  bool has_arguments = false;
};

template <class Fail>
Layer parse_layer(const std::string& token, const Fail& fail) {
  Layer layer;
  const auto open = token.find('(');
  layer.name = token.substr(0, open);
  if (open == std::string::npos) return layer;
  if (token.back() != ')') fail("expected name(arguments)");
  layer.has_arguments = true;
  std::string inside = token.substr(open + 1, token.size() - open - 2);
  std::size_t start = 0;
  while (start <= inside.size()) {
    const std::size_t comma = std::min(inside.find(',', start), inside.size());
    const std::string arg = inside.substr(start, comma - start);
    if (arg.empty()) fail("expected name(arguments) without empty arguments");
    const auto eq = arg.find('=');
    if (eq == std::string::npos) {
      if (!layer.named.empty()) fail("expected the positional arguments before the named ones");
      layer.positional.push_back(arg);
    } else {
      layer.named[arg.substr(0, eq)] = arg.substr(eq + 1);
    }
    start = comma + 1;
  }
  return layer;
}

// A whole positive integer, else fail(what).
template <class Fail>
std::int64_t positive(const std::string& text, const Fail& fail, const std::string& what) {
  std::size_t used = 0;
  long long v = 0;
  try {
    v = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || v < 1 || v > (1 << 20)) fail("expected " + what + " a positive integer, got '" + text + "'");
  return static_cast<std::int64_t>(v);
}

template <class Fail>
double probability(const Layer& layer, const Fail& fail) {
  if (!layer.has_arguments) return 0.5;
  if (layer.positional.size() != 1 || !layer.named.empty()) fail("expected " + layer.name + " or " + layer.name + "(p)");
  const std::string& number = layer.positional[0];
  std::size_t used = 0;
  double p = 0;
  try {
    p = std::stod(number, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != number.size() || !(p >= 0 && p < 1)) fail("expected " + layer.name + "(p) with 0 <= p < 1");
  return p;
}

// The named arguments a layer allows, each used once.
template <class Fail>
void allow(const Layer& layer, std::size_t most_positional, std::initializer_list<const char*> names, const Fail& fail,
           const std::string& usage) {
  if (layer.positional.size() > most_positional) fail("expected " + usage);
  for (const auto& [key, value] : layer.named) {
    bool known = false;
    for (const char* n : names) known = known || key == n;
    if (!known) fail("unknown argument '" + key + "', expected " + usage);
  }
}

bool is_spatial(const std::string& name) { return name == "conv" || name == "maxpool" || name == "avgpool"; }

}  // namespace

const std::vector<NamedArchitecture>& homework_architectures() {
  static const std::vector<NamedArchitecture> archs = [] {
    std::vector<NamedArchitecture> a;
    for (const char* spec : {"linear,relu,linear,relu,linear,relu,linear", "linear,relu,linear,linear,linear",
                             "linear,linear,linear,linear,linear,linear", "linear,sigmoid,linear,relu,linear,relu,linear",
                             "linear,sigmoid,linear,relu,linear", "linear,relu,linear,dropout(0.5),linear",
                             "linear,relu,linear,relu,linear"}) {
      a.push_back({display_name(spec), spec});
    }
    return a;
  }();
  return archs;
}

const NamedArchitecture& homework_cnn() {
  static const NamedArchitecture cnn = [] {
    const std::string spec = "conv(16,3,pad=1),batchnorm,relu,maxpool(2),conv(32,3,pad=1),batchnorm,relu,maxpool(2),"
                             "flatten,linear(128),relu,dropout(0.25),linear";
    return NamedArchitecture{display_name(spec), spec};
  }();
  return cnn;
}

std::string display_name(const std::string& spec) {
  static const std::map<std::string, std::string> names = {
      {"linear", "Linear"},     {"relu", "ReLU"},       {"sigmoid", "Sigmoid"}, {"tanh", "Tanh"},
      {"dropout", "Dropout"},   {"dropout2d", "Dropout2d"}, {"conv", "Conv"},   {"maxpool", "MaxPool"},
      {"avgpool", "AvgPool"},   {"batchnorm", "BatchNorm"}, {"flatten", "Flatten"}};
  std::string name;
  for (const std::string& t : tokens(spec)) {
    if (!name.empty()) name += "-";
    const std::string base = t.substr(0, t.find('('));
    const auto known = names.find(base);
    if (known == names.end()) {
      name += t;
      continue;
    }
    name += known->second;
    // The arguments that shape the layer stay in the name; a dropout's rate does not, as before.
    if (base != "dropout" && base != "dropout2d" && t.size() > base.size()) name += t.substr(base.size());
  }
  return name;
}

BuiltModel build_model(const std::string& spec, const std::vector<std::int64_t>& image, std::size_t hidden,
                       std::size_t classes, Generator& init) {
  const std::vector<std::string> layers = tokens(spec);
  BuiltModel built;
  for (const std::string& t : layers) built.convolutional = built.convolutional || is_spatial(t.substr(0, t.find('(')));
  const auto last_linear = [&] {
    for (std::size_t i = layers.size(); i-- > 0;) {
      if (layers[i].substr(0, layers[i].find('(')) == "linear") return i;
    }
    return layers.size();
  }();
  if (layers.empty() || last_linear != layers.size() - 1 ||
      (!built.convolutional && layers.front().substr(0, layers.front().find('(')) != "linear")) {
    throw std::invalid_argument("--arch: got '" + spec + "', expected a comma-separated list that "
                                "starts and ends with linear (e.g. linear,relu,linear), or a CNN that "
                                "ends with flatten, ..., linear");
  }
  std::int64_t numel = 1;
  for (std::int64_t d : image) numel *= d;
  // The shape reaching each layer: (C, H, W) maps before flatten, (features) after.
  bool maps = built.convolutional;
  std::int64_t C = 1, H = 1, W = 1, features = numel;
  auto model = std::make_shared<nn::Sequential>();
  if (maps) {
    if (image.size() == 3) {
      C = image[0], H = image[1], W = image[2];
    } else if (image.size() == 2) {
      H = image[0], W = image[1];
    } else {
      throw std::invalid_argument("--arch: got '" + spec + "' for inputs without an image shape, expected images");
    }
    model->push_back(std::make_shared<nn::Unflatten>(nn::UnflattenOptions(1, {C, H, W})));
  }
  const auto add = [&](std::shared_ptr<nn::Module> m) {
    for (const auto& p : m->parameters()) built.parameters += static_cast<std::uint64_t>(p.numel());
    model->push_back(std::move(m));
  };
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const std::string& t = layers[i];
    const auto fail = [&](const std::string& why) { bad(spec, i, t, why); };
    const Layer layer = parse_layer(t, fail);
    const std::string shape = maps ? "(" + std::to_string(C) + ", " + std::to_string(H) + ", " + std::to_string(W) + ")"
                                   : "(" + std::to_string(features) + ")";
    if (is_spatial(layer.name) && !maps) fail("expected it before flatten: it takes feature maps, and gets rows " + shape);
    if (layer.name == "linear") {
      if (maps) fail("expected flatten before the first linear of a CNN (the feature maps are " + shape + ")");
      allow(layer, 1, {}, fail, "linear or linear(n)");
      const std::int64_t out = i == last_linear ? static_cast<std::int64_t>(classes)
                               : layer.positional.empty() ? static_cast<std::int64_t>(hidden)
                                                          : positive(layer.positional[0], fail, "n to be");
      if (i == last_linear && !layer.positional.empty()) fail("expected the last linear without a width: it gives one logit per class");
      add(std::make_shared<nn::Linear>(nn::LinearOptions(features, out).generator(init)));
      features = out;
    } else if (layer.name == "conv") {
      allow(layer, 2, {"stride", "pad"}, fail, "conv(out, k[, stride=s][, pad=p])");
      if (layer.positional.size() != 2) fail("expected conv(out, k[, stride=s][, pad=p])");
      const std::int64_t out = positive(layer.positional[0], fail, "out to be");
      const std::int64_t k = positive(layer.positional[1], fail, "k to be");
      const std::int64_t s = layer.named.count("stride") ? positive(layer.named.at("stride"), fail, "stride to be") : 1;
      std::int64_t p = 0;
      if (layer.named.count("pad")) p = layer.named.at("pad") == "0" ? 0 : positive(layer.named.at("pad"), fail, "pad to be 0 or");
      const std::int64_t oh = (H + 2 * p - k) / s + 1, ow = (W + 2 * p - k) / s + 1;
      if (H + 2 * p < k || W + 2 * p < k) fail("expected a kernel no larger than the padded feature map " + shape);
      add(std::make_shared<nn::Conv2d>(nn::Conv2dOptions(C, out, k).stride(s).padding(p).generator(init)));
      C = out, H = oh, W = ow;
    } else if (layer.name == "maxpool" || layer.name == "avgpool") {
      allow(layer, 1, {"stride"}, fail, layer.name + "(k[, stride=s])");
      if (layer.positional.size() != 1) fail("expected " + layer.name + "(k[, stride=s])");
      const std::int64_t k = positive(layer.positional[0], fail, "k to be");
      const std::int64_t s = layer.named.count("stride") ? positive(layer.named.at("stride"), fail, "stride to be") : k;
      if (H < k || W < k) fail("expected a window no larger than the feature map " + shape);
      if (layer.name == "maxpool") {
        add(std::make_shared<nn::MaxPool2d>(nn::MaxPool2dOptions(k).stride(s)));
      } else {
        add(std::make_shared<nn::AvgPool2d>(nn::AvgPool2dOptions(k).stride(s)));
      }
      H = (H - k) / s + 1, W = (W - k) / s + 1;
    } else if (layer.name == "batchnorm") {
      allow(layer, 0, {}, fail, "batchnorm");
      if (maps) {
        add(std::make_shared<nn::BatchNorm2d>(C));
      } else {
        add(std::make_shared<nn::BatchNorm1d>(features));
      }
    } else if (layer.name == "flatten") {
      allow(layer, 0, {}, fail, "flatten");
      if (!maps) fail("expected one flatten, after the last conv or pool layer");
      maps = false;
      features = C * H * W;
      add(std::make_shared<nn::Flatten>());
    } else if (layer.name == "relu" || layer.name == "sigmoid" || layer.name == "tanh") {
      allow(layer, 0, {}, fail, layer.name);
      if (layer.name == "relu") add(std::make_shared<nn::ReLU>());
      else if (layer.name == "sigmoid") add(std::make_shared<nn::Sigmoid>());
      else add(std::make_shared<nn::Tanh>());
    } else if (layer.name == "dropout") {
      add(std::make_shared<nn::Dropout>(probability(layer, fail)));
    } else if (layer.name == "dropout2d") {
      if (!maps) fail("expected it before flatten: it drops whole channels of feature maps");
      add(std::make_shared<nn::Dropout2d>(nn::Dropout2dOptions(probability(layer, fail))));
    } else {
      fail("unknown layer; expected linear, relu, sigmoid, tanh, dropout(p), conv(out,k), maxpool(k), "
           "avgpool(k), batchnorm, dropout2d(p) or flatten");
    }
    built.activations += static_cast<std::uint64_t>(maps ? C * H * W : features);  // this layer's output
  }
  if (maps) bad(spec, layers.size() - 1, layers.back(), "expected flatten before the last linear");
  built.model = model;
  return built;
}

std::shared_ptr<nn::Sequential> build_mlp(const std::string& spec, std::size_t inputs, std::size_t hidden,
                                          std::size_t classes, Generator& init) {
  return build_model(spec, {static_cast<std::int64_t>(inputs)}, hidden, classes, init).model;
}

}  // namespace gg::app
