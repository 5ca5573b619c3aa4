#include <gategrad/autograd/autograd_meta.hpp>
#include <gategrad/autograd/grad_mode.hpp>
#include <gategrad/autograd/graph.hpp>
#include <gategrad/nn/module.hpp>
#include <gategrad/tensor/native.hpp>

#include <iomanip>
#include <ostream>
#include <sstream>
#include <stdexcept>

namespace gg::nn {
namespace {

struct TraceEntry {
  const Module* module;
  std::size_t depth;
  SizeVector output_sizes;
};

// While summary() runs, the calls it traces (null otherwise).
thread_local std::vector<TraceEntry>* trace = nullptr;
thread_local std::size_t trace_depth = 0;

// A module that does not override describe() says nothing useful about itself.
constexpr const char* kDefaultDescription = "Module";

std::size_t own_parameter_count(const Module& m) {
  std::size_t total = m.num_parameters();
  for (const auto& [name, child] : m.named_children()) total -= child->num_parameters();
  return total;
}

// Points `t`'s handle, and with it every copy of the handle, at a converted copy of its data,
// as torch's module.to() assigns param.data: the tensor keeps its identity and autograd state
// (a leaf that requires grad, its name) and loses its gradient, which had the old dtype.
void convert_in_place(const Tensor& t, Dtype dtype) {
  if (t.dtype() == dtype || !t.is_floating_point()) return;  // torch leaves integer tensors alone
  const Tensor converted = native::to(t, dtype);
  TensorImpl& impl = *t.unsafe_impl();
  impl.storage = converted.storage();
  impl.sizes = converted.sizes().vec();
  impl.strides = converted.strides().vec();
  impl.storage_offset = converted.storage_offset();
  impl.dtype = dtype;
  autograd::reset_grad(t);
}

}  // namespace

Tensor Module::forward(const Tensor&) {
  throw std::logic_error(describe() + ": this module has no forward(const Tensor&); call the "
                         "forward it defines");
}

Tensor Module::operator()(const Tensor& x) {
  autograd::ScopeGuard scope_guard(scope());
  if (trace == nullptr) return forward(x);
  const std::size_t slot = trace->size();
  trace->push_back({this, trace_depth, {}});
  ++trace_depth;
  Tensor y = forward(x);
  --trace_depth;
  (*trace)[slot].output_sizes = y.sizes().vec();
  return y;
}

std::string Module::describe() const {
  // The dynamic type's name would need demangling; models override describe() when they like.
  return kDefaultDescription;
}

const std::shared_ptr<const std::string>& Module::scope() const {
  // A child's scope is set when it is registered; a root names itself on its first call (its
  // describe() is final only once it is constructed), unless it has nothing to say.
  if (!has_parent_ && !root_scope_made_) {
    const std::string text = describe();
    scope_ = text == kDefaultDescription ? nullptr : std::make_shared<const std::string>(text);
    root_scope_made_ = true;
  }
  return scope_;
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

Tensor Module::register_parameter(std::string name, const Tensor& value) {
  check_new_name(name);
  if (!value.defined() || !value.is_floating_point()) {
    throw std::invalid_argument("register_parameter: got " +
                                (value.defined() ? "a tensor of dtype " + to_string(value.dtype())
                                                 : std::string("an undefined tensor")) +
                                " for '" + name + "', expected a floating-point tensor (only "
                                "those have gradients)");
  }
  // A new handle: the caller's tensor does not become a leaf that requires grad.
  Tensor p = native::alias(native::contiguous(value));
  p.requires_grad_();
  p.set_name(name);
  parameters_.emplace_back(std::move(name), p);
  return p;
}

Tensor Module::register_buffer(std::string name, const Tensor& value) {
  check_new_name(name);
  if (!value.defined()) {
    throw std::invalid_argument("register_buffer: got an undefined tensor for '" + name + "'");
  }
  Tensor b = native::alias(native::contiguous(value));
  buffers_.emplace_back(std::move(name), b);
  return b;
}

void Module::adopt(std::string name, std::shared_ptr<Module> child) {
  if (!child) throw std::invalid_argument("register_module: got a null module for '" + name + "'");
  check_new_name(name);
  children_.emplace_back(name, child);
  child->has_parent_ = true;
  // This module's own path, and the root's description, as its parent last set them.
  const std::string root = has_parent_ ? root_description_ : describe();
  child->set_path(path_.empty() ? name : path_ + "." + name, root);
}

void Module::set_path(const std::string& path, const std::string& root_description) {
  path_ = path;
  root_description_ = root_description;
  std::string text = path + " (" + describe() + ")";
  if (root_description != kDefaultDescription) text += " of " + root_description;
  scope_ = std::make_shared<const std::string>(std::move(text));
  for (const auto& [name, child] : children_) child->set_path(path + "." + name, root_description);
}

std::vector<std::shared_ptr<Module>> Module::children() const {
  std::vector<std::shared_ptr<Module>> out;
  for (const auto& [name, child] : children_) out.push_back(child);
  return out;
}

std::vector<Module::NamedModule> Module::named_modules(const std::string& name_prefix, bool include_self) {
  std::vector<NamedModule> out;
  if (include_self) out.emplace_back(name_prefix, shared_from_this());
  for (const auto& [name, child] : children_) {
    for (NamedModule& m : child->named_modules(name_prefix.empty() ? name : name_prefix + "." + name)) {
      out.push_back(std::move(m));
    }
  }
  return out;
}

std::vector<std::shared_ptr<Module>> Module::modules(bool include_self) {
  std::vector<std::shared_ptr<Module>> out;
  for (NamedModule& m : named_modules("", include_self)) out.push_back(std::move(m.second));
  return out;
}

void Module::apply(const std::function<void(Module&)>& fn) {
  fn(*this);
  for (const auto& [name, child] : children_) child->apply(fn);
}

void Module::apply(const std::function<void(const std::string&, Module&)>& fn, const std::string& name_prefix) {
  fn(name_prefix, *this);
  for (const auto& [name, child] : children_) child->apply(fn, name_prefix.empty() ? name : name_prefix + "." + name);
}

namespace {
void print_tree(std::ostream& out, const Module& m, const std::string& indent) {
  out << m.describe();
  if (m.named_children().empty()) return;
  out << "(\n";
  for (const auto& [name, child] : m.named_children()) {
    out << indent << "  (" << name << "): ";
    print_tree(out, *child, indent + "  ");
    out << "\n";
  }
  out << indent << ")";
}
}  // namespace

std::ostream& operator<<(std::ostream& out, const Module& module) {
  print_tree(out, module, "");
  return out;
}

void Module::collect(const std::string& prefix, bool buffers, std::vector<NamedTensor>& out) const {
  for (const auto& [name, t] : buffers ? buffers_ : parameters_) out.emplace_back(prefix + name, t);
  for (const auto& [name, child] : children_) child->collect(prefix + name + ".", buffers, out);
}

std::vector<NamedTensor> Module::named_parameters() const {
  std::vector<NamedTensor> out;
  collect("", false, out);
  return out;
}

std::vector<NamedTensor> Module::named_buffers() const {
  std::vector<NamedTensor> out;
  collect("", true, out);
  return out;
}

std::vector<Tensor> Module::parameters() const {
  std::vector<Tensor> out;
  for (auto& [name, t] : named_parameters()) out.push_back(t);
  return out;
}

std::size_t Module::num_parameters() const {
  std::size_t total = 0;
  for (const auto& [name, t] : named_parameters()) total += static_cast<std::size_t>(t.numel());
  return total;
}

void Module::train(bool on) {
  training_ = on;
  for (auto& [name, child] : children_) child->train(on);
}

void Module::zero_grad() {
  for (auto& [name, t] : named_parameters()) autograd::zero_grad(t);
}

Module& Module::to(Dtype dtype) {
  if (!is_floating_point(dtype)) {
    throw std::invalid_argument("Module::to: got dtype " + to_string(dtype) + " for " + describe() +
                                ", expected a floating dtype");
  }
  for (const auto& [name, t] : parameters_) convert_in_place(t, dtype);
  // Floating buffers only, as torch's module.to(dtype): a count (BatchNorm's
  // num_batches_tracked) stays int64.
  for (const auto& [name, t] : buffers_) {
    if (t.is_floating_point()) convert_in_place(t, dtype);
  }
  for (auto& [name, child] : children_) child->to(dtype);
  return *this;
}

std::string Module::summary(IntArrayRef input_sizes) {
  const std::vector<NamedTensor> params = named_parameters();
  const Dtype dtype = params.empty() ? kFloat32 : params.front().second.dtype();
  std::vector<TraceEntry> entries;
  const bool was_training = training_;
  eval();
  {
    NoGradGuard no_grad;
    trace = &entries;
    trace_depth = 0;
    try {
      (*this)(gg::zeros(input_sizes, dtype));
    } catch (...) {
      trace = nullptr;
      train(was_training);
      throw;
    }
    trace = nullptr;
  }
  train(was_training);
  std::ostringstream os;
  os << std::left << std::setw(44) << "layer" << std::setw(16) << "output sizes" << std::right
     << std::setw(12) << "parameters" << "\n"
     << std::string(72, '-') << "\n";
  for (const TraceEntry& e : entries) {
    os << std::left << std::setw(44) << (std::string(2 * e.depth, ' ') + e.module->describe())
       << std::setw(16) << to_string(IntArrayRef(e.output_sizes)) << std::right << std::setw(12)
       << own_parameter_count(*e.module) << "\n";
  }
  os << std::string(72, '-') << "\n"
     << std::left << std::setw(60) << "total parameters" << std::right << std::setw(12)
     << num_parameters() << "\n";
  return os.str();
}

}  // namespace gg::nn
