#pragma once
// Accuracy of a model over a whole dataset, in batches, without recording a graph.
#include <gategrad/data/dataset.hpp>
#include <gategrad/nn/module.hpp>

namespace gg::app {

// Runs `model` in eval mode on rows [0, limit) of `data` (all rows when limit is 0) and returns
// the fraction classified correctly. Restores the model's training mode.
double evaluate_accuracy(nn::Module& model, const data::Dataset& data, std::size_t limit = 0);

}  // namespace gg::app
