#include <gategrad/apps/report/tee_log.hpp>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace gg::report {

TeeLog::TeeLog(const std::filesystem::path& out_dir, std::ostream& console)
    : path_(out_dir / "log.txt"), console_(console) {
  file_.open(path_, std::ios::app);
  if (!file_) {
    throw std::runtime_error("TeeLog: cannot open '" + path_.string() +
                             "' for appending: " + std::strerror(errno));
  }
}

TeeLog::~TeeLog() {
  const std::string rest = pending_.str();
  if (rest.empty()) return;
  try {
    write_both(rest + '\n');
  } catch (const std::exception&) {
    // A destructor must not throw; the console already has what the file could not take.
  }
}

void TeeLog::line(const std::string& text) {
  write_complete_lines();  // keep the order of anything already completed
  write_both(text + '\n');
}

void TeeLog::warning(const std::string& text) {
  write_complete_lines();
  std::cerr << "warning: " << text << '\n';
  std::cerr.flush();
  if (file_failed_) return;
  file_ << "warning: " << text << '\n';
  file_.flush();
  if (!file_) report_file_failure();
}

void TeeLog::report_file_failure() {
  file_failed_ = true;
  std::cerr << "warning: cannot write to '" << path_.string() << "' (" << std::strerror(errno)
            << "); the log goes on on the console only\n";
}

void TeeLog::write_complete_lines() {
  std::string text = pending_.str();
  const std::size_t last_newline = text.rfind('\n');
  if (last_newline == std::string::npos) return;
  write_both(text.substr(0, last_newline + 1));
  pending_.str(text.substr(last_newline + 1));
  pending_.seekp(0, std::ios::end);
}

void TeeLog::write_both(const std::string& text) {
  console_ << text;
  console_.flush();
  if (file_failed_) return;
  file_ << text;
  file_.flush();
  if (!file_) report_file_failure();
}

}  // namespace gg::report
