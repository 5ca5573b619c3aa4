#pragma once
// Atomic file writes for checkpoints and results: the bytes go to a temporary file in the same
// folder (a unique name per call: pid and counter, created with O_EXCL), are flushed to disk,
// and the file is renamed over the target, then the folder is flushed too. A crash at any point
// leaves either the previous file or the new one, never a mix.
#include <filesystem>
#include <string>

namespace gg {

// Throws std::runtime_error naming the path and the system's reason, std::invalid_argument
// when `path` names a folder.
void write_file_atomically(const std::filesystem::path& path, const std::string& bytes);

}  // namespace gg
