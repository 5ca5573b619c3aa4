#include <gategrad/autograd/autograd_meta.hpp>
#include <gategrad/autograd/grad_mode.hpp>
#include <gategrad/optim/optimizer.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/thread_pool.hpp>
#include <gategrad/tensor/parallel.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <type_traits>

namespace gg::optim {

Optimizer::Optimizer(std::vector<ParamGroup> groups, const char* name)
    : groups_(std::move(groups)), name_(name) {
  std::size_t count = 0;
  for (const ParamGroup& g : groups_) {
    check_hyper(name, "lr", g.lr, 0.0, INFINITY);
    for (const Tensor& p : g.params) {
      const std::string which = std::string(name) + ": parameter " + std::to_string(count);
      if (!p.defined()) throw std::invalid_argument(which + " is an undefined tensor");
      if (p.dtype() != kFloat32 && p.dtype() != kFloat64) {
        throw std::invalid_argument(which + " of sizes " + to_string(p.sizes()) + " has dtype " +
                                    to_string(p.dtype()) + ", expected float32 or float64");
      }
      if (!p.requires_grad() || !p.is_leaf()) {
        throw std::invalid_argument(which + " of sizes " + to_string(p.sizes()) +
                                    " is not a leaf that requires grad");
      }
      if (!p.is_contiguous()) {
        // The updates run over the parameter's memory as one range.
        throw std::invalid_argument(which + " of sizes " + to_string(p.sizes()) + " and strides " +
                                    to_string(p.strides()) + " is not contiguous, expected a "
                                    "contiguous leaf (make it from a contiguous copy)");
      }
      ++count;
    }
  }
  if (count == 0) throw std::invalid_argument(std::string(name) + ": got no parameters to optimize");
  buffers_.resize(count);
  steps_.assign(count, 0);
}

void Optimizer::check_hyper(const char* optimizer, const char* what, double value, double low,
                            double high, bool high_inclusive) {
  const bool ok = std::isfinite(value) ? (value >= low && (high_inclusive ? value <= high : value < high))
                                       : false;
  if (!ok) {
    throw std::invalid_argument(std::string(optimizer) + ": got " + what + " = " +
                                std::to_string(value) + ", expected " + std::to_string(low) +
                                " <= " + what + (high_inclusive ? " <= " : " < ") +
                                (std::isinf(high) ? std::string("infinity") : std::to_string(high)));
  }
}

std::vector<Tensor> Optimizer::fresh_buffers(const Tensor& p) const {
  std::vector<Tensor> buffers;
  for (const std::string& name : buffer_names()) buffers.push_back(gg::full_like(p, initial_buffer_value(name)));
  return buffers;
}

void Optimizer::create_buffers() {
  const std::size_t count = buffer_names().size();
  std::size_t index = 0;
  for (ParamGroup& g : groups_) {
    for (const Tensor& p : g.params) {
      autograd::reserve_grad(p);
      std::vector<Tensor>& buffers = buffers_[index++];
      if (buffers.size() < count) buffers = fresh_buffers(p);
    }
  }
}

void Optimizer::step() {
  NoGradGuard no_grad;
  // Below this many elements (a parameter and its gradient within L2) a parameter is updated
  // on the calling thread alone: split across cores, data that the backward left in this
  // core's L2 would cross to the other core's every step (batch-1 step of 3072-50-10 on two
  // threads: 87 us split, 42 us not).
  constexpr std::size_t kParallelElements = std::size_t{1} << 19;
  std::size_t index = 0;
  for (group_ = 0; group_ < groups_.size(); ++group_) {
    ParamGroup& g = groups_[group_];
    for (const Tensor& p : g.params) {
      const std::size_t i = index++;
      const Tensor& grad = p.grad();
      if (!grad.defined()) continue;
      std::vector<Tensor>& buffers = buffers_[i];
      // (Also where SGD's momentum buffer starts when a schedule gives a group momentum later.)
      if (buffers.empty()) buffers = fresh_buffers(p);
      if ((!buffers.empty() && buffers.front().dtype() != p.dtype()) || grad.dtype() != p.dtype() ||
          !grad.is_contiguous()) {
        throw std::logic_error(std::string(name_) + "::step: parameter " + std::to_string(i) + " is " +
                               to_string(p.dtype()) + " but its gradient is " + to_string(grad.dtype()) +
                               (buffers.empty() ? std::string() : " and its state " + to_string(buffers.front().dtype())) +
                               " (was the model converted after the optimizer was built? Build the "
                               "optimizer after Module::to)");
      }
      const std::int64_t step = ++steps_[i];
      visit_dtype(p.dtype(), [&]<class T>() {
        if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
          ParamSlice<T> whole{p.data_ptr<T>(), grad.data_ptr<T>(), {}, static_cast<std::size_t>(p.numel())};
          for (std::size_t b = 0; b < buffers.size(); ++b) whole.buffers[b] = buffers[b].data_ptr<T>();
          const int parts = whole.n >= kParallelElements ? num_threads() : 1;
          parallel_run(parts, [&](int part) {
            // Slices start on a 16-element (64-byte or more) boundary, so each stays vector-aligned.
            const std::size_t units = (whole.n + 15) / 16;
            const auto bound = [&](int k) {
              return std::min(whole.n, units * static_cast<std::size_t>(k) / static_cast<std::size_t>(parts) * 16);
            };
            const std::size_t begin = bound(part), end = bound(part + 1);
            ParamSlice<T> slice{whole.param + begin, whole.grad + begin, {}, end - begin};
            for (std::size_t b = 0; b < buffers.size(); ++b) slice.buffers[b] = whole.buffers[b] + begin;
            if (slice.n > 0) update(slice, g.lr, step);
          });
        }
      });
      // An in-place change, as torch's p.add_: a graph that saved p refuses to backpropagate.
      p.storage()->bump_version();
    }
  }
  group_ = 0;
}

void Optimizer::zero_grad() {
  for (ParamGroup& g : groups_) {
    for (const Tensor& p : g.params) autograd::zero_grad(p);
  }
}

void Optimizer::set_lr(double lr) {
  check_hyper(name_, "lr", lr, 0.0, INFINITY);
  for (ParamGroup& g : groups_) g.lr = lr;
}

void Optimizer::enable_momentum(const char* what, double initial, double high, bool can_start) {
  momentum_can_start_ = can_start;
  momentum_name_ = what;
  momentum_high_ = high;
  momenta_.assign(groups_.size(), initial);
}

bool Optimizer::any_momentum() const {
  return std::any_of(momenta_.begin(), momenta_.end(), [](double m) { return m > 0; });
}

double Optimizer::momentum(std::size_t group) const {
  if (momenta_.empty()) throw std::invalid_argument(std::string(name_) + "::momentum: " + name_ + " has no momentum");
  if (group >= momenta_.size()) {
    throw std::out_of_range(std::string(name_) + "::momentum: got group " + std::to_string(group) + ", expected < " +
                            std::to_string(momenta_.size()));
  }
  return momenta_[group];
}

void Optimizer::set_momentum(std::size_t group, double value) {
  momentum(group);  // checks that there is one and the index
  check_hyper(name_, momentum_name_, value, 0, momentum_high_);
  if (!momentum_can_start_ && momenta_[group] == 0 && value > 0) {
    throw std::invalid_argument(std::string(name_) + "::set_momentum: group " + std::to_string(group) +
                                " has " + momentum_name_ + " 0, which it keeps (its buffer was never made); "
                                "build the optimizer with " + momentum_name_ + " > 0 to change it");
  }
  momenta_[group] = value;
}

}  // namespace gg::optim
