// A program outside the gategrad tree, built against an installed gategrad with none of the
// library's SIMD flags (tests/install_check.cmake fails if any -march or -m<isa> reaches it). It
// calls a function declared in every public header of every layer (tensor, autograd, nn, optim,
// data; not the detail/ and gemm/ internals), so that a declaration whose meaning depends on
// build flags (a type whose alignment follows the SIMD width, as the old core's xt::xarray
// results did) fails to compile or link here instead of in a user's program.
#include <gategrad/autograd/autograd_meta.hpp>
#include <gategrad/autograd/backward.hpp>
#include <gategrad/autograd/function.hpp>
#include <gategrad/autograd/grad_mode.hpp>
#include <gategrad/autograd/gradcheck.hpp>
#include <gategrad/autograd/graph.hpp>
#include <gategrad/autograd/graph_dot.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/source_location.hpp>
#include <gategrad/autograd/ops.hpp>
#include <gategrad/data/data.hpp>
#include <gategrad/nn/activation.hpp>
#include <gategrad/nn/clip_grad.hpp>
#include <gategrad/nn/containers.hpp>
#include <gategrad/nn/layers.hpp>
#include <gategrad/nn/loss.hpp>
#include <gategrad/nn/metrics.hpp>
#include <gategrad/nn/module.hpp>
#include <gategrad/nn/serialize.hpp>
#include <gategrad/optim/adagrad.hpp>
#include <gategrad/optim/adam.hpp>
#include <gategrad/optim/optimizer.hpp>
#include <gategrad/optim/rmsprop.hpp>
#include <gategrad/optim/scheduler.hpp>
#include <gategrad/optim/sgd.hpp>
#include <gategrad/optim/training_state.hpp>
#include <gategrad/tensor/allocator.hpp>
#include <gategrad/tensor/atomic_file.hpp>
#include <gategrad/tensor/dtype.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/gemm.hpp>
#include <gategrad/tensor/int_array_ref.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/number_text.hpp>
#include <gategrad/tensor/parallel.hpp>
#include <gategrad/tensor/random.hpp>
#include <gategrad/tensor/regular_file.hpp>
#include <gategrad/tensor/safetensors.hpp>
#include <gategrad/tensor/scalar.hpp>
#include <gategrad/tensor/shape.hpp>
#include <gategrad/tensor/storage.hpp>
#include <gategrad/tensor/tensor.hpp>
#include <gategrad/tensor/thread_pool.hpp>

#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace fs = std::filesystem;
namespace ag = gg::autograd;
namespace native = gg::native;

namespace {

// y = x^2 as a custom op (autograd/function.hpp): dy/dx = 2x.
struct Square : ag::Function<Square> {
  static constexpr const char* name() { return "Square"; }
  static gg::Tensor forward(ag::AutogradContext* ctx, gg::Tensor x) {
    ctx->save_for_backward({x});
    return native::mul(x, x);
  }
  static ag::tensor_list backward(ag::AutogradContext* ctx, ag::tensor_list grad_outputs) {
    const gg::Tensor x = ctx->get_saved_variables()[0];
    return {native::mul(native::mul(x, 2.0), grad_outputs[0])};
  }
};

// tensor: dtypes, scalars, sizes, storage, the cache, the GEMM, threads, files, safetensors.
bool tensor_layer(const fs::path& dir) {
  bool ok = std::string(gg::name(gg::kInt64)) == "int64" && gg::element_size(gg::kFloat64) == 8;
  ok = ok && gg::Scalar(3).to<double>() == 3.0;
  const gg::Tensor m = gg::arange(6, gg::dtype(gg::kFloat32)).view({2, 3});
  ok = ok && gg::to_string(m.sizes()) == "[2, 3]" && gg::checked_numel("consumer", m.sizes()) == 6;
  ok = ok && m.storage()->nbytes() == 6 * sizeof(float) && gg::cache_stats().in_use_bytes > 0;
  try {
    native::mm(m, m);  // (2,3) x (2,3)
    ok = false;
  } catch (const gg::ShapeError&) {
  }
  // C(2,2) = A(2,3) A^T, by the GEMM directly: rows (0 1 2) and (3 4 5).
  float c[4] = {};
  gg::gemm<float>(gg::Trans::No, gg::Trans::Yes, 2, 2, 3, 1.0f, m.data_ptr<float>(), 3,
                  m.data_ptr<float>(), 3, 0.0f, c, 2);
  ok = ok && c[0] == 5 && c[1] == 14 && c[3] == 50;
  gg::set_num_threads(2);
  std::atomic<int> tasks{0};
  gg::parallel_run(4, [&](int) { ++tasks; });
  ok = ok && gg::num_threads() == 2 && tasks == 4;
  gg::write_file_atomically(dir / "note.txt", "gategrad");
  gg::RegularFile note(dir / "note.txt");
  ok = ok && note.is_open() && note.size() == 8;
  // int64 and bool tensors through safetensors and back.
  const gg::Tensor labels = gg::tensor({3, 1, 4});
  const gg::Tensor mask = native::gt(labels, 2);
  gg::save_safetensors(dir / "t.safetensors", {{{"labels", labels}, {"mask", mask}}, {{"note", "x"}}});
  const gg::SafetensorsFile back = gg::load_safetensors(dir / "t.safetensors");
  ok = ok && back.tensors.size() == 2 && back.metadata.at("note") == "x";
  ok = ok && native::sum(native::eq(back.tensors[0].second, labels)).item<std::int64_t>() == 3;
  ok = ok && back.tensors[1].second.dtype() == gg::kBool && gg::dtype_from_safetensors("BOOL") == gg::kBool;
  ok = ok && !gg::to_string(mask).empty();
  return ok;
}

// autograd: ops and operators, leaves' gradients, no-grad mode, graphs, a custom op, gradcheck.
bool autograd_layer() {
  const gg::Tensor w = gg::tensor({1.0, -2.0, 3.0}, gg::requires_grad());
  const gg::Tensor y = gg::sum(gg::relu(w) * 2.0);
  y.backward();
  bool ok = w.grad().defined() && w.grad()[1].item<float>() == 0.0f && w.grad()[2].item<float>() == 2.0f;
  ok = ok && y.grad_fn() != nullptr && !ag::describe(*y.grad_fn()).empty();
  ok = ok && gg::to_dot(y).find("digraph") != std::string::npos;
  ag::zero_grad(w);
  ag::reserve_grad(w);
  {
    gg::NoGradGuard no_grad;
    ok = ok && !gg::is_grad_enabled() && !ag::should_record({&w});
  }
  ok = ok && gg::Where::current().line() > 0;
  const gg::Tensor x = gg::tensor({1.5, -0.5}, gg::dtype(gg::kFloat64).requires_grad(true));
  gg::sum(Square::apply(x)).backward();
  ok = ok && x.grad()[0].item<double>() == 3.0;
  // torch::autograd::grad: d(sum x^3)/dx = 3 x^2, returned instead of accumulated.
  const ag::tensor_list dx = ag::grad({gg::sum(x * x * x)}, {x});
  ok = ok && dx.size() == 1 && dx[0][0].item<double>() == 6.75;
  const gg::GradcheckReport report = gg::gradcheck(
      [](const std::vector<gg::Tensor>& in) { return Square::apply(in[0]); },
      {gg::tensor({0.5, 2.0}, gg::dtype(gg::kFloat64))});
  return ok && report.passed;
}

// data: an in-memory dataset of two separable classes, checked, preprocessed and sliced; the
// readers on files that are not there (their errors), an IDX file.
gg::data::Dataset points_dataset(const fs::path& dir, bool& ok) {
  gg::data::Dataset points;
  points.name = "points";
  points.images = gg::empty({8, 2});
  std::vector<std::int64_t> labels;
  float* v = points.images.data_ptr<float>();
  for (int i = 0; i < 8; ++i) {
    v[2 * i] = i % 2 == 0 ? 1.0f : -1.0f;
    v[2 * i + 1] = 0.1f * static_cast<float>(i);
    labels.push_back(i % 2);
  }
  points.labels = gg::from_values(std::span<const std::int64_t>(labels), {8});
  points.image_shape = {2};
  points.num_classes = 2;
  points.class_names = {"right", "left"};
  gg::data::check_dataset("consumer", points);
  gg::data::affine_transform(points, 1.0f, 0.0f);
  ok = ok && gg::data::mean_image(points).numel() == 2 && gg::data::channel_stats(points).mean.size() == 1;
  ok = ok && gg::data::slice_rows(points, 2, 4, "part").size() == 4;
  for (const auto& load : {+[](const fs::path& p) { gg::data::load_fashion_mnist(p); },
                           +[](const fs::path& p) { gg::data::load_cifar10(p); }}) {
    try {
      load(dir / "absent");
      ok = false;
    } catch (const gg::data::DataError&) {
    }
  }
  // An IDX file of three bytes: magic 0 0 8 (unsigned bytes) 1 (one dimension), size 3.
  gg::write_file_atomically(dir / "three.idx", std::string("\0\0\x08\x01\0\0\0\x03\x07\x08\x09", 11));
  const gg::data::IdxArray idx = gg::data::read_idx(dir / "three.idx");
  ok = ok && idx.dims.size() == 1 && idx.dims[0] == 3 && idx.bytes.at(2) == 9;
  return points;
}

}  // namespace

int main() {
  const fs::path dir = fs::temp_directory_path() / ("gategrad_consumer." + std::to_string(::getpid()));
  fs::create_directories(dir);

  // tensor: a seeded matrix product, a softmax, and argmax along a dim (an int64 tensor).
  gg::Generator gen(0);
  const gg::Tensor x = gg::randn({4, 3}, gen);
  const gg::Tensor w = gg::randn({3, 2}, gen);
  const gg::Tensor p = native::softmax(native::mm(x, w), 1);
  const gg::Tensor sums = native::sum(p, {1});
  std::cout << "row sums:";
  for (std::int64_t i = 0; i < 4; ++i) std::cout << ' ' << sums[i].item<float>();
  std::cout << '\n';
  const gg::Tensor best = native::argmax(p, 1);
  bool argmax_ok = best.dtype() == gg::kInt64 && best.sizes() == gg::IntArrayRef({4});
  for (std::int64_t i = 0; i < 4; ++i) {
    const std::int64_t k = best[i].item<std::int64_t>();
    argmax_ok = argmax_ok && p[i][k].item<float>() >= p[i][1 - k].item<float>();
  }
  std::cout << "argmax: " << (argmax_ok ? "ok" : "wrong") << '\n';
  std::cout << "tensor: " << (tensor_layer(dir) ? "ok" : "wrong") << '\n';
  std::cout << "autograd: " << (autograd_layer() ? "ok" : "wrong") << '\n';

  bool data_ok = true;
  const gg::data::Dataset points = points_dataset(dir, data_ok);
  gg::data::DataLoader loader(points, gg::data::DataLoaderOptions(4));
  std::cout << "data: " << (data_ok && loader.num_batches() == 2 ? "ok" : "wrong") << '\n';

  // nn, optim: a linear classifier trained with SGD on the batches, its learning rate stepped.
  gg::manual_seed(0);
  auto model = std::make_shared<gg::nn::Sequential>(std::initializer_list<std::shared_ptr<gg::nn::Module>>{
      std::make_shared<gg::nn::Linear>(gg::nn::LinearOptions(2, 2)), std::make_shared<gg::nn::Identity>()});
  gg::optim::SGD optimizer(model->parameters(), gg::optim::SGDOptions(0.5));
  gg::optim::StepLR schedule(optimizer, 100);
  double first = 0, last = 0;
  for (int epoch = 0; epoch < 20; ++epoch) {
    double total = 0;
    for (const auto& batch : loader) {
      optimizer.zero_grad();
      const gg::Tensor loss = gg::nn::cross_entropy((*model)(batch.x), batch.y) +
                              gg::nn::l2_penalty(*model, 1e-4);
      loss.backward();
      gg::nn::utils::clip_grad_norm_(model->parameters(), 100.0);
      gg::nn::utils::clip_grad_value_(model->parameters(), 50.0);
      optimizer.step();
      total += loss.item<double>();
    }
    schedule.step();
    (epoch == 0 ? first : last) = total;
  }
  const double accuracy = gg::nn::accuracy((*model)(points.images), points.labels);
  // One step each of Adam, RMSprop and Adagrad, on an MSE through an activation module: they
  // must link and move the weights.
  gg::optim::Adam adam(model->parameters(), gg::optim::AdamOptions(1e-3));
  gg::optim::RMSprop rmsprop(model->parameters(), gg::optim::RMSpropOptions(1e-3));
  gg::optim::Adagrad adagrad(model->parameters(), gg::optim::AdagradOptions(1e-3));
  auto activations = std::make_shared<gg::nn::ModuleList>(std::initializer_list<std::shared_ptr<gg::nn::Module>>{
      std::make_shared<gg::nn::LeakyReLU>(gg::nn::LeakyReLUOptions().negative_slope(0.1)),
      std::make_shared<gg::nn::Functional>([](const gg::Tensor& t) { return t * 2.0; })});
  const gg::nn::ModuleDict heads({{"activations", activations}});
  const gg::Tensor before = native::clone(model->parameters()[0]);
  for (gg::optim::Optimizer* o : std::initializer_list<gg::optim::Optimizer*>{&adam, &rmsprop, &adagrad}) {
    o->zero_grad();
    gg::Tensor out = (*model)(points.images);
    for (const auto& m : heads.at<gg::nn::ModuleList>("activations")) out = (*m)(out);
    gg::nn::mse_loss(out, gg::zeros({8, 2})).backward();
    o->step();
  }
  const bool moved = native::sum(native::ne(before, model->parameters()[0])).item<std::int64_t>() > 0;
  std::cout << "training: " << (last < first && accuracy == 1.0 && moved ? "ok" : "failed") << '\n';

  // Checkpoints: the model's weights and the optimizer's state, saved and read back.
  gg::nn::save(*model, dir / "model.safetensors", {{"lr", gg::number_text(optimizer.lr())}});
  auto copy = std::make_shared<gg::nn::Linear>(gg::nn::LinearOptions(2, 2));
  gg::nn::Sequential reloaded{copy, std::make_shared<gg::nn::Identity>()};
  gg::nn::load(reloaded, dir / "model.safetensors");
  gg::optim::save_training_state(dir / "state.safetensors", {adam.state(), {{"epoch", 20}}, {}});
  const gg::optim::TrainingState state = gg::optim::load_training_state(dir / "state.safetensors");
  const bool same = native::sum(native::eq(copy->weight(), model->parameters()[0])).item<std::int64_t>() == 4;
  std::cout << "checkpoint: " << (same && gg::optim::progress_count(state, "epoch") == 20 ? "ok" : "wrong") << '\n';
  fs::remove_all(dir);
  return 0;
}
