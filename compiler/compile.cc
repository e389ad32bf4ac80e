#include "compiler/compile.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "compiler/onnx_import.h"
#include "compiler/passes/fused_ops.h"
#include "compiler/pipeline.h"

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
                                 const ir::Graph& final_graph,
                                 const std::vector<codegen::NodeSupport>& support) {
  std::map<std::string, const codegen::NodeSupport*> by_name;
  for (const codegen::NodeSupport& s : support) by_name[s.node] = &s;
  std::vector<NodePlacement> rows;
  std::set<std::string> seen;
  auto add = [&](const ir::Node& node) {
    NodePlacement p{node.name, node.op_type, "folded away", ""};
    auto it = by_name.find(node.name);
    if (it != by_name.end()) {
      const codegen::NodeSupport& s = *it->second;
      p.where = codegen::PlacementName(s.placement);
      p.detail = s.placement == codegen::Placement::kUnsupported ? s.reason : s.op_type;
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

}  // namespace

Result<Compiled> CompileGraph(ir::Graph graph, const ChipConfig& chip,
                              const CompileOptions& options, CompileReport* report) {
  const auto start = std::chrono::steady_clock::now();
  CompileReport local;
  CompileReport& r = report != nullptr ? *report : local;
  r = CompileReport{};
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
  const std::vector<codegen::NodeSupport> support = codegen::CheckSupport(graph);
  r.placement = Place(imported, graph, support);
  AORTA_RETURN_IF_ERROR(codegen::FirstUnsupported(support));
  AORTA_ASSIGN_OR_RETURN(quant::QuantizedGraph q, quant::Quantize(graph, options.calib));
  r.warnings = q.warnings;
  r.act = q.act;
  codegen::CodegenOptions co;
  co.model_name = options.model_name;
  AORTA_ASSIGN_OR_RETURN(r.codegen, codegen::GenerateProgram(q, chip, co));
  for (NodePlacement& p : r.placement)
    for (const codegen::LayerSummary& l : r.codegen.layers)
      if (l.name == p.node) p.detail = fmt::format("layer {}: {}", l.perf_tag, l.op_type);
  Compiled c;
  c.program = std::move(r.codegen.program);
  r.codegen.program = Program();
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  c.report = r;
  return c;
}

Result<Compiled> CompileOnnxFile(const std::string& path, const ChipConfig& chip,
                                 const CompileOptions& options, CompileReport* report) {
  AORTA_ASSIGN_OR_RETURN(ir::Graph graph, ImportOnnxFile(path));
  Result<Compiled> c = CompileGraph(std::move(graph), chip, options, report);
  if (!c.ok()) return c.status().WithContext(path);
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
  s += fmt::format("estimated cycles {} ({:.1f} us at {} MHz); compile time {:.2f} s\n",
                   g.est_cycles, static_cast<double>(g.est_cycles) / mhz, mhz, report.seconds);
  return s;
}

}  // namespace aorta
