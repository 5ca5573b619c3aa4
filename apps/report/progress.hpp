#pragma once
// A progress indicator for a loop over a known number of items (the grid search):
//
//   [3/12] lr=1e-3 reg=0.25 hidden=100: val 0.861 (4.2 s, ETA 38 s)
//
//   ProgressLine progress(std::cout, configs.size());
//   for (const Config& config : configs) {
//     progress.begin(config.describe());          // optional: shows "running..." on a terminal
//     const Result result = train(config);
//     progress.end("val " + format_fixed(result.val, 3), result.seconds);
//   }
//
// On a terminal the line is redrawn in place ('\r'); anywhere else (a file, a pipe, a test's
// ostringstream) each finished item is its own line, so logs stay readable.
#include <cstddef>
#include <iosfwd>
#include <string>

namespace gg::report {

class ProgressLine {
 public:
  enum class Mode {
    Auto,      // Overwrite when `out` is std::cout or std::cerr and that is a terminal, else Lines
    Lines,     // one line per finished item
    Overwrite  // one line redrawn with '\r'; a newline after the last item
  };

  // Throws std::invalid_argument when total is 0.
  ProgressLine(std::ostream& out, std::size_t total, Mode mode = Mode::Auto);

  // Names the item that starts now; in Overwrite mode shows it as running.
  void begin(std::string label);

  // Reports the item named by the last begin() (or just its number without one) as finished with
  // `result`, after `seconds`. The ETA is the mean time of the finished items times those left.
  // Throws std::logic_error when called more than `total` times.
  void end(const std::string& result, double seconds);

  std::size_t finished() const { return finished_; }

 private:
  void show(const std::string& text, bool last);

  std::ostream& out_;
  std::size_t total_;
  bool overwrite_;
  std::size_t finished_ = 0;
  double total_seconds_ = 0;
  std::string label_;
};

// A duration for people: "4.2 s", "3 min 20 s", "1 h 05 min".
std::string format_duration(double seconds);

}  // namespace gg::report
