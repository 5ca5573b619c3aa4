// The gategrad program when things go wrong: out-of-range numbers, sizes that cannot fit, a
// loss that becomes NaN, a missing or killed gnuplot, a full disk, a killed grid or depth run
// resumed, a reused --out, temporaries left by killed writes (issue 10, points 3 and 6-10).
#include "test_app_fixtures.hpp"

#include <gategrad/apps/report/plots.hpp>
#include <gategrad/tensor/safetensors.hpp>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <map>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;
using Catch::Contains;
using gg::test::Outcome;
using gg::test::read_file;
using gg::test::run;
using gg::test::run_with;
using gg::test::TempDir;
using gg::test::write_cifar10;
using gg::test::write_fashion_mnist;

namespace {

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

std::map<std::string, std::string> metadata(const fs::path& file) { return gg::load_safetensors(file).metadata; }

bool all_finite(const fs::path& file) {
  for (const auto& [name, tensor] : gg::load_safetensors(file).tensors) {
    REQUIRE(tensor.dtype() == gg::kFloat32);
    const float* values = tensor.data_ptr<float>();  // loaded tensors are contiguous
    for (std::int64_t i = 0; i < tensor.numel(); ++i) {
      if (!std::isfinite(values[i])) return false;
    }
  }
  return true;
}

// The last line's epoch (first field) of a history.csv.
std::string last_history_epoch(const fs::path& file) {
  std::ifstream in(file);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return last.substr(0, last.find(','));
}

std::vector<std::string> temporaries(const fs::path& dir) {
  std::vector<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.path().filename().string().find(".tmp.") != std::string::npos) found.push_back(entry.path().string());
  }
  return found;
}

// The text without its last column: the seconds of a results.md table row ("| ... | 0.15 |") or
// of a history.csv line, the one thing a resumed run cannot reproduce.
std::string without_seconds(const std::string& text) {
  std::string kept;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.size() > 2 && line.front() == '|') line = line.substr(0, line.rfind('|', line.size() - 2));
    else if (line.find(',') != std::string::npos) line = line.substr(0, line.rfind(','));
    kept += line + "\n";
  }
  return kept;
}

// A PID that no process has: a child that has exited and been reaped.
pid_t dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  return child;
}

}  // namespace

TEST_CASE("command-line numbers are checked before any conversion", "[app][errors]") {
  // Issue 10, point 3: no undefined float-to-integer cast, no -1 wrapped to 2^64 - 1, no NaN
  // accepted; the message names the flag and the range.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"grid --hidden 1e20", "--hidden: in list '1e20': got '1e20', expected a whole number from 1 to 65536"},
      {"grid --hidden 50,100000000", "--hidden: in list '50,100000000': got '100000000', expected a whole number from 1 to 65536"},
      {"grid --hidden 50,2.5", "not a whole number"},
      {"twolayer --hidden 1e20", "--hidden: got '1e20', expected a whole number from 1 to 65536"},
      {"twolayer --hidden 100000000", "--hidden: got '100000000', expected a whole number from 1 to 65536"},
      {"twolayer --batch 100000000", "--batch: got '100000000', expected a whole number from 1 to 65536"},
      {"depth --batch 1e300", "--batch: got '1e300', expected a whole number from 1 to 65536"},
      {"twolayer --iters 1e300", "--iters: got '1e300', expected a whole number from 1 to 100000000"},
      {"twolayer --seed -1", "--seed: got '-1', expected a whole number from 0 to 18446744073709551615"},
      {"depth --seed 1.5", "--seed: got '1.5', not a whole number"},
      {"twolayer --dropout nan", "--dropout: got 'nan', expected a number >= 0 and <= 0.999"},
      {"twolayer --lr-decay nan", "--lr-decay: got 'nan', expected a number > 0 and <= 1"},
      {"depth --lr-decay nan", "--lr-decay: got 'nan', expected a number > 0 and <= 1"},
      {"depth --epochs 0", "--epochs: got '0', expected a whole number from 1 to 100000"},
      {"twolayer --val-size -3", "--val-size: got '-3', expected a whole number from 1"},
      {"--threads 1e20 graph", "--threads: got '1e20', expected a whole number from 1 to 4096"},
      {"grid --resume --overwrite", "--overwrite excludes --resume"},
      // Found by fuzz_lists: the check read "+-0" as -0, then std::stod threw past main.
      {"grid --reg +-0", "--reg: in list '+-0': got '+-0', expected a number >= 0"},
      {"twolayer --reg +-0", "--reg: got '+-0', expected a number >= 0"},
  };
  TempDir tmp;
  for (const auto& [args, message] : cases) {
    const Outcome r = run(args + " --out " + quoted(tmp.path() / "never"));
    INFO(args << "\n" << r.output);
    CHECK(r.exit_code > 0);  // an error exit, not a signal (a crash gives -1)
    CHECK_THAT(r.output, Contains(message));
  }
  CHECK_FALSE(fs::exists(tmp.path() / "never"));
  // Whole numbers in exponent form are whole numbers.
  const fs::path data = write_fashion_mnist(tmp.path());
  const Outcome ok = run("--threads 1 twolayer --data-dir " + quoted(data) + " --val-size 5e1 --iters 2e1 --batch 2e1 "
                         "--hidden 8 --out " + quoted(tmp.path() / "exponents"));
  INFO(ok.output);
  CHECK(ok.exit_code == 0);
  CHECK_THAT(ok.output, Contains("20 iterations of batch 20"));
}

TEST_CASE("sizes whose memory this machine lacks are refused before training, naming them", "[app][errors]") {
  TempDir tmp;
  const fs::path data = write_fashion_mnist(tmp.path());
  // A budget of 100 MB stands for a small machine: 4096 x 4096 hidden activations alone are 400 MB.
  const Outcome r = run_with("GATEGRAD_MEMORY_LIMIT_MB=100",
                             "twolayer --data-dir " + quoted(data) + " --val-size 50 --hidden 4096 --batch 4096 --out " +
                                 quoted(tmp.path() / "big"));
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, Contains("twolayer: these sizes need about") && Contains("more than the 100.0 MB") &&
                           Contains("hidden activations and their gradients (4096 x 4096 floats, 6 times): 402.7 MB") &&
                           Contains("lower --hidden or --batch"));
  CHECK_THAT(r.output, !Contains("iteration 0"));
  const Outcome depth = run_with("GATEGRAD_MEMORY_LIMIT_MB=100",
                                 "depth --data-dir " + quoted(data) + " --val-size 50 --hidden 8192 --arch linear,relu,linear,relu,linear --out " +
                                     quoted(tmp.path() / "deep"));
  INFO(depth.output);
  CHECK(depth.exit_code == 1);
  CHECK_THAT(depth.output, Contains("depth: these sizes need about") && Contains("1 x 8192 x 8192 floats"));
  // A CNN's feature maps: conv, relu and flatten each output 256 x 28 x 28 values per image.
  const Outcome cnn = run_with("GATEGRAD_MEMORY_LIMIT_MB=100",
                               "depth --data-dir " + quoted(data) + " --val-size 50 --arch 'conv(256,3,pad=1),relu,flatten,linear' --out " +
                                   quoted(tmp.path() / "cnn"));
  INFO(cnn.output);
  CHECK(cnn.exit_code == 1);
  CHECK_THAT(cnn.output, Contains("depth: these sizes need about") &&
                             Contains("the layers' outputs, their gradients and what backward keeps (200 x 602122 floats, 3 times)"));
}

TEST_CASE("a NaN stop keeps the last model whose loss was finite, its history and the mean image", "[app][errors]") {
  // Issue 10, point 6. With a batch larger than the 350 training rows every iteration is an epoch:
  // the checkpoint used to be written right after the update whose weights gave the NaN.
  TempDir tmp;
  const fs::path data = write_fashion_mnist(tmp.path()), out = tmp.path() / "nan";
  const Outcome r = run("--threads 1 twolayer --data-dir " + quoted(data) + " --val-size 50 --iters 200 --batch 400 "
                        "--lr 1e4 --reg 0 --out " + quoted(out));
  INFO(r.output);
  REQUIRE(r.exit_code == 3);
  const std::size_t at = r.output.find("error: iteration ");
  REQUIRE(at != std::string::npos);
  const long nan_iteration = std::stol(r.output.substr(at + 17));
  REQUIRE(nan_iteration >= 2);
  REQUIRE(fs::exists(out / "model.safetensors"));
  const auto meta = metadata(out / "model.safetensors");
  // The weights after nan_iteration - 1 updates gave the last finite loss (at iteration
  // nan_iteration - 1); one update more gave the NaN.
  CHECK(meta.at("steps") == std::to_string(nan_iteration - 1));
  CHECK(all_finite(out / "model.safetensors"));
  // The history ends at the checkpoint's epoch: the two agree.
  CHECK(last_history_epoch(out / "history.csv") == meta.at("epoch"));
  CHECK_THAT(r.output, Contains("(up to epoch " + meta.at("epoch") + ", the last whose model gave a finite loss)"));
  // The mean image the model needs is written before training.
  REQUIRE(fs::exists(out / "preprocess.safetensors"));
  CHECK(gg::load_safetensors(out / "preprocess.safetensors").tensors.at(0).first == "mean_image");
  CHECK(temporaries(out).empty());
}

TEST_CASE("depth marks a diverged architecture, never picks it as best and exits non-zero", "[app][errors]") {
  TempDir tmp;
  const fs::path data = write_fashion_mnist(tmp.path()), out = tmp.path() / "depth";
  // At Adam lr 1e20 the sigmoid net's loss stays finite (huge), the two-ReLU net's overflows.
  const Outcome r = run("--threads 1 depth --data-dir " + quoted(data) + " --val-size 50 --epochs 2 --batch 40 --hidden 8 "
                        "--lr 1e20 --arch linear,sigmoid,linear --arch linear,relu,linear,relu,linear --out " + quoted(out));
  INFO(r.output);
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.output, Contains("error: architecture 2. Linear-ReLU-Linear-ReLU-Linear at epoch 1, iteration "));
  CHECK_THAT(r.output, Contains("best by VA: 1. Linear-Sigmoid-Linear"));
  const std::string results = read_file(out / "results.md");
  CHECK_THAT(results, Contains("| Linear-ReLU-Linear-ReLU-Linear | diverged (epoch 1, iteration "));
  CHECK_THAT(results, Contains("diverged: 2. Linear-ReLU-Linear-ReLU-Linear"));
  CHECK(metadata(out / "model.safetensors").at("architecture") == "linear,sigmoid,linear");

  // Every architecture diverged: no best, no test evaluation, still exit 3 with the table saved.
  const fs::path all = tmp.path() / "all";
  const Outcome none = run("--threads 1 depth --data-dir " + quoted(data) + " --val-size 50 --epochs 1 --batch 40 --hidden 8 "
                           "--lr 1e30 --arch linear,relu,linear,relu,linear --out " + quoted(all));
  INFO(none.output);
  CHECK(none.exit_code == 3);
  CHECK_THAT(none.output, Contains("error: every architecture diverged"));
  CHECK_THAT(none.output, !Contains("TEA"));
  CHECK_THAT(read_file(all / "results.md"), Contains("diverged (epoch 1"));
}

TEST_CASE("a figure is drawn into a temporary file: a gnuplot killed midway leaves the previous PNG", "[app][report]") {
  // Issue 10, point 7. The fake gnuplot does what gnuplot does on `set output`: it truncates the
  // output file it was given, writes a little, and is killed (as by a SIGKILL while drawing).
  TempDir tmp;
  const fs::path fake = tmp.path() / "killed_gnuplot.sh";
  gg::test::write_file(fake, R"(#!/bin/sh
out=""
for arg in "$@"; do
  case "$arg" in
    gategrad_output*) out=$(printf '%s' "$arg" | sed "s/^gategrad_output = '\(.*\)'$/\1/") ;;
  esac
done
script=""
for arg in "$@"; do script="$arg"; done
[ -z "$out" ] && out=$(sed -n "s/^set output '\(.*\)'$/\1/p" "$script")
printf 'partial' > "$out"
kill -KILL $$
)");
  fs::permissions(fake, fs::perms::owner_all);
  const fs::path png = tmp.path() / "loss_accuracy.png";
  const std::string good = "\x89PNG previous good figure";
  gg::test::write_file(png, good);
  ::setenv("GATEGRAD_GNUPLOT", fake.c_str(), 1);
  CHECK_THROWS_WITH(gg::report::plot_loss_and_accuracy(png, {2.3, 2.0}, {{0, 0, 2.3, 0.1, 0.1, 1e-3, 0.1}}, "t"),
                    Contains("was killed by signal 9"));
  ::unsetenv("GATEGRAD_GNUPLOT");
  CHECK(read_file(png) == good);
  CHECK(temporaries(tmp.path()).empty());
  // The script kept for redrawing by hand still draws into the PNG itself.
  CHECK_THAT(read_file(tmp.path() / "loss_accuracy.gp"),
             Contains("if (!exists('gategrad_output')) gategrad_output = '" + fs::absolute(png).string() + "'"));
  if (gg::report::gnuplot_available()) {
    gg::report::plot_loss_and_accuracy(png, {2.3, 2.0}, {{0, 0, 2.3, 0.1, 0.1, 1e-3, 0.1}}, "t");
    CHECK(read_file(png).substr(0, 4) == "\x89PNG");
    CHECK(read_file(png) != good);
    CHECK(temporaries(tmp.path()).empty());
  }
}

TEST_CASE("test images of another size than the training images are refused at startup", "[app][errors]") {
  // Issue 10, point 8: depth used to fail only at the final evaluation, after training everything.
  TempDir tmp;
  const fs::path data = write_fashion_mnist(tmp.path(), 14), out = tmp.path() / "o";
  const Outcome r = run("--threads 1 depth --data-dir " + quoted(data) + " --val-size 50 --epochs 1 --batch 40 --hidden 8 "
                        "--arch linear,relu,linear --out " + quoted(out));
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, Contains("the Fashion-MNIST test images are [14, 14] with 10 classes but the Fashion-MNIST "
                                "train images are [28, 28] with 10 classes; expected the same"));
  CHECK_THAT(r.output, !Contains("epoch 1/1"));
}

TEST_CASE("a missing gnuplot is a warning: the model, results and mean image are saved", "[app][errors]") {
  TempDir tmp;
  const fs::path data = write_fashion_mnist(tmp.path());
  const fs::path tl = tmp.path() / "tl", gr = tmp.path() / "gr", dp = tmp.path() / "dp";
  const std::string common = " --data-dir " + quoted(data) + " --val-size 50 --batch 40 --hidden 8";
  for (const auto& [args, dir] : std::vector<std::pair<std::string, fs::path>>{
           {"twolayer" + common + " --iters 30 --test", tl},
           {"grid" + common + " --iters 30 --lr 1e-4,1e-3 --reg 0.01", gr},
           {"depth" + common + " --epochs 1 --arch linear,relu,linear", dp}}) {
    const Outcome r = run_with("GATEGRAD_GNUPLOT=/nonexistent/gnuplot", "--threads 1 " + args + " --out " + quoted(dir));
    INFO(args << "\n" << r.output);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.output, Contains("warning: no loss_accuracy.png: run_gnuplot: cannot start '/nonexistent/gnuplot'"));
    CHECK_THAT(read_file(dir / "log.txt"), Contains("warning: no loss_accuracy.png"));
    for (const char* file : {"model.safetensors", "history.csv", "results.md", "weights.png"}) {
      INFO(file);
      CHECK(fs::exists(dir / file));
    }
    CHECK_FALSE(fs::exists(dir / "loss_accuracy.png"));
  }
  CHECK(fs::exists(tl / "preprocess.safetensors"));
  CHECK(fs::exists(gr / "preprocess.safetensors"));
  CHECK_THAT(read_file(gr / "results.md"), Contains("best: lr "));
  CHECK_THAT(read_file(dp / "results.md"), Contains("best by VA"));
}

TEST_CASE("a disk too full for the model fails clearly, after saving what fits", "[app][errors]") {
  // A file-size limit of 64 KB stands for a full disk: the 200 KB model cannot be written, the
  // small files can. SIGXFSZ is ignored so that the write fails with EFBIG instead.
  TempDir tmp;
  const fs::path data = write_fashion_mnist(tmp.path()), out = tmp.path() / "full";
  const Outcome r = run_with("trap '' XFSZ; ulimit -f 128;",  // 128 blocks of 512 bytes
                             "--threads 1 twolayer --data-dir " + quoted(data) + " --val-size 50 --iters 30 --batch 35 "
                             "--hidden 64 --out " + quoted(out));
  INFO(r.output);
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.output, Contains("warning: cannot save the checkpoint of epoch 0: ") && Contains("training goes on"));
  CHECK_THAT(r.output, Contains("error: cannot save model.safetensors and history.csv: write_file_atomically: cannot write"));
  CHECK_THAT(r.output, Contains("error: the run finished but model.safetensors and history.csv could not be saved"));
  CHECK_FALSE(fs::exists(out / "model.safetensors"));
  CHECK_THAT(read_file(out / "results.md"), Contains("val accuracy"));
  CHECK(fs::exists(out / "preprocess.safetensors"));
  CHECK(temporaries(out).empty());
}

TEST_CASE("a grid killed with SIGKILL resumes to the results of an uninterrupted run", "[app][resume]") {
  // Issue 10, point 9.
  TempDir tmp;
  const fs::path data = write_fashion_mnist(tmp.path());
  const std::string flags = " grid --data-dir " + quoted(data) + " --val-size 50 --iters 3000 --batch 20 "
                            "--lr 1e-4,5e-4,1e-3,2e-3 --reg 0.01 --hidden 16";
  const fs::path whole = tmp.path() / "whole", killed = tmp.path() / "killed";
  const Outcome reference = run("--threads 1" + flags + " --out " + quoted(whole));
  INFO(reference.output);
  REQUIRE(reference.exit_code == 0);

  const pid_t child = ::fork();
  if (child == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    const std::string command = "exec '" + std::string(GATEGRAD_EXE) + "' --threads 1" + flags + " --out " + quoted(killed);
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Killed as soon as the first configuration is on disk, while the second trains.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!fs::exists(killed / "configs" / "01.safetensors") && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(WIFSIGNALED(status));  // not finished before the kill
  REQUIRE(fs::exists(killed / "configs" / "01.safetensors"));
  CHECK_FALSE(fs::exists(killed / "configs" / "04.safetensors"));

  // Without --resume the folder is refused; with other flags --resume is.
  const Outcome refused = run("--threads 1" + flags + " --out " + quoted(killed));
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.output, Contains("is not empty") && Contains("--resume to continue it"));
  const Outcome other = run("--threads 1 grid --data-dir " + quoted(data) + " --val-size 50 --iters 1000 --batch 20 "
                            "--lr 1e-4,5e-4,1e-3 --reg 0.01 --hidden 16 --resume --out " + quoted(killed));
  CHECK(other.exit_code == 1);
  CHECK_THAT(other.output, Contains("--resume: the flags differ") &&
                               Contains("--iters: the run was started with 3000, this one has 1000") &&
                               Contains("--lr: the run was started with 1e-04,5e-04,0.001,0.002, this one has 1e-04,5e-04,0.001"));

  const Outcome resumed = run("--threads 1" + flags + " --resume --out " + quoted(killed));
  INFO(resumed.output);
  REQUIRE(resumed.exit_code == 0);
  CHECK_THAT(resumed.output, Contains("(finished before, read back)"));
  CHECK_THAT(resumed.output, Contains("were read back from"));
  // The same table, best and test accuracy, the same model bytes and history; only the time
  // each configuration took can differ.
  CHECK(without_seconds(read_file(killed / "results.md")) == without_seconds(read_file(whole / "results.md")));
  CHECK(read_file(killed / "model.safetensors") == read_file(whole / "model.safetensors"));
  CHECK(without_seconds(read_file(killed / "history.csv")) == without_seconds(read_file(whole / "history.csv")));
  CHECK(temporaries(killed).empty());
}

TEST_CASE("depth --resume skips the finished architectures and ends as an uninterrupted run", "[app][resume]") {
  TempDir tmp;
  const fs::path data = write_fashion_mnist(tmp.path()), out = tmp.path() / "depth";
  const std::string flags = "--threads 1 depth --data-dir " + quoted(data) + " --val-size 50 --epochs 2 --batch 40 "
                            "--hidden 8 --arch linear,relu,linear --arch 'linear,sigmoid,linear,dropout(0.2),linear' "
                            "--arch linear,tanh,linear --out " + quoted(out);
  const Outcome first = run(flags);
  INFO(first.output);
  REQUIRE(first.exit_code == 0);
  const std::string results = read_file(out / "results.md"), model = read_file(out / "model.safetensors");
  // As a run killed after its first architecture leaves it (the later ones' files absent).
  for (const char* name : {"02.safetensors", "02.curves.safetensors", "03.safetensors", "03.curves.safetensors"}) {
    fs::remove(out / "configs" / name);
  }
  const Outcome resumed = run(flags + " --resume");
  INFO(resumed.output);
  REQUIRE(resumed.exit_code == 0);
  CHECK_THAT(resumed.output, Contains("[1/3] Linear-ReLU-Linear: finished before, read back"));
  CHECK_THAT(resumed.output, Contains("[3/3] Linear-Tanh-Linear epoch 2/2"));
  // Only the seconds of the retrained architectures may differ.
  CHECK(without_seconds(read_file(out / "results.md")) == without_seconds(results));
  CHECK(read_file(out / "model.safetensors") == model);
  const Outcome wrong = run("--threads 1 depth --data-dir " + quoted(data) + " --val-size 50 --epochs 2 --batch 40 "
                            "--hidden 8 --arch linear,relu,linear --resume --out " + quoted(out));
  CHECK(wrong.exit_code == 1);
  CHECK_THAT(wrong.output, Contains("--arch: the run was started with linear,relu,linear | linear,sigmoid,linear,dropout(0.2),linear"));
}

TEST_CASE("a non-empty --out is refused unless --overwrite or --resume", "[app][errors]") {
  // Issue 10, point 10.
  TempDir tmp;
  const fs::path data = write_fashion_mnist(tmp.path()), out = tmp.path() / "o";
  const std::string twolayer = "--threads 1 twolayer --data-dir " + quoted(data) + " --val-size 50 --iters 20 --batch 35 "
                               "--hidden 8 --out " + quoted(out);
  REQUIRE(run(twolayer).exit_code == 0);
  // A file of another run (a depth figure) that must not survive into the new one.
  gg::test::write_file(out / "depth.png", "old");
  const Outcome again = run(twolayer);
  CHECK(again.exit_code == 1);
  CHECK_THAT(again.output, Contains("--out: '" + out.string() + "' is not empty (it holds ") &&
                               Contains("pass --overwrite to replace that run"));
  const Outcome resume = run(twolayer + " --resume");
  CHECK(resume.exit_code != 0);
  CHECK_THAT(resume.output, Contains("--resume"));

  const Outcome overwritten = run(twolayer + " --overwrite");
  INFO(overwritten.output);
  CHECK(overwritten.exit_code == 0);
  CHECK_FALSE(fs::exists(out / "depth.png"));
  CHECK(fs::exists(out / "model.safetensors"));
  // One run's log, not two.
  const std::string log = read_file(out / "log.txt");
  CHECK(log.find("gategrad twolayer") == log.rfind("gategrad twolayer"));
  // The checkpoint records its epoch, and history.csv ends at it.
  CHECK(last_history_epoch(out / "history.csv") == metadata(out / "model.safetensors").at("epoch"));

  // --overwrite deletes only what gategrad writes.
  gg::test::write_file(out / "notes.txt", "mine");
  const Outcome foreign = run(twolayer + " --overwrite");
  CHECK(foreign.exit_code == 1);
  CHECK_THAT(foreign.output, Contains("--overwrite: '" + out.string() + "' holds notes.txt, which gategrad did not write; nothing was deleted"));
  CHECK(fs::exists(out / "model.safetensors"));
  CHECK(read_file(out / "notes.txt") == "mine");

  // --resume needs a run to continue.
  const Outcome nothing = run("grid --resume --out " + quoted(tmp.path() / "empty"));
  CHECK(nothing.exit_code == 1);
  CHECK_THAT(nothing.output, Contains("holds no run.json, so no grid run to continue"));
}

TEST_CASE("temporaries of killed writes are removed at startup, those of live writers are not", "[app][errors]") {
  TempDir tmp;
  const fs::path data = write_fashion_mnist(tmp.path()), out = tmp.path() / "o";
  fs::create_directories(out);
  const fs::path stale = out / (".model.safetensors.tmp." + std::to_string(dead_pid()) + ".3");
  gg::test::write_file(stale, std::string(1000, 'x'));
  const std::string twolayer = "--threads 1 twolayer --data-dir " + quoted(data) + " --val-size 50 --iters 20 --batch 35 "
                               "--hidden 8 --out " + quoted(out);
  const Outcome r = run(twolayer);
  INFO(r.output);
  CHECK(r.exit_code == 0);  // the folder held nothing but a dead process's temporary
  CHECK_FALSE(fs::exists(stale));
  CHECK(temporaries(out).empty());

  // This test process is alive: its temporary means someone is writing into the folder.
  const fs::path live = out / (".results.md.tmp." + std::to_string(::getpid()) + ".0");
  gg::test::write_file(live, "x");
  const Outcome busy = run(twolayer + " --overwrite");
  CHECK(busy.exit_code == 1);
  CHECK_THAT(busy.output, Contains("another running process is writing into"));
  CHECK(fs::exists(live));
}
