#pragma once
// Everything a training run writes: history CSV, figures, weight images, markdown tables,
// progress lines and the log.
#include <gategrad/apps/report/gnuplot.hpp>
#include <gategrad/apps/report/history.hpp>
#include <gategrad/apps/report/plots.hpp>
#include <gategrad/apps/report/png_file.hpp>
#include <gategrad/apps/report/progress.hpp>
#include <gategrad/apps/report/results_table.hpp>
#include <gategrad/apps/report/tee_log.hpp>
#include <gategrad/apps/report/weights_image.hpp>
