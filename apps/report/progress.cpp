#include <gategrad/apps/report/progress.hpp>

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <stdexcept>

namespace gg::report {
namespace {

bool is_terminal(const std::ostream& out) {
  if (&out == &std::cout) return ::isatty(STDOUT_FILENO) != 0;
  if (&out == &std::cerr || &out == &std::clog) return ::isatty(STDERR_FILENO) != 0;
  return false;
}

}  // namespace

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  char buffer[64];
  if (seconds < 60) {
    std::snprintf(buffer, sizeof buffer, "%.1f s", seconds);
  } else if (seconds < 3600) {
    const long whole = std::lround(seconds);
    std::snprintf(buffer, sizeof buffer, "%ld min %02ld s", whole / 60, whole % 60);
  } else {
    const long minutes = std::lround(seconds / 60);
    std::snprintf(buffer, sizeof buffer, "%ld h %02ld min", minutes / 60, minutes % 60);
  }
  return buffer;
}

ProgressLine::ProgressLine(std::ostream& out, std::size_t total, Mode mode)
    : out_(out), total_(total) {
  if (total == 0) {
    throw std::invalid_argument("ProgressLine: got a total of 0 items, expected at least 1");
  }
  overwrite_ = mode == Mode::Overwrite || (mode == Mode::Auto && is_terminal(out));
}

void ProgressLine::begin(std::string label) {
  label_ = std::move(label);
  if (overwrite_ && finished_ < total_) {
    show("[" + std::to_string(finished_ + 1) + "/" + std::to_string(total_) + "] " + label_ +
             " ...",
         false);
  }
}

void ProgressLine::end(const std::string& result, double seconds) {
  if (finished_ == total_) {
    throw std::logic_error("ProgressLine::end: all " + std::to_string(total_) +
                           " items have already finished");
  }
  ++finished_;
  total_seconds_ += seconds;
  std::string text = "[" + std::to_string(finished_) + "/" + std::to_string(total_) + "] ";
  if (!label_.empty()) text += label_ + ": ";
  text += result + " (" + format_duration(seconds);
  const std::size_t left = total_ - finished_;
  if (left > 0) {
    const double mean = total_seconds_ / static_cast<double>(finished_);
    text += ", ETA " + format_duration(mean * static_cast<double>(left));
  } else {
    text += ", all done in " + format_duration(total_seconds_);
  }
  text += ")";
  label_.clear();
  show(text, left == 0);
}

void ProgressLine::show(const std::string& text, bool last) {
  if (overwrite_) {
    // "\x1b[K" clears what a longer previous line left to the right.
    out_ << '\r' << text << "\x1b[K";
    if (last) out_ << '\n';
  } else {
    out_ << text << '\n';
  }
  out_.flush();
}

}  // namespace gg::report
