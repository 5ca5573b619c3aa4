#pragma once
// Running gnuplot as a child process: the plots write a data file and a script next to the
// image, then hand the script to gnuplot. The script is kept, so a figure can be restyled by
// editing it and running `gnuplot name.gp` by hand.
#include <filesystem>
#include <string>
#include <string_view>

namespace gg::report {

// The gnuplot program: $GATEGRAD_GNUPLOT when set (another build, or a test simulating a
// missing one), else "gnuplot" found on PATH.
std::string gnuplot_program();

// Whether gnuplot_program() can be started (runs `gnuplot --version`).
bool gnuplot_available();

// Runs `gnuplot script` with stdin from /dev/null and waits for it. Throws std::runtime_error
// when gnuplot is not installed (saying how to install it), or when it fails (its exit status
// and what it printed on stderr).
void run_gnuplot(const std::filesystem::path& script);

// The same, running `commands` first (`gnuplot -e commands script`): the plots set the variable
// their script writes its PNG to (gategrad_output) this way.
void run_gnuplot(const std::filesystem::path& script, const std::string& commands);

// `text` as a gnuplot single-quoted string, in which nothing is special except the quote itself
// (written twice): safe for paths with spaces, backslashes or dollar signs.
std::string gnuplot_quote(std::string_view text);

}  // namespace gg::report
