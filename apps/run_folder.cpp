#include <gategrad/apps/run_folder.hpp>
#include <gategrad/tensor/atomic_file.hpp>

#include <nlohmann/json.hpp>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <ctime>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>

namespace gg::app {
namespace fs = std::filesystem;
namespace {

// The PID of a temporary named ".NAME.tmp.PID.N", or nullopt for any other name.
std::optional<long> temporary_pid(const std::string& name) {
  if (name.size() < 2 || name[0] != '.') return std::nullopt;
  const std::size_t last_dot = name.rfind('.');
  if (last_dot == std::string::npos || last_dot == 0) return std::nullopt;
  const std::size_t pid_dot = name.rfind('.', last_dot - 1);
  if (pid_dot == std::string::npos || pid_dot < 5 || name.compare(pid_dot - 4, 4, ".tmp") != 0) return std::nullopt;
  const auto all_digits = [&](std::size_t from, std::size_t to) {
    if (from >= to) return false;
    for (std::size_t i = from; i < to; ++i) {
      if (name[i] < '0' || name[i] > '9') return false;
    }
    return true;
  };
  if (!all_digits(pid_dot + 1, last_dot) || !all_digits(last_dot + 1, name.size())) return std::nullopt;
  long pid = 0;
  const auto result = std::from_chars(name.data() + pid_dot + 1, name.data() + last_dot, pid);
  if (result.ec != std::errc() || pid <= 0) return std::nullopt;
  return pid;
}

bool process_alive(long pid) {
  if (pid == static_cast<long>(::getpid())) return true;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

// What a gategrad run writes into its folder (the only entries --overwrite removes).
bool gategrad_output(const fs::directory_entry& entry) {
  const std::string name = entry.path().filename().string();
  if (entry.is_directory()) return name == "configs";
  for (const char* known : {"log.txt", "history.csv", "results.md", "run.json", "model.safetensors",
                            "preprocess.safetensors", "graph.dot"}) {
    if (name == known) return true;
  }
  const std::string extension = entry.path().extension().string();
  return extension == ".png" || extension == ".gp" || extension == ".dat";
}

std::string listed(const std::vector<std::string>& names) {
  std::string text;
  for (std::size_t i = 0; i < names.size() && i < 4; ++i) text += (i ? ", " : "") + names[i];
  if (names.size() > 4) text += ", ... (" + std::to_string(names.size()) + " entries)";
  return text;
}

}  // namespace

std::string exact_text(double value) {
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), result.ptr);
}

std::size_t remove_stale_temporaries(const fs::path& folder) {
  std::size_t removed = 0;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder, error)) {
    const std::optional<long> pid = temporary_pid(entry.path().filename().string());
    if (pid && entry.is_regular_file() && !process_alive(*pid) && fs::remove(entry.path(), error)) ++removed;
  }
  return removed;
}

fs::path prepare_run_folder(const fs::path& requested, const std::string& subcommand, FolderMode mode) {
  fs::path dir = requested;
  if (dir.empty()) {
    if (mode == FolderMode::Resume) {
      throw std::runtime_error("--resume: expected --out, the folder of the " + subcommand + " run to continue");
    }
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
    dir = fs::path("runs") / (subcommand + "-" + stamp);
  }
  if (fs::exists(dir) && !fs::is_directory(dir)) {
    throw std::runtime_error("--out: '" + dir.string() + "' is a file, expected a folder (or a path to create)");
  }
  if (mode == FolderMode::Resume && !fs::exists(dir / "run.json")) {
    throw std::runtime_error("--resume: '" + dir.string() + "' holds no run.json, so no " + subcommand +
                             " run to continue (expected the --out of an earlier gategrad " + subcommand + ")");
  }
  fs::create_directories(dir);
  remove_stale_temporaries(dir);
  if (fs::is_directory(dir / "configs")) remove_stale_temporaries(dir / "configs");

  std::vector<std::string> entries, foreign, busy;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    entries.push_back(name);
    if (temporary_pid(name)) busy.push_back(name);
    else if (!gategrad_output(entry)) foreign.push_back(name);
  }
  if (!busy.empty()) {
    throw std::runtime_error("--out: another running process is writing into '" + dir.string() + "' (" +
                             listed(busy) + "); wait for it to finish or choose another --out");
  }
  // A run that stopped before writing anything but its log and settings (a wrong --data-dir)
  // leaves nothing to mix with: the next run appends to the log and rewrites the settings.
  const bool only_log = std::all_of(entries.begin(), entries.end(),
                                    [](const std::string& name) { return name == "log.txt" || name == "run.json"; });
  if (only_log && mode != FolderMode::Resume) return dir;
  if (mode == FolderMode::Fresh) {
    throw std::runtime_error("--out: '" + dir.string() + "' is not empty (it holds " + listed(entries) +
                             "); pass --overwrite to replace that run" +
                             (subcommand == "grid" || subcommand == "depth" ? ", --resume to continue it," : "") +
                             " or choose another --out");
  }
  if (mode == FolderMode::Overwrite) {
    if (!foreign.empty()) {
      throw std::runtime_error("--overwrite: '" + dir.string() + "' holds " + listed(foreign) +
                               ", which gategrad did not write; nothing was deleted (choose another --out)");
    }
    for (const std::string& name : entries) fs::remove_all(dir / name);
  }
  return dir;
}

void record_or_check_settings(const fs::path& dir, const std::string& subcommand, const RunSettings& settings,
                              FolderMode mode) {
  const fs::path file = dir / "run.json";
  if (mode != FolderMode::Resume) {
    nlohmann::ordered_json json;
    json["subcommand"] = subcommand;
    for (const auto& [flag, value] : settings) json["flags"][flag] = value;
    gg::write_file_atomically(file, json.dump(2) + "\n");
    return;
  }
  std::ifstream in(file);
  const std::string text{std::istreambuf_iterator<char>(in), {}};
  nlohmann::json saved;
  try {
    saved = nlohmann::json::parse(text);
    if (!saved.at("flags").is_object() || !saved.at("subcommand").is_string()) throw std::runtime_error("shape");
  } catch (const std::exception&) {
    throw std::runtime_error("--resume: '" + file.string() + "' is not a run.json written by gategrad "
                             "(expected {\"subcommand\": ..., \"flags\": {...}})");
  }
  if (saved["subcommand"] != subcommand) {
    throw std::runtime_error("--resume: '" + dir.string() + "' holds a gategrad " +
                             saved["subcommand"].get<std::string>() + " run, expected " + subcommand);
  }
  std::string differences;
  const nlohmann::json& flags = saved["flags"];
  for (const auto& [flag, value] : settings) {
    if (!flags.contains(flag) || !flags[flag].is_string()) {
      differences += "\n  " + flag + ": not recorded in run.json, this run has " + value;
    } else if (flags[flag].get<std::string>() != value) {
      differences += "\n  " + flag + ": the run was started with " + flags[flag].get<std::string>() +
                     ", this one has " + value;
    }
  }
  for (const auto& [flag, value] : flags.items()) {
    bool known = false;
    for (const auto& setting : settings) known = known || setting.first == flag;
    if (!known) differences += "\n  " + flag + ": recorded in run.json, unknown to this run";
  }
  if (!differences.empty()) {
    throw std::runtime_error("--resume: the flags differ from those of the run in '" + dir.string() +
                             "' (expected the same flags, as run.json lists them):" + differences);
  }
}

}  // namespace gg::app
