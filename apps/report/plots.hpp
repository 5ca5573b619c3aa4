#pragma once
// The run's figures, drawn by gnuplot (pngcairo). Each plot writes, next to its PNG, the data it
// shows (.dat, whitespace-separated with a '#' header line) and the gnuplot script (.gp) that
// draws it from that data, all named after the PNG's stem:
//
//   out/loss_accuracy.png  out/loss_accuracy.gp  out/loss_accuracy_loss.dat
//   out/loss_accuracy_accuracy.dat
//
// The scripts use absolute, quoted paths, so `gnuplot out/loss_accuracy.gp` redraws the figure
// from any folder. The PNG's folder must exist. Non-finite values (a diverged run) are written as
// NaN, which gnuplot leaves out of the line. Every function throws std::invalid_argument for
// inconsistent input and std::runtime_error when a file cannot be written or gnuplot is missing
// or fails (the message says how to install it).
#include <gategrad/apps/report/gnuplot.hpp>
#include <gategrad/apps/report/history.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace gg::report {

// The homework's training figure, one PNG with two panels stacked:
//   top     "Loss history": the training loss at every iteration (x: iteration, 1-based);
//   bottom  "Classification accuracy history": train and val accuracy per epoch.
// Both inputs must be non-empty.
void plot_loss_and_accuracy(const std::filesystem::path& png,
                            const std::vector<double>& loss_per_iteration,
                            const std::vector<EpochRecord>& epochs, const std::string& title);

// A grouped bar chart, train and val side by side for each label (the MLP depth table), the
// value printed above each bar. Labels too long to sit side by side are rotated.
// labels, train and val must have the same, non-zero length.
// `xlabel` names what the labels are (empty: no axis label).
void plot_bars(const std::filesystem::path& png, const std::vector<std::string>& labels,
               const std::vector<double>& train, const std::vector<double>& val,
               const std::string& title, const std::string& xlabel = "");

}  // namespace gg::report
