#include <gategrad/nn/containers.hpp>

#include <stdexcept>

namespace gg::nn {

ModuleList::ModuleList(std::initializer_list<std::shared_ptr<Module>> modules) {
  for (const auto& m : modules) push_back(m);
}

void ModuleList::push_back(std::shared_ptr<Module> module) {
  if (!module) throw std::invalid_argument("ModuleList::push_back: got a null module");
  register_module(std::to_string(size()), std::move(module));
}

void ModuleList::extend(const ModuleList& other) {
  if (&other == this) throw std::invalid_argument("ModuleList::extend: got the list itself");
  for (const auto& m : other) push_back(m);
}

std::shared_ptr<Module> ModuleList::ptr(std::size_t i) const {
  if (i >= size()) {
    throw std::out_of_range("ModuleList: index " + std::to_string(i) + " is out of range for " +
                            std::to_string(size()) + " modules");
  }
  return named_children()[i].second;
}

void ModuleList::throw_wrong_type(std::size_t i, const std::string& got) {
  throw std::invalid_argument("ModuleList: module " + std::to_string(i) + " is " + got +
                              ", not the type asked for");
}

ModuleDict::ModuleDict(const std::vector<NamedModule>& modules) { update(modules); }

void ModuleDict::insert(std::string key, std::shared_ptr<Module> module) {
  if (!module) throw std::invalid_argument("ModuleDict::insert: got a null module for '" + key + "'");
  if (contains(key)) {
    throw std::invalid_argument("ModuleDict::insert: the key '" + key + "' is already there");
  }
  register_module(std::move(key), std::move(module));
}

void ModuleDict::update(const std::vector<NamedModule>& modules) {
  for (const auto& [key, module] : modules) insert(key, module);
}

bool ModuleDict::contains(const std::string& key) const {
  for (const auto& [name, module] : named_children()) {
    if (name == key) return true;
  }
  return false;
}

std::shared_ptr<Module> ModuleDict::operator[](const std::string& key) const {
  for (const auto& [name, module] : named_children()) {
    if (name == key) return module;
  }
  std::string there;
  for (const auto& [name, module] : named_children()) there += (there.empty() ? "" : ", ") + name;
  throw std::out_of_range("ModuleDict: no key '" + key + "' (keys: " +
                          (there.empty() ? "none" : there) + ")");
}

std::vector<std::string> ModuleDict::keys() const {
  std::vector<std::string> out;
  for (const auto& [name, module] : named_children()) out.push_back(name);
  return out;
}

void ModuleDict::throw_wrong_type(const std::string& key) const {
  throw std::invalid_argument("ModuleDict: module '" + key + "' is " + (*this)[key]->describe() +
                              ", not the type asked for");
}

Functional::Functional(std::function<Tensor(const Tensor&)> function) : function_(std::move(function)) {
  if (!function_) throw std::invalid_argument("Functional: got an empty function");
}

}  // namespace gg::nn
