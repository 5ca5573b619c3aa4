#include <gategrad/data/error.hpp>
#include <gategrad/data/idx.hpp>
#include <gategrad/tensor/regular_file.hpp>

#include <unistd.h>

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <limits>
#include <string>
#include <system_error>

namespace gg::data {
namespace {

// deflate cannot expand data by more than about 1032:1 (zlib's technical details).
constexpr std::uint64_t kMaxDeflateRatio = 1032;

std::string dims_text(const SizeVector& dims) {
  std::string text = "(";
  for (std::size_t k = 0; k < dims.size(); ++k) {
    if (k > 0) text += ", ";
    text += std::to_string(dims[k]);
  }
  return text + (dims.size() == 1 ? ",)" : ")");
}

std::string hex(unsigned value, int digits) {
  std::array<char, 16> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "0x%0*X", digits, value);
  return buffer.data();
}

const char* dtype_name(std::uint8_t dtype) {
  switch (dtype) {
    case 0x08: return "unsigned byte";
    case 0x09: return "signed byte";
    case 0x0B: return "int16";
    case 0x0C: return "int32";
    case 0x0D: return "float32";
    case 0x0E: return "float64";
    default: return "not an IDX dtype";
  }
}

// A gzFile that closes itself. gzread passes plain (uncompressed) files through unchanged.
class GzReader {
 public:
  // Takes the descriptor of an open regular file.
  GzReader(const std::filesystem::path& path, int fd) : path_(path) {
    file_ = gzdopen(fd, "rb");
    if (file_ == nullptr) {
      ::close(fd);
      fail("cannot open (" + std::system_category().message(errno) + ")");
    }
  }
  GzReader(const GzReader&) = delete;
  GzReader& operator=(const GzReader&) = delete;
  ~GzReader() { gzclose(file_); }

  // Reads up to n bytes into dst; returns how many it read (fewer only at the end of the data).
  std::size_t read(std::uint8_t* dst, std::size_t n) {
    std::size_t total = 0;
    while (total < n) {
      const auto chunk = static_cast<unsigned>(std::min<std::size_t>(n - total, 1u << 20));
      const int got = gzread(file_, dst + total, chunk);
      if (got < 0) fail_with_zlib_error();
      if (got == 0) break;
      total += static_cast<std::size_t>(got);
    }
    // A gzip stream cut short reads as a short read with the error set.
    if (total < n) fail_with_zlib_error();
    return total;
  }

  // True when the file is not gzip-compressed (known after the first read).
  bool plain() const { return gzdirect(file_) == 1; }

  [[noreturn]] void fail(const std::string& what) const {
    throw DataError("read_idx: " + path_.string() + ": " + what);
  }

 private:
  void fail_with_zlib_error() const {
    int code = Z_OK;
    const char* message = gzerror(file_, &code);
    if (code == Z_OK) return;
    if (code == Z_ERRNO) fail("read error (" + std::system_category().message(errno) + ")");
    // zlib prefixes its message with the path, which fail() already names.
    std::string reason = message;
    const std::string prefix = path_.string() + ": ";
    if (reason.starts_with(prefix)) reason.erase(0, prefix.size());
    fail("corrupt gzip data (zlib: " + reason +
         "); the file is damaged or its download incomplete");
  }

  std::filesystem::path path_;
  gzFile file_ = nullptr;
};

}  // namespace

IdxArray read_idx(const std::filesystem::path& path, std::size_t max_bytes) {
  RegularFile file(path);
  if (file.missing()) {
    throw DataError("read_idx: " + path.string() +
                    ": no such file. Fashion-MNIST's IDX files are installed into "
                    "/usr/share/datasets/fashion-mnist by `apt-get install dataset-fashion-mnist`");
  }
  if (!file.is_open()) throw DataError("read_idx: " + path.string() + ": " + file.problem() + " (an IDX file)");
  const std::uint64_t file_bytes = file.size();
  GzReader in(path, file.release());

  std::array<std::uint8_t, 4> magic{};
  const std::size_t header = in.read(magic.data(), magic.size());
  if (header < magic.size()) {
    in.fail("too short for an IDX header: " + std::to_string(header) +
            " bytes, expected at least 4 (0x00 0x00 dtype ndim)");
  }
  if (magic[0] != 0 || magic[1] != 0) {
    const unsigned found = (unsigned{magic[0]} << 24) | (unsigned{magic[1]} << 16) |
                           (unsigned{magic[2]} << 8) | magic[3];
    in.fail("not an IDX file: magic number " + hex(found, 8) +
            ", expected 0x0000 then a dtype byte and the number of dimensions "
            "(e.g. 0x00000803 for MNIST images)");
  }
  if (magic[2] != 0x08) {
    in.fail("dtype " + hex(magic[2], 2) + " (" + dtype_name(magic[2]) +
            ") is not supported: expected 0x08 (unsigned byte), the dtype of MNIST-style data");
  }
  const std::size_t ndim = magic[3];
  if (ndim == 0) in.fail("0 dimensions in the header, expected at least 1");

  IdxArray array;
  std::vector<std::uint8_t> raw(4 * ndim);
  const std::size_t got = in.read(raw.data(), raw.size());
  if (got < raw.size()) {
    in.fail("truncated header: expected " + std::to_string(ndim) + " dimension sizes (" +
            std::to_string(raw.size()) + " bytes), found " + std::to_string(got) + " bytes");
  }
  std::size_t count = 1;
  for (std::size_t k = 0; k < ndim; ++k) {
    const std::size_t dim = (std::size_t{raw[4 * k]} << 24) | (std::size_t{raw[4 * k + 1]} << 16) |
                            (std::size_t{raw[4 * k + 2]} << 8) | raw[4 * k + 3];
    array.dims.push_back(static_cast<std::int64_t>(dim));  // below 2^32
    if (dim != 0 && count > std::numeric_limits<std::size_t>::max() / dim) {
      in.fail("dims " + dims_text(array.dims) + " hold more values than memory can address");
    }
    count *= dim;
  }

  // What the header promises is checked before anything is inflated: within max_bytes, and
  // within what the file can hold (its own size when plain; deflate expands at most 1032:1, so
  // a 611 KB gzip promising 3 TB is refused at once instead of inflating a gigabyte first).
  const std::uint64_t header_bytes = 4 + raw.size();
  if (count > max_bytes) {
    in.fail("dims " + dims_text(array.dims) + " promise " + std::to_string(count) +
            " bytes of values, more than the limit of " + std::to_string(max_bytes) +
            " (read_idx's max_bytes)");
  }
  if (in.plain() && count > file_bytes - header_bytes) {
    in.fail("truncated: expected " + std::to_string(count) + " bytes of values after the header (dims " +
            dims_text(array.dims) + "), found " + std::to_string(file_bytes - header_bytes));
  }
  if (!in.plain() && count / kMaxDeflateRatio > file_bytes) {
    in.fail("dims " + dims_text(array.dims) + " promise " + std::to_string(count) +
            " bytes of values, but a gzip file of " + std::to_string(file_bytes) + " bytes inflates to at most " +
            std::to_string(file_bytes * kMaxDeflateRatio) + ": truncated, or wrong dims");
  }
  // Grow the buffer as data arrives, so a header promising more than the file holds fails as
  // "truncated" rather than by allocating the promised size.
  array.bytes.reserve(std::min<std::size_t>(count, std::size_t{64} << 20));
  while (array.bytes.size() < count) {
    const std::size_t have = array.bytes.size();
    const std::size_t want = std::min<std::size_t>(count - have, std::size_t{16} << 20);
    array.bytes.resize(have + want);
    const std::size_t read = in.read(array.bytes.data() + have, want);
    if (read < want) {
      in.fail("truncated: expected " + std::to_string(count) +
              " bytes of values after the header (dims " + dims_text(array.dims) + "), found " +
              std::to_string(have + read));
    }
  }

  // One byte past the promised values is enough to know the file is wrong: inflating the rest
  // of a bomb's trailing data only to count it would take unbounded time.
  std::uint8_t extra = 0;
  if (in.read(&extra, 1) > 0) {
    in.fail("unexpected bytes after the " + std::to_string(count) + " bytes of values its header promises (dims " +
            dims_text(array.dims) + "): trailing data, or wrong dims");
  }
  return array;
}

}  // namespace gg::data
