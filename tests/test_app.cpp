// The gategrad program end to end, on tiny datasets the test writes in both official formats
// (gzip IDX as Fashion-MNIST ships, CIFAR-10 binary batches): every subcommand, its outputs,
// and its handling of bad input.
#include "temp_dir.hpp"
#include <catch2/catch.hpp>

#include <zlib.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using Catch::Contains;

namespace {

using gg::test::TempDir;

struct Outcome {
  int exit_code;
  std::string output;  // stdout and stderr together
};

// Runs the program with `args` (a shell-quoted string), capturing its output.
Outcome run(const std::string& args) {
  const std::string command = std::string("'") + GATEGRAD_EXE + "' " + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  std::array<char, 4096> buffer;
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) output += buffer.data();
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}


// Image i of class c: a bright band in a class-dependent place plus noise, so a net can learn it.
std::vector<std::uint8_t> pixel_values(std::size_t n, std::size_t dim, std::vector<std::uint8_t>& labels,
                                       std::uint32_t seed) {
  std::vector<std::uint8_t> pixels(n * dim);
  labels.resize(n);
  std::uint32_t state = seed;
  const auto next = [&] { return state = state * 1664525u + 1013904223u; };
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t c = next() % 10;
    labels[i] = static_cast<std::uint8_t>(c);
    for (std::size_t d = 0; d < dim; ++d) {
      const bool band = (d * 10 / dim) == c;
      pixels[i * dim + d] = static_cast<std::uint8_t>((band ? 180 : 20) + next() % 60);
    }
  }
  return pixels;
}

void write_idx_gz(const fs::path& path, std::uint8_t ndim, const std::vector<std::uint32_t>& dims,
                  const std::vector<std::uint8_t>& payload) {
  gzFile f = gzopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  const std::uint8_t magic[4] = {0, 0, 0x08, ndim};
  gzwrite(f, magic, 4);
  for (std::uint32_t d : dims) {
    const std::uint8_t be[4] = {std::uint8_t(d >> 24), std::uint8_t(d >> 16), std::uint8_t(d >> 8), std::uint8_t(d)};
    gzwrite(f, be, 4);
  }
  gzwrite(f, payload.data(), static_cast<unsigned>(payload.size()));
  gzclose(f);
}

fs::path write_fashion_mnist(const fs::path& root) {
  const fs::path dir = root / "fashion";
  fs::create_directories(dir);
  for (auto [prefix, n] : {std::pair<std::string, std::size_t>{"train", 400}, {"t10k", 100}}) {
    std::vector<std::uint8_t> labels;
    const auto pixels = pixel_values(n, 784, labels, prefix == "train" ? 1 : 2);
    write_idx_gz(dir / (prefix + "-images-idx3-ubyte.gz"), 3, {std::uint32_t(n), 28, 28}, pixels);
    write_idx_gz(dir / (prefix + "-labels-idx1-ubyte.gz"), 1, {std::uint32_t(n)}, labels);
  }
  return dir;
}

fs::path write_cifar10(const fs::path& root) {
  const fs::path dir = root / "cifar";
  fs::create_directories(dir);
  const auto write_batch = [&](const std::string& name, std::size_t n, std::uint32_t seed) {
    std::vector<std::uint8_t> labels;
    const auto pixels = pixel_values(n, 3072, labels, seed);
    std::ofstream out(dir / name, std::ios::binary);
    for (std::size_t i = 0; i < n; ++i) {
      out.put(static_cast<char>(labels[i]));
      out.write(reinterpret_cast<const char*>(pixels.data() + i * 3072), 3072);
    }
  };
  for (int b = 1; b <= 5; ++b) write_batch("data_batch_" + std::to_string(b) + ".bin", 80, std::uint32_t(b));
  write_batch("test_batch.bin", 60, 9);
  return dir;
}

}  // namespace

TEST_CASE("every subcommand runs end to end on both dataset formats", "[app]") {
  TempDir tmp;
  const std::vector<std::pair<std::string, fs::path>> datasets = {
      {"fashion-mnist", write_fashion_mnist(tmp.path())}, {"cifar10", write_cifar10(tmp.path())}};
  for (const auto& [name, dir] : datasets) {
    INFO(name);
    const std::string data = " --dataset " + name + " --data-dir '" + dir.string() + "' --val-size 50";
    const fs::path tl = tmp.path() / (name + "-twolayer");
    Outcome r = run("--threads 1 twolayer" + data + " --iters 60 --batch 20 --hidden 16 --lr 1e-3 --reg 0.01 --test --out '" + tl.string() + "'");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.output, Contains("iteration 0 / 60: loss "));
    CHECK_THAT(r.output, Contains("Validation accuracy: 0."));
    CHECK_THAT(r.output, Contains("Test accuracy: 0."));
    for (const char* file : {"log.txt", "history.csv", "loss_accuracy.png", "weights.png", "results.md",
                             "model.safetensors", "preprocess.safetensors"}) {
      CHECK(fs::exists(tl / file));
    }
    std::ifstream history(tl / "history.csv");
    std::string header;
    std::getline(history, header);
    CHECK(header == "epoch,iteration,loss,train_accuracy,val_accuracy,lr,seconds");

    const fs::path gr = tmp.path() / (name + "-grid");
    r = run("grid" + data + " --iters 30 --batch 20 --lr 1e-4,1e-3 --reg 0.01 --hidden 8 --out '" + gr.string() + "'");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.output, Contains("[2/2] lr=0.001 reg=0.01 hidden=8: val "));
    CHECK_THAT(r.output, Contains("best: lr "));
    CHECK(fs::exists(gr / "results.md"));
    CHECK(fs::exists(gr / "weights.png"));

    const fs::path dp = tmp.path() / (name + "-depth");
    r = run("depth" + data + " --epochs 1 --batch 40 --hidden 8 --arch linear,relu,linear --arch 'linear,sigmoid,linear,dropout(0.2),linear' --out '" + dp.string() + "'");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.output, Contains("[2/2] Linear-Sigmoid-Linear-Dropout-Linear epoch 1/1: mean loss"));
    CHECK_THAT(r.output, Contains("TEA: "));
    for (const char* file : {"log.txt", "results.md", "depth.png", "history.csv", "loss_accuracy.png",
                             "weights.png", "model.safetensors"}) {
      CHECK(fs::exists(dp / file));
    }
  }
  const fs::path graph = tmp.path() / "graph";
  const Outcome g = run("graph --out '" + graph.string() + "'");
  CHECK(g.exit_code == 0);
  CHECK(fs::exists(graph / "graph.dot"));
}

TEST_CASE("a learning rate that makes the loss NaN stops the run and keeps the last good state",
          "[app][errors]") {
  TempDir tmp;
  const fs::path dir = write_fashion_mnist(tmp.path());
  const fs::path out = tmp.path() / "nan";
  // With 400 - 50 rows and batch 35 an epoch is 10 iterations: epoch 0 is recorded before the loss blows up.
  const Outcome r = run("--threads 1 twolayer --data-dir '" + dir.string() + "' --val-size 50 --iters 200 --batch 35 --lr 1e4 --reg 0 --out '" + out.string() + "'");
  INFO(r.output);
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.output, Contains("error: iteration "));
  CHECK_THAT(r.output, Contains("loss is NaN with learning rate") || Contains("loss is infinite with learning rate"));
  CHECK_THAT(r.output, Contains("the last good checkpoint and history (up to epoch "));
  CHECK(fs::exists(out / "model.safetensors"));
  CHECK(fs::exists(out / "history.csv"));
}

TEST_CASE("bad command lines get a clear message and a non-zero exit", "[app][errors]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"twolayer --bogus", "The following argument was not expected: --bogus"},
      {"twolayer --lr abc", "--lr: got 'abc', expected a number > 0"},
      {"twolayer --hidden 0", "--hidden: got '0', expected a number > 0"},
      {"twolayer --batch -5", "--batch"},
      {"grid --lr 1e-3,,2", "--lr: in list '1e-3,,2': empty item"},
      {"grid --reg 0.1,x", "--reg: in list '0.1,x': got 'x'"},
      {"depth --arch linear,foo,linear", "--arch: layer 2 'foo' of 'linear,foo,linear': unknown layer"},
      {"depth --arch relu,linear", "starts and ends with linear"},
      {"depth --arch 'linear,dropout(2),linear'", "expected dropout(p) with 0 <= p < 1"},
      {"twolayer --dataset cifar10", "--dataset cifar10 needs --data-dir"},
      {"twolayer --dataset mnist", "--dataset: mnist not in {fashion-mnist,cifar10}"},
      {"", "A subcommand is required"},
  };
  for (const auto& [args, message] : cases) {
    const Outcome r = run(args + " --out /tmp/gategrad_never_written");
    INFO(args << "\n" << r.output);
    CHECK(r.exit_code != 0);
    CHECK_THAT(r.output, Contains(message));
  }
  TempDir tmp;
  const Outcome missing = run("twolayer --data-dir '" + (tmp.path() / "nothing").string() + "' --out '" + (tmp.path() / "o").string() + "'");
  CHECK(missing.exit_code != 0);
  CHECK_THAT(missing.output, Contains("nothing"));
}
