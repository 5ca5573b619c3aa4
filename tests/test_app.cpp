// The gategrad program end to end, on tiny datasets the test writes in both official formats
// (gzip IDX as Fashion-MNIST ships, CIFAR-10 binary batches): every subcommand, its outputs,
// and its handling of bad input.
#include "test_app_fixtures.hpp"

namespace fs = std::filesystem;
using Catch::Contains;
using gg::test::Outcome;
using gg::test::run;
using gg::test::TempDir;
using gg::test::write_cifar10;
using gg::test::write_fashion_mnist;

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

    // A CNN through --arch: conv, batch norm, pooling and channel dropout on the images, the
    // first convolution's filters in weights.png.
    const fs::path cnn = tmp.path() / (name + "-cnn");
    Outcome c = run("depth" + data + " --epochs 2 --batch 20 --hidden 8 --arch 'conv(4,3,pad=1),batchnorm,relu,maxpool(2),"
                    "conv(6,3,stride=2),dropout2d(0.1),relu,avgpool(2),flatten,linear(12),relu,linear' --augment --out '" + cnn.string() + "'");
    INFO(c.output);
    REQUIRE(c.exit_code == 0);
    CHECK_THAT(c.output, Contains("[1/1] Conv(4,3,pad=1)-BatchNorm-ReLU-MaxPool(2)-Conv(6,3,stride=2)-Dropout2d-ReLU-"
                                  "AvgPool(2)-Flatten-Linear(12)-ReLU-Linear epoch 2/2: mean loss"));
    CHECK_THAT(c.output, Contains("TEA: "));
    for (const char* file : {"results.md", "history.csv", "weights.png", "model.safetensors"}) CHECK(fs::exists(cnn / file));
    std::ifstream settings(cnn / "run.json");
    const std::string recorded((std::istreambuf_iterator<char>(settings)), std::istreambuf_iterator<char>());
    CHECK_THAT(recorded, Contains("--augment"));
    // --cnn adds the documented CNN row after the MLPs.
    const fs::path preset = tmp.path() / (name + "-preset");
    c = run("depth" + data + " --epochs 1 --batch 20 --hidden 8 --arch linear,relu,linear --cnn --out '" + preset.string() + "'");
    INFO(c.output);
    REQUIRE(c.exit_code == 0);
    CHECK_THAT(c.output, Contains("[2/2] Conv(16,3,pad=1)-BatchNorm-ReLU-MaxPool(2)-Conv(32,3,pad=1)-BatchNorm-ReLU-MaxPool(2)-"
                                  "Flatten-Linear(128)-ReLU-Dropout-Linear epoch 1/1"));

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
      {"twolayer --hidden 0", "--hidden: got '0', expected a whole number from 1 to 65536"},
      {"twolayer --batch -5", "--batch"},
      {"grid --lr 1e-3,,2", "--lr: in list '1e-3,,2': empty item"},
      {"grid --reg 0.1,x", "--reg: in list '0.1,x': got 'x'"},
      {"depth --arch linear,foo,linear", "--arch: layer 2 'foo' of 'linear,foo,linear': unknown layer"},
      {"depth --arch relu,linear", "starts and ends with linear"},
      {"depth --arch 'linear,dropout(2),linear'", "expected dropout(p) with 0 <= p < 1"},
      // CNN specs: each wrong layer is named with the shape reaching it.
      {"depth --arch 'conv(8,3),relu,linear'", "layer 3 'linear' of 'conv(8,3),relu,linear': expected flatten before the first linear of a CNN (the feature maps are (8, 26, 26))"},
      {"depth --arch 'conv(8,40),flatten,linear'", "expected a kernel no larger than the padded feature map (1, 28, 28)"},
      {"depth --arch 'conv(8),flatten,linear'", "expected conv(out, k[, stride=s][, pad=p])"},
      {"depth --arch 'conv(8,3,size=2),flatten,linear'", "unknown argument 'size'"},
      {"depth --arch 'conv(8,3),maxpool(2),flatten,linear(5)'", "expected the last linear without a width"},
      {"depth --arch 'conv(8,3),flatten,maxpool(2),linear'", "layer 3 'maxpool(2)' of"},
      {"depth --arch 'conv(0,3),flatten,linear'", "expected out to be a positive integer, got '0'"},
      {"depth --arch 'conv(8,3),maxpool(2),maxpool(2),maxpool(2),maxpool(2),maxpool(2),flatten,linear'", "expected a window no larger than the feature map (8, 1, 1)"},
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
