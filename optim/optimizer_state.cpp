// Optimizer::state and load_state: what a resumed run needs, and a strict, all-or-nothing
// restore of it (a state file is input like any other, and may be damaged or hostile).
#include <gategrad/tensor/number_text.hpp>
#include <gategrad/optim/optimizer.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>

#include <cmath>
#include <set>
#include <stdexcept>
#include <type_traits>

namespace gg::optim {
namespace {

std::string step_key(std::size_t param) { return std::to_string(param) + ".step"; }
std::string buffer_key(std::size_t param, const std::string& buffer) {
  return std::to_string(param) + "." + buffer;
}
std::string lr_key(std::size_t group) { return "group" + std::to_string(group) + ".lr"; }

}  // namespace

OptimizerState Optimizer::state() const {
  OptimizerState s;
  const std::vector<std::string> names = buffer_names();
  for (std::size_t i = 0; i < buffers_.size(); ++i) {
    s.scalars[step_key(i)] = static_cast<double>(steps_[i]);
    // Copies: the buffers change in place at every later step.
    for (std::size_t b = 0; b < buffers_[i].size(); ++b) s.tensors[buffer_key(i, names[b])] = native::clone(buffers_[i][b]);
  }
  for (std::size_t g = 0; g < groups_.size(); ++g) s.scalars[lr_key(g)] = groups_[g].lr;
  return s;
}

void Optimizer::load_state(const OptimizerState& s) {
  const std::vector<std::string> names = buffer_names();
  const auto fail = [&](const std::string& key, const std::string& what) {
    throw std::invalid_argument(std::string(name_) + "::load_state: entry '" + key + "' " + what);
  };
  std::vector<const Tensor*> params;
  for (const ParamGroup& g : groups_) {
    for (const Tensor& p : g.params) params.push_back(&p);
  }

  // Nothing but what state() writes: a misspelt or foreign entry is an error, not ignored.
  std::set<std::string> tensor_keys, scalar_keys;
  for (std::size_t i = 0; i < params.size(); ++i) {
    scalar_keys.insert(step_key(i));
    for (const std::string& b : names) tensor_keys.insert(buffer_key(i, b));
  }
  for (std::size_t g = 0; g < groups_.size(); ++g) scalar_keys.insert(lr_key(g));
  std::string saved = "'<i>.step'";
  for (const std::string& b : names) saved += ", '<i>." + b + "'";
  const std::string expected = "expected only " + saved + " for parameters i < " +
                               std::to_string(params.size()) + " and 'group<g>.lr' for groups g < " +
                               std::to_string(groups_.size());
  for (const auto& entry : s.tensors) {
    if (tensor_keys.count(entry.first) == 0) {
      fail(entry.first, "is not a tensor " + std::string(name_) + " saves (" + expected + ")");
    }
  }
  for (const auto& entry : s.scalars) {
    if (scalar_keys.count(entry.first) == 0) {
      fail(entry.first, "is not a scalar " + std::string(name_) + " saves (" + expected + ")");
    }
  }

  // Everything is checked into these before anything of this optimizer changes.
  std::vector<std::int64_t> steps(params.size());
  std::vector<std::vector<Tensor>> buffers(params.size());
  std::vector<double> lrs(groups_.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    const std::string key = step_key(i);
    const auto step = s.scalars.find(key);
    if (step == s.scalars.end()) fail(key, "is missing");
    const double v = step->second;
    // The range check comes first: casting NaN or anything outside int64 is undefined.
    if (!(v >= 0 && v < 0x1p63 && v == std::floor(v))) {
      fail(key, "is " + number_text(v) + ", expected a whole number of steps in [0, 2^63)");
    }
    steps[i] = static_cast<std::int64_t>(v);
    const Tensor& param = *params[i];
    for (const std::string& b : names) {
      const std::string name = buffer_key(i, b);
      const auto t = s.tensors.find(name);
      if (t == s.tensors.end()) {
        if (steps[i] != 0) {
          fail(name, "is missing (parameter " + std::to_string(i) + " has taken " + number_text(v) + " steps)");
        }
        buffers[i].push_back(gg::full_like(param, initial_buffer_value(b)));  // never updated: as they start
        continue;
      }
      const Tensor& tensor = t->second;
      if (!tensor.defined()) fail(name, "is an undefined tensor, expected the parameter's sizes " + to_string(param.sizes()));
      if (tensor.sizes() != param.sizes()) {
        fail(name, "has sizes " + to_string(tensor.sizes()) + ", expected the parameter's sizes " +
                       to_string(param.sizes()));
      }
      if (tensor.dtype() != param.dtype()) {
        fail(name, "has dtype " + to_string(tensor.dtype()) + ", expected the parameter's dtype " +
                       to_string(param.dtype()));
      }
      Tensor copy = native::clone(tensor);  // contiguous, and this optimizer's alone
      const bool nonnegative = nonnegative_buffer(b);
      visit_dtype(copy.dtype(), [&]<class T>() {
        if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
          const T* x = copy.data_ptr<T>();
          for (std::int64_t e = 0, n = copy.numel(); e < n; ++e) {
            if (!std::isfinite(x[e]) || (nonnegative && x[e] < 0)) {
              fail(name, "holds " + number_text(static_cast<double>(x[e])) + " at element " + std::to_string(e) +
                             ", expected finite values" + (nonnegative ? " >= 0 (a mean of squares)" : ""));
            }
          }
        }
      });
      buffers[i].push_back(std::move(copy));
    }
  }
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    const std::string key = lr_key(g);
    const auto lr = s.scalars.find(key);
    if (lr == s.scalars.end()) fail(key, "is missing");
    if (!(std::isfinite(lr->second) && lr->second >= 0)) {
      fail(key, "is " + number_text(lr->second) + ", expected a finite learning rate >= 0");
    }
    lrs[g] = lr->second;
  }

  // Commit: nothing below can throw.
  for (std::size_t g = 0; g < groups_.size(); ++g) groups_[g].lr = lrs[g];
  buffers_ = std::move(buffers);
  steps_ = std::move(steps);
}

}  // namespace gg::optim
