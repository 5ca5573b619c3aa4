#include <gategrad/apps/commands.hpp>
#include <gategrad/tensor/atomic_file.hpp>
#include <gategrad/apps/report/tee_log.hpp>
#include <gategrad/autograd/autograd.hpp>

#include <cstdlib>
#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

namespace gg::app {
namespace {

// Runs `dot -Tpng in -o out`; false when Graphviz is not installed or fails.
bool render_png(const std::filesystem::path& dot_file, const std::filesystem::path& png) {
  const std::string in = dot_file.string(), out = png.string();
  const char* argv[] = {"dot", "-Tpng", in.c_str(), "-o", out.c_str(), nullptr};
  pid_t pid = 0;
  if (posix_spawnp(&pid, "dot", nullptr, nullptr, const_cast<char* const*>(argv), environ) != 0) return false;
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

int run_graph(const GraphCommand& command) {
  const std::filesystem::path dir = prepare_run_folder(command.out, "graph", command.folder);
  report::TeeLog log(dir);
  // The homework's J on a batch of N = 4 inputs of D = 3072 values, H = 50, C = 10.
  Generator gen(0);
  const Var X = Var(ArrayF::randn({4, 3072}, gen)).set_name("X");
  const Var W1 = Var(ArrayF::randn({3072, 50}, gen, 0.0f, 1e-4f), true).set_name("W1");
  const Var b1 = Var(ArrayF::zeros({50}), true).set_name("b1");
  const Var W2 = Var(ArrayF::randn({50, 10}, gen, 0.0f, 1e-4f), true).set_name("W2");
  const Var b2 = Var(ArrayF::zeros({10}), true).set_name("b2");
  const std::vector<std::int64_t> y = {0, 3, 5, 9};
  const Var z2 = matmul(X, W1) + b1;
  const Var z3 = matmul(relu(z2), W2) + b2;
  Var J = cross_entropy(z3, y) + (l2_penalty(W1, 0.25) + l2_penalty(W2, 0.25));
  J.set_name("J");
  const std::filesystem::path dot_file = dir / "graph.dot";
  gg::write_file_atomically(dot_file, to_dot(J, "J = CE(relu(X W1 + b1) W2 + b2, y) + reg (|W1|^2 + |W2|^2)"));
  log.line("wrote " + dot_file.string());
  if (render_png(dot_file, dir / "graph.png")) {
    log.line("wrote " + (dir / "graph.png").string());
  } else {
    log.line("Graphviz's dot is not installed, so no PNG: apt-get install graphviz, then "
             "dot -Tpng " + dot_file.string() + " -o graph.png");
  }
  return 0;
}

}  // namespace gg::app
