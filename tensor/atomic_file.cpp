#include <gategrad/tensor/atomic_file.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace gg {
namespace {

std::runtime_error system_error(const std::string& what, const std::filesystem::path& path) {
  return std::runtime_error("write_file_atomically: " + what + " '" + path.string() +
                            "': " + std::strerror(errno));
}

void write_all(int fd, const char* data, std::size_t size, const std::filesystem::path& path) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw system_error("cannot write", path);
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

// Creates a temporary file next to `path` that no other writer (thread or process) can be
// using: the name carries the pid and a per-process counter, and O_EXCL refuses a leftover.
int create_temporary(const std::filesystem::path& path, std::filesystem::path& tmp) {
  static std::atomic<unsigned> counter{0};
  const std::filesystem::path folder = path.has_parent_path() ? path.parent_path() : ".";
  for (int attempt = 0; attempt < 100; ++attempt) {
    tmp = folder / ("." + path.filename().string() + ".tmp." + std::to_string(::getpid()) + "." +
                    std::to_string(counter++));
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0) return fd;
    if (errno != EEXIST) throw system_error("cannot create a temporary file for", path);
  }
  throw system_error("cannot find a free temporary name for", path);
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, const std::string& bytes) {
  if (path.filename().empty()) {
    throw std::invalid_argument("write_file_atomically: '" + path.string() +
                                "' names a folder, expected a file path");
  }
  std::filesystem::path tmp;
  const int fd = create_temporary(path, tmp);
  try {
    write_all(fd, bytes.data(), bytes.size(), tmp);
    if (::fsync(fd) != 0) throw system_error("cannot flush", tmp);
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  if (::close(fd) != 0) {
    const auto error = system_error("cannot close", tmp);
    ::unlink(tmp.c_str());
    throw error;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const auto error = system_error("cannot rename the temporary file into place at", path);
    ::unlink(tmp.c_str());
    throw error;
  }
  // Make the rename itself durable; a folder that cannot be opened only loses that guarantee.
  const std::filesystem::path folder = path.has_parent_path() ? path.parent_path() : ".";
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

}  // namespace gg
