// Checkpoints: safetensors round trips, corrupt files, strict loading, atomic writes under a
// kill, and a resumed run that ends exactly where an uninterrupted one does.
#include "temp_dir.hpp"
#include "tensor_values.hpp"

#include <gategrad/autograd/ops.hpp>
#include <gategrad/nn/layers.hpp>
#include <gategrad/nn/loss.hpp>
#include <gategrad/nn/serialize.hpp>
#include <gategrad/optim/adam.hpp>
#include <gategrad/optim/scheduler.hpp>
#include <gategrad/optim/training_state.hpp>
#include <gategrad/tensor/safetensors.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using Catch::Contains;
using gg::Tensor;
using gg::test::values;
namespace fs = std::filesystem;
namespace nn = gg::nn;
namespace optim = gg::optim;

namespace {

using gg::test::read_file;
using gg::test::safetensors_bytes;
using gg::test::TempDir;
using gg::test::write_file;

std::shared_ptr<nn::Sequential> small_mlp(gg::Generator& gen) {
  return std::make_shared<nn::Sequential>(std::initializer_list<std::shared_ptr<nn::Module>>{
      std::make_shared<nn::Linear>(nn::LinearOptions(6, 8).generator(gen)),
      std::make_shared<nn::ReLU>(), std::make_shared<nn::Dropout>(0.2),
      std::make_shared<nn::Linear>(nn::LinearOptions(8, 3).generator(gen))});
}

}  // namespace

TEST_CASE("safetensors files read back bit-identically", "[checkpoint]") {
  TempDir dir;
  gg::SafetensorsFile file;
  file.tensors.emplace_back("weights", gg::test::uniform({3, 5}, 1));
  file.tensors.emplace_back("exact", gg::test::uniform({7}, 2, -2, 2, gg::kFloat64));
  file.tensors.emplace_back("scalar", gg::scalar_tensor(-0.0f));
  file.tensors.emplace_back("empty", gg::zeros({0, 4}));
  file.metadata["note"] = "hello";
  gg::save_safetensors(dir.path() / "a.safetensors", file);
  const gg::SafetensorsFile back = gg::load_safetensors(dir.path() / "a.safetensors");
  REQUIRE(back.tensors.size() == 4);
  CHECK(back.metadata.at("note") == "hello");
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(back.tensors[i].first == file.tensors[i].first);
    const Tensor& want = file.tensors[i].second;
    const Tensor& got = back.tensors[i].second;
    REQUIRE(got.sizes() == want.sizes());
    REQUIRE(got.dtype() == want.dtype());
    if (want.numel() > 0) CHECK(std::memcmp(got.data_ptr(), want.data_ptr(), want.nbytes()) == 0);
  }
  gg::save_safetensors(dir.path() / "b.safetensors", back);
  CHECK(read_file(dir.path() / "a.safetensors") == read_file(dir.path() / "b.safetensors"));
  // The header is 8-byte aligned so the data can be mapped in place.
  std::uint64_t n = 0;
  std::memcpy(&n, read_file(dir.path() / "a.safetensors").data(), 8);
  CHECK(n % 8 == 0);
}

TEST_CASE("corrupt safetensors files name the file, what was found and what was expected",
          "[checkpoint][errors]") {
  TempDir dir;
  const fs::path p = dir.path() / "bad.safetensors";
  CHECK_THROWS_WITH(gg::load_safetensors(dir.path() / "missing.safetensors"),
                    Contains("missing.safetensors: no such file"));
  write_file(p, "abc");
  CHECK_THROWS_WITH(gg::load_safetensors(p), Contains("bad.safetensors: the file has 3 bytes, expected at least"));
  write_file(p, safetensors_bytes("{}", "").substr(0, 8) + "{");
  CHECK_THROWS_WITH(gg::load_safetensors(p), Contains("header length 2 does not fit the file of 9 bytes"));
  write_file(p, safetensors_bytes("{\"a\": ", ""));
  CHECK_THROWS_WITH(gg::load_safetensors(p), Contains("the header is not valid JSON"));
  write_file(p, safetensors_bytes(R"({"a": {"dtype": "I8", "shape": [1], "data_offsets": [0, 1]}})", "x"));
  CHECK_THROWS_WITH(gg::load_safetensors(p), Contains("tensor 'a': dtype I8 is not supported, expected"));
  write_file(p, safetensors_bytes(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}})", "abcd"));
  CHECK_THROWS_WITH(gg::load_safetensors(p), Contains("tensor 'a': data_offsets span 4 bytes, expected 8 for F32 of shape"));
  write_file(p, safetensors_bytes(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}})", "abcd"));
  CHECK_THROWS_WITH(gg::load_safetensors(p), Contains("data_offsets [0, 8] fall outside the 4 data bytes"));
  write_file(p, safetensors_bytes(R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}})", "abcdEXTRA"));
  CHECK_THROWS_WITH(gg::load_safetensors(p), Contains("the tensors cover 4 of the 9 data bytes"));
  write_file(p, safetensors_bytes(R"({"a": 3})", ""));
  CHECK_THROWS_WITH(gg::load_safetensors(p), Contains("tensor 'a': expected an object with dtype, shape and data_offsets"));
}

TEST_CASE("loading a model checks names, dtypes and shapes and names the first mismatch",
          "[checkpoint][errors]") {
  TempDir dir;
  gg::Generator gen(1);
  auto model = small_mlp(gen);
  nn::save(*model, dir.path() / "m.safetensors");
  auto other = small_mlp(gen);
  nn::load(*other, dir.path() / "m.safetensors");
  CHECK(values(other->named_parameters()[0].second) == values(model->named_parameters()[0].second));

  const auto variant = [&](auto edit) {
    gg::SafetensorsFile f = gg::load_safetensors(dir.path() / "m.safetensors");
    edit(f);
    gg::save_safetensors(dir.path() / "v.safetensors", f);
    return dir.path() / "v.safetensors";
  };
  const std::vector<double> before = values(other->named_parameters()[0].second);
  CHECK_THROWS_WITH(nn::load(*other, variant([](auto& f) { f.tensors.erase(f.tensors.begin() + 1); })),
                    Contains("missing tensor '0.bias' (the model expects F32 of sizes [8])"));
  CHECK_THROWS_WITH(nn::load(*other, variant([](auto& f) { f.tensors[0].second = gg::zeros({6, 8}); })),
                    Contains("tensor '0.weight' has sizes [6, 8], expected [8, 6]"));
  CHECK_THROWS_WITH(nn::load(*other, variant([](auto& f) { f.tensors[0].second = gg::zeros({8, 6}, gg::kFloat64); })),
                    Contains("tensor '0.weight' has dtype F64, expected F32"));
  CHECK_THROWS_WITH(nn::load(*other, variant([](auto& f) { f.tensors.emplace_back("extra", gg::zeros({1})); })),
                    Contains("unexpected tensor 'extra' that the model does not have"));
  // A failed load changes nothing.
  CHECK(values(other->named_parameters()[0].second) == before);
}

TEST_CASE("a float64 model saves F64 and loads only into a float64 model", "[checkpoint]") {
  TempDir dir;
  gg::Generator gen(2);
  auto model = small_mlp(gen);
  model->to(gg::kFloat64);
  nn::save(*model, dir.path() / "d.safetensors");
  const gg::SafetensorsFile file = gg::load_safetensors(dir.path() / "d.safetensors");
  REQUIRE(file.tensors.size() == 4);
  CHECK(file.tensors[0].second.dtype() == gg::kFloat64);
  auto same_dtype = small_mlp(gen);
  same_dtype->to(gg::kFloat64);
  const Tensor handle = same_dtype->parameters()[0];
  nn::load(*same_dtype, dir.path() / "d.safetensors");
  CHECK(values(handle) == values(model->parameters()[0]));  // in place: handles see the values
  auto float32 = small_mlp(gen);
  CHECK_THROWS_WITH(nn::load(*float32, dir.path() / "d.safetensors"),
                    Contains("tensor '0.weight' has dtype F64, expected F32"));
}

TEST_CASE("a save killed midway leaves the previous checkpoint intact", "[checkpoint]") {
  TempDir dir;
  const fs::path target = dir.path() / "big.safetensors";
  gg::SafetensorsFile a, b;
  a.tensors.emplace_back("w", gg::full({4, 1 << 20}, 1.0f));  // 16 MiB each
  b.tensors.emplace_back("w", gg::full({4, 1 << 20}, 2.0f));
  gg::save_safetensors(target, a);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    for (int i = 0;; ++i) gg::save_safetensors(target, i % 2 ? a : b);  // until killed
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  CHECK(WIFSIGNALED(status));
  // Whatever moment the kill hit, the target is one complete checkpoint or the other.
  const gg::SafetensorsFile back = gg::load_safetensors(target);
  const Tensor& w = back.tensors.at(0).second;
  const float first = w.data_ptr<float>()[0];
  CHECK((first == 1.0f || first == 2.0f));
  CHECK(w.data_ptr<float>()[w.numel() - 1] == first);
}

TEST_CASE("a run interrupted after epoch 1 and resumed ends with identical weights",
          "[checkpoint]") {
  TempDir dir;
  const Tensor X = gg::test::uniform({64, 6}, 7);
  std::vector<std::int64_t> y(64);
  for (std::size_t i = 0; i < 64; ++i) y[i] = static_cast<std::int64_t>(i % 3);

  struct Run {
    gg::Generator init_gen{11}, batch_gen{12};
    std::shared_ptr<nn::Sequential> model = small_mlp(init_gen);
    optim::Adam opt{model->parameters(), optim::AdamOptions(1e-2).weight_decay(1e-3)};
    optim::ExponentialLR schedule{opt, 0.95};
  };
  // One epoch: 8 minibatches of 8 sampled with replacement, dropout from the default generator.
  const auto epoch = [&](Run& run) {
    for (int step = 0; step < 8; ++step) {
      const Tensor xb = gg::empty({8, 6});
      const Tensor yb = gg::empty({8}, gg::kInt64);
      for (std::size_t r = 0; r < 8; ++r) {
        const std::size_t i = run.batch_gen.below(64);
        std::copy_n(X.data_ptr<float>() + i * 6, 6, xb.data_ptr<float>() + r * 6);
        yb.data_ptr<std::int64_t>()[r] = y[i];
      }
      run.opt.zero_grad();
      nn::cross_entropy((*run.model)(xb), yb).backward();
      run.opt.step();
    }
    run.schedule.step();
  };

  gg::manual_seed(99);
  Run straight;
  epoch(straight);
  epoch(straight);

  gg::manual_seed(99);
  {
    Run first;
    epoch(first);
    nn::save(*first.model, dir.path() / "model.safetensors");
    optim::TrainingState state{first.opt.state(), {{"epoch", 1.0}, {"schedule_epoch", double(first.schedule.last_epoch())}},
                               {{"batches", first.batch_gen.state()}, {"default", gg::default_generator().state()}}};
    optim::save_training_state(dir.path() / "state.safetensors", state);
  }
  gg::manual_seed(12345);  // the interruption: the process and its generators are gone
  Run resumed;
  nn::load(*resumed.model, dir.path() / "model.safetensors");
  const optim::TrainingState state = optim::load_training_state(dir.path() / "state.safetensors");
  resumed.opt.load_state(state.optimizer);
  resumed.schedule.set_last_epoch(static_cast<std::int64_t>(state.progress.at("schedule_epoch")));
  resumed.batch_gen.set_state(state.generators.at("batches"));
  gg::default_generator().set_state(state.generators.at("default"));
  CHECK(state.progress.at("epoch") == 1.0);
  epoch(resumed);

  const auto a = straight.model->named_parameters(), b = resumed.model->named_parameters();
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    INFO(a[i].first);
    CHECK(std::memcmp(a[i].second.data_ptr(), b[i].second.data_ptr(), a[i].second.nbytes()) == 0);
  }
  CHECK(straight.opt.lr() == resumed.opt.lr());
}

TEST_CASE("a malformed training state names the entry", "[checkpoint][errors]") {
  TempDir dir;
  gg::SafetensorsFile f;
  f.metadata["progress.epoch"] = "1.5";
  gg::save_safetensors(dir.path() / "s.safetensors", f);
  CHECK_THROWS_WITH(optim::load_training_state(dir.path() / "s.safetensors"),
                    Contains("entry 'progress.epoch' holds '1.5', expected 16 hex digits"));
}
