#pragma once
// Module containers beside Sequential (nn/layers.hpp), as torch::nn's: ModuleList (children
// "0", "1", ... without a forward), ModuleDict (children by key, in insertion order) and
// Functional (a function as a module, for a Sequential). Their children are registered, so
// parameters(), train(), to() and printing reach them.
#include <gategrad/nn/module.hpp>

#include <cstddef>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace gg::nn {

class ModuleList : public Module {
 public:
  ModuleList() = default;
  ModuleList(std::initializer_list<std::shared_ptr<Module>> modules);
  void push_back(std::shared_ptr<Module> module);
  // Appends every module of `other` (shared, not copied).
  void extend(const ModuleList& other);
  std::size_t size() const { return named_children().size(); }
  bool is_empty() const { return size() == 0; }
  // The i-th module; throws std::out_of_range naming i and the size.
  std::shared_ptr<Module> operator[](std::size_t i) const { return ptr(i); }
  std::shared_ptr<Module> ptr(std::size_t i) const;
  // The i-th module as a T; throws std::invalid_argument when it is not one.
  template <class T>
  std::shared_ptr<T> ptr(std::size_t i) const { return as<T>(ptr(i), i); }
  template <class T>
  T& at(std::size_t i) const { return *ptr<T>(i); }
  // Iterates over the modules (std::shared_ptr<Module>), in order, over named_children().
  class const_iterator {
   public:
    explicit const_iterator(std::vector<NamedModule>::const_iterator it) : it_(it) {}
    const std::shared_ptr<Module>& operator*() const { return it_->second; }
    const_iterator& operator++() { ++it_; return *this; }
    bool operator==(const const_iterator&) const = default;

   private:
    std::vector<NamedModule>::const_iterator it_;
  };
  const_iterator begin() const { return const_iterator(named_children().begin()); }
  const_iterator end() const { return const_iterator(named_children().end()); }
  std::string describe() const override { return "ModuleList"; }

 private:
  template <class T>
  static std::shared_ptr<T> as(const std::shared_ptr<Module>& m, std::size_t i) {
    auto typed = std::dynamic_pointer_cast<T>(m);
    if (!typed) throw_wrong_type(i, m->describe());
    return typed;
  }
  [[noreturn]] static void throw_wrong_type(std::size_t i, const std::string& got);
};

class ModuleDict : public Module {
 public:
  ModuleDict() = default;
  explicit ModuleDict(const std::vector<NamedModule>& modules);
  // Adds `module` under `key`; throws std::invalid_argument for a key already there, an empty
  // or dotted key, or a null module.
  void insert(std::string key, std::shared_ptr<Module> module);
  // Inserts each pair in turn (LibTorch's update replaces an existing key; here it throws).
  void update(const std::vector<NamedModule>& modules);
  std::size_t size() const { return named_children().size(); }
  bool is_empty() const { return size() == 0; }
  bool contains(const std::string& key) const;
  // The module under `key`; throws std::out_of_range naming the key and the keys there are.
  std::shared_ptr<Module> operator[](const std::string& key) const;
  template <class T>
  T& at(const std::string& key) const {
    auto typed = std::dynamic_pointer_cast<T>((*this)[key]);
    if (!typed) throw_wrong_type(key);
    return *typed;
  }
  std::vector<std::string> keys() const;
  std::vector<std::shared_ptr<Module>> values() const { return children(); }
  const std::vector<NamedModule>& items() const { return named_children(); }
  std::string describe() const override { return "ModuleDict"; }

 private:
  [[noreturn]] void throw_wrong_type(const std::string& key) const;
};

// A function of one tensor as a module: Functional([](const Tensor& x) { return gg::relu(x); }).
// (gg::relu itself has a trailing defaulted Where, so it is passed through a lambda.)
class Functional : public Module {
 public:
  explicit Functional(std::function<Tensor(const Tensor&)> function);
  Tensor forward(const Tensor& x) override { return function_(x); }
  std::string describe() const override { return "Functional"; }

 private:
  std::function<Tensor(const Tensor&)> function_;
};

}  // namespace gg::nn
