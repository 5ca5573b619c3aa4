#include <gategrad/tensor/atomic_file.hpp>
#include <gategrad/apps/report/plots.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace gg::report {
namespace {

// Colours of matplotlib's default cycle, so the figures look like the homework's.
constexpr const char* kBlue = "#1f77b4";
constexpr const char* kOrange = "#ff7f0e";

// Shortest round-trip text; NaN for anything gnuplot should leave out.
void append_value(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "NaN";
    return;
  }
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), result.ptr);
}

std::filesystem::path sibling(const std::filesystem::path& png, const std::string& suffix) {
  return png.parent_path() / (png.stem().string() + suffix);
}

std::string quoted_path(const std::filesystem::path& path) {
  return gnuplot_quote(std::filesystem::absolute(path).string());
}

// Terminal and output, shared by every figure. noenhanced: an underscore in a title or label
// ("hidden_size") is printed, not read as a subscript. The output is the PNG itself when the
// script is run by hand; the program sets gategrad_output to a temporary file instead
// (write_and_draw).
std::string preamble(const std::filesystem::path& png, int width, int height) {
  return "set terminal pngcairo noenhanced size " + std::to_string(width) + "," +
         std::to_string(height) + " font 'Sans,11' linewidth 1.2\n" +
         "if (!exists('gategrad_output')) gategrad_output = " + quoted_path(png) + "\n" +
         "set output gategrad_output\n" +
         "set grid linecolor rgb '#d0d0d0' linetype 1\n"
         "set border linecolor rgb '#404040'\n";
}

void check_png_path(const char* op, const std::filesystem::path& png) {
  if (png.extension() != ".png") {
    throw std::invalid_argument(std::string(op) + ": '" + png.string() +
                                "' should end in .png (the data and script are named after it)");
  }
}

// gnuplot opens its output with O_TRUNC and fills it as it draws: drawn straight into the PNG, a
// kill midway would leave a truncated file where the previous good one was. It draws into a
// temporary in the same folder instead (named as write_file_atomically names its own, so a
// killed run's leftover is recognised and removed), which is flushed and renamed over the PNG.
void write_and_draw(const std::filesystem::path& png, const std::string& script) {
  const std::filesystem::path script_path = sibling(png, ".gp");
  gg::write_file_atomically(script_path, script);
  static std::atomic<unsigned> counter{0};
  const std::filesystem::path folder = png.has_parent_path() ? png.parent_path() : ".";
  std::filesystem::path tmp;
  int fd = -1;
  for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
    tmp = folder / ("." + png.filename().string() + ".tmp." + std::to_string(::getpid()) + "." +
                    std::to_string(counter++));
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) {
    throw std::runtime_error("plot: cannot create a temporary file for '" + png.string() +
                             "': " + std::strerror(errno));
  }
  ::close(fd);
  try {
    run_gnuplot(script_path, "gategrad_output = " + quoted_path(tmp));
    fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
    const bool flushed = fd >= 0 && ::fsync(fd) == 0;
    if (fd >= 0) ::close(fd);
    if (!flushed) {
      throw std::runtime_error("plot: cannot flush '" + tmp.string() + "': " + std::strerror(errno));
    }
    if (std::filesystem::file_size(tmp) == 0) {
      throw std::runtime_error("plot: gnuplot wrote nothing for '" + png.string() + "'");
    }
    std::filesystem::rename(tmp, png);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw;
  }
  fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

void plot_loss_and_accuracy(const std::filesystem::path& png,
                            const std::vector<double>& loss_per_iteration,
                            const std::vector<EpochRecord>& epochs, const std::string& title) {
  constexpr const char* op = "plot_loss_and_accuracy";
  check_png_path(op, png);
  if (loss_per_iteration.empty()) {
    throw std::invalid_argument(std::string(op) +
                                ": loss_per_iteration is empty, expected the training loss of "
                                "at least one iteration");
  }
  if (epochs.empty()) {
    throw std::invalid_argument(std::string(op) +
                                ": epochs is empty, expected the record of at least one epoch");
  }

  const std::filesystem::path loss_dat = sibling(png, "_loss.dat");
  std::string loss_text = "# iteration loss\n";
  for (std::size_t i = 0; i < loss_per_iteration.size(); ++i) {
    loss_text += std::to_string(i + 1) + ' ';
    append_value(loss_text, loss_per_iteration[i]);
    loss_text += '\n';
  }
  gg::write_file_atomically(loss_dat, loss_text);

  const std::filesystem::path accuracy_dat = sibling(png, "_accuracy.dat");
  std::string accuracy_text = "# epoch train_accuracy val_accuracy\n";
  for (const EpochRecord& record : epochs) {
    accuracy_text += std::to_string(record.epoch) + ' ';
    append_value(accuracy_text, record.train_accuracy);
    accuracy_text += ' ';
    append_value(accuracy_text, record.val_accuracy);
    accuracy_text += '\n';
  }
  gg::write_file_atomically(accuracy_dat, accuracy_text);

  std::string script = preamble(png, 1000, 800);
  script += "set multiplot layout 2,1 title " + gnuplot_quote(title) + " font 'Sans,14'\n";

  script += "set title 'Loss history'\nset xlabel 'Iteration'\nset ylabel 'Loss'\n"
            "set key off\n";
  // gnuplot refuses to draw a panel with no valid point unless both ranges are fixed.
  const bool any_finite_loss =
      std::any_of(loss_per_iteration.begin(), loss_per_iteration.end(),
                  [](double loss) { return std::isfinite(loss); });
  if (!any_finite_loss) {
    script += "set xrange [0:" + std::to_string(loss_per_iteration.size() + 1) +
              "]\nset yrange [0:1]\n"
              "set label 1 'no finite loss value (the training diverged)' "
              "at graph 0.5,0.5 center\n";
  }
  script += "plot " + quoted_path(loss_dat) +
            " using 1:2 with lines linewidth 0.8 linecolor rgb '" + kBlue + "' notitle\n";
  if (!any_finite_loss) script += "unset label 1\nset autoscale\n";

  // Points mark each epoch while they can be told apart; beyond that they only blur the line.
  const std::string style = epochs.size() <= 40 ? "linespoints pointtype 7 pointsize 0.9"
                                                : "lines";
  script += "set title 'Classification accuracy history'\nset xlabel 'Epoch'\n"
            "set ylabel 'Classification accuracy'\n"
            "set key bottom right box opaque\n";
  if (epochs.size() <= 20) script += "set xtics 1\n";
  // Nearly constant accuracies (chance level after a divergence) would be autoscaled to a
  // range of +-1% with five-digit ticks; show at least 0.1 around them instead.
  double low = 1e300, high = -1e300;
  for (const EpochRecord& record : epochs) {
    for (const double value : {record.train_accuracy, record.val_accuracy}) {
      if (!std::isfinite(value)) continue;
      low = std::min(low, value);
      high = std::max(high, value);
    }
  }
  if (low <= high && high - low < 0.02) {
    std::array<char, 64> range{};
    std::snprintf(range.data(), range.size(), "set yrange [%.6g:%.6g]\n",
                  std::max(0.0, low - 0.05), high + 0.05);
    script += range.data();
  }
  script += "plot " + quoted_path(accuracy_dat) + " using 1:2 with " + style +
            " linewidth 2 linecolor rgb '" + kBlue + "' title 'train', \\\n     " +
            quoted_path(accuracy_dat) + " using 1:3 with " + style +
            " linewidth 2 linecolor rgb '" + kOrange + "' title 'val'\n";
  script += "unset multiplot\n";
  write_and_draw(png, script);
}

void plot_bars(const std::filesystem::path& png, const std::vector<std::string>& labels,
               const std::vector<double>& train, const std::vector<double>& val,
               const std::string& title, const std::string& xlabel) {
  constexpr const char* op = "plot_bars";
  check_png_path(op, png);
  if (labels.empty() || labels.size() != train.size() || labels.size() != val.size()) {
    throw std::invalid_argument(std::string(op) + ": got " + std::to_string(labels.size()) +
                                " labels, " + std::to_string(train.size()) + " train and " +
                                std::to_string(val.size()) +
                                " val values; expected one train and one val value per label, "
                                "and at least one label");
  }

  const std::filesystem::path dat = sibling(png, ".dat");
  std::string text = "# label train val\n";
  double highest = 0;
  std::size_t longest = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    // A data-file string is double-quoted; it cannot hold a double quote or a line break.
    std::string label = labels[i];
    for (char& c : label) {
      if (c == '"') c = '\'';
      if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    }
    longest = std::max(longest, label.size());
    text += '"' + label + "\" ";
    append_value(text, train[i]);
    text += ' ';
    append_value(text, val[i]);
    text += '\n';
    for (const double value : {train[i], val[i]}) {
      if (std::isfinite(value)) highest = std::max(highest, value);
    }
  }
  gg::write_file_atomically(dat, text);

  const int width = std::max(800, 110 * static_cast<int>(labels.size()) + 200);
  // About 7 pixels per character at 11 pt; a label wider than its group is rotated.
  const double group_pixels = (width - 150.0) / static_cast<double>(labels.size());
  const bool rotate = 7.0 * static_cast<double>(longest) > 0.9 * group_pixels;

  std::string script = preamble(png, width, 600);
  script += "set title " + gnuplot_quote(title) + " font 'Sans,14'\n";
  script += "set style data histograms\nset style histogram clustered gap 1\n"
            "set style fill solid 0.85 border rgb '#404040'\n"
            "set grid noxtics ytics\nset xtics nomirror scale 0\n"
            "set ylabel 'Accuracy'\nset key top left\n";
  if (rotate) script += "set xtics rotate by 30 right\n";
  if (!xlabel.empty()) script += "set xlabel " + gnuplot_quote(xlabel) + "\n";
  // Accuracies as fractions get a fixed 0..1 axis and three decimals; anything else (percent,
  // a loss) an axis fitted to the data. Either way there is headroom above the tallest bar for
  // its value and for the key.
  const bool fractions = highest <= 1.0;
  std::array<char, 32> top{};
  std::snprintf(top.data(), top.size(), "%.6g", fractions ? 1.15 : 1.2 * highest);
  script += std::string("set yrange [0:") + top.data() + "]\nset ytics nomirror\n";
  if (fractions) script += "set ytics 0,0.2,1\n";
  const std::string format = fractions ? "%.3f" : "%.4g";
  script += "set xrange [-0.6:" + std::to_string(labels.size()) + "-0.4]\n";
  // With two series and gap 1, a group spans 3 box widths centred on its index: the train bar's
  // centre is 1/6 to the left, the val bar's 1/6 to the right.
  const std::string data = quoted_path(dat);
  script += "plot " + data + " using 2:xtic(1) title 'train' linecolor rgb '" + kBlue + "', \\\n" +
            "     " + data + " using 3 title 'val' linecolor rgb '" + kOrange + "', \\\n" +
            "     " + data + " using ($0-1.0/6):2:(sprintf('" + format + "', $2)) with labels "
            "offset 0,0.8 font 'Sans,9' notitle, \\\n" +
            "     " + data + " using ($0+1.0/6):3:(sprintf('" + format + "', $3)) with labels "
            "offset 0,0.8 font 'Sans,9' notitle\n";
  write_and_draw(png, script);
}

}  // namespace gg::report
