#pragma once
// The run folder (--out) and what keeps two runs from mixing in it:
//   - a folder that already holds files (other than the log and settings of a run that failed
//     before writing anything else) is refused unless --overwrite (its gategrad outputs are
//     removed first; anything gategrad did not write is never deleted) or --resume (grid and
//     depth continue the run that is there);
//   - temporaries left by killed atomic writes (".NAME.tmp.PID.N", tensor/atomic_file.hpp) are
//     removed when PID is no longer running;
//   - run.json records the run's settings, and --resume refuses to continue with other ones.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace gg::app {

enum class FolderMode {
  Fresh,      // the folder must be absent or empty
  Overwrite,  // the folder's previous gategrad outputs are removed
  Resume,     // the folder must hold a run.json of the same subcommand
};

// Creates the folder (`requested`, or runs/<subcommand>-<YYYYmmdd-HHMMSS> when empty), removes
// stale temporaries and applies `mode`. Throws std::runtime_error naming --out, the folder and
// what to do.
std::filesystem::path prepare_run_folder(const std::filesystem::path& requested, const std::string& subcommand,
                                         FolderMode mode);

// Removes ".NAME.tmp.PID.N" files in `folder` whose PID is not a live process; returns how many.
std::size_t remove_stale_temporaries(const std::filesystem::path& folder);

// A run's settings as flag -> value text ("--lr" -> "0.0001,0.001"), in the order shown.
using RunSettings = std::vector<std::pair<std::string, std::string>>;

// Fresh or Overwrite: writes <dir>/run.json. Resume: reads it and throws std::runtime_error
// naming each flag whose value differs (and one missing from either side).
void record_or_check_settings(const std::filesystem::path& dir, const std::string& subcommand,
                              const RunSettings& settings, FolderMode mode);

// Shortest text that reads back to the same double ("0.001", "1e-05").
std::string exact_text(double value);

}  // namespace gg::app
