// Running a study (tlm/study.h) on the TLM model: every point's model compiled for its board
// (aorta_compile; programs cached on disk per (model, board)), run on the `tlm` backend with
// deterministic synthetic input data, its figures collected; the points spread over worker
// processes (SystemC keeps one current simulation per process, so workers are forked processes,
// not threads); progress with an ETA; the CSV and the plots written (docs/studies.md).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/program.h"
#include "core/status.h"
#include "tlm/chip.h"
#include "tlm/study.h"

namespace aorta::study {

struct StudyOptions {
  std::string out_dir = "study_out";
  int jobs = 0;  // worker processes; 0: the hardware threads
  bool plots = true;
  std::string gnuplot = "gnuplot";
  // Progress lines (default: stdout).
  std::function<void(const std::string&)> log;
};

// The model as an ONNX file: the file itself, or synthetic / SCALE-Sim models written into
// `out_dir`/models/ (once; an existing file is reused).
Result<std::string> MaterializeModel(const StudyModel& model, const std::string& base_dir,
                                     const std::string& out_dir);

struct CompiledPoint {
  Program program;
  uint64_t weight_pinned_bytes = 0, weight_streamed_bytes = 0;
  double compile_s = 0;  // 0 when read from the cache
};

// The program cache key of a point: the model file's bytes, its input shapes, the calibration
// settings and the board's fingerprint.
Result<std::string> CacheKey(const Sweep& sweep, const StudyPoint& point,
                             const std::string& model_path);
// Compiles the point's model for its board, or reads it from `cache_dir`/<model>-<key>.aprog.
Result<CompiledPoint> CompileCached(const Sweep& sweep, const StudyPoint& point,
                                    const std::string& model_path, const std::string& cache_dir);

// Runs the program once on a TLM board of the point's chips (and links), inputs from `seed`;
// `observer` (optional) sees every chip's events.
Result<PointResult> RunPoint(const StudyPoint& point, const Program& program, uint64_t seed,
                             tlm::ChipObserver* observer = nullptr);

// Runs `count` tasks, task(i) in a forked worker process, up to `jobs` at a time; a task's
// string result comes back to the parent. `done(i, result, finished)` is called in the parent
// as each ends. A worker that dies yields "error: worker ended by signal N".
std::vector<std::string> RunForked(
    size_t count, int jobs, const std::string& work_dir,
    const std::function<std::string(size_t)>& task,
    const std::function<void(size_t, const std::string&, size_t)>& done);

struct StudyOutcome {
  std::vector<StudyPoint> points;
  std::vector<PointResult> results;
  std::string csv;                 // OUTDIR/study.csv
  std::vector<std::string> plots;  // OUTDIR/plots/*.png
  std::string plot_error;          // why there are no plots (no axis, gnuplot failed)
  size_t failed = 0;
};

// The whole study: expand, compile (cached), run, CSV and plots into options.out_dir.
Result<StudyOutcome> RunStudy(const Sweep& sweep, const std::string& base_dir,
                              const StudyOptions& options);

// Runs point `index` of the sweep in this process and writes its timeline (tlm/timeline.h).
Status WriteStudyTimeline(const Sweep& sweep, const std::string& base_dir,
                          const std::string& out_dir, size_t index, const std::string& path);

}  // namespace aorta::study
