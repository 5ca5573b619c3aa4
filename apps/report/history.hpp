#pragma once
// The per-epoch record of a training run, as a CSV file that a spreadsheet, pandas or gnuplot
// reads directly and that a resumed run reads back exactly.
//
//   epoch,iteration,loss,train_accuracy,val_accuracy,lr,seconds
//   1,245,1.8812345678901234,0.362,0.377,0.001,3.25
#include <filesystem>
#include <string_view>
#include <vector>

namespace gg::report {

struct EpochRecord {
  int epoch = 0;            // 1-based count of finished epochs
  long iteration = 0;       // SGD steps taken so far
  double loss = 0;          // training loss at the end of the epoch
  double train_accuracy = 0;
  double val_accuracy = 0;
  double lr = 0;            // learning rate used during the epoch
  double seconds = 0;       // wall-clock time since the start of training
};

inline constexpr std::string_view kHistoryCsvHeader =
    "epoch,iteration,loss,train_accuracy,val_accuracy,lr,seconds";

// Writes the header and one line per record, atomically. Doubles are written in their shortest
// form that reads back to the same value; nan and inf are written as "nan", "inf", "-inf".
void write_history_csv(const std::filesystem::path& path, const std::vector<EpochRecord>& records);

// Reads a file written by write_history_csv. Blank lines and a trailing '\r' (a file edited on
// Windows) are accepted. Throws std::runtime_error "read_history_csv: <path>:<line>: <problem>"
// when the file cannot be opened, the header differs, a line has the wrong number of fields or
// a field is not a number of its column's type.
std::vector<EpochRecord> read_history_csv(const std::filesystem::path& path);

}  // namespace gg::report
