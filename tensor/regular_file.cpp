#include <gategrad/tensor/regular_file.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace gg {
namespace {

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "not a regular file";
}

}  // namespace

RegularFile::RegularFile(const std::filesystem::path& path) {
  // O_NONBLOCK: opening a FIFO with no writer would otherwise wait for one.
  fd_ = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd_ < 0) {
    missing_ = errno == ENOENT;
    problem_ = missing_ ? "no such file" : std::string("cannot open (") + std::strerror(errno) + ")";
    return;
  }
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    problem_ = std::string("cannot stat (") + std::strerror(errno) + ")";
  } else if (!S_ISREG(st.st_mode)) {
    problem_ = std::string("is ") + kind_of(st.st_mode) + ", expected a regular file";
  }
  if (!problem_.empty()) {
    ::close(fd_);
    fd_ = -1;
    return;
  }
  // Regular files never block; clear the flag so that later readers see ordinary semantics.
  const int flags = ::fcntl(fd_, F_GETFL);
  if (flags >= 0) ::fcntl(fd_, F_SETFL, flags & ~O_NONBLOCK);
  size_ = static_cast<std::uint64_t>(st.st_size);
}

RegularFile::~RegularFile() {
  if (fd_ >= 0) ::close(fd_);
}

bool RegularFile::read_at(std::uint64_t offset, void* dst, std::size_t n) {
  auto* out = static_cast<char*>(dst);
  while (n > 0) {
    const ssize_t got = ::pread(fd_, out, n, static_cast<off_t>(offset));
    if (got < 0) {
      if (errno == EINTR) continue;
      problem_ = std::string("read error (") + std::strerror(errno) + ")";
      return false;
    }
    if (got == 0) {
      problem_ = "the file ended early (it changed while being read?)";
      return false;
    }
    out += got;
    n -= static_cast<std::size_t>(got);
    offset += static_cast<std::uint64_t>(got);
  }
  return true;
}

int RegularFile::release() {
  const int fd = fd_;
  fd_ = -1;
  return fd;
}

}  // namespace gg
