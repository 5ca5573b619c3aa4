#pragma once
// Everything in the data layer: readers, Dataset and its splits, preprocessing, DataLoader.
#include <gategrad/data/cifar10.hpp>
#include <gategrad/data/dataloader.hpp>
#include <gategrad/data/dataset.hpp>
#include <gategrad/data/error.hpp>
#include <gategrad/data/fashion_mnist.hpp>
#include <gategrad/data/idx.hpp>
#include <gategrad/data/preprocess.hpp>
