#pragma once
// Reading a file that must be a regular file: a FIFO, a socket or a device named in its place
// would block a read for ever or stream without end, so readers open through RegularFile,
// which opens without blocking, checks what the descriptor is (no race with a rename between
// a check and the open) and only then reads.
#include <cstdint>
#include <filesystem>
#include <string>

namespace gg {

class RegularFile {
 public:
  // Opens `path` read-only. On failure is_open() is false and problem() says what was found
  // instead of a regular file: "no such file", "a directory", "a FIFO (named pipe)", ... or
  // the system's reason.
  explicit RegularFile(const std::filesystem::path& path);
  RegularFile(const RegularFile&) = delete;
  RegularFile& operator=(const RegularFile&) = delete;
  ~RegularFile();

  bool is_open() const { return fd_ >= 0; }
  const std::string& problem() const { return problem_; }
  bool missing() const { return missing_; }
  std::uint64_t size() const { return size_; }

  // Reads exactly n bytes from `offset`; false at the end of the file or on an error, with
  // problem() saying which.
  bool read_at(std::uint64_t offset, void* dst, std::size_t n);
  // Hands the descriptor to the caller (e.g. for gzdopen), who then closes it.
  int release();

 private:
  int fd_ = -1;
  std::uint64_t size_ = 0;
  bool missing_ = false;
  std::string problem_;
};

}  // namespace gg
