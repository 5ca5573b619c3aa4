#include <gategrad/apps/architecture.hpp>

#include <cctype>
#include <cstdint>
#include <sstream>
#include <stdexcept>

namespace gg::app {
namespace {

std::vector<std::string> tokens(const std::string& spec) {
  std::vector<std::string> out;
  std::stringstream ss(spec);
  std::string token;
  while (std::getline(ss, token, ',')) {
    std::string clean;
    for (char c : token) {
      if (!std::isspace(static_cast<unsigned char>(c))) clean += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    out.push_back(clean);
  }
  return out;
}

[[noreturn]] void bad(const std::string& spec, std::size_t i, const std::string& token, const std::string& why) {
  throw std::invalid_argument("--arch: layer " + std::to_string(i + 1) + " '" + token + "' of '" + spec +
                              "': " + why);
}

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

std::string display_name(const std::string& spec) {
  std::string name;
  for (const std::string& t : tokens(spec)) {
    if (!name.empty()) name += "-";
    if (t == "linear") name += "Linear";
    else if (t == "relu") name += "ReLU";
    else if (t == "sigmoid") name += "Sigmoid";
    else if (t == "tanh") name += "Tanh";
    else if (t.starts_with("dropout")) name += "Dropout";
    else name += t;
  }
  return name;
}

std::shared_ptr<nn::Sequential> build_mlp(const std::string& spec, std::size_t inputs,
                                          std::size_t hidden, std::size_t classes, Generator& init) {
  const std::vector<std::string> layers = tokens(spec);
  std::size_t linears = 0;
  for (const std::string& t : layers) linears += t == "linear";
  if (layers.empty() || layers.front() != "linear" || layers.back() != "linear") {
    throw std::invalid_argument("--arch: got '" + spec + "', expected a comma-separated list that "
                                "starts and ends with linear (e.g. linear,relu,linear)");
  }
  auto model = std::make_shared<nn::Sequential>();
  std::size_t seen = 0;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const std::string& t = layers[i];
    if (t == "linear") {
      const std::size_t in = seen == 0 ? inputs : hidden;
      const std::size_t out = ++seen == linears ? classes : hidden;
      model->push_back(std::make_shared<nn::Linear>(
          nn::LinearOptions(static_cast<std::int64_t>(in), static_cast<std::int64_t>(out)).generator(init)));
    } else if (t == "relu") {
      model->push_back(std::make_shared<nn::ReLU>());
    } else if (t == "sigmoid") {
      model->push_back(std::make_shared<nn::Sigmoid>());
    } else if (t == "tanh") {
      model->push_back(std::make_shared<nn::Tanh>());
    } else if (t.starts_with("dropout")) {
      double p = 0.5;
      if (t != "dropout") {
        if (t.size() < 10 || t[7] != '(' || t.back() != ')') bad(spec, i, t, "expected dropout or dropout(p)");
        const std::string number = t.substr(8, t.size() - 9);
        std::size_t used = 0;
        try {
          p = std::stod(number, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        if (used != number.size() || !(p >= 0 && p < 1)) bad(spec, i, t, "expected dropout(p) with 0 <= p < 1");
      }
      model->push_back(std::make_shared<nn::Dropout>(p));
    } else {
      bad(spec, i, t, "unknown layer; expected linear, relu, sigmoid, tanh or dropout(p)");
    }
  }
  return model;
}

}  // namespace gg::app
