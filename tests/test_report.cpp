// The report outputs of the gategrad program: files read back and checked value by value, PNGs
// decoded with libpng, figures drawn by the installed gnuplot.
#include "temp_dir.hpp"
#include <gategrad/apps/report/report.hpp>
#include <gategrad/tensor/atomic_file.hpp>

#include <catch2/catch.hpp>
#include <png.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

using Catch::Contains;
namespace fs = std::filesystem;
namespace report = gg::report;

namespace {

using gg::test::read_file;
using gg::test::TempDir;
using gg::test::write_file;

std::vector<std::string> folder_entries(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

// A PNG decoded as it is stored: channels 1 for grey files, 3 for colour ones.
struct DecodedPng {
  std::size_t width = 0, height = 0, channels = 0;
  std::vector<std::uint8_t> pixels;
  std::uint8_t at(std::size_t y, std::size_t x, std::size_t c = 0) const {
    return pixels[(y * width + x) * channels + c];
  }
};

DecodedPng decode_png(const fs::path& path) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  REQUIRE(png_image_begin_read_from_file(&image, path.c_str()) != 0);
  DecodedPng png;
  png.width = image.width;
  png.height = image.height;
  const bool colour = (image.format & PNG_FORMAT_FLAG_COLOR) != 0;
  png.channels = colour ? 3 : 1;
  image.format = colour ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
  png.pixels.resize(PNG_IMAGE_SIZE(image));
  REQUIRE(png_image_finish_read(&image, nullptr, png.pixels.data(), 0, nullptr) != 0);
  return png;
}

bool same_double(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || (a == b && std::signbit(a) == std::signbit(b));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// History CSV

TEST_CASE("history CSV round trip keeps every double exactly", "[report]") {
  TempDir dir;
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<report::EpochRecord> records = {
      {1, 245, 1.0 / 3.0, 0.1, 0.2 + 0.1, 1e-3, 3.25},
      {2, 490, 2.302585092994046, 0.36199999999999999, 0.377, 9.5e-4, 6.5000000000000009},
      {3, 1L << 40, std::numeric_limits<double>::quiet_NaN(), 4.9e-324, 1.7976931348623157e308,
       -0.0, inf},
  };
  const fs::path path = dir.path() / "history.csv";
  report::write_history_csv(path, records);

  const std::string text = read_file(path);
  CHECK(text.rfind("epoch,iteration,loss,train_accuracy,val_accuracy,lr,seconds\n", 0) == 0);
  CHECK_THAT(text, Contains("\n1,245,0.3333333333333333,0.1,0.30000000000000004,0.001,3.25\n"));

  const std::vector<report::EpochRecord> back = report::read_history_csv(path);
  REQUIRE(back.size() == records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    INFO("record " << i);
    CHECK(back[i].epoch == records[i].epoch);
    CHECK(back[i].iteration == records[i].iteration);
    CHECK(same_double(back[i].loss, records[i].loss));
    CHECK(same_double(back[i].train_accuracy, records[i].train_accuracy));
    CHECK(same_double(back[i].val_accuracy, records[i].val_accuracy));
    CHECK(same_double(back[i].lr, records[i].lr));
    CHECK(same_double(back[i].seconds, records[i].seconds));
  }
}

TEST_CASE("history CSV with no records reads back empty", "[report]") {
  TempDir dir;
  report::write_history_csv(dir.path() / "h.csv", {});
  CHECK(read_file(dir.path() / "h.csv") ==
        "epoch,iteration,loss,train_accuracy,val_accuracy,lr,seconds\n");
  CHECK(report::read_history_csv(dir.path() / "h.csv").empty());
}

TEST_CASE("history CSV accepts Windows line ends and blank lines", "[report]") {
  TempDir dir;
  const fs::path path = dir.path() / "h.csv";
  write_file(path,
             "epoch,iteration,loss,train_accuracy,val_accuracy,lr,seconds\r\n"
             "1,10,0.5,0.6,0.7,0.001,1\r\n\r\n");
  const auto records = report::read_history_csv(path);
  REQUIRE(records.size() == 1);
  CHECK(records[0].seconds == 1.0);
}

TEST_CASE("malformed history CSV errors name the file, the line and the problem", "[report]") {
  TempDir dir;
  const fs::path path = dir.path() / "bad.csv";
  const std::string header = "epoch,iteration,loss,train_accuracy,val_accuracy,lr,seconds\n";

  write_file(path, header + "1,10,0.5,0.6,0.7,0.001,1\n2,20,oops,0.6,0.7,0.001,2\n");
  CHECK_THROWS_WITH(report::read_history_csv(path),
                    Contains(path.string() + ":3:") && Contains("column 'loss'") &&
                        Contains("'oops' is not a number"));

  write_file(path, header + "1,10,0.5,0.6,0.7,0.001\n");
  CHECK_THROWS_WITH(report::read_history_csv(path),
                    Contains(":2:") && Contains("expected 7") && Contains("got 6"));

  write_file(path, header + "1.5,10,0.5,0.6,0.7,0.001,1\n");
  CHECK_THROWS_WITH(report::read_history_csv(path),
                    Contains(":2:") && Contains("column 'epoch'") && Contains("not an integer"));

  write_file(path, header + "1,10,0.5,,0.7,0.001,1\n");
  CHECK_THROWS_WITH(report::read_history_csv(path),
                    Contains(":2:") && Contains("'train_accuracy' is empty"));

  write_file(path, header + "1,10,0.5 ,0.6,0.7,0.001,1\n");
  CHECK_THROWS_WITH(report::read_history_csv(path), Contains(":2:") && Contains("'0.5 '"));

  write_file(path, "epoch,loss\n1,0.5\n");
  CHECK_THROWS_WITH(report::read_history_csv(path),
                    Contains(":1:") && Contains("expected the header"));

  write_file(path, "");
  CHECK_THROWS_WITH(report::read_history_csv(path), Contains("empty"));

  CHECK_THROWS_WITH(report::read_history_csv(dir.path() / "missing.csv"),
                    Contains("missing.csv") && Contains("No such file"));
}

// ---------------------------------------------------------------------------------------------
// Atomic writes

TEST_CASE("write_file_atomically replaces the content and leaves no temporary file", "[report]") {
  TempDir dir;
  const fs::path path = dir.path() / "results.md";
  gg::write_file_atomically(path, "first version, rather long\n");
  CHECK(read_file(path) == "first version, rather long\n");
  gg::write_file_atomically(path, "second\n");
  CHECK(read_file(path) == "second\n");
  const std::string binary("a\0b\xff", 4);
  gg::write_file_atomically(path, binary);
  CHECK(read_file(path) == binary);
  CHECK(folder_entries(dir.path()) == std::vector<std::string>{"results.md"});
}

TEST_CASE("write_file_atomically errors name the path and the reason", "[report]") {
  TempDir dir;
  const fs::path path = dir.path() / "no such folder" / "results.md";
  CHECK_THROWS_WITH(gg::write_file_atomically(path, "x"),
                    Contains("no such folder") && Contains("No such file or directory"));
  CHECK(folder_entries(dir.path()).empty());
}

// ---------------------------------------------------------------------------------------------
// Weight images

TEST_CASE("weight grid size follows the layout formula", "[report]") {
  TempDir dir;
  // 5 units of 4x3: 3 columns, 2 rows, scale ceil(64/3) = 22, tiles 66 x 88, padding 2.
  const std::vector<float> weights(5 * 12, 0.5f);
  report::save_weight_grid(dir.path() / "w.png", weights, 5, {4, 3});
  const DecodedPng png = decode_png(dir.path() / "w.png");
  CHECK(png.width == 3 * 66 + 2 * 2);
  CHECK(png.height == 2 * 88 + 1 * 2);
  CHECK(png.channels == 1);

  const report::WeightGridLayout layout = report::weight_grid_layout(5, 4, 3);
  CHECK(layout.columns == 3);
  CHECK(layout.rows == 2);
  CHECK(layout.scale == 22);
  CHECK(layout.width == png.width);
  CHECK(layout.height == png.height);

  // Explicit columns; CIFAR-sized tiles are doubled to 64 pixels.
  report::save_weight_grid(dir.path() / "row.png", std::vector<float>(4 * 32 * 32, 1.0f), 4,
                           {32, 32}, 4);
  const DecodedPng row = decode_png(dir.path() / "row.png");
  CHECK(row.width == 4 * 64 + 3 * 2);
  CHECK(row.height == 64);
}

TEST_CASE("weight grid maps each tile's min to 0 and max to 255", "[report]") {
  TempDir dir;
  constexpr std::size_t H = 4, W = 3, D = H * W;
  std::vector<float> weights(3 * D);
  // Unit 0: a ramp -3, -2.5, ..., 2.5 in row-major order: min at (0,0), max at (3,2).
  for (std::size_t i = 0; i < D; ++i) weights[i] = -3.0f + 0.5f * static_cast<float>(i);
  // Unit 1: constant. Unit 2: a ramp over a much larger range, normalised on its own.
  for (std::size_t i = 0; i < D; ++i) weights[D + i] = 7.0f;
  for (std::size_t i = 0; i < D; ++i) weights[2 * D + i] = 1000.0f * static_cast<float>(D - i);
  report::save_weight_grid(dir.path() / "w.png", weights, 3, {H, W});
  const DecodedPng png = decode_png(dir.path() / "w.png");
  // 2 columns, 2 rows; scale 22, tiles 66 x 88, padding 2: tile k starts at x = (k % 2) * 68.
  REQUIRE(png.width == 2 * 66 + 2);
  REQUIRE(png.height == 2 * 88 + 2);
  const std::size_t s = 22;

  CHECK(png.at(0, 0) == 0);                   // weight (0,0), the minimum
  CHECK(png.at(s - 1, s - 1) == 0);           // still weight (0,0): nearest-neighbour block
  CHECK(png.at(4 * s - 1, 3 * s - 1) == 255); // weight (3,2), the maximum
  CHECK(png.at(2 * s, 0) == 139);             // weight (2,0) = index 6: 255 * 6 / 11 = 139.09
  CHECK(png.at(0, s) == 23);                  // weight (0,1) = index 1: 255 / 11 = 23.18

  CHECK(png.at(0, 66) == 0);   // padding between tiles 0 and 1
  CHECK(png.at(0, 68) == 128); // the constant tile is mid-grey
  CHECK(png.at(87, 133) == 128);

  // Unit 2 (second row, first column), decreasing: max at (0,0), min at (3,2).
  CHECK(png.at(90, 0) == 255);
  CHECK(png.at(90 + 4 * s - 1, 3 * s - 1) == 0);
  // The fourth grid cell has no unit and stays black.
  CHECK(png.at(90, 68) == 0);
  CHECK(png.at(177, 133) == 0);
}

TEST_CASE("colour weight grid reads planar CHW with the red plane first", "[report]") {
  TempDir dir;
  constexpr std::size_t H = 2, W = 2, plane = H * W, D = 3 * plane;
  std::vector<float> weights(3 * D, -1.0f);
  for (std::size_t i = 0; i < plane; ++i) weights[0 * D + 0 * plane + i] = 1.0f;  // unit 0 red
  for (std::size_t i = 0; i < plane; ++i) weights[1 * D + 1 * plane + i] = 1.0f;  // unit 1 green
  for (std::size_t i = 0; i < plane; ++i) weights[2 * D + 2 * plane + i] = 1.0f;  // unit 2 blue
  weights[2 * D + 2 * plane + 3] = 0.0f;  // unit 2, blue of pixel (1,1): halfway, 128
  report::save_weight_grid(dir.path() / "rgb.png", weights, 3, {3, H, W});
  const DecodedPng png = decode_png(dir.path() / "rgb.png");
  REQUIRE(png.channels == 3);
  // scale 32, tiles 64 x 64, 2 columns: tile 1 at x = 66, tile 2 at y = 66.
  REQUIRE(png.width == 2 * 64 + 2);
  REQUIRE(png.height == 2 * 64 + 2);
  const auto rgb = [&](std::size_t y, std::size_t x) {
    return std::vector<int>{png.at(y, x, 0), png.at(y, x, 1), png.at(y, x, 2)};
  };
  CHECK(rgb(10, 10) == std::vector<int>{255, 0, 0});
  CHECK(rgb(63, 63) == std::vector<int>{255, 0, 0});
  CHECK(rgb(10, 66 + 10) == std::vector<int>{0, 255, 0});
  CHECK(rgb(66 + 10, 10) == std::vector<int>{0, 0, 255});
  CHECK(rgb(66 + 63, 63) == std::vector<int>{0, 0, 128});
}

TEST_CASE("save_weight_grid rejects inconsistent input", "[report]") {
  TempDir dir;
  const fs::path png = dir.path() / "w.png";
  const std::vector<float> weights(2 * 12, 0.0f);
  CHECK_THROWS_AS(report::save_weight_grid(png, weights, 3, {4, 3}), std::invalid_argument);
  CHECK_THROWS_WITH(report::save_weight_grid(png, weights, 3, {4, 3}),
                    Contains("save_weight_grid") && Contains("got 24 weights") &&
                        Contains("3 * 12 = 36"));
  CHECK_THROWS_WITH(report::save_weight_grid(png, weights, 2, {2, 2, 3}),
                    Contains("save_weight_grid") && Contains("(2, 2, 3)") &&
                        Contains("(3, H, W)"));
  CHECK_THROWS_WITH(report::save_weight_grid(png, weights, 2, {12}),
                    Contains("save_weight_grid") && Contains("(12,)"));
  CHECK_THROWS_WITH(report::save_weight_grid(png, {}, 0, {4, 3}),
                    Contains("save_weight_grid") && Contains("0 units"));
  std::vector<float> with_nan = weights;
  with_nan[13] = std::numeric_limits<float>::quiet_NaN();
  CHECK_THROWS_WITH(report::save_weight_grid(png, with_nan, 2, {4, 3}),
                    Contains("weight 1 of unit 1") && Contains("finite"));
  CHECK_FALSE(fs::exists(png));
}

// ---------------------------------------------------------------------------------------------
// Figures

namespace {

bool is_png(const fs::path& path) {
  const std::string bytes = read_file(path);
  return bytes.rfind("\x89PNG\r\n\x1a\n", 0) == 0;
}

std::vector<double> fake_loss(std::size_t iterations) {
  std::vector<double> loss;
  for (std::size_t i = 0; i < iterations; ++i) {
    const double t = static_cast<double>(i);
    loss.push_back(2.3 * std::exp(-t / 300) + 1.2 + 0.15 * std::sin(t * 12.9898));
  }
  return loss;
}

std::vector<report::EpochRecord> fake_epochs(int count) {
  std::vector<report::EpochRecord> epochs;
  for (int e = 1; e <= count; ++e) {
    const double progress = 1.0 - std::exp(-e / 3.0);
    epochs.push_back(
        {e, e * 100L, 1.5, 0.2 + 0.35 * progress, 0.2 + 0.28 * progress, 1e-3, e * 1.0});
  }
  return epochs;
}

}  // namespace

TEST_CASE("loss and accuracy figure is drawn from a kept script and data", "[report]") {
  TempDir dir;
  // A folder with a space and a quote: the script must quote its paths.
  const fs::path folder = dir.path() / "run 1's plots";
  fs::create_directories(folder);
  const fs::path png = folder / "loss_accuracy.png";
  if (!report::gnuplot_available()) {
    CHECK_THROWS_WITH(report::plot_loss_and_accuracy(png, fake_loss(1000), fake_epochs(10), "t"),
                      Contains("apt-get install gnuplot-nox"));
    return;
  }
  report::plot_loss_and_accuracy(png, fake_loss(1000), fake_epochs(10),
                                 "two_layer_net: hidden 50, lr 1e-4");
  REQUIRE(fs::exists(png));
  CHECK(is_png(png));
  CHECK(fs::file_size(png) > 10'000);
  const DecodedPng image = decode_png(png);
  CHECK(image.width == 1000);
  CHECK(image.height == 800);

  const std::string script = read_file(folder / "loss_accuracy.gp");
  for (const char* expected : {"'Loss history'", "'Classification accuracy history'",
                               "xlabel 'Iteration'", "ylabel 'Loss'", "xlabel 'Epoch'",
                               "ylabel 'Classification accuracy'", "title 'train'",
                               "title 'val'", "multiplot", "pngcairo", "run 1''s plots"}) {
    CHECK_THAT(script, Contains(expected));
  }
  const std::string loss = read_file(folder / "loss_accuracy_loss.dat");
  CHECK(std::count(loss.begin(), loss.end(), '\n') == 1001);
  const std::string accuracy = read_file(folder / "loss_accuracy_accuracy.dat");
  CHECK(std::count(accuracy.begin(), accuracy.end(), '\n') == 11);
}

TEST_CASE("loss figure of a diverged run is still drawn", "[report]") {
  TempDir dir;
  if (!report::gnuplot_available()) return;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<report::EpochRecord> chance = {{1, 3, nan, 0.1, 0.1, 1.0, 1.0},
                                                   {2, 6, nan, 0.1, 0.1, 1.0, 2.0}};
  report::plot_loss_and_accuracy(dir.path() / "diverged.png", {nan, nan, nan}, chance, "diverged");
  CHECK(is_png(dir.path() / "diverged.png"));
  const std::string script = read_file(dir.path() / "diverged.gp");
  CHECK_THAT(script, Contains("no finite loss value"));
  // Constant accuracies get a readable range rather than gnuplot's +-1%.
  CHECK_THAT(script, Contains("set yrange [0.05:0.15]"));
}

TEST_CASE("plot_loss_and_accuracy rejects empty input", "[report]") {
  TempDir dir;
  CHECK_THROWS_WITH(report::plot_loss_and_accuracy(dir.path() / "a.png", {}, fake_epochs(2), "t"),
                    Contains("plot_loss_and_accuracy") && Contains("loss_per_iteration is empty"));
  CHECK_THROWS_WITH(report::plot_loss_and_accuracy(dir.path() / "a.png", {1.0}, {}, "t"),
                    Contains("epochs is empty"));
  CHECK_THROWS_WITH(report::plot_loss_and_accuracy(dir.path() / "a.svg", {1.0}, fake_epochs(1), "t"),
                    Contains(".png"));
}

TEST_CASE("bar chart of train and val accuracy per architecture", "[report]") {
  TempDir dir;
  const fs::path png = dir.path() / "depth.png";
  const std::vector<std::string> labels = {"784-10", "784-100-10", "784-100-100-10",
                                           "784-100-100-100-10", "784-100-100-100-100-10"};
  const std::vector<double> train = {0.86, 0.91, 0.93, 0.94, 0.95};
  const std::vector<double> val = {0.84, 0.88, 0.885, 0.884, 0.87};
  if (!report::gnuplot_available()) {
    CHECK_THROWS_WITH(report::plot_bars(png, labels, train, val, "depth"),
                      Contains("apt-get install gnuplot-nox"));
    return;
  }
  report::plot_bars(png, labels, train, val, "MLP depth: accuracy after 10 epochs");
  CHECK(is_png(png));
  CHECK(fs::file_size(png) > 10'000);
  const std::string script = read_file(dir.path() / "depth.gp");
  for (const char* expected :
       {"title 'train'", "title 'val'", "ylabel 'Accuracy'", "xtic(1)", "rotate"}) {
    CHECK_THAT(script, Contains(expected));
  }
  CHECK_THAT(read_file(dir.path() / "depth.dat"), Contains("\"784-100-100-10\" 0.93 0.885\n"));

  CHECK_THROWS_WITH(report::plot_bars(png, labels, train, {0.1}, "t"),
                    Contains("plot_bars") && Contains("5 labels") && Contains("1 val"));
}

TEST_CASE("a missing gnuplot is reported with how to install it", "[report]") {
  TempDir dir;
  ::setenv("GATEGRAD_GNUPLOT", "/nonexistent/gnuplot", 1);
  CHECK_FALSE(report::gnuplot_available());
  CHECK_THROWS_WITH(
      report::plot_bars(dir.path() / "b.png", {"a"}, {0.5}, {0.4}, "t"),
      Contains("/nonexistent/gnuplot") && Contains("apt-get install gnuplot-nox"));
  ::unsetenv("GATEGRAD_GNUPLOT");
  // The data and the script are written before gnuplot is needed, to be drawn later by hand.
  CHECK(fs::exists(dir.path() / "b.gp"));
  CHECK(fs::exists(dir.path() / "b.dat"));
}

TEST_CASE("a failing gnuplot script reports gnuplot's message", "[report]") {
  TempDir dir;
  if (!report::gnuplot_available()) return;
  write_file(dir.path() / "broken.gp", "plot 'does_not_exist.dat'\n");
  CHECK_THROWS_WITH(report::run_gnuplot(dir.path() / "broken.gp"),
                    Contains("exited with status") && Contains("does_not_exist.dat"));
}

TEST_CASE("gnuplot_quote doubles single quotes and drops line breaks", "[report]") {
  CHECK(report::gnuplot_quote("a b") == "'a b'");
  CHECK(report::gnuplot_quote("it's") == "'it''s'");
  CHECK(report::gnuplot_quote("x\ny") == "'x y'");
}

// ---------------------------------------------------------------------------------------------
// Markdown tables, progress, log

TEST_CASE("markdown table pads columns and escapes pipes", "[report]") {
  report::MarkdownTable table({"hidden", "lr", "val accuracy"});
  table.add_row({"50", "1e-3", report::format_fixed(0.51234, 3)});
  table.add_row({"a|b", "1e-4", report::format_fixed(0.4, 3)});
  CHECK(table.rows() == 2);
  CHECK(table.str() ==
        "| hidden | lr   | val accuracy |\n"
        "| ------ | ---- | ------------ |\n"
        "| 50     | 1e-3 | 0.512        |\n"
        "| a\\|b   | 1e-4 | 0.400        |\n");
}

TEST_CASE("markdown table rejects a row with the wrong number of cells", "[report]") {
  report::MarkdownTable table({"a", "b", "c"});
  table.add_row({"1", "2", "3"});
  CHECK_THROWS_AS(table.add_row({"1", "2"}), std::invalid_argument);
  CHECK_THROWS_WITH(table.add_row({"1", "2", "3", "4"}),
                    Contains("row 2 has 4 cells, expected 3"));
  CHECK_THROWS_AS(report::MarkdownTable({}), std::invalid_argument);
}

TEST_CASE("format_fixed writes a fixed number of decimals", "[report]") {
  CHECK(report::format_fixed(0.8612, 3) == "0.861");
  CHECK(report::format_fixed(0.0005, 4) == "0.0005");
  CHECK(report::format_fixed(1e-3, 5) == "0.00100");
  CHECK(report::format_fixed(-2.75, 1) == "-2.8");
  CHECK(report::format_fixed(12345.0, 0) == "12345");
  CHECK(report::format_fixed(std::nan(""), 3) == "nan");
  CHECK(report::format_fixed(-std::numeric_limits<double>::infinity(), 3) == "-inf");
  CHECK_THROWS_WITH(report::format_fixed(1.0, -1), Contains("format_fixed") && Contains("-1"));
}

TEST_CASE("progress lines report each item with an ETA", "[report]") {
  std::ostringstream out;
  report::ProgressLine progress(out, 3);  // not a terminal: one line per item
  progress.begin("lr=1e-3 reg=0.25 hidden=100");
  progress.end("val 0.861", 2.0);
  progress.begin("lr=1e-4 reg=0.25 hidden=100");
  progress.end("val 0.512", 4.0);
  progress.end("val 0.700", 3.0);
  CHECK(out.str() ==
        "[1/3] lr=1e-3 reg=0.25 hidden=100: val 0.861 (2.0 s, ETA 4.0 s)\n"
        "[2/3] lr=1e-4 reg=0.25 hidden=100: val 0.512 (4.0 s, ETA 3.0 s)\n"
        "[3/3] val 0.700 (3.0 s, all done in 9.0 s)\n");
  CHECK(progress.finished() == 3);
  CHECK_THROWS_AS(progress.end("extra", 1.0), std::logic_error);
  CHECK_THROWS_AS(report::ProgressLine(out, 0), std::invalid_argument);
}

TEST_CASE("progress line redraws in place on a terminal", "[report]") {
  std::ostringstream out;
  report::ProgressLine progress(out, 2, report::ProgressLine::Mode::Overwrite);
  progress.begin("a");
  progress.end("ok", 60.0);
  progress.begin("b");
  progress.end("ok", 120.0);
  CHECK(out.str() ==
        "\r[1/2] a ...\x1b[K\r[1/2] a: ok (1 min 00 s, ETA 1 min 00 s)\x1b[K"
        "\r[2/2] b ...\x1b[K\r[2/2] b: ok (2 min 00 s, all done in 3 min 00 s)\x1b[K\n");
}

TEST_CASE("format_duration is readable at every scale", "[report]") {
  CHECK(report::format_duration(4.25) == "4.2 s");
  CHECK(report::format_duration(200) == "3 min 20 s");
  CHECK(report::format_duration(3900) == "1 h 05 min");
  CHECK(report::format_duration(-1) == "?");
}

TEST_CASE("TeeLog writes each line to the console and to log.txt", "[report]") {
  TempDir dir;
  std::ostringstream console;
  {
    report::TeeLog log(dir.path(), console);
    log.line("start");
    log << "epoch " << 1 << ": loss " << 0.5;
    CHECK(console.str() == "start\n");  // a line is written only once complete
    log << '\n' << "epoch 2" << std::endl;
    log << "unfinished";
    CHECK(read_file(dir.path() / "log.txt") == "start\nepoch 1: loss 0.5\nepoch 2\n");
  }
  CHECK(console.str() == "start\nepoch 1: loss 0.5\nepoch 2\nunfinished\n");
  {
    report::TeeLog resumed(dir.path(), console);
    resumed.line("resumed");
  }
  CHECK(read_file(dir.path() / "log.txt") ==
        "start\nepoch 1: loss 0.5\nepoch 2\nunfinished\nresumed\n");
  CHECK_THROWS_WITH(report::TeeLog(dir.path() / "missing"),
                    Contains("log.txt") && Contains("No such file"));
}
