#include <gategrad/apps/commands.hpp>
#include <gategrad/tensor/atomic_file.hpp>
#include <gategrad/apps/report/tee_log.hpp>
#include <gategrad/autograd/graph_dot.hpp>
#include <gategrad/autograd/ops.hpp>
#include <gategrad/tensor/native.hpp>

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
  const Tensor X = gg::randn({4, 3072}, gen);
  const Tensor W1 = native::mul(gg::randn({3072, 50}, gen), 1e-4f);  // std 1e-4, as the homework's init
  const Tensor b1 = gg::zeros({50});
  const Tensor W2 = native::mul(gg::randn({50, 10}, gen), 1e-4f);
  const Tensor b2 = gg::zeros({10});
  X.set_name("X");  // an input without gradient: graph.dot draws it dashed
  W1.requires_grad_().set_name("W1");
  b1.requires_grad_().set_name("b1");
  W2.requires_grad_().set_name("W2");
  b2.requires_grad_().set_name("b2");
  const Tensor y = gg::tensor({0, 3, 5, 9});  // int64 labels
  const Tensor z2 = gg::mm(X, W1) + b1;
  const Tensor z3 = gg::mm(gg::relu(z2), W2) + b2;
  const Tensor J = gg::cross_entropy(z3, y) + (gg::l2_penalty(W1, 0.25) + gg::l2_penalty(W2, 0.25));
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
