#include <gategrad/tensor/atomic_file.hpp>
#include <gategrad/apps/report/history.hpp>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace gg::report {
namespace {

constexpr std::array<std::string_view, 7> kColumns = {
    "epoch", "iteration", "loss", "train_accuracy", "val_accuracy", "lr", "seconds"};

// Shortest text that reads back to the same value (std::to_chars guarantees the round trip).
template <class T>
void append_number(std::string& out, T value) {
  std::array<char, 64> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), result.ptr);
}

class LineError {
 public:
  LineError(const std::filesystem::path& path, std::size_t line) : path_(path), line_(line) {}
  [[noreturn]] void fail(const std::string& problem) const {
    throw std::runtime_error("read_history_csv: " + path_.string() + ":" + std::to_string(line_) +
                             ": " + problem);
  }

 private:
  const std::filesystem::path& path_;
  std::size_t line_;
};

template <class T>
T parse_field(std::string_view text, std::string_view column, const LineError& error) {
  T value{};
  const char* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, value);
  const char* kind = std::is_integral_v<T> ? "an integer" : "a number";
  if (text.empty()) error.fail("column '" + std::string(column) + "' is empty, expected " + kind);
  if (result.ec == std::errc::result_out_of_range) {
    error.fail("column '" + std::string(column) + "': '" + std::string(text) + "' is out of range");
  }
  if (result.ec != std::errc() || result.ptr != end) {
    error.fail("column '" + std::string(column) + "': '" + std::string(text) + "' is not " + kind);
  }
  return value;
}

std::vector<std::string_view> split_commas(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    fields.push_back(line.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (comma == std::string_view::npos) return fields;
    start = comma + 1;
  }
}

}  // namespace

void write_history_csv(const std::filesystem::path& path, const std::vector<EpochRecord>& records) {
  std::string text(kHistoryCsvHeader);
  text += '\n';
  for (const EpochRecord& r : records) {
    append_number(text, r.epoch);
    text += ',';
    append_number(text, r.iteration);
    for (const double value : {r.loss, r.train_accuracy, r.val_accuracy, r.lr, r.seconds}) {
      text += ',';
      append_number(text, value);
    }
    text += '\n';
  }
  gg::write_file_atomically(path, text);
}

std::vector<EpochRecord> read_history_csv(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    throw std::runtime_error("read_history_csv: cannot open '" + path.string() +
                             "': " + std::strerror(errno));
  }
  std::vector<EpochRecord> records;
  std::string line;
  std::size_t number = 0;
  bool seen_header = false;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const LineError error(path, number);
    if (!seen_header) {
      if (line != kHistoryCsvHeader) {
        error.fail("expected the header '" + std::string(kHistoryCsvHeader) + "', got '" + line +
                   "'");
      }
      seen_header = true;
      continue;
    }
    const std::vector<std::string_view> fields = split_commas(line);
    if (fields.size() != kColumns.size()) {
      error.fail("expected " + std::to_string(kColumns.size()) + " comma-separated fields (" +
                 std::string(kHistoryCsvHeader) + "), got " + std::to_string(fields.size()));
    }
    EpochRecord r;
    r.epoch = parse_field<int>(fields[0], kColumns[0], error);
    r.iteration = parse_field<long>(fields[1], kColumns[1], error);
    r.loss = parse_field<double>(fields[2], kColumns[2], error);
    r.train_accuracy = parse_field<double>(fields[3], kColumns[3], error);
    r.val_accuracy = parse_field<double>(fields[4], kColumns[4], error);
    r.lr = parse_field<double>(fields[5], kColumns[5], error);
    r.seconds = parse_field<double>(fields[6], kColumns[6], error);
    records.push_back(r);
  }
  if (in.bad()) {
    throw std::runtime_error("read_history_csv: cannot read '" + path.string() +
                             "': " + std::strerror(errno));
  }
  if (!seen_header) {
    throw std::runtime_error("read_history_csv: " + path.string() +
                             ": the file is empty, expected the header '" +
                             std::string(kHistoryCsvHeader) + "'");
  }
  return records;
}

}  // namespace gg::report
