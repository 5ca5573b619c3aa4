#pragma once
// Everything the program says, on the console and in <out>/log.txt, so a run's output survives
// the terminal it ran in.
//
//   TeeLog log(out_dir);
//   log << "epoch " << epoch << ": loss " << loss << '\n';   // written and flushed at '\n'
//   log.line("training done");
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace gg::report {

class TeeLog {
 public:
  // Opens <out_dir>/log.txt for appending (a resumed run continues the same log). The folder
  // must exist. Throws std::runtime_error naming the file and the system's reason. A write that
  // fails later (a full disk) is reported once on std::cerr and the console goes on alone: the
  // log must not end a run whose results can still be saved.
  explicit TeeLog(const std::filesystem::path& out_dir, std::ostream& console = std::cout);
  TeeLog(const TeeLog&) = delete;
  TeeLog& operator=(const TeeLog&) = delete;
  // Writes a last line that did not end in '\n'.
  ~TeeLog();

  // Writes `text` and a newline to both, and flushes both.
  void line(const std::string& text);

  // Writes "warning: text" to log.txt and to std::cerr (not to the console stream): something
  // went wrong that does not fail the run, such as a figure that could not be drawn.
  void warning(const std::string& text);

  // Collects text; each completed line ('\n' or std::endl) is written to both and flushed.
  template <class T>
  TeeLog& operator<<(const T& value) {
    pending_ << value;
    write_complete_lines();
    return *this;
  }
  TeeLog& operator<<(std::ostream& (*manipulator)(std::ostream&)) {
    pending_ << manipulator;
    write_complete_lines();
    return *this;
  }

  const std::filesystem::path& path() const { return path_; }

 private:
  void write_complete_lines();
  void write_both(const std::string& text);
  void report_file_failure();

  std::filesystem::path path_;
  std::ofstream file_;
  std::ostream& console_;
  std::ostringstream pending_;
  bool file_failed_ = false;
};

}  // namespace gg::report
