#pragma once
// nn::Module: the base of every layer and model, as torch::nn::Module without the holder
// machinery (a model is a plain std::shared_ptr<Module>).
//
// A module registers its parameters, buffers and child modules by name; parameters() and
// named_parameters() recurse through children in registration order and name nested
// parameters as PyTorch does ("fc1.weight", "0.bias"). train()/eval() reach every child.
#include <gategrad/autograd/ops.hpp>  // operators on Var wherever models are written
#include <gategrad/autograd/variable.hpp>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace gg::nn {

using NamedVar = std::pair<std::string, Var>;

class Module {
 public:
  virtual ~Module() = default;
  Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  // The computation. Modules with other signatures may leave it; Sequential needs it.
  virtual Var forward(const Var& x);
  // Calls forward, and records the output shape when summary() is tracing.
  Var operator()(const Var& x);

  // One line describing this module alone, e.g. "Linear(in=784, out=256, bias=true)".
  virtual std::string describe() const;

  std::vector<Var> parameters() const;
  std::vector<NamedVar> named_parameters() const;
  std::vector<NamedVar> named_buffers() const;
  const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& children() const {
    return children_;
  }
  std::size_t num_parameters() const;

  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }
  void zero_grad();

  // A table of every module called by forward on an input of `input_shape` (batch first): its
  // name, its output shape and its own parameter count, with the total. Runs forward once in
  // eval mode without recording a graph.
  std::string summary(const Shape& input_shape);

 protected:
  // Registers a trainable parameter (requires_grad) and returns a handle to it.
  Var register_parameter(std::string name, ArrayF value);
  // Registers a tensor saved with the model but not trained (e.g. a normalisation mean).
  Var register_buffer(std::string name, ArrayF value);
  template <class M>
  std::shared_ptr<M> register_module(std::string name, std::shared_ptr<M> module) {
    check_new_name(name);
    children_.emplace_back(std::move(name), module);
    return module;
  }

 private:
  void check_new_name(const std::string& name) const;
  void collect(const std::string& prefix, bool buffers, std::vector<NamedVar>& out) const;

  std::vector<NamedVar> parameters_;
  std::vector<NamedVar> buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
};

}  // namespace gg::nn
