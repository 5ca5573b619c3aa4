#pragma once
// All of gategrad: tensors, autograd, nn, optim and data.
#include <gategrad/autograd/autograd.hpp>
#include <gategrad/data/data.hpp>
#include <gategrad/nn/activation.hpp>
#include <gategrad/nn/containers.hpp>
#include <gategrad/nn/functional.hpp>
#include <gategrad/nn/layers.hpp>
#include <gategrad/nn/loss.hpp>
#include <gategrad/nn/metrics.hpp>
#include <gategrad/nn/serialize.hpp>
#include <gategrad/optim/adam.hpp>
#include <gategrad/optim/rmsprop.hpp>
#include <gategrad/optim/scheduler.hpp>
#include <gategrad/optim/sgd.hpp>
#include <gategrad/optim/training_state.hpp>
