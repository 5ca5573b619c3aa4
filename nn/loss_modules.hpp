#pragma once
// The loss modules of torch::nn (torch/nn/modules/loss.h): each holds its options and calls
// the functional form of nn/loss.hpp. Called with two tensors, as LibTorch's:
//   auto criterion = std::make_shared<gg::nn::CrossEntropyLoss>(
//       gg::nn::CrossEntropyLossOptions().label_smoothing(0.1));
//   const gg::Tensor loss = (*criterion)(logits, labels);
#include <gategrad/nn/loss.hpp>

#include <string>

namespace gg::nn {

namespace detail {
inline constexpr char kMSELoss[] = "MSELoss";
inline constexpr char kL1Loss[] = "L1Loss";
inline constexpr char kSmoothL1Loss[] = "SmoothL1Loss";
inline constexpr char kHuberLoss[] = "HuberLoss";
inline constexpr char kBCELoss[] = "BCELoss";
inline constexpr char kBCEWithLogitsLoss[] = "BCEWithLogitsLoss";
inline constexpr char kKLDivLoss[] = "KLDivLoss";
inline constexpr char kNLLLoss[] = "NLLLoss";
inline constexpr char kCrossEntropyLoss[] = "CrossEntropyLoss";
}  // namespace detail

// One loss module: Options, the functional form it calls, and its name.
template <class Options, Tensor (*Function)(const Tensor&, const Tensor&, const Options&, Where),
          const char* Name>
class LossModule : public Module {
 public:
  explicit LossModule(const Options& options = {}) : options_(options) {}
  using Module::forward;
  using Module::operator();
  Tensor forward(const Tensor& input, const Tensor& target, Where where = Where::current()) {
    return Function(input, target, options_, where);
  }
  Tensor operator()(const Tensor& input, const Tensor& target, Where where = Where::current()) {
    return forward(input, target, where);
  }
  std::string describe() const override { return Name; }
  const Options& options() const { return options_; }

 private:
  Options options_;
};

using MSELoss = LossModule<MSELossOptions, &functional::mse_loss, detail::kMSELoss>;
using L1Loss = LossModule<L1LossOptions, &functional::l1_loss, detail::kL1Loss>;
using SmoothL1Loss = LossModule<SmoothL1LossOptions, &functional::smooth_l1_loss, detail::kSmoothL1Loss>;
using HuberLoss = LossModule<HuberLossOptions, &functional::huber_loss, detail::kHuberLoss>;
using BCELoss = LossModule<BCELossOptions, &functional::binary_cross_entropy, detail::kBCELoss>;
using BCEWithLogitsLoss = LossModule<BCEWithLogitsLossOptions, &functional::binary_cross_entropy_with_logits,
                                     detail::kBCEWithLogitsLoss>;
using KLDivLoss = LossModule<KLDivLossOptions, &functional::kl_div, detail::kKLDivLoss>;
using NLLLoss = LossModule<NLLLossOptions, &functional::nll_loss, detail::kNLLLoss>;
using CrossEntropyLoss = LossModule<CrossEntropyLossOptions, &functional::cross_entropy, detail::kCrossEntropyLoss>;

}  // namespace gg::nn
