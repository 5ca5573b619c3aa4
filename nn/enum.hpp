#pragma once
// The option values of torch::nn's functions, as LibTorch's torch/enum.h: each a type of its own
// (`gg::kMean`, `gg::kSum`, ...), so an option's std::variant accepts exactly the values the
// function takes and a wrong one does not compile.
namespace gg {
namespace enumtype {
struct kNone {};
struct kMean {};
struct kSum {};
struct kBatchMean {};
struct kConstant {};
struct kZeros {};
struct kValid {};
struct kSame {};
struct kNearest {};
struct kBilinear {};
}  // namespace enumtype

inline constexpr enumtype::kNone kNone{};
inline constexpr enumtype::kMean kMean{};
inline constexpr enumtype::kSum kSum{};
inline constexpr enumtype::kBatchMean kBatchMean{};
// Padding modes: reflect, replicate and circular are not there yet (docs/PORTING.md).
inline constexpr enumtype::kConstant kConstant{};
// Convolution padding: a mode (zeros only; reflect, replicate and circular are not there yet)
// and the padding amounts "valid" (none) and "same" (the input's size).
inline constexpr enumtype::kZeros kZeros{};
inline constexpr enumtype::kValid kValid{};
inline constexpr enumtype::kSame kSame{};
// Interpolation modes (bicubic, trilinear, area and nearest-exact are not there yet).
inline constexpr enumtype::kNearest kNearest{};
inline constexpr enumtype::kBilinear kBilinear{};
}  // namespace gg
