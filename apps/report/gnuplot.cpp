#include <gategrad/apps/report/gnuplot.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

extern char** environ;

namespace gg::report {
namespace {

struct ChildResult {
  int spawn_error = 0;  // errno of a failed spawn (ENOENT: not installed), else 0
  int status = 0;       // waitpid status
  std::string stderr_text;
};

// Runs program with args, stdin from /dev/null, stdout discarded, stderr captured.
ChildResult run_child(const std::string& program, const std::vector<std::string>& args) {
  ChildResult result;
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("run_gnuplot: cannot create a pipe: ") +
                             std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);

  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program.c_str()));
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);

  pid_t pid = 0;
  result.spawn_error = posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  if (result.spawn_error != 0) {
    ::close(pipe_fds[0]);
    return result;
  }
  char buffer[4096];
  while (true) {
    const ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
    if (n > 0) {
      result.stderr_text.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(pipe_fds[0]);
  while (::waitpid(pid, &result.status, 0) < 0) {
    if (errno != EINTR) {
      throw std::runtime_error(std::string("run_gnuplot: waitpid failed: ") + std::strerror(errno));
    }
  }
  return result;
}

}  // namespace

std::string gnuplot_program() {
  const char* custom = std::getenv("GATEGRAD_GNUPLOT");
  return custom != nullptr && *custom != '\0' ? custom : "gnuplot";
}

bool gnuplot_available() {
  const ChildResult result = run_child(gnuplot_program(), {"--version"});
  return result.spawn_error == 0 && WIFEXITED(result.status) && WEXITSTATUS(result.status) == 0;
}

void run_gnuplot(const std::filesystem::path& script) { run_gnuplot(script, ""); }

void run_gnuplot(const std::filesystem::path& script, const std::string& commands) {
  const std::string program = gnuplot_program();
  std::vector<std::string> args;
  if (!commands.empty()) args = {"-e", commands};
  args.push_back(script.string());
  const ChildResult result = run_child(program, args);
  if (result.spawn_error != 0) {
    throw std::runtime_error("run_gnuplot: cannot start '" + program + "' (" +
                             std::strerror(result.spawn_error) +
                             "). The plots need gnuplot: install it with "
                             "`apt-get install gnuplot-nox`, or point GATEGRAD_GNUPLOT at it. "
                             "The data and script are kept: run `gnuplot '" +
                             script.string() + "'` later to draw the figure.");
  }
  std::string status;
  if (WIFEXITED(result.status) && WEXITSTATUS(result.status) != 0) {
    status = "exited with status " + std::to_string(WEXITSTATUS(result.status));
  } else if (WIFSIGNALED(result.status)) {
    status = "was killed by signal " + std::to_string(WTERMSIG(result.status));
  }
  if (!status.empty()) {
    constexpr std::size_t kMaxShown = 2000;
    std::string shown = result.stderr_text.substr(0, kMaxShown);
    if (result.stderr_text.size() > kMaxShown) shown += "...";
    throw std::runtime_error("run_gnuplot: '" + program + " " + script.string() + "' " + status +
                             (shown.empty() ? std::string() : ":\n" + shown));
  }
}

std::string gnuplot_quote(std::string_view text) {
  std::string quoted = "'";
  for (const char c : text) {
    // A line break would end the script's command, so control characters become spaces.
    quoted += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
    if (c == '\'') quoted += '\'';
  }
  return quoted + "'";
}

}  // namespace gg::report
