#pragma once
// Everything in the data layer: readers, Dataset and its splits, preprocessing, DataLoader, and
// LibTorch's torch::data API (datasets, transforms, samplers, make_data_loader, MNIST).
#include <gategrad/data/cifar10.hpp>
#include <gategrad/data/cifar10_dataset.hpp>
#include <gategrad/data/data_loader.hpp>
#include <gategrad/data/dataloader.hpp>
#include <gategrad/data/datasets.hpp>
#include <gategrad/data/dataset.hpp>
#include <gategrad/data/error.hpp>
#include <gategrad/data/example.hpp>
#include <gategrad/data/fashion_mnist.hpp>
#include <gategrad/data/idx.hpp>
#include <gategrad/data/mnist.hpp>
#include <gategrad/data/preprocess.hpp>
#include <gategrad/data/samplers.hpp>
#include <gategrad/data/transforms.hpp>
