#pragma once
// Everything in the autograd layer.
#include <gategrad/autograd/grad_mode.hpp>
#include <gategrad/autograd/gradcheck.hpp>
#include <gategrad/autograd/graph_dot.hpp>
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/variable.hpp>
#include <gategrad/tensor/ops.hpp>
