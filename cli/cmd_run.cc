// aorta run PROGRAM.aprog: run one inference on a backend and print outputs and counters.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "cli/commands.h"
#include "cli/postprocess.h"
#include "cli/program_backend.h"
#include "cli/tensor_files.h"
#include "core/program.h"
#include "driver/runtime/pipeline.h"
#include "driver/runtime/rtl_backend.h"
#include "driver/runtime/session.h"
#include "driver/runtime/tlm_backend.h"
#include "driver/runtime/uri.h"
#include "tlm/timeline.h"

namespace aorta::cli {
namespace {

struct RunArgs {
  std::string program;
  std::string backend = "golden";
  std::string device;  // a device URI (driver/runtime/uri.h); overrides backend
  std::vector<std::string> inputs;
  std::string output;
  std::string report;
  std::string compare;
  int timeout_ms = 60000;
  std::string timeline;      // tlm backend: Perfetto / Chrome trace JSON of the run
  std::string trace;         // rtl backend: FST waveforms to this file
  std::string trace_window;  // FROM:TO device cycles
  std::string boxes;         // BlazeFace: the input image with the detections drawn (PNG)
  double score_threshold = 0.5;
  double nms_iou = 0.3;
  bool compare_golden = false;
  int requests = 1;        // > 1, or a multi-chip program: a pipelined run (pipeline.h)
  int in_flight = 4;       // pipelined runs: requests in the chips at once
  bool streaming = false;  // pipelined runs: chip k starts a request once chip k-1 has started it
};

// Compares every output with the golden model's on the same inputs; prints one line.
void CompareWithGolden(const Program& p, const TensorMap& inputs, const TensorMap& outputs,
                       const std::vector<ChipConfig>& chips) {
  auto golden = Check(runtime::MakeGoldenBackend(chips, Check(runtime::BoardLinksOf(p))));
  auto session = Check(runtime::Session::Load(p, *golden));
  const TensorMap want = Check(session->Run(inputs));
  int64_t values = 0, differ = 0;
  double worst = 0;
  std::string first;
  for (const auto& [name, w] : want) {
    auto it = outputs.find(name);
    if (it == outputs.end()) Fail(InvalidArgument("--compare-golden: no output '{}'", name));
    if (it->second.shape() != w.shape())
      Fail(InvalidArgument("--compare-golden: output '{}' has shape {}, golden's {}", name,
                           ShapeToString(it->second.shape()), ShapeToString(w.shape())));
    const std::vector<double> g = it->second.ToDoubles(), r = w.ToDoubles();
    for (size_t i = 0; i < g.size(); ++i) {
      if (g[i] == r[i]) continue;
      if (differ++ == 0) first = name;
      worst = std::max(worst, std::abs(g[i] - r[i]));
    }
    values += static_cast<int64_t>(g.size());
  }
  if (differ > 0)
    Fail(
        DataLoss("{} of {} output values differ from the golden model's (first in '{}', max "
                 "|difference| {:.4g})",
                 differ, values, first, worst));
  fmt::print("compare with the golden model: {} outputs, {} values, all equal (bit-exact)\n",
             want.size(), values);
}

// BlazeFace programs: the detections, printed and drawn on the input image.
void PostprocessBlazeFace(const RunArgs& a, const Program& p, const TensorMap& outputs) {
  const std::vector<models::Box> det =
      Check(BlazeFaceDetections(p, outputs, a.score_threshold, a.nms_iou));
  fmt::print("detections (BlazeFace: score >= {}, non-maximum suppression at IoU {}): {}\n",
             a.score_threshold, a.nms_iou, det.size());
  const std::string image = FirstImageInput(a.inputs);
  int w = 0, h = 0;
  if (!image.empty()) {
    const Result<Tensor> probe = LoadImage(image, ImageOptions{});
    if (probe.ok()) {
      h = static_cast<int>(probe->shape()[2]);
      w = static_cast<int>(probe->shape()[3]);
    }
  }
  for (size_t i = 0; i < det.size(); ++i) {
    const models::Box& b = det[i];
    std::string px;
    if (w > 0)
      px = fmt::format("  = pixels ({}, {})-({}, {}) of {}x{}", std::lround(b.xmin * w),
                       std::lround(b.ymin * h), std::lround(b.xmax * w), std::lround(b.ymax * h), w,
                       h);
    fmt::print("  face {}  score {:.3f}  box x {:.3f}..{:.3f} y {:.3f}..{:.3f}{}\n", i + 1, b.score,
               b.xmin, b.xmax, b.ymin, b.ymax, px);
  }
  std::string boxes = a.boxes;
  if (boxes.empty() && !a.output.empty()) {
    const std::filesystem::path out(a.output);
    boxes = (out.parent_path() / (out.stem().string() + "_boxes.png")).string();
  }
  if (boxes.empty()) return;
  if (image.empty()) {
    if (!a.boxes.empty()) Fail(InvalidArgument("--boxes {}: the input is not an image", a.boxes));
    return;
  }
  Check(WriteBoxesPng(image, det, boxes));
  fmt::print("wrote {} ({} with the boxes)\n", boxes, image);
}

// A multi-chip program (or --requests N > 1): the request streamed N times through the chips
// (driver/runtime/pipeline.h), at most --in-flight at once. Every request's outputs must equal
// the first's (the same inputs); `outputs` and `report` are the first request's.
runtime::PipelineReport RunPipelined(const RunArgs& a, const Program& p, runtime::Backend& backend,
                                     const TensorMap& inputs, TensorMap& outputs,
                                     runtime::RunReport& report) {
  if (a.requests < 1) Fail(InvalidArgument("--requests must be at least 1"));
  if (a.in_flight < 1) Fail(InvalidArgument("--in-flight must be at least 1"));
  runtime::PipelineOptions o;
  o.max_in_flight = static_cast<size_t>(a.in_flight);
  o.timeout = std::chrono::milliseconds(a.timeout_ms);
  o.handoff = a.streaming ? runtime::PipelineOptions::Handoff::kStreaming
                          : runtime::PipelineOptions::Handoff::kStoreAndForward;
  auto pipe = Check(runtime::Pipeline::Load(p, backend, o));
  std::vector<runtime::Pipeline::Outcome> outcomes =
      pipe->RunAll(std::vector<TensorMap>(static_cast<size_t>(a.requests), inputs));
  for (size_t i = 0; i < outcomes.size(); ++i) {
    Check(outcomes[i].outputs.status().WithContext(fmt::format("request {}", i + 1)));
    for (const auto& [name, t] : *outcomes[i].outputs)
      if (t.ToDoubles() != outcomes[0].outputs->at(name).ToDoubles())
        Fail(DataLoss("request {} output '{}' differs from request 1's (the same inputs)", i + 1,
                      name));
  }
  outputs = *outcomes[0].outputs;
  report = outcomes[0].report;
  return pipe->Report();
}

// --trace: the rtl backend runs the SoC's trace builds (driver/runtime/rtl_backend.h).
void UseTracedRtl(const RunArgs& a) {
  if (a.trace.empty()) {
    if (!a.trace_window.empty()) Fail(InvalidArgument("--trace-window needs --trace FILE.fst"));
    return;
  }
  const std::string uri = a.device.empty() ? runtime::DefaultUri(a.backend) : a.device;
  if (uri.rfind("rtl://", 0) != 0)
    Fail(InvalidArgument("--trace {}: waveforms come from the rtl backend only (--backend rtl)",
                         a.trace));
  runtime::RtlBackendOptions o;
  o.trace_path = a.trace;
  if (!a.trace_window.empty()) Check(runtime::ParseTraceWindow(a.trace_window, o));
  runtime::RegisterSimulator(
      "rtl", [o](const std::vector<ChipConfig>& chips, const std::vector<config::BoardLink>& links,
                 const std::map<std::string, std::string>&) {
        return runtime::MakeRtlBackend(chips, links, o);
      });
}

void Run(const RunArgs& a) {
  UseTracedRtl(a);
  // Shared with the session (a program is not copied: its weights may be hundreds of MB).
  const auto shared = std::make_shared<const Program>(Check(ReadProgram(a.program)));
  const Program& p = *shared;
  std::vector<InputSpec> specs;
  for (const auto& b : p.inputs())
    specs.push_back({b.name(), Shape(b.shape().begin(), b.shape().end())});
  const std::map<std::string, std::string> metadata(p.metadata().begin(), p.metadata().end());
  TensorMap inputs = Check(LoadInputs(a.inputs, specs, Check(ImageInputOf(metadata))));
  const std::string postprocess = Check(PostprocessOf(p));
  if (!a.boxes.empty() && postprocess != kPostprocessBlazeFace)
    Fail(InvalidArgument("--boxes: the program has no detection post-processing (metadata {})",
                         kPostprocessKey));

  std::unique_ptr<tlm::Timeline> timeline;  // outlives the backend that reports to it
  std::unique_ptr<runtime::Backend> backend;
  std::vector<ChipConfig> chips;
  for (const auto& c : p.chips()) chips.push_back(c.config());
  if (!a.timeline.empty()) {
    // --timeline: a TLM board with the timeline attached to every chip (tlm/timeline.h).
    if (a.backend != "tlm" || !a.device.empty())
      Fail(InvalidArgument("--timeline needs --backend tlm (the TLM model records the timeline)"));
    timeline = std::make_unique<tlm::Timeline>(chips);
    timeline->SetLayers(p);
    tlm::BoardOptions board_options;
    board_options.observer = timeline.get();
    backend = OpenProgramBackend("tlm", "", p, board_options);
  } else {
    backend = OpenProgramBackend(a.backend, a.device, p);
  }
  runtime::RunReport report;
  TensorMap outputs;
  std::optional<runtime::PipelineReport> pipeline;
  if (p.chips_size() > 1 || a.requests > 1) {
    pipeline = RunPipelined(a, p, *backend, inputs, outputs, report);
  } else {
    runtime::Session::Options opts;
    opts.timeout = std::chrono::milliseconds(a.timeout_ms);
    auto session = Check(runtime::Session::Load(shared, *backend, opts));
    outputs = Check(session->Run(inputs, &report));
  }
  if (timeline) {
    Check(timeline->Write(a.timeline));
    fmt::print("wrote timeline {} (open in https://ui.perfetto.dev)\n", a.timeline);
  }

  fmt::print("ran '{}' on the {} backend ({} chip{}, {}x{} array)\n", p.model_name(),
             report.backend, p.chips_size(), p.chips_size() == 1 ? "" : "s", report.array_n,
             report.array_n);
  for (const auto& b : p.outputs())
    fmt::print("output {}\n", Summarize(b.name(), outputs.at(b.name())));
  fmt::print("counters:\n");
  for (uint32_t i = 0; i < regs::kNumCounters; ++i) {
    if (report.counters[i] == 0) continue;
    fmt::print("  {:<14} {:>14} {}\n", regs::kCounterNames[i], report.counters[i],
               regs::kCounterUnits[i]);
  }
  if (report.cycles == 0)
    fmt::print("  (the golden model executes instantly: it counts no cycles)\n");
  const uint64_t sim_cycles = backend->simulated_cycles();
  const double sim_s = backend->simulation_seconds();
  if (sim_cycles > 0) {
    fmt::print("cycles {} (MAC utilization {:.1f}%, {:.1f} us at {} MHz)\n", report.cycles,
               100 * report.mac_utilization, report.latency_us, report.clock_mhz);
    fmt::print("simulated {} cycles in {:.2f} s: {:.0f} cycles/s (register accesses included)\n",
               sim_cycles, sim_s, sim_s > 0 ? static_cast<double>(sim_cycles) / sim_s : 0.0);
  }
  if (!report.layers.empty()) {
    auto ctr = [](const runtime::LayerReport& l, regs::Counter c) {
      return l.counters[static_cast<uint32_t>(c)];
    };
    if (report.cycles > 0) {
      fmt::print("layers:\n  {:<28} {:<16} {:>12} {:>12} {:>8}\n", "name", "op", "MACs", "cycles",
                 "util");
      for (const auto& l : report.layers)
        fmt::print("  {:<28} {:<16} {:>12} {:>12} {:>7.1f}%\n", l.name, l.op_type,
                   ctr(l, regs::Counter::kMacs) + ctr(l, regs::Counter::kVecMacs),
                   ctr(l, regs::Counter::kCycles), 100 * l.utilization);
    } else {
      // An untimed backend: what each layer did, from the counters.
      fmt::print("layers:\n  {:<28} {:<16} {:>10} {:>10} {:>10} {:>10} {:>10}\n", "name", "op",
                 "MACs", "vec MACs", "UB read", "UB write", "DMA bytes");
      for (const auto& l : report.layers)
        fmt::print("  {:<28} {:<16} {:>10} {:>10} {:>10} {:>10} {:>10}\n", l.name, l.op_type,
                   ctr(l, regs::Counter::kMacs), ctr(l, regs::Counter::kVecMacs),
                   ctr(l, regs::Counter::kUbRdBytes), ctr(l, regs::Counter::kUbWrBytes),
                   ctr(l, regs::Counter::kDmaRdBytes) + ctr(l, regs::Counter::kDmaWrBytes));
    }
  }
  if (pipeline) fmt::print("{}", runtime::FormatPipelineTable(*pipeline));
  if (postprocess == kPostprocessBlazeFace) PostprocessBlazeFace(a, p, outputs);
  if (!a.compare.empty()) {
    // Against a reference (e.g. the fp32 model's output): the error of the quantized run.
    TensorMap want;
    if (a.compare.size() > 4 && a.compare.substr(a.compare.size() - 4) == ".npz") {
      want = Check(ReadNpz(a.compare));
    } else {
      if (p.outputs_size() != 1)
        Fail(InvalidArgument("--compare FILE.npy needs a single-output model; use .npz"));
      want[p.outputs(0).name()] = Check(ReadNpy(a.compare));
    }
    for (const auto& [name, ref] : want) {
      auto it = outputs.find(name);
      if (it == outputs.end())
        Fail(InvalidArgument("--compare: the model has no output '{}'", name));
      ErrorStats e = Check(Compare(it->second, ref));
      fmt::print(
          "compare {} with {}: max |error| {:.4g} ({:.2f}% of the reference range), SQNR {:.1f} "
          "dB\n",
          name, a.compare, e.max_abs, 100 * e.max_abs_rel_range, e.sqnr_db);
    }
  }
  if (!a.output.empty()) {
    Check(WriteOutputs(a.output, outputs));
    fmt::print("wrote {}\n", a.output);
  }
  if (!a.report.empty()) {
    std::ofstream out(a.report);
    std::string json = report.ToJson();
    if (sim_cycles > 0 || pipeline) {
      nlohmann::json j = nlohmann::json::parse(json);
      // Simulated backends add how fast the simulation ran.
      if (sim_cycles > 0)
        j["simulation"] = {{"cycles", sim_cycles},
                           {"seconds", sim_s},
                           {"cycles_per_second", sim_s > 0 ? sim_cycles / sim_s : 0.0}};
      // Pipelined runs: per-chip utilization, throughput, batch-1 latency.
      if (pipeline) j["pipeline"] = nlohmann::json::parse(pipeline->ToJson());
      json = j.dump(2);
    }
    out << json << "\n";
    if (!out) Fail(InvalidArgument("cannot write {}", a.report));
    fmt::print("wrote {}\n", a.report);
  }
  // Last, so that a difference still leaves the outputs and the report written.
  if (a.compare_golden) CompareWithGolden(p, inputs, outputs, chips);
}

}  // namespace

void RegisterRunCommand(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* sub = app.add_subcommand("run", "Run one inference of a program on a backend");
  sub->add_option("program", args->program, "Program file (.aprog)")->required();
  sub->add_option("--backend", args->backend,
                  "golden, tlm, rtl (the verilated SoC, cycle-exact) or pcie (/dev/aorta0)")
      ->check(CLI::IsMember({"golden", "tlm", "rtl", "pcie"}));
  sub->add_option("--device", args->device,
                  "Device URI, overrides --backend: golden://[CONFIG], tlm://, rtl://, "
                  "pcie:///dev/aortaN, pcie+emu://golden (docs/runtime.md)");
  sub->add_option(
         "--input", args->inputs,
         "Input file: .npy, .npz or image (PNG/JPEG); NAME=FILE for models with several inputs")
      ->required();
  sub->add_option("--output", args->output,
                  "Write the output to FILE.npy (one output) or all outputs to FILE.npz");
  sub->add_option("--report", args->report, "Write a JSON report (counters, per-layer figures)");
  sub->add_option("--compare", args->compare,
                  "Compare the outputs with reference values (.npy for one output, .npz by name) "
                  "and print the error");
  sub->add_option("--timeout-ms", args->timeout_ms,
                  "Give up on a device after this many milliseconds");
  sub->add_option("--timeline", args->timeline,
                  "tlm backend: write a Perfetto / Chrome trace JSON of the run, one track per "
                  "unit and chip (docs/studies.md, \"Timelines\")");
  sub->add_option("--boxes", args->boxes,
                  "Detection programs (BlazeFace): write the input image with the detected boxes "
                  "as PNG (default with --output: OUTPUT_boxes.png beside it)");
  sub->add_option("--score-threshold", args->score_threshold,
                  "Detection programs: the lowest score kept (default 0.5)");
  sub->add_option("--nms-iou", args->nms_iou,
                  "Detection programs: non-maximum suppression IoU (default 0.3)");
  sub->add_flag("--compare-golden", args->compare_golden,
                "Run the same inputs on the golden model too and check that every output is "
                "bit-identical");
  sub->add_option("--requests", args->requests,
                  "Stream the input through the chips N times, pipelined (a multi-chip program "
                  "always runs pipelined; docs/runtime.md, \"Pipelined multi-chip runs\")");
  sub->add_option("--in-flight", args->in_flight,
                  "Pipelined runs: at most K requests in the chips at once (default 4)");
  sub->add_flag("--streaming", args->streaming,
                "Pipelined runs: chip k starts a request once chip k-1 has started it (links "
                "with back-pressure, the rtl boards); default: once chip k-1 has finished it");
  sub->add_option("--trace", args->trace,
                  "rtl backend: write the run's waveforms to FILE.fst (needs a build configured "
                  "with -DAORTA_RTL_TRACE=ON; docs/rtl.md, \"Waveforms\")");
  sub->add_option("--trace-window", args->trace_window,
                  "With --trace: dump device cycles FROM:TO only (either may be empty)");
  sub->callback([args] { Run(*args); });
}

}  // namespace aorta::cli
