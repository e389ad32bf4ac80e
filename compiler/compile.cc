#include "compiler/compile.h"

#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <nlohmann/json.hpp>
#include <set>

#include "aorta/regs_gen.h"
#include "compiler/onnx_export.h"
#include "compiler/onnx_import.h"
#include "compiler/partition.h"
#include "compiler/passes/fused_ops.h"
#include "compiler/passes/graph_edit.h"
#include "compiler/pipeline.h"
#include "compiler/reference/executor.h"
#include "driver/runtime/backend.h"
#include "driver/runtime/session.h"

namespace aorta {

namespace {

// The fused node a removed node went into: follow the removed node's outputs through the
// imported graph (bias add -> activation -> ...) to a value a fused node now produces.
std::string FusedInto(const std::vector<ir::Node>& imported, const ir::Node& removed,
                      const ir::Graph& final_graph) {
  std::vector<std::string> frontier(removed.outputs.begin(), removed.outputs.end());
  for (int depth = 0; depth < 6 && !frontier.empty(); ++depth) {
    std::vector<std::string> next;
    for (const std::string& v : frontier) {
      if (v.empty()) continue;
      if (const ir::Node* p = final_graph.Producer(v))
        return passes::IsFusedOp(*p) ? p->name : std::string();
      for (const ir::Node& n : imported)
        if (std::find(n.inputs.begin(), n.inputs.end(), v) != n.inputs.end())
          next.insert(next.end(), n.outputs.begin(), n.outputs.end());
    }
    frontier = std::move(next);
  }
  return {};
}

// One row per imported node (in the model's order), then the nodes the passes created.
std::vector<NodePlacement> Place(const std::vector<ir::Node>& imported,
                                 const ir::Graph& final_graph, const Partition& part) {
  std::map<std::string, size_t> by_name;
  for (size_t i = 0; i < final_graph.nodes.size(); ++i) by_name[final_graph.nodes[i].name] = i;
  std::map<size_t, std::string> host_op;
  for (const HostGroup& h : part.host)
    for (size_t i : h.nodes) host_op[i] = h.name;
  std::vector<NodePlacement> rows;
  std::set<std::string> seen;
  auto add = [&](const ir::Node& node) {
    NodePlacement p{node.name, node.op_type, "folded away", ""};
    auto it = by_name.find(node.name);
    if (it != by_name.end()) {
      const size_t i = it->second;
      const ir::Node& n = final_graph.nodes[i];
      p.where = SideName(part.side[i]);
      if (part.side[i] == Side::kHost) {
        p.detail =
            fmt::format("{} after segment {}: {}", host_op[i], part.level[i], part.reason[i]);
      } else {
        p.detail = n.op_type;
      }
    } else {
      const std::string into = FusedInto(imported, node, final_graph);
      p.detail = into.empty() ? "constant-folded or removed by the graph passes"
                              : fmt::format("fused into '{}'", into);
    }
    rows.push_back(std::move(p));
    seen.insert(node.name);
  };
  for (const ir::Node& n : imported) add(n);
  for (const ir::Node& n : final_graph.nodes)
    if (!seen.count(n.name)) add(n);
  return rows;
}

// What a host-side fp32 tensor is to the program.
enum class HostRole { kInput, kOutput, kIntermediate };

// Host-side tensors in one fp32 buffer: model inputs only host ops read (host_inputs), model
// outputs host ops compute (host_outputs), and results of one host op that only later host ops
// read (host_values: the runtime hands them over by name; bound so that every tensor a host op
// writes has a binding).
Status BindHostTensors(const ir::Graph& graph, const std::vector<std::string>& names, HostRole role,
                       Program& p) {
  if (names.empty()) return Status::Ok();
  const bool input = role == HostRole::kInput;
  const char* what = input ? "inputs" : role == HostRole::kOutput ? "outputs" : "values";
  program::ChipProgram* c = p.mutable_chips(0);
  uint32_t slot = 0;
  for (const program::Buffer& b : c->buffers()) slot = std::max(slot, b.slot() + 1);
  if (slot >= regs::kSlotCount)
    return Unsupported("no DMA slot left for the host op {} (the chip has {})", what,
                       regs::kSlotCount);
  const std::string buffer = fmt::format("host_{}", what);
  uint64_t offset = 0;
  for (const std::string& name : names) {
    AORTA_ASSIGN_OR_RETURN(Shape shape, passes::StaticShapeOf(graph, name));
    AORTA_ASSIGN_OR_RETURN(DType dtype, passes::DTypeOf(graph, name));
    program::TensorBinding b;
    b.set_name(name);
    for (int64_t d : shape) b.add_shape(d);
    if (dtype == DType::kF32) {
      b.set_dtype(program::DTYPE_F32);
    } else if (dtype == DType::kI64) {
      b.set_dtype(program::DTYPE_I64);
    } else {
      return Unsupported("host {} '{}' is {}: host tensors are f32 or i64", what, name,
                         DTypeName(dtype));
    }
    b.set_layout(program::LAYOUT_ROW_MAJOR);
    b.mutable_quant()->set_scale(1.0f);
    b.set_chip(0);
    b.set_buffer(buffer);
    b.set_offset(offset);
    offset += static_cast<uint64_t>(ElementCount(shape)) * (dtype == DType::kF32 ? 4 : 8);
    *(input                       ? p.add_inputs()
      : role == HostRole::kOutput ? p.add_outputs()
                                  : p.add_intermediates()) = b;
  }
  AddBuffer(c, buffer, input ? program::BUFFER_INPUT : program::BUFFER_OUTPUT,
            program::LOCATION_HOST, slot, offset);
  return Status::Ok();
}

// Inputs and outputs in the model's order.
void SortBindings(const std::vector<std::string>& order,
                  google::protobuf::RepeatedPtrField<program::TensorBinding>* bindings) {
  std::map<std::string, size_t> rank;
  for (size_t i = 0; i < order.size(); ++i) rank[order[i]] = i;
  std::vector<program::TensorBinding> v(bindings->begin(), bindings->end());
  std::stable_sort(v.begin(), v.end(),
                   [&](const auto& a, const auto& b) { return rank[a.name()] < rank[b.name()]; });
  bindings->Clear();
  for (auto& b : v) *bindings->Add() = std::move(b);
}

}  // namespace

Result<Program> AssembleProgram(const ir::Graph& graph, const Partition& part,
                                const std::vector<std::string>& host_models, Program p,
                                const ImagePreprocess& image) {
  for (size_t k = 0; k < part.host.size(); ++k) {
    const HostGroup& h = part.host[k];
    program::HostOp* op = p.add_host_ops();
    op->set_name(h.name);
    op->set_onnx_model(host_models[k]);
    for (const std::string& v : h.inputs) op->add_inputs(v);
    for (const std::string& v : h.outputs) op->add_outputs(v);
    op->set_after_segment(h.after_segment);
  }
  AORTA_RETURN_IF_ERROR(BindHostTensors(graph, part.host_inputs, HostRole::kInput, p));
  AORTA_RETURN_IF_ERROR(BindHostTensors(graph, part.host_outputs, HostRole::kOutput, p));
  // A host op's result that neither the chip nor the caller reads goes to a later host op (a
  // LayerNorm split by a chip layer in between: hey_jarvis).
  std::set<std::string> bound;
  for (const auto& b : p.inputs()) bound.insert(b.name());
  for (const auto& b : p.outputs()) bound.insert(b.name());
  for (const auto& b : p.intermediates()) bound.insert(b.name());
  std::vector<std::string> host_values;
  for (const HostGroup& h : part.host)
    for (const std::string& v : h.outputs)
      if (bound.insert(v).second) host_values.push_back(v);
  AORTA_RETURN_IF_ERROR(BindHostTensors(graph, host_values, HostRole::kIntermediate, p));
  SortBindings(graph.inputs, p.mutable_inputs());
  SortBindings(graph.outputs, p.mutable_outputs());
  for (const auto& [key, value] : ImageMetadata(image)) (*p.mutable_metadata())[key] = value;
  AORTA_RETURN_IF_ERROR(ValidateProgram(p).WithContext("generated program"));
  return p;
}

Result<std::string> HostOpModel(const ir::Graph& graph, const HostGroup& group) {
  AORTA_ASSIGN_OR_RETURN(ir::Graph sub, HostSubgraph(graph, group));
  // The runtime runs host ops on the fp32 reference: refuse now what it could not run.
  Result<reference::Executor> exec = reference::Executor::Create(sub);
  if (!exec.ok())
    return Unsupported("host op '{}' (after segment {}) cannot run on the host either: {}",
                       group.name, group.after_segment, exec.status().message());
  return ExportOnnxBytes(sub);
}

namespace {

// Per chip layer and model output: the probe program's int8 results against the reference.
Status MeasureAccuracy(const ir::Graph& graph, const Program& probe_program,
                       const std::vector<program::TensorBinding>& probes,
                       const std::vector<std::string>& probe_ops,
                       const std::vector<TensorMap>& samples,
                       const std::map<std::string, std::vector<double>>& equalized,
                       CompileReport& r) {
  const auto start = std::chrono::steady_clock::now();
  AORTA_ASSIGN_OR_RETURN(ir::Graph expanded, passes::ExpandFusedOps(graph));
  std::set<std::string> outs(expanded.outputs.begin(), expanded.outputs.end());
  for (const program::TensorBinding& b : probes)
    if (outs.insert(b.name()).second) expanded.outputs.push_back(b.name());
  AORTA_ASSIGN_OR_RETURN(reference::Executor exec, reference::Executor::Create(expanded));
  const reference::ScopedReferenceThreads one_thread(1);
  std::vector<ChipConfig> chips;
  for (const auto& c : probe_program.chips()) chips.push_back(c.config());
  AORTA_ASSIGN_OR_RETURN(std::unique_ptr<runtime::Backend> backend,
                         runtime::MakeGoldenBackend(chips));
  AORTA_ASSIGN_OR_RETURN(std::unique_ptr<runtime::Session> session,
                         runtime::Session::Load(probe_program, *backend));
  struct Acc {
    double signal = 0, noise = 0, dot = 0, got2 = 0, max_err = 0, ref_max = 0;
    void Add(const Tensor& got, const Tensor& ref) {
      const std::vector<double> a = got.ToDoubles(), b = ref.ToDoubles();
      for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
        signal += b[i] * b[i];
        noise += (a[i] - b[i]) * (a[i] - b[i]);
        dot += a[i] * b[i];
        got2 += a[i] * a[i];
        max_err = std::max(max_err, std::abs(a[i] - b[i]));
        ref_max = std::max(ref_max, std::abs(b[i]));
      }
    }
  };
  std::vector<Acc> layer(probes.size()), output(graph.outputs.size());
  for (const TensorMap& sample : samples) {
    AORTA_ASSIGN_OR_RETURN(TensorMap ref, exec.Run(sample));
    AORTA_ASSIGN_OR_RETURN(TensorMap got, session->Run(sample));
    for (size_t l = 0; l < probes.size(); ++l) {
      AORTA_ASSIGN_OR_RETURN(Tensor t, session->ReadTensor(probes[l]));
      // An equalized tensor holds channel c divided by s_c (quant::QuantizedGraph::equalized).
      if (auto e = equalized.find(probes[l].name());
          e != equalized.end() && t.dtype() == DType::kF32 && t.rank() == 4 &&
          t.dim(1) == static_cast<int64_t>(e->second.size())) {
        auto v = t.data<float>();
        const auto plane = static_cast<size_t>(t.dim(2) * t.dim(3));
        for (size_t i = 0; i < v.size(); ++i)
          v[i] = static_cast<float>(v[i] * e->second[(i / plane) % e->second.size()]);
      }
      layer[l].Add(t, ref.at(probes[l].name()));
    }
    for (size_t o = 0; o < graph.outputs.size(); ++o)
      output[o].Add(got.at(graph.outputs[o]), ref.at(graph.outputs[o]));
  }
  auto row = [](const std::string& name, const std::string& op, const std::string& where,
                const Acc& a) {
    TensorAccuracy t{name, op, where, 999.0, 1.0, a.max_err, a.ref_max};
    if (a.noise > 0) t.sqnr_db = a.signal > 0 ? 10 * std::log10(a.signal / a.noise) : -999.0;
    if (a.signal > 0 && a.got2 > 0) t.cosine = a.dot / std::sqrt(a.signal * a.got2);
    return t;
  };
  r.accuracy.clear();
  for (size_t l = 0; l < probes.size(); ++l)
    r.accuracy.push_back(row(probes[l].name(), probe_ops[l], "chip", layer[l]));
  for (size_t o = 0; o < graph.outputs.size(); ++o)
    r.accuracy.push_back(row(graph.outputs[o], "", "output", output[o]));
  r.accuracy_samples = samples.size();
  r.accuracy_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return Status::Ok();
}

// Wall and CPU time of consecutive phases (CPU time of the whole process: oneDNN's threads
// count).
class PhaseClock {
 public:
  explicit PhaseClock(std::vector<CompileReport::Phase>& phases) : phases_(phases) {}
  void Lap(const std::string& name) {
    const auto wall = std::chrono::steady_clock::now();
    const std::clock_t cpu = std::clock();
    phases_.push_back({name, std::chrono::duration<double>(wall - wall_).count(),
                       static_cast<double>(cpu - cpu_) / CLOCKS_PER_SEC});
    wall_ = wall;
    cpu_ = cpu;
  }

 private:
  std::vector<CompileReport::Phase>& phases_;
  std::chrono::steady_clock::time_point wall_ = std::chrono::steady_clock::now();
  std::clock_t cpu_ = std::clock();
};

}  // namespace

Result<Compiled> CompileGraph(ir::Graph graph, const ChipConfig& chip,
                              const CompileOptions& options, CompileReport* report) {
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  CompileReport local;
  CompileReport& r = report != nullptr ? *report : local;
  r = CompileReport{};
  PhaseClock clock(r.phases);
  AORTA_RETURN_IF_ERROR(ValidateChipConfig(chip));
  const std::vector<ir::Node> imported = graph.nodes;
  PipelineOptions po;
  for (const auto& [name, shape] : options.input_shapes) {
    if (!name.empty()) {
      po.input_shapes[name] = shape;
      continue;
    }
    if (graph.inputs.size() != 1)
      return InvalidArgument("--input-shape {}: the model has {} inputs, write NAME=SHAPE",
                             ShapeToString(shape), graph.inputs.size());
    po.input_shapes[graph.inputs[0]] = shape;
  }
  po.dump_dir = options.dump_dir;
  AORTA_RETURN_IF_ERROR(RunGraphPasses(graph, po));
  clock.Lap("graph passes");

  // Calibration on the whole model (host parts included: their results cross to the chip).
  ImagePreprocess image = options.image.value_or(ImagePreprocess{});
  if (options.image_nhwc) {
    image.nhwc = *options.image_nhwc;
  } else if (graph.inputs.size() == 1) {
    const ir::ValueInfo* info = graph.FindValue(graph.inputs[0]);
    if (info && info->StaticShape()) image.nhwc = LooksNhwc(*info->StaticShape());
  }
  const std::vector<codegen::NodeSupport> support = codegen::CheckSupport(graph);
  const auto calib_start = std::chrono::steady_clock::now();
  std::vector<TensorMap> samples;
  if (options.calib.dir.empty()) {
    r.warnings.push_back(fmt::format(
        "no calibration data (--calib DIR): calibrating on {} synthetic samples of N(0, 1) "
        "clipped to [-3, 3] (seed {}); accuracy on real inputs may suffer",
        options.calib.synthetic_samples, options.calib.seed));
    AORTA_ASSIGN_OR_RETURN(samples, quant::SyntheticSamples(graph, options.calib.synthetic_samples,
                                                            options.calib.seed));
  } else {
    AORTA_ASSIGN_OR_RETURN(samples, LoadCalibrationSamples(graph, options.calib.dir, image));
  }
  clock.Lap(fmt::format("calibration inputs ({})", samples.size()));
  AORTA_ASSIGN_OR_RETURN(
      auto ranges,
      quant::CollectRanges(graph, samples, options.calib.method, options.calib.percentile,
                           options.calib.equalize, options.calib.bias_correction));
  r.calib_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - calib_start).count();
  clock.Lap("calibration runs (fp32 reference)");

  // Placement (chip, layout, host), the host ops, quantization of the chip part and code
  // generation. An NHWC input read by the input DMA must stay in the unified buffer; if the chip
  // cannot do that, its Transpose goes to the host and the chip gets a tensor it can tile.
  Partition part;
  std::vector<std::string> host_models;
  quant::QuantizedGraph q;
  codegen::CodegenOptions co;
  auto attempt = [&](bool nhwc_inputs_in_dma) -> Status {
    AORTA_ASSIGN_OR_RETURN(part, PartitionGraph(graph, support, nhwc_inputs_in_dma));
    r.placement = Place(imported, graph, part);
    r.segments = part.segments;
    r.nodes_chip = r.nodes_layout = r.nodes_dma_layout = r.nodes_host = r.nodes_folded = 0;
    r.host_ops.clear();
    r.host_macs = 0;
    for (const NodePlacement& p : r.placement) r.nodes_folded += p.where == "folded away";
    for (Side s : part.side) {
      r.nodes_chip += s == Side::kChip;
      r.nodes_layout += s == Side::kLayout;
      r.nodes_dma_layout += s == Side::kDmaLayout;
      r.nodes_host += s == Side::kHost;
    }
    if (r.nodes_chip == 0)
      return Unsupported(
          "no node of the model runs on the chip, so there is nothing to compile: {}",
          codegen::FirstUnsupported(support).message());
    host_models.clear();
    for (const HostGroup& h : part.host) {
      HostOpSummary hs{h.name, h.after_segment, {}, 0};
      for (size_t i : h.nodes) {
        hs.nodes.push_back(graph.nodes[i].name);
        hs.macs += NodeMacs(graph, graph.nodes[i]);
      }
      r.host_macs += hs.macs;
      r.host_ops.push_back(hs);
      AORTA_ASSIGN_OR_RETURN(std::string bytes, HostOpModel(graph, h));
      host_models.push_back(std::move(bytes));
    }
    AORTA_ASSIGN_OR_RETURN(q, quant::QuantizeGraph(part.chip, ranges));
    co = codegen::CodegenOptions{};
    co.model_name = options.model_name.empty() ? graph.name : options.model_name;
    co.segments = part.segments;
    co.node_segment = part.chip_segment;
    co.loads = part.loads;
    co.stores = part.stores;
    co.wide_outputs = options.wide_outputs;
    co.direct_inputs = options.direct_inputs;
    AORTA_ASSIGN_OR_RETURN(r.codegen, codegen::GenerateProgram(q, chip, co));
    return Status::Ok();
  };
  Status first = attempt(true);
  if (!first.ok() && first.code() == StatusCode::kUnsupported &&
      std::any_of(part.loads.begin(), part.loads.end(),
                  [](const codegen::BoundTensor& b) { return b.pixel_major; })) {
    r.warnings.push_back(fmt::format(
        "the NHWC input read by the input DMA does not fit the chip ({}); its Transpose runs on "
        "the host instead",
        first.message()));
    AORTA_RETURN_IF_ERROR(attempt(false));
  } else {
    AORTA_RETURN_IF_ERROR(first);
  }
  clock.Lap("placement, quantization, code generation");
  r.warnings.insert(r.warnings.end(), q.warnings.begin(), q.warnings.end());
  r.act = q.act;
  for (NodePlacement& p : r.placement)
    for (const codegen::LayerSummary& l : r.codegen.layers)
      if (l.name == p.node) p.detail = fmt::format("layer {}: {}", l.perf_tag, l.op_type);
  Compiled c;
  AORTA_ASSIGN_OR_RETURN(
      c.program, AssembleProgram(graph, part, host_models, std::move(r.codegen.program), image));
  r.codegen.program = Program();
  clock.Lap("program assembly and validation");
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  if (options.measure_accuracy) {
    co.probe_layers = true;
    AORTA_ASSIGN_OR_RETURN(codegen::CodegenResult probe, codegen::GenerateProgram(q, chip, co));
    AORTA_ASSIGN_OR_RETURN(Program probe_program,
                           AssembleProgram(graph, part, host_models, probe.program, image));
    // Each probe's op type: the layer computing it (layers tiled through DRAM have no probe).
    std::vector<std::string> ops;
    for (const program::TensorBinding& b : probe.probes) {
      const ir::Node* producer = graph.Producer(b.name());
      std::string op;
      for (const codegen::LayerSummary& l : probe.layers)
        if (producer != nullptr && l.name == producer->name) op = l.op_type;
      ops.push_back(op);
    }
    AORTA_RETURN_IF_ERROR(
        MeasureAccuracy(graph, probe_program, probe.probes, ops, samples, q.equalized, r)
            .WithContext("--report"));
  }
  c.report = r;
  return c;
}

Result<Compiled> CompileOnnxFile(const std::string& path, const ChipConfig& chip,
                                 const CompileOptions& options, CompileReport* report) {
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  AORTA_ASSIGN_OR_RETURN(ir::Graph graph, ImportOnnxFile(path));
  const CompileReport::Phase import{
      "ONNX import",
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
      static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC};
  Result<Compiled> c = CompileGraph(std::move(graph), chip, options, report);
  if (!c.ok()) return c.status().WithContext(path);
  CompileReport& r = c->report;
  r.phases.insert(r.phases.begin(), import);
  r.seconds += import.seconds;
  r.cpu_seconds += import.cpu_seconds;
  if (report != nullptr) *report = r;
  return c;
}

Result<std::pair<std::string, Shape>> ParseInputShape(const std::string& arg) {
  const size_t eq = arg.rfind('=');
  const std::string name = eq == std::string::npos ? "" : arg.substr(0, eq);
  const std::string dims = eq == std::string::npos ? arg : arg.substr(eq + 1);
  Shape shape;
  size_t pos = 0;
  while (true) {
    const size_t x = dims.find('x', pos);
    const std::string d = dims.substr(pos, x == std::string::npos ? std::string::npos : x - pos);
    if (d.empty() || d.find_first_not_of("0123456789") != std::string::npos || d.size() > 12)
      return InvalidArgument("--input-shape: bad shape '{}' in '{}' (expected e.g. 1x3x224x224)",
                             dims, arg);
    shape.push_back(std::stoll(d));
    if (x == std::string::npos) break;
    pos = x + 1;
  }
  return std::pair<std::string, Shape>{name, shape};
}

std::string FormatPlacement(const CompileReport& report) {
  size_t wn = 4, wo = 7, ww = 5;
  for (const NodePlacement& p : report.placement) {
    wn = std::max(wn, p.node.size());
    wo = std::max(wo, p.op_type.size());
    ww = std::max(ww, p.where.size());
  }
  std::string s =
      fmt::format("{:<{}}  {:<{}}  {:<{}}  {}\n", "node", wn, "op type", wo, "where", ww, "detail");
  for (const NodePlacement& p : report.placement)
    s += fmt::format("{:<{}}  {:<{}}  {:<{}}  {}\n", p.node, wn, p.op_type, wo, p.where, ww,
                     p.detail);
  return s;
}

std::string FormatSummary(const CompileReport& report, const ChipConfig& chip) {
  const codegen::CodegenResult& g = report.codegen;
  size_t wn = 5, wo = 7;
  for (const codegen::LayerSummary& l : g.layers) {
    wn = std::max(wn, l.name.size());
    wo = std::max(wo, l.op_type.size());
  }
  std::string s =
      fmt::format("{:>3}  {:<{}}  {:<{}}  {:>12}  {:>10}  {:>7}  {:>10}\n", "tag", "layer", wn,
                  "op type", wo, "MACs", "weights B", "passes", "est cycles");
  for (const codegen::LayerSummary& l : g.layers)
    s += fmt::format("{:>3}  {:<{}}  {:<{}}  {:>12}  {:>10}  {:>7}  {:>10}\n", l.perf_tag, l.name,
                     wn, l.op_type, wo, l.macs, l.weight_bytes, l.passes, l.est_cycles);
  const double mhz = chip.clock_mhz() > 0 ? chip.clock_mhz() : 1.0;
  s += fmt::format(
      "layers {}, MACs {}, weights pinned {} B, parameters {} B, LUTs {}, unified buffer peak {} "
      "rows of {}\n",
      g.layers.size(), g.macs, g.weight_bytes, g.param_bytes, g.lut_tables, g.ub_peak_rows,
      chip.array_rows());
  s += fmt::format(
      "streamed from DRAM per inference: weights {} B, parameters {} B ({} layers); tiled through "
      "DRAM: {} layers, {} activation bytes per inference, scratch buffer {} B\n",
      g.streamed_weight_bytes, g.streamed_param_bytes, g.streamed_layers, g.tiled_layers,
      g.dram_activation_bytes, g.scratch_bytes);
  s += fmt::format(
      "estimated cycles {} ({:.1f} us at {} MHz); compile time {:.2f} s (CPU {:.2f} s; "
      "calibration {:.2f} s of it)\n",
      g.est_cycles, static_cast<double>(g.est_cycles) / mhz, mhz, report.seconds,
      report.cpu_seconds, report.calib_seconds);
  s += fmt::format(
      "placement: {} nodes on chip ({} layers), {} free layout changes, {} NHWC transposes / "
      "reshapes in the DMA, {} on the host in {} host op{}, {} folded away; {} run segment{}\n",
      report.nodes_chip, g.layers.size(), report.nodes_layout, report.nodes_dma_layout,
      report.nodes_host, report.host_ops.size(), report.host_ops.size() == 1 ? "" : "s",
      report.nodes_folded, report.segments, report.segments == 1 ? "" : "s");
  if (!report.phases.empty()) {
    s += "compile phases (wall / CPU s):";
    for (const CompileReport::Phase& p : report.phases)
      s += fmt::format(" {} {:.3f} / {:.3f};", p.name, p.seconds, p.cpu_seconds);
    s.back() = '\n';
  }
  if (!g.wide_outputs.empty())
    s += fmt::format("wide outputs (int32 accumulators, dequantized per channel on the host): {}\n",
                     fmt::join(g.wide_outputs, ", "));
  s += fmt::format("MACs on chip {}, on the host {}\n", g.macs, report.host_macs);
  for (const HostOpSummary& h : report.host_ops) {
    std::string nodes;
    for (const std::string& n : h.nodes) nodes += (nodes.empty() ? "" : ", ") + n;
    s +=
        fmt::format("host op {} after segment {}: {} node{} ({} MACs): {}\n", h.name,
                    h.after_segment, h.nodes.size(), h.nodes.size() == 1 ? "" : "s", h.macs, nodes);
  }
  return s;
}

std::string FormatAccuracy(const CompileReport& report, bool json) {
  if (json) {
    nlohmann::json j;
    j["samples"] = report.accuracy_samples;
    j["seconds"] = report.accuracy_seconds;
    j["tensors"] = nlohmann::json::array();
    for (const TensorAccuracy& t : report.accuracy)
      j["tensors"].push_back({{"name", t.name},
                              {"op_type", t.op_type},
                              {"where", t.where},
                              {"sqnr_db", t.sqnr_db},
                              {"cosine", t.cosine},
                              {"max_abs_err", t.max_abs_err},
                              {"ref_max_abs", t.ref_max_abs}});
    return j.dump(2) + "\n";
  }
  std::string s = "name,op_type,where,sqnr_db,cosine,max_abs_err,ref_max_abs\n";
  for (const TensorAccuracy& t : report.accuracy)
    s += fmt::format("\"{}\",{},{},{:.3f},{:.6f},{:.6g},{:.6g}\n", t.name, t.op_type, t.where,
                     t.sqnr_db, t.cosine, t.max_abs_err, t.ref_max_abs);
  return s;
}

}  // namespace aorta
