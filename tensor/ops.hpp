#pragma once
// Everything in the tensor layer: the Array type and all its operations.
#include <gategrad/tensor/elementwise.hpp>
#include <gategrad/tensor/gemm.hpp>
#include <gategrad/tensor/layout.hpp>
#include <gategrad/tensor/matmul.hpp>
#include <gategrad/tensor/parallel.hpp>
#include <gategrad/tensor/random.hpp>
#include <gategrad/tensor/reduce.hpp>
#include <gategrad/tensor/shape.hpp>
#include <gategrad/tensor/array.hpp>
