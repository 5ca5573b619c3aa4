#include <gategrad/autograd/grad_mode.hpp>
#include <gategrad/nn/module.hpp>

#include <iomanip>
#include <sstream>
#include <stdexcept>

namespace gg::nn {
namespace {

struct TraceEntry {
  const Module* module;
  std::size_t depth;
  Shape output_shape;
};

// While summary() runs, the calls it traces (null otherwise).
thread_local std::vector<TraceEntry>* trace = nullptr;
thread_local std::size_t trace_depth = 0;

std::size_t own_parameter_count(const Module& m) {
  std::size_t total = m.num_parameters();
  for (const auto& [name, child] : m.children()) total -= child->num_parameters();
  return total;
}

}  // namespace

Var Module::forward(const Var&) {
  throw std::logic_error(describe() + ": this module has no forward(const Var&); call the "
                         "forward it defines");
}

Var Module::operator()(const Var& x) {
  if (trace == nullptr) return forward(x);
  const std::size_t slot = trace->size();
  trace->push_back({this, trace_depth, {}});
  ++trace_depth;
  Var y = forward(x);
  --trace_depth;
  (*trace)[slot].output_shape = y.shape();
  return y;
}

std::string Module::describe() const {
  // The dynamic type's name would need demangling; models override describe() when they like.
  return "Module";
}

void Module::check_new_name(const std::string& name) const {
  if (name.empty() || name.find('.') != std::string::npos) {
    throw std::invalid_argument("register: got name '" + name +
                                "', expected a non-empty name without '.'");
  }
  auto taken = [&](const auto& list) {
    for (const auto& entry : list) {
      if (entry.first == name) return true;
    }
    return false;
  };
  if (taken(parameters_) || taken(buffers_) || taken(children_)) {
    throw std::invalid_argument("register: the name '" + name + "' is already used in " +
                                describe());
  }
}

Var Module::register_parameter(std::string name, ArrayF value) {
  check_new_name(name);
  parameters_.emplace_back(std::move(name), Var(std::move(value), true));
  parameters_.back().second.set_name(parameters_.back().first);
  return parameters_.back().second;
}

Var Module::register_buffer(std::string name, ArrayF value) {
  check_new_name(name);
  buffers_.emplace_back(std::move(name), Var(std::move(value), false));
  return buffers_.back().second;
}

void Module::collect(const std::string& prefix, bool buffers, std::vector<NamedVar>& out) const {
  for (const auto& [name, var] : buffers ? buffers_ : parameters_) out.emplace_back(prefix + name, var);
  for (const auto& [name, child] : children_) child->collect(prefix + name + ".", buffers, out);
}

std::vector<NamedVar> Module::named_parameters() const {
  std::vector<NamedVar> out;
  collect("", false, out);
  return out;
}

std::vector<NamedVar> Module::named_buffers() const {
  std::vector<NamedVar> out;
  collect("", true, out);
  return out;
}

std::vector<Var> Module::parameters() const {
  std::vector<Var> out;
  for (auto& [name, var] : named_parameters()) out.push_back(var);
  return out;
}

std::size_t Module::num_parameters() const {
  std::size_t total = 0;
  for (const auto& [name, var] : named_parameters()) total += var.size();
  return total;
}

void Module::train(bool on) {
  training_ = on;
  for (auto& [name, child] : children_) child->train(on);
}

void Module::zero_grad() {
  for (auto& [name, var] : named_parameters()) var.zero_grad();
}

std::string Module::summary(const Shape& input_shape) {
  std::vector<TraceEntry> entries;
  const bool was_training = training_;
  eval();
  {
    NoGradGuard no_grad;
    trace = &entries;
    trace_depth = 0;
    try {
      (*this)(Var(ArrayF::zeros(input_shape)));
    } catch (...) {
      trace = nullptr;
      train(was_training);
      throw;
    }
    trace = nullptr;
  }
  train(was_training);
  std::ostringstream os;
  os << std::left << std::setw(44) << "layer" << std::setw(16) << "output shape" << std::right
     << std::setw(12) << "parameters" << "\n"
     << std::string(72, '-') << "\n";
  for (const TraceEntry& e : entries) {
    os << std::left << std::setw(44) << (std::string(2 * e.depth, ' ') + e.module->describe())
       << std::setw(16) << to_string(e.output_shape) << std::right << std::setw(12)
       << own_parameter_count(*e.module) << "\n";
  }
  os << std::string(72, '-') << "\n"
     << std::left << std::setw(60) << "total parameters" << std::right << std::setw(12)
     << num_parameters() << "\n";
  return os.str();
}

}  // namespace gg::nn
