// The IDX reader on arbitrary bytes, plain or gzip-compressed (zlib passes plain files
// through): a success must give dims whose product is the number of payload bytes.
#include "strict.hpp"

#include <gategrad/data/error.hpp>
#include <gategrad/data/idx.hpp>

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  gg::fuzz::setup();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static gg::fuzz::InputFile file("input.idx.gz");
  const auto& path = file.write(data, size);
  gg::data::IdxArray idx;
  try {
    idx = gg::data::read_idx(path);
  } catch (const gg::data::DataError&) {
    return 0;  // the documented error: a bad file, named
  } catch (const std::exception& e) {
    gg::fuzz::undocumented("read_idx", e);
  }
  if (idx.dims.empty()) gg::fuzz::fail("read_idx: no dimensions");
  const std::size_t n = gg::fuzz::checked_numel(idx.dims, "read_idx");
  if (n != idx.bytes.size()) {
    gg::fuzz::fail("read_idx: dims promise " + std::to_string(n) + " bytes, got " +
                   std::to_string(idx.bytes.size()));
  }
  gg::fuzz::touch(std::span<const std::uint8_t>(idx.bytes));
  return 0;
}
