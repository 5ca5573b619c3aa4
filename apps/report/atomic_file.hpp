#pragma once
// Results files that are either the old version or the new one, never half of each: a crash,
// a full disk or a Ctrl-C in the middle of a write leaves the previous file in place.
#include <filesystem>
#include <string>

namespace gg::report {

// Writes `bytes` to a new temporary file in the target's folder, fsyncs it, then renames it over
// `path` (rename is atomic within one file system) and fsyncs the folder. The folder must exist.
// Throws std::runtime_error naming the path and the system's reason; the temporary file is
// removed on every failure.
void write_text_atomically(const std::filesystem::path& path, const std::string& bytes);

}  // namespace gg::report
