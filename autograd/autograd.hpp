#pragma once
// Everything in the autograd layer, and the tensor it differentiates.
#include <gategrad/autograd/backward.hpp>
#include <gategrad/autograd/conv_ops.hpp>
#include <gategrad/autograd/function.hpp>
#include <gategrad/autograd/grad_mode.hpp>
#include <gategrad/autograd/gradcheck.hpp>
#include <gategrad/autograd/graph_dot.hpp>
#include <gategrad/autograd/normalization_ops.hpp>
#include <gategrad/autograd/ops.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/parallel.hpp>
#include <gategrad/tensor/random.hpp>
#include <gategrad/tensor/tensor.hpp>
