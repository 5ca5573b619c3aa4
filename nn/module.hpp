#pragma once
// nn::Module: the base of every layer and model, as torch::nn::Module without the holder
// machinery (a model is a plain std::shared_ptr<Module>).
//
// A module registers its parameters, buffers and child modules by name; parameters() and
// named_parameters() recurse through children in registration order and name nested
// parameters as PyTorch does ("fc1.weight", "0.bias"). train()/eval() and to() reach every
// child.
//
// Calling a module (operator()) names it on every node its forward records, so an anomaly or a
// graph dump says which layer an op ran in: "fc1 (Linear(in=784, out=256, bias=true))", or
// "0 (Linear(in=2, out=3, bias=true)) of Sequential" under a root that describes itself. The
// text is made when the child is registered and shared, so a call costs one refcount.
#include <gategrad/autograd/ops.hpp>  // operators on Tensor wherever models are written
#include <gategrad/tensor/tensor.hpp>

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace gg::nn {

using NamedTensor = std::pair<std::string, Tensor>;

class Module : public std::enable_shared_from_this<Module> {
 public:
  virtual ~Module() = default;
  Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  // The computation. Modules with other signatures may leave it; Sequential needs it.
  virtual Tensor forward(const Tensor& x);
  // Calls forward with this module's scope set (see above), and records the output sizes when
  // summary() is tracing.
  Tensor operator()(const Tensor& x);

  // One line describing this module alone, e.g. "Linear(in=784, out=256, bias=true)".
  virtual std::string describe() const;

  std::vector<Tensor> parameters() const;
  std::vector<NamedTensor> named_parameters() const;
  std::vector<NamedTensor> named_buffers() const;
  using NamedModule = std::pair<std::string, std::shared_ptr<Module>>;
  // The direct children in registration order (LibTorch's children() and named_children();
  // its OrderedDict is a vector of pairs here).
  std::vector<std::shared_ptr<Module>> children() const;
  const std::vector<NamedModule>& named_children() const { return children_; }
  // Every module of the tree, depth first, a module before its children (as LibTorch's):
  // with this one first when include_self (which needs this module owned by a shared_ptr, as
  // LibTorch's does; std::bad_weak_ptr otherwise). Names are dotted paths ("features.0")
  // after `name_prefix` ("" for this module itself).
  std::vector<std::shared_ptr<Module>> modules(bool include_self = true);
  std::vector<NamedModule> named_modules(const std::string& name_prefix = "", bool include_self = true);
  // Calls fn on this module, then on every descendant in the order of modules() (LibTorch's
  // order; Python's apply visits children first). The second form also gets each one's name.
  void apply(const std::function<void(Module&)>& fn);
  void apply(const std::function<void(const std::string&, Module&)>& fn, const std::string& name_prefix = "");
  std::size_t num_parameters() const;

  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }
  void zero_grad();

  // Converts every parameter and floating buffer (an int64 count stays), of this module and
  // its children, to `dtype` (a floating dtype), as torch's module.to(dtype): each tensor keeps its identity (every handle
  // to it, such as Linear::weight(), sees the new values) and loses its gradient. Build the
  // optimizer afterwards: one built before holds state of the old dtype (its step() throws).
  Module& to(Dtype dtype);

  // A table of every module called by forward on an input of `input_sizes` (batch first): its
  // name, its output sizes and its own parameter count, with the total. Runs forward once in
  // eval mode without recording a graph, on zeros of the parameters' dtype.
  std::string summary(IntArrayRef input_sizes);

  // What nodes recorded in this module's forward name as their module (see above).
  const std::shared_ptr<const std::string>& scope() const;

  // Registers a trainable parameter and returns it: a leaf that requires grad, sharing
  // `value`'s data (a contiguous copy when `value` is a strided view), named `name`. Throws
  // std::invalid_argument for a used or dotted name, or a dtype without gradients.
  Tensor register_parameter(std::string name, const Tensor& value);
  // Registers a tensor saved with the model but not trained (e.g. a normalisation mean).
  Tensor register_buffer(std::string name, const Tensor& value);
  template <class M>
  std::shared_ptr<M> register_module(std::string name, std::shared_ptr<M> module) {
    adopt(std::move(name), module);
    return module;
  }

 private:
  void check_new_name(const std::string& name) const;
  void adopt(std::string name, std::shared_ptr<Module> child);
  // Sets this module's dotted path from the root and its scope, and its descendants' (a
  // subtree registered into a new parent is renamed whole).
  void set_path(const std::string& path, const std::string& root_description);
  void collect(const std::string& prefix, bool buffers, std::vector<NamedTensor>& out) const;

  std::vector<NamedTensor> parameters_;
  std::vector<NamedTensor> buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
  bool has_parent_ = false;
  std::string path_;              // "" at a root, else e.g. "features.0"
  std::string root_description_;  // the root's describe(), as it was when this was registered
  mutable std::shared_ptr<const std::string> scope_;  // a root's is made on first use
  mutable bool root_scope_made_ = false;
};

// The module tree as LibTorch prints it: a module with children as "Name(" and one line per
// child, "  (name): ...", indented by depth, then ")"; a module without children as its
// describe() line.
std::ostream& operator<<(std::ostream& out, const Module& module);

}  // namespace gg::nn
