// PyTorch as the oracle of the optimizers and schedulers, gategrad's half: every row of kCases
// runs 20 steps on pseudo-random gradients, and is written with those gradients and what
// gategrad made of them (every parameter, learning rate and group momentum after every step) to a JSON file,
// which optim_oracle.py replays in torch.optim and compares. Adding a row adds a case; each row
// runs twice, on float32 parameters and on float64 ones (each replayed in torch in its dtype).
// usage: optim_oracle OUT.json
#include <gategrad/autograd/autograd_meta.hpp>
#include <gategrad/autograd/ops.hpp>
#include <gategrad/nn/clip_grad.hpp>
#include <gategrad/optim/adagrad.hpp>
#include <gategrad/optim/adam.hpp>
#include <gategrad/optim/rmsprop.hpp>
#include <gategrad/optim/scheduler.hpp>
#include <gategrad/optim/sgd.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <set>
#include <stdexcept>
#include <type_traits>

using gg::Tensor;
using nlohmann::json;
namespace optim = gg::optim;

namespace {

constexpr int kSteps = 20;

struct Case {
  std::string name;
  std::string optimizer;     // the torch.optim class
  json options;              // its keyword arguments, by torch's names (the rates come from lrs)
  std::vector<double> lrs;   // one parameter group per rate
  json scheduler = nullptr;  // {"type": the torch.optim.lr_scheduler class, its keyword arguments}
  std::vector<double> metrics = {};  // ReduceLROnPlateau's, one per step
  json set_lr = nullptr;     // {"step": t, "lr": x}: every group's rate set by hand before step t
  json clip = nullptr;       // {"max_norm": x, "norm_type": p} or {"clip_value": v}: torch.nn.utils'
                             // clip_grad_norm_ / clip_grad_value_ before each step
};

// Metrics that improve, stall and improve again, to be minimised and maximised; one that
// mostly stalls, for the cooldown and the floor.
const std::vector<double> kFalling = {1.0, 0.95, 0.93, 0.92, 0.91, 0.7, 0.69, 0.69, 0.68, 0.5,
                                      0.5, 0.5, 0.5,  0.5,  0.5,  0.45, 0.44, 0.44, 0.3, 0.3};
const std::vector<double> kStalling = {1.0, 1.0, 1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.8, 0.8,
                                       0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8};
const std::vector<double> kRising = {0.1,  0.2,  0.21, 0.22, 0.22, 0.4,  0.41, 0.41, 0.41, 0.6,
                                     0.62, 0.63, 0.63, 0.63, 0.7,  0.71, 0.71, 0.72, 0.72, 0.9};

json plateau(const std::string& mode, const std::string& threshold_mode, double threshold, json extra = json::object()) {
  json s = {{"type", "ReduceLROnPlateau"}, {"mode", mode}, {"threshold_mode", threshold_mode},
            {"threshold", threshold}, {"factor", 0.5}, {"patience", 1}};
  s.update(extra);
  return s;
}

const std::vector<Case> kCases = {
    {"SGD", "SGD", {}, {0.1}},
    {"SGD momentum", "SGD", {{"momentum", 0.9}}, {0.05}},
    {"SGD momentum dampening", "SGD", {{"momentum", 0.9}, {"dampening", 0.3}}, {0.05}},
    {"SGD nesterov", "SGD", {{"momentum", 0.9}, {"nesterov", true}}, {0.05}},
    {"SGD weight_decay", "SGD", {{"weight_decay", 0.1}}, {0.1}},
    {"SGD momentum weight_decay", "SGD", {{"momentum", 0.8}, {"weight_decay", 0.05}}, {0.05}},
    {"SGD maximize", "SGD", {{"maximize", true}}, {0.1}},
    {"SGD nesterov weight_decay maximize", "SGD", {{"momentum", 0.9}, {"nesterov", true}, {"weight_decay", 0.1}, {"maximize", true}}, {0.05}},
    {"SGD two groups", "SGD", {{"momentum", 0.9}}, {0.1, 0.01}},

    {"Adam", "Adam", {}, {0.05}},
    {"Adam weight_decay", "Adam", {{"weight_decay", 0.1}}, {0.05}},
    {"Adam amsgrad", "Adam", {{"amsgrad", true}}, {0.05}},
    {"Adam maximize", "Adam", {{"maximize", true}}, {0.05}},
    {"Adam beta2 0.9999", "Adam", {{"betas", {0.9, 0.9999}}}, {0.05}},
    {"Adam betas eps", "Adam", {{"betas", {0.8, 0.99}}, {"eps", 1e-6}}, {0.05}},
    {"Adam amsgrad maximize weight_decay", "Adam", {{"amsgrad", true}, {"maximize", true}, {"weight_decay", 0.1}}, {0.05}},
    {"Adam two groups", "Adam", {}, {0.05, 0.005}},

    {"AdamW (default weight_decay)", "AdamW", {}, {0.05}},
    {"AdamW weight_decay", "AdamW", {{"weight_decay", 0.1}}, {0.05}},
    {"AdamW amsgrad", "AdamW", {{"amsgrad", true}}, {0.05}},
    {"AdamW maximize", "AdamW", {{"maximize", true}}, {0.05}},
    {"AdamW beta2 0.9999", "AdamW", {{"betas", {0.9, 0.9999}}}, {0.05}},
    {"AdamW two groups", "AdamW", {{"weight_decay", 0.1}}, {0.05, 0.005}},

    {"RMSprop", "RMSprop", {}, {0.01}},
    {"RMSprop alpha eps", "RMSprop", {{"alpha", 0.9}, {"eps", 1e-6}}, {0.01}},
    {"RMSprop momentum", "RMSprop", {{"momentum", 0.9}}, {0.01}},
    {"RMSprop centered", "RMSprop", {{"centered", true}}, {0.01}},
    {"RMSprop centered momentum", "RMSprop", {{"centered", true}, {"momentum", 0.5}}, {0.01}},
    {"RMSprop weight_decay", "RMSprop", {{"weight_decay", 0.1}}, {0.01}},
    {"RMSprop maximize", "RMSprop", {{"maximize", true}}, {0.01}},
    {"RMSprop two groups", "RMSprop", {{"momentum", 0.9}}, {0.01, 0.001}},

    {"Adagrad", "Adagrad", {}, {0.1}},
    {"Adagrad lr_decay weight_decay", "Adagrad", {{"lr_decay", 0.05}, {"weight_decay", 0.1}}, {0.1}},
    {"Adagrad initial_accumulator_value eps maximize", "Adagrad",
     {{"initial_accumulator_value", 0.5}, {"eps", 1e-6}, {"maximize", true}}, {0.1}},
    {"Adagrad two groups", "Adagrad", {}, {0.1, 0.01}},

    {"clip_grad_norm_", "SGD", {{"momentum", 0.9}}, {0.05}, nullptr, {}, nullptr, {{"max_norm", 1.0}, {"norm_type", 2.0}}},
    {"clip_grad_norm_ norm_type 1", "Adam", {}, {0.05}, nullptr, {}, nullptr, {{"max_norm", 2.0}, {"norm_type", 1.0}}},
    {"clip_grad_norm_ norm_type inf", "SGD", {}, {0.1}, nullptr, {}, nullptr, {{"max_norm", 0.5}, {"norm_type", "inf"}}},
    {"clip_grad_value_", "SGD", {{"momentum", 0.9}}, {0.05}, nullptr, {}, nullptr, {{"clip_value", 0.5}}},

    {"MultiStepLR", "SGD", {{"momentum", 0.9}}, {0.1}, {{"type", "MultiStepLR"}, {"milestones", {3, 7, 7, 12}}, {"gamma", 0.5}}},
    {"LambdaLR two groups", "SGD", {}, {0.1, 0.02}, {{"type", "LambdaLR"}, {"lr_lambda", {{"pow", 0.9}}}}},
    {"CosineAnnealingLR past T_max", "SGD", {{"momentum", 0.9}}, {0.1}, {{"type", "CosineAnnealingLR"}, {"T_max", 6}, {"eta_min", 0.01}}},
    {"CosineAnnealingLR two groups", "Adam", {}, {0.05, 0.01}, {{"type", "CosineAnnealingLR"}, {"T_max", 20}}},
    {"LinearLR", "SGD", {}, {0.1}, {{"type", "LinearLR"}}},
    {"LinearLR warm-up", "Adam", {}, {0.05}, {{"type", "LinearLR"}, {"start_factor", 0.25}, {"end_factor", 1.0}, {"total_iters", 8}}},
    {"LinearLR decay, rate set by hand", "SGD", {}, {0.1}, {{"type", "LinearLR"}, {"start_factor", 1.0}, {"end_factor", 0.2}, {"total_iters", 10}},
     {}, {{"step", 4}, {"lr", 0.05}}},

    {"StepLR", "SGD", {{"momentum", 0.9}}, {0.1}, {{"type", "StepLR"}, {"step_size", 3}, {"gamma", 0.5}}},
    {"StepLR two groups, rate set by hand", "SGD", {{"momentum", 0.9}}, {0.1, 0.05},
     {{"type", "StepLR"}, {"step_size", 4}, {"gamma", 0.5}}, {}, {{"step", 6}, {"lr", 0.03}}},
    {"ExponentialLR", "Adam", {}, {0.05}, {{"type", "ExponentialLR"}, {"gamma", 0.9}}},
    {"ExponentialLR two groups, rate set by hand", "SGD", {}, {0.1, 0.02},
     {{"type", "ExponentialLR"}, {"gamma", 0.95}}, {}, {{"step", 7}, {"lr", 0.03}}},
    {"ReduceLROnPlateau min rel", "SGD", {{"momentum", 0.9}}, {0.1}, plateau("min", "rel", 0.1), kFalling},
    {"ReduceLROnPlateau min abs", "SGD", {{"momentum", 0.9}}, {0.1}, plateau("min", "abs", 0.05), kFalling},
    {"ReduceLROnPlateau max rel", "SGD", {{"momentum", 0.9}}, {0.1}, plateau("max", "rel", 0.1), kRising},
    {"ReduceLROnPlateau max abs", "SGD", {{"momentum", 0.9}}, {0.1}, plateau("max", "abs", 0.05), kRising},
    {"ReduceLROnPlateau cooldown min_lr", "SGD", {{"momentum", 0.9}}, {0.1, 0.2},
     plateau("min", "rel", 0.0, {{"cooldown", 2}, {"min_lr", 0.02}}), kStalling},
    {"ReduceLROnPlateau eps", "SGD", {{"momentum", 0.9}}, {0.01},
     plateau("max", "abs", 0.5, {{"patience", 0}, {"eps", 1e-3}}), kRising},

    // OneCycleLR over exactly the row's 20 steps (the last step is its last allowed one).
    {"OneCycleLR SGD cos", "SGD", {{"momentum", 0.9}}, {0.1}, {{"type", "OneCycleLR"}, {"max_lr", 0.2}, {"total_steps", 20}}},
    {"OneCycleLR SGD nesterov linear three_phase", "SGD", {{"momentum", 0.9}, {"nesterov", true}}, {0.1},
     {{"type", "OneCycleLR"}, {"max_lr", 0.1}, {"total_steps", 20}, {"anneal_strategy", "linear"}, {"three_phase", true},
      {"pct_start", 0.25}}},
    {"OneCycleLR SGD momentum 0 (cycled from 0.95)", "SGD", {{"dampening", 0.2}}, {0.1},
     {{"type", "OneCycleLR"}, {"max_lr", 0.1}, {"epochs", 4}, {"steps_per_epoch", 5}}},
    {"OneCycleLR SGD two groups, per-group momenta", "SGD", {{"momentum", 0.5}}, {0.1, 0.01},
     {{"type", "OneCycleLR"}, {"max_lr", {0.2, 0.05}}, {"total_steps", 25}, {"base_momentum", {0.8, 0.7}},
      {"max_momentum", {0.9, 0.99}}, {"div_factor", 10.0}, {"final_div_factor", 100.0}}},
    {"OneCycleLR Adam cos", "Adam", {}, {0.05}, {{"type", "OneCycleLR"}, {"max_lr", 0.05}, {"total_steps", 20}}},
    {"OneCycleLR Adam two groups linear three_phase", "Adam", {{"betas", {0.9, 0.99}}}, {0.05, 0.01},
     {{"type", "OneCycleLR"}, {"max_lr", {0.05, 0.02}}, {"total_steps", 22}, {"anneal_strategy", "linear"},
      {"three_phase", true}, {"base_momentum", 0.8}, {"max_momentum", 0.9}}},
    {"OneCycleLR AdamW cos three_phase", "AdamW", {}, {0.05},
     {{"type", "OneCycleLR"}, {"max_lr", 0.05}, {"total_steps", 20}, {"three_phase", true}, {"pct_start", 0.4}}},
    {"OneCycleLR RMSprop momentum", "RMSprop", {{"momentum", 0.9}}, {0.01}, {{"type", "OneCycleLR"}, {"max_lr", 0.02}, {"total_steps", 20}}},
    {"OneCycleLR Adagrad without cycle_momentum", "Adagrad", {}, {0.1},
     {{"type", "OneCycleLR"}, {"max_lr", 0.3}, {"total_steps", 20}, {"cycle_momentum", false}, {"anneal_strategy", "linear"}}},
};

// Reads a row's keyword arguments, and insists that each was used: a misspelt option must not
// pass as the default.
class Keywords {
 public:
  explicit Keywords(const json& j) : j_(j.is_null() ? json::object() : j) {}
  template <class T, class Set>
  void maybe(const std::string& key, Set set) {
    if (!j_.contains(key)) return;
    used_.insert(key);
    set(j_.at(key).get<T>());
  }
  void check_all_used(const std::string& what) const {
    for (const auto& item : j_.items()) {
      if (used_.count(item.key()) == 0) throw std::invalid_argument(what + ": unknown keyword '" + item.key() + "'");
    }
  }

 private:
  json j_;
  std::set<std::string> used_;
};

std::unique_ptr<optim::Optimizer> make_optimizer(const Case& c, std::vector<optim::ParamGroup> groups) {
  Keywords k(c.options);
  std::unique_ptr<optim::Optimizer> made;
  if (c.optimizer == "SGD") {
    optim::SGDOptions o(c.lrs[0]);
    k.maybe<double>("momentum", [&](double v) { o.momentum(v); });
    k.maybe<double>("dampening", [&](double v) { o.dampening(v); });
    k.maybe<bool>("nesterov", [&](bool v) { o.nesterov(v); });
    k.maybe<double>("weight_decay", [&](double v) { o.weight_decay(v); });
    k.maybe<bool>("maximize", [&](bool v) { o.maximize(v); });
    made = std::make_unique<optim::SGD>(std::move(groups), o);
  } else if (c.optimizer == "Adam" || c.optimizer == "AdamW") {
    const auto configure = [&](auto o) {
      k.maybe<std::vector<double>>("betas", [&](const std::vector<double>& v) { o.betas(v.at(0), v.at(1)); });
      k.maybe<double>("eps", [&](double v) { o.eps(v); });
      k.maybe<double>("weight_decay", [&](double v) { o.weight_decay(v); });
      k.maybe<bool>("amsgrad", [&](bool v) { o.amsgrad(v); });
      k.maybe<bool>("maximize", [&](bool v) { o.maximize(v); });
      return o;
    };
    if (c.optimizer == "Adam") made = std::make_unique<optim::Adam>(std::move(groups), configure(optim::AdamOptions(c.lrs[0])));
    else made = std::make_unique<optim::AdamW>(std::move(groups), configure(optim::AdamWOptions(c.lrs[0])));
  } else if (c.optimizer == "RMSprop") {
    optim::RMSpropOptions o(c.lrs[0]);
    k.maybe<double>("alpha", [&](double v) { o.alpha(v); });
    k.maybe<double>("eps", [&](double v) { o.eps(v); });
    k.maybe<double>("weight_decay", [&](double v) { o.weight_decay(v); });
    k.maybe<double>("momentum", [&](double v) { o.momentum(v); });
    k.maybe<bool>("centered", [&](bool v) { o.centered(v); });
    k.maybe<bool>("maximize", [&](bool v) { o.maximize(v); });
    made = std::make_unique<optim::RMSprop>(std::move(groups), o);
  } else if (c.optimizer == "Adagrad") {
    optim::AdagradOptions o(c.lrs[0]);
    k.maybe<double>("lr_decay", [&](double v) { o.lr_decay(v); });
    k.maybe<double>("weight_decay", [&](double v) { o.weight_decay(v); });
    k.maybe<double>("initial_accumulator_value", [&](double v) { o.initial_accumulator_value(v); });
    k.maybe<double>("eps", [&](double v) { o.eps(v); });
    k.maybe<bool>("maximize", [&](bool v) { o.maximize(v); });
    made = std::make_unique<optim::Adagrad>(std::move(groups), o);
  } else {
    throw std::invalid_argument(c.name + ": unknown optimizer '" + c.optimizer + "'");
  }
  k.check_all_used(c.name);
  return made;
}

// One epoch's scheduler step (a no-op for a row without a scheduler).
std::function<void(std::size_t step)> make_scheduler(const Case& c, optim::Optimizer& opt,
                                                     std::shared_ptr<void>& keep) {
  if (c.scheduler.is_null()) return [](std::size_t) {};
  json kwargs = c.scheduler;
  const std::string type = kwargs.at("type").get<std::string>();
  kwargs.erase("type");
  Keywords k(kwargs);
  std::function<void(std::size_t)> step;
  const auto hold = [&](auto schedule) {  // a schedule stepped once per epoch, kept alive by `keep`
    keep = schedule;
    step = [schedule](std::size_t) { schedule->step(); };
  };
  if (type == "StepLR") {
    std::int64_t step_size = 0;
    double gamma = 0.1;
    k.maybe<std::int64_t>("step_size", [&](std::int64_t v) { step_size = v; });
    k.maybe<double>("gamma", [&](double v) { gamma = v; });
    hold(std::make_shared<optim::StepLR>(opt, step_size, gamma));
  } else if (type == "ExponentialLR") {
    double gamma = 0;
    k.maybe<double>("gamma", [&](double v) { gamma = v; });
    hold(std::make_shared<optim::ExponentialLR>(opt, gamma));
  } else if (type == "MultiStepLR") {
    std::vector<std::int64_t> milestones;
    double gamma = 0.1;
    k.maybe<std::vector<std::int64_t>>("milestones", [&](const std::vector<std::int64_t>& v) { milestones = v; });
    k.maybe<double>("gamma", [&](double v) { gamma = v; });
    hold(std::make_shared<optim::MultiStepLR>(opt, milestones, gamma));
  } else if (type == "LambdaLR") {
    double base = 0;
    k.maybe<json>("lr_lambda", [&](const json& v) { base = v.at("pow").get<double>(); });
    hold(std::make_shared<optim::LambdaLR>(opt, [base](std::int64_t epoch) { return std::pow(base, static_cast<double>(epoch)); }));
  } else if (type == "CosineAnnealingLR") {
    std::int64_t t_max = 0;
    double eta_min = 0;
    k.maybe<std::int64_t>("T_max", [&](std::int64_t v) { t_max = v; });
    k.maybe<double>("eta_min", [&](double v) { eta_min = v; });
    hold(std::make_shared<optim::CosineAnnealingLR>(opt, t_max, eta_min));
  } else if (type == "LinearLR") {
    double start = 1.0 / 3, end = 1.0;
    std::int64_t total = 5;
    k.maybe<double>("start_factor", [&](double v) { start = v; });
    k.maybe<double>("end_factor", [&](double v) { end = v; });
    k.maybe<std::int64_t>("total_iters", [&](std::int64_t v) { total = v; });
    hold(std::make_shared<optim::LinearLR>(opt, start, end, total));
  } else if (type == "OneCycleLR") {
    using O = optim::OneCycleLR;
    O::Options o;
    std::vector<double> max_lr;
    // A number for every group, or a list of one per group.
    const auto one_or_list = [](const json& v) { return v.is_array() ? v.get<std::vector<double>>() : std::vector<double>{v.get<double>()}; };
    k.maybe<json>("max_lr", [&](const json& v) { max_lr = one_or_list(v); });
    k.maybe<std::int64_t>("total_steps", [&](std::int64_t v) { o.total_steps = v; });
    k.maybe<std::int64_t>("epochs", [&](std::int64_t v) { o.epochs = v; });
    k.maybe<std::int64_t>("steps_per_epoch", [&](std::int64_t v) { o.steps_per_epoch = v; });
    k.maybe<double>("pct_start", [&](double v) { o.pct_start = v; });
    k.maybe<std::string>("anneal_strategy", [&](const std::string& v) { o.anneal_strategy = v == "linear" ? O::Anneal::Linear : O::Anneal::Cos; });
    k.maybe<bool>("cycle_momentum", [&](bool v) { o.cycle_momentum = v; });
    k.maybe<json>("base_momentum", [&](const json& v) { o.base_momentum = one_or_list(v); });
    k.maybe<json>("max_momentum", [&](const json& v) { o.max_momentum = one_or_list(v); });
    k.maybe<double>("div_factor", [&](double v) { o.div_factor = v; });
    k.maybe<double>("final_div_factor", [&](double v) { o.final_div_factor = v; });
    k.maybe<bool>("three_phase", [&](bool v) { o.three_phase = v; });
    hold(std::make_shared<O>(opt, max_lr, o));
  } else if (type == "ReduceLROnPlateau") {
    using P = optim::ReduceLROnPlateau;
    P::Options o;
    k.maybe<std::string>("mode", [&](const std::string& v) { o.mode = v == "max" ? P::Mode::Max : P::Mode::Min; });
    k.maybe<std::string>("threshold_mode", [&](const std::string& v) {
      o.threshold_mode = v == "abs" ? P::ThresholdMode::Abs : P::ThresholdMode::Rel;
    });
    k.maybe<double>("factor", [&](double v) { o.factor = v; });
    k.maybe<std::int64_t>("patience", [&](std::int64_t v) { o.patience = v; });
    k.maybe<double>("threshold", [&](double v) { o.threshold = v; });
    k.maybe<std::int64_t>("cooldown", [&](std::int64_t v) { o.cooldown = v; });
    k.maybe<double>("min_lr", [&](double v) { o.min_lr = v; });
    k.maybe<double>("eps", [&](double v) { o.eps = v; });
    if (c.metrics.size() != kSteps) throw std::invalid_argument(c.name + ": needs one metric per step");
    auto s = std::make_shared<P>(opt, o);
    keep = s;
    step = [s, &c](std::size_t t) { s->step(c.metrics.at(t)); };
  } else {
    throw std::invalid_argument(c.name + ": unknown scheduler '" + type + "'");
  }
  k.check_all_used(c.name + " scheduler");
  return step;
}

// The elements as JSON numbers: float32 ones as floats (their shortest text), float64 as doubles.
json values(const Tensor& t) {
  const Tensor c = t.contiguous();
  return gg::visit_dtype(c.dtype(), [&]<class T>() -> json {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      return std::vector<T>(c.data_ptr<T>(), c.data_ptr<T>() + c.numel());
    } else {
      throw std::logic_error("optim_oracle: not a float32 or float64 tensor");
    }
  });
}

// The old core's draws in the parameter's type: low + (high - low) * u and mean + std * z, with
// u from uniform01f (float32) or uniform01 (float64), as rand and randn draw them.
Tensor uniform(gg::IntArrayRef sizes, gg::Generator& gen, gg::Dtype dtype, double low, double high) {
  Tensor t = gg::rand(sizes, gen, dtype);
  gg::visit_dtype(dtype, [&]<class T>() {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      T* p = t.data_ptr<T>();
      for (std::int64_t i = 0, n = t.numel(); i < n; ++i) p[i] = static_cast<T>(low) + (static_cast<T>(high) - static_cast<T>(low)) * p[i];
    }
  });
  return t;
}
Tensor normal(gg::IntArrayRef sizes, gg::Generator& gen, gg::Dtype dtype, float stddev) {
  Tensor t = gg::randn(sizes, gen, dtype);
  gg::visit_dtype(dtype, [&]<class T>() {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      T* p = t.data_ptr<T>();
      for (std::int64_t i = 0, n = t.numel(); i < n; ++i) p[i] = T(0) + static_cast<T>(stddev) * p[i];
    }
  });
  return t;
}

// Runs one row: two parameters per group, of shapes (4, 3) and (5,), uniform in [-1, 1]; each
// step's gradients normal, shrinking over the steps (so that amsgrad's maximum matters).
json run(const Case& c, std::uint64_t seed, gg::Dtype dtype) {
  gg::Generator gen(seed);
  std::vector<Tensor> params;
  std::vector<optim::ParamGroup> groups;
  json record = {{"name", dtype == gg::kFloat32 ? c.name : c.name + " (float64)"}, {"dtype", gg::name(dtype)},         {"optimizer", c.optimizer}, {"options", c.options.is_null() ? json::object() : c.options},
                 {"lrs", c.lrs},           {"scheduler", c.scheduler}, {"metrics", c.metrics},
                 {"set_lr", c.set_lr},     {"clip", c.clip},     {"shapes", json::array()},  {"group_of", json::array()},
                 {"initial", json::array()}, {"steps", json::array()}};
  for (std::size_t g = 0; g < c.lrs.size(); ++g) {
    groups.push_back({{}, c.lrs[g]});
    for (const std::vector<std::int64_t>& shape : {std::vector<std::int64_t>{4, 3}, std::vector<std::int64_t>{5}}) {
      const Tensor p = uniform(shape, gen, dtype, -1.0, 1.0).requires_grad_();
      params.push_back(p);
      groups.back().params.push_back(p);
      record["shapes"].push_back(shape);
      record["group_of"].push_back(g);
      record["initial"].push_back(values(p));
    }
  }
  auto opt = make_optimizer(c, std::move(groups));
  std::shared_ptr<void> keep;
  const auto schedule = make_scheduler(c, *opt, keep);
  for (std::size_t t = 0; t < kSteps; ++t) {
    json step = {{"grads", json::array()}, {"params", json::array()}, {"lrs", json::array()}, {"momenta", json::array()}};
    if (!c.set_lr.is_null() && c.set_lr.at("step").get<std::size_t>() == t + 1) opt->set_lr(c.set_lr.at("lr").get<double>());
    opt->zero_grad();
    const float scale = 2.0f / (1.0f + 0.25f * static_cast<float>(t));
    for (const Tensor& p : params) {
      const Tensor grad = normal(p.sizes(), gen, dtype, scale);
      gg::sum(p * grad).backward();  // d/dp sum(p * grad) = grad, exactly
      step["grads"].push_back(values(grad));
    }
    if (!c.clip.is_null()) {
      Keywords k(c.clip);
      double max_norm = 0, norm_type = 2;
      k.maybe<double>("max_norm", [&](double v) { max_norm = v; });
      k.maybe<json>("norm_type", [&](const json& v) { norm_type = v.is_string() ? INFINITY : v.get<double>(); });
      k.maybe<double>("clip_value", [&](double v) { gg::nn::utils::clip_grad_value_(params, v); });
      k.check_all_used(c.name + " clip");
      if (max_norm > 0) gg::nn::utils::clip_grad_norm_(params, max_norm, norm_type);
    }
    opt->step();
    schedule(t);
    for (const Tensor& p : params) step["params"].push_back(values(p));
    for (const optim::ParamGroup& g : opt->param_groups()) step["lrs"].push_back(g.lr);
    for (std::size_t g = 0; opt->has_momentum() && g < opt->param_groups().size(); ++g) step["momenta"].push_back(opt->momentum(g));
    record["steps"].push_back(step);
  }
  return record;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: optim_oracle OUT.json\n";
    return 2;
  }
  try {
    json cases = json::array();
    for (gg::Dtype dtype : {gg::kFloat32, gg::kFloat64}) {
      for (std::size_t i = 0; i < kCases.size(); ++i) cases.push_back(run(kCases[i], 1000 + i, dtype));
    }
    std::ofstream out(argv[1]);
    out << cases.dump();
    if (!out.flush()) throw std::runtime_error(std::string("cannot write ") + argv[1]);
    std::cout << "optim_oracle: wrote " << cases.size() << " cases of " << kSteps << " steps to " << argv[1] << "\n";
  } catch (const std::exception& e) {
    std::cerr << "optim_oracle: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
