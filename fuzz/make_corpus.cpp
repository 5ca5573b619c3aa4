// Writes the seed corpora of the fuzz targets: small valid files made by gategrad's own writers
// (so they follow the formats exactly), plus edge cases by hand.
//   build/<fuzz build>/fuzz/fuzz_make_corpus fuzz/corpus
// Rerun it when a format changes, and commit what it writes.
#include "small_model.hpp"

#include <gategrad/nn/loss.hpp>
#include <gategrad/nn/serialize.hpp>
#include <gategrad/optim/adam.hpp>
#include <gategrad/optim/training_state.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/safetensors.hpp>

#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

namespace {

void write(const fs::path& path, const Bytes& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

void write_text(const fs::path& path, const std::string& text) { write(path, Bytes(text.begin(), text.end())); }

void write_gzip(const fs::path& path, const Bytes& bytes) {
  fs::create_directories(path.parent_path());
  gzFile f = gzopen(path.c_str(), "wb9");
  if (f == nullptr || gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) != static_cast<int>(bytes.size()) ||
      gzclose(f) != Z_OK) {
    throw std::runtime_error("cannot write " + path.string());
  }
}

Bytes read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// An unsigned-byte IDX file: magic 00 00 <dtype> <ndim>, big-endian uint32 dims, payload.
Bytes idx(std::vector<std::uint32_t> dims, std::size_t payload, std::uint8_t dtype = 0x08) {
  Bytes b = {0, 0, dtype, static_cast<std::uint8_t>(dims.size())};
  for (std::uint32_t d : dims) {
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<std::uint8_t>(d >> shift));
  }
  for (std::size_t i = 0; i < payload; ++i) b.push_back(static_cast<std::uint8_t>(i * 37));
  return b;
}

void idx_corpus(const fs::path& dir) {
  write(dir / "images_2x3x3.idx", idx({2, 3, 3}, 18));
  write(dir / "labels_5.idx", idx({5}, 5));
  write_gzip(dir / "images_2x3x3.idx.gz", idx({2, 3, 3}, 18));
  write_gzip(dir / "labels_5.idx.gz", idx({5}, 5));
  write(dir / "zero_dim_2x0x3.idx", idx({2, 0, 3}, 0));
  write(dir / "float32_dtype.idx", idx({2}, 8, 0x0D));
  write(dir / "no_dims.idx", idx({}, 0));
  write(dir / "truncated_payload.idx", idx({4, 4}, 10));
  write(dir / "extra_payload.idx", idx({2, 2}, 6));
  write(dir / "truncated_header.idx", Bytes{0, 0, 8, 3, 0, 0});
  // What Fashion-MNIST's header promises, with almost none of it: a small gzip bomb.
  write_gzip(dir / "huge_dims_short.idx.gz", idx({0xFFFFFFFFu, 28, 28}, 64));
  Bytes cut;
  {
    write_gzip(dir / "cut.tmp", idx({3, 5, 5}, 75));
    cut = read(dir / "cut.tmp");
    fs::remove(dir / "cut.tmp");
    cut.resize(cut.size() / 2);
  }
  write(dir / "gzip_cut_short.idx.gz", cut);
}

Bytes cifar_records(std::vector<std::uint8_t> labels) {
  Bytes b;
  for (std::uint8_t label : labels) {
    b.push_back(label);
    for (std::size_t i = 0; i < 3072; ++i) b.push_back(static_cast<std::uint8_t>((i * 7 + label) & 0xFF));
  }
  return b;
}

void cifar_corpus(const fs::path& dir) {
  write(dir / "one_record.bin", cifar_records({3}));
  write(dir / "two_records.bin", cifar_records({0, 9}));
  write(dir / "label_10.bin", cifar_records({10}));
  Bytes short_record = cifar_records({1});
  short_record.pop_back();
  write(dir / "short_record.bin", short_record);
}

// A safetensors file from a JSON header and raw data, for the edge cases gategrad's writer
// would never produce.
Bytes safetensors(const std::string& header, std::size_t data_bytes) {
  Bytes b;
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<std::uint8_t>(std::uint64_t(header.size()) >> (8 * i)));
  b.insert(b.end(), header.begin(), header.end());
  b.resize(b.size() + data_bytes, 0x3f);
  return b;
}

void checkpoint_corpus(const fs::path& dir) {
  fs::create_directories(dir);
  const auto model = gg::fuzz::small_model();
  gg::nn::save(*model, dir / "model.safetensors", {{"format", "pt"}});

  // The training state after two Adam steps, with a progress counter and a generator.
  gg::optim::Adam optimizer(model->parameters(), gg::optim::AdamOptions(1e-2));
  const gg::Tensor labels = gg::tensor({0, 1});
  for (int step = 0; step < 2; ++step) {
    optimizer.zero_grad();
    const gg::Tensor loss = gg::nn::cross_entropy((*model)(gg::ones({2, 4})), labels);
    loss.backward();
    optimizer.step();
  }
  gg::optim::TrainingState state;
  state.optimizer = optimizer.state();
  state.progress["epoch"] = 1;
  state.progress["best_val_accuracy"] = 0.5;
  gg::Generator gen(7);
  (void)gen.normal();
  state.generators["dropout"] = gen.state();
  gg::optim::save_training_state(dir / "training_state.safetensors", state);

  // Every dtype, a rank-0 and an empty tensor.
  gg::SafetensorsFile mixed;
  mixed.tensors.emplace_back("f32", gg::native::view(gg::tensor({1.0f, 2.0f, 3.0f, 4.0f}), {2, 2}));
  mixed.tensors.emplace_back("f64", gg::tensor({0.5, -1.0, 2.0}, gg::kFloat64));
  mixed.tensors.emplace_back("scalar", gg::scalar_tensor(3.0f));
  mixed.tensors.emplace_back("empty", gg::zeros({0, 3}));
  mixed.tensors.emplace_back("i64", gg::tensor({std::int64_t{-2}, std::int64_t{1} << 40, std::int64_t{7}}));
  mixed.tensors.emplace_back("bool", gg::tensor({true, false, true}));
  mixed.tensors.emplace_back("bf16", gg::tensor({1.0f, -0.5f}, gg::kBFloat16));
  mixed.metadata["note"] = "seed";
  gg::save_safetensors(dir / "mixed.safetensors", mixed);
  gg::save_safetensors(dir / "nothing.safetensors", {});

  // Issue 10's reproducers: shapes whose element count overflows, negative and fractional
  // dimensions, a byte count that wraps to 0.
  write(dir / "overflowing_shape.safetensors",
        safetensors(R"({"a":{"dtype":"F32","shape":[3,6148914691236517206],"data_offsets":[0,8]}})", 8));
  write(dir / "negative_shape.safetensors",
        safetensors(R"({"a":{"dtype":"F32","shape":[-1,-1],"data_offsets":[0,4]}})", 4));
  write(dir / "float_shape.safetensors",
        safetensors(R"({"a":{"dtype":"F32","shape":[3.7,4],"data_offsets":[0,48]}})", 48));
  write(dir / "wrapping_bytes.safetensors",
        safetensors(R"({"a":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,0]}})", 0));
  write(dir / "huge_header_length.safetensors", Bytes{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, '{', '}'});
  // Issue 11's: a BOOL byte that is neither 0 nor 1 (0x3f), a size beyond int64.
  write(dir / "bool_byte_63.safetensors",
        safetensors(R"({"a":{"dtype":"BOOL","shape":[2],"data_offsets":[0,2]}})", 2));
  write(dir / "int64_overflowing_size.safetensors",
        safetensors(R"({"a":{"dtype":"BOOL","shape":[9223372036854775808],"data_offsets":[0,0]}})", 0));
}

void arch_corpus(const fs::path& dir) {
  const char* specs[] = {"linear,relu,linear,relu,linear,relu,linear", "linear,sigmoid,linear,relu,linear",
                         "linear,relu,linear,dropout(0.5),linear", "linear", "linear,tanh,linear",
                         " Linear , ReLU , LINEAR ", "relu,linear", "linear,dropout(1.5),linear",
                         "linear,dropout(),linear", "linear,,linear", "linear,dropout(1e400),linear",
                         // Session 12: batchnorm and linear(n) in an MLP (the first a crash the
                         // fuzzer found: a batch of one row), CNN layers without an image shape.
                         "linear,batchnorm,linear", "linear(7),relu,linear", "conv(4,3,pad=1),relu,flatten,linear",
                         "linear,conv(2,1),flatten,linear", "linear,dropout2d(0.1),linear"};
  int i = 0;
  for (const char* spec : specs) write_text(dir / ("spec_" + std::to_string(i++)), spec);
}

void lists_corpus(const fs::path& dir) {
  const char* lists[] = {"1e-4,5e-4,1e-3", "0.05,0.25", "50,100", "0", "1e-3,,2", ",", "nan",
                         "-1", "1e20", "inf", "1.5", "0x10", "  7"};
  int i = 0;
  for (const char* list : lists) write_text(dir / ("list_" + std::to_string(i++)), list);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR (fuzz/corpus)\n", argv[0]);
    return 2;
  }
  const fs::path root = argv[1];
  idx_corpus(root / "fuzz_idx");
  cifar_corpus(root / "fuzz_cifar10");
  checkpoint_corpus(root / "fuzz_checkpoint");
  arch_corpus(root / "fuzz_arch");
  lists_corpus(root / "fuzz_lists");
  return 0;
}
