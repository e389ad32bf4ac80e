// The code generator's driver: placement of every value in the unified buffer, the layers in
// topological order, the constant buffer, the init and run streams and the program's bindings.
#include "compiler/codegen/codegen.h"

#include <map>
#include <set>

#include "aorta/regs_gen.h"
#include "compiler/codegen/lowering.h"
#include "compiler/codegen/ub_allocator.h"
#include "compiler/passes/fused_ops.h"
#include "compiler/passes/graph_edit.h"

namespace aorta::codegen {

namespace {

// Slots: inputs from 0, then outputs, then the constants and the PERF records.
constexpr uint32_t kMaxSlots = 16;

class Generator {
 public:
  Generator(const quant::QuantizedGraph& q, const ChipConfig& chip, const CodegenOptions& options)
      : q_(q), chip_(chip), options_(options), g_(GeometryOf(chip)), consts_(g_.n) {}

  Result<CodegenResult> Run() {
    AORTA_RETURN_IF_ERROR(FirstUnsupported(CheckSupport(q_.graph)));
    const ir::Graph& graph = q_.graph;
    AORTA_ASSIGN_OR_RETURN(order_, graph.TopologicalOrder());
    if (graph.inputs.size() + graph.outputs.size() + 2 > kMaxSlots)
      return Unsupported("{} inputs and {} outputs need more than {} DMA slots",
                         graph.inputs.size(), graph.outputs.size(), kMaxSlots);
    AORTA_RETURN_IF_ERROR(Liveness());
    for (const std::string& in : graph.inputs) AORTA_RETURN_IF_ERROR(Place(in));
    AORTA_RETURN_IF_ERROR(CheckUb("the inputs", ""));
    LowerContext ctx{q_, g_, consts_};
    for (size_t step = 0; step < order_.size(); ++step) {
      const ir::Node& node = graph.nodes[order_[step]];
      AORTA_RETURN_IF_ERROR(Layer(ctx, node).WithContext(node.Describe()));
      for (const std::string& v : dying_[step]) ub_.Free(places_.at(v).addr);
    }
    return Assemble();
  }

 private:
  // Storage: a value owns rows, or aliases its input's (free layout ops). Values die after their
  // last reader (graph outputs never).
  Status Liveness() {
    const ir::Graph& graph = q_.graph;
    std::map<std::string, size_t> last;
    const size_t never = order_.size();
    for (size_t step = 0; step < order_.size(); ++step) {
      const ir::Node& node = graph.nodes[order_[step]];
      for (const std::string& v : node.inputs)
        if (!v.empty() && !graph.IsInitializer(v)) last[Root(v)] = step;
      const bool layout = IsLayout(node);
      for (const std::string& v : node.outputs) {
        if (v.empty()) continue;
        if (layout) alias_[v] = Root(node.inputs[0]);
        last.emplace(Root(v), step);  // a value nobody reads dies where it is made
      }
    }
    for (const std::string& v : graph.outputs) last[Root(v)] = never;
    dying_.assign(order_.size(), {});
    // Graph inputs too: once read, their rows can be reused.
    for (const auto& [v, step] : last)
      if (step < never) dying_[step].push_back(v);
    return Status::Ok();
  }

  bool IsLayout(const ir::Node& node) {
    const std::string& op = node.op_type;
    return op == "Reshape" || op == "Flatten" || op == "Squeeze" || op == "Unsqueeze" ||
           op == "Identity";
  }

  std::string Root(const std::string& v) const {
    auto it = alias_.find(v);
    return it == alias_.end() ? v : it->second;
  }

  Result<TensorPlace> Dims(const std::string& v) {
    AORTA_ASSIGN_OR_RETURN(Shape s, ShapeOf(q_.graph, v));
    AORTA_ASSIGN_OR_RETURN(BlockedDims d, BlockedDimsOf(s));
    TensorPlace p;
    p.c = d.c;
    p.h = d.h;
    p.w = d.w;
    p.blocks = Blocks(d.c, g_.n);
    return p;
  }

  Status Place(const std::string& v) {
    AORTA_ASSIGN_OR_RETURN(TensorPlace p, Dims(v));
    p.addr = ub_.Allocate(p.rows());
    places_[v] = p;
    return Status::Ok();
  }

  // The tensor of value v in the unified buffer (an alias shares its root's rows).
  Result<TensorPlace> Find(const std::string& v) {
    auto it = places_.find(Root(v));
    if (it == places_.end()) return Internal("value '{}' has no place in the unified buffer", v);
    AORTA_ASSIGN_OR_RETURN(TensorPlace p, Dims(v));
    p.addr = it->second.addr;
    return p;
  }

  Status CheckUb(const std::string& layer, const std::string& sizes) {
    if (ub_.end() <= g_.ub_rows) return Status::Ok();
    return Unsupported(
        "{}: the live activations{} need {} unified-buffer rows ({} bytes), chip '{}' has {} "
        "({} bytes); the compiler cannot tile activations through DRAM yet",
        layer, sizes, ub_.end(), ub_.end() * g_.n, chip_.name(), g_.ub_rows, g_.ub_rows * g_.n);
  }

  Status CheckConstants(const ir::Node& node, uint64_t wb_before) {
    const uint64_t wb = consts_.wb_rows();
    if (wb > g_.wb_rows)
      return Unsupported(
          "layer '{}' ({}): its weights need {} bytes; with the layers before it the model "
          "pins {} bytes, chip '{}' has a {}-byte weight buffer; streaming weights from DRAM is "
          "not supported yet",
          node.name, node.op_type, (wb - wb_before) * g_.n, wb * g_.n, chip_.name(),
          g_.wb_rows * g_.n);
    if (consts_.param_rows() > g_.param_rows || consts_.param_rows() > 0xffff)
      return Unsupported("layer '{}': the model needs {} PARAM rows, chip '{}' has {}", node.name,
                         consts_.param_rows(), chip_.name(), g_.param_rows);
    if (consts_.lut_tables() > g_.lut_rows)
      return Unsupported("layer '{}': the model needs {} LUT tables, chip '{}' has {}", node.name,
                         consts_.lut_tables(), chip_.name(), g_.lut_rows);
    return Status::Ok();
  }

  Status Layer(LowerContext& ctx, const ir::Node& node) {
    if (IsLayout(node)) return Status::Ok();
    const std::string& out_name = node.outputs.at(0);
    AORTA_RETURN_IF_ERROR(Place(out_name));
    AORTA_ASSIGN_OR_RETURN(TensorPlace out, Find(out_name));
    LayerIo io;
    io.out = &out;
    TensorPlace in, in2, temp;
    std::optional<uint64_t> temp_addr, sum_addr;
    LayerCode code;
    const uint64_t wb_before = consts_.wb_rows();
    auto quantized = q_.ops.find(node.name);
    const bool has_op = quantized != q_.ops.end();
    if (has_op && std::holds_alternative<quant::QuantizedMatrixOp>(quantized->second)) {
      AORTA_ASSIGN_OR_RETURN(in, Find(node.inputs[0]));
      io.in = &in;
      if (node.HasInput(passes::kResidualInput)) {
        AORTA_ASSIGN_OR_RETURN(in2, Find(node.inputs[passes::kResidualInput]));
        io.in2 = &in2;
        temp = out;
        temp.addr = ub_.Allocate(out.rows());
        temp_addr = temp.addr;
        io.temp = &temp;
      }
      AORTA_RETURN_IF_ERROR(CheckUb(fmt::format("layer '{}' ({})", node.name, node.op_type),
                                    fmt::format(" (its output {}x{}x{})", out.c, out.h, out.w)));
      // LeakyRelu or a LUT after the residual add: the add into a temporary, then the activation
      // as its own pass (quantized as ops[ActKey(node)]) from there into the output.
      TensorPlace sum;
      auto act_op = q_.ops.find(quant::ActKey(node.name));
      if (act_op != q_.ops.end()) {
        sum = out;
        sum.addr = ub_.Allocate(out.rows());
        sum_addr = sum.addr;
        io.sum = &sum;
        AORTA_RETURN_IF_ERROR(CheckUb(
            fmt::format("layer '{}' ({})", node.name, node.op_type),
            fmt::format(" (its output {}x{}x{} and two temporaries)", out.c, out.h, out.w)));
      }
      AORTA_RETURN_IF_ERROR(LowerMatrix(ctx, node, io, code));
      if (act_op != q_.ops.end()) {
        AORTA_ASSIGN_OR_RETURN(std::optional<passes::Activation> act,
                               passes::FusedActivation(node));
        const ir::Node act_node{
            quant::ActKey(node.name), act ? act->op : "", "", {"sum"}, {out_name}, {}};
        const LayerIo act_io{
            .in = &sum, .in2 = nullptr, .out = &out, .temp = nullptr, .sum = nullptr};
        if (std::holds_alternative<quant::QuantizedMatrixOp>(act_op->second)) {
          AORTA_RETURN_IF_ERROR(LowerMatrix(ctx, act_node, act_io, code));
        } else {
          AORTA_RETURN_IF_ERROR(LowerEltwise(ctx, act_node, act_io, code));
        }
      }
    } else {
      AORTA_RETURN_IF_ERROR(CheckUb(fmt::format("layer '{}' ({})", node.name, node.op_type),
                                    fmt::format(" (its output {}x{}x{})", out.c, out.h, out.w)));
      const std::string& op = node.op_type;
      if (op == "MaxPool" || op == "AveragePool" || op == "GlobalAveragePool") {
        AORTA_ASSIGN_OR_RETURN(in, Find(node.inputs[0]));
        io.in = &in;
        AORTA_RETURN_IF_ERROR(LowerPool(ctx, node, io, code));
      } else {
        AORTA_ASSIGN_OR_RETURN(const quant::QuantizedEltwise* ep,
                               QuantizedAs<quant::QuantizedEltwise>(ctx, node));
        const quant::QuantizedEltwise& e = *ep;
        const bool binary = node.inputs.size() == 2 && op != "Clip";
        AORTA_ASSIGN_OR_RETURN(in, Find(node.inputs[binary && e.swapped ? 1 : 0]));
        io.in = &in;
        if (binary && !e.b_const) {
          AORTA_ASSIGN_OR_RETURN(in2, Find(node.inputs[e.swapped ? 0 : 1]));
          io.in2 = &in2;
        }
        AORTA_RETURN_IF_ERROR(LowerEltwise(ctx, node, io, code));
      }
    }
    if (temp_addr) ub_.Free(*temp_addr);
    if (sum_addr) ub_.Free(*sum_addr);
    AORTA_RETURN_IF_ERROR(CheckConstants(node, wb_before));
    LayerSummary s;
    s.name = node.name;
    s.op_type = OpLabel(node);
    s.macs = code.macs;
    s.weight_bytes = (consts_.wb_rows() - wb_before) * g_.n;
    s.est_cycles = code.cycles;
    s.passes = code.passes;
    s.perf_tag = static_cast<uint32_t>(layers_.size());
    layers_.push_back(s);
    code_.push_back(std::move(code.insns));
    return Status::Ok();
  }

  // "Conv+Relu", "Gemm", "Conv+Add+Clip", "MaxPool" ...
  static std::string OpLabel(const ir::Node& node) {
    if (!passes::IsFusedOp(node)) return node.op_type;
    std::string s = passes::BaseOpType(node);
    if (node.HasInput(passes::kResidualInput)) s += "+Add";
    Result<std::optional<passes::Activation>> a = passes::FusedActivation(node);
    if (a.ok() && a->has_value()) s += "+" + (*a)->op;
    return s;
  }

  Result<CodegenResult> Assemble() {
    const ir::Graph& graph = q_.graph;
    const uint32_t n = g_.n;
    if (layers_.empty())
      return Unsupported("the graph has no layer the chip computes (only layout changes)");
    CodegenResult r;
    Program& p = r.program;
    p.set_isa_version_major(isa::kVersionMajor);
    p.set_isa_version_minor(isa::kVersionMinor);
    p.set_producer(options_.producer);
    p.set_model_name(options_.model_name.empty() ? graph.name : options_.model_name);
    p.set_board_fingerprint(Fingerprint(chip_));
    program::ChipProgram* c = p.add_chips();
    c->set_chip(0);
    c->set_config_fingerprint(Fingerprint(chip_));
    *c->mutable_config() = chip_;

    // Each graph input / output: a host buffer in its own slot, a binding, and one DMA of all
    // its rows (N bytes each, channel-blocked as PackTensor lays it out).
    uint32_t slot = 0;
    auto bind = [&](const std::string& name, bool input, size_t i) -> Result<isa::Insn> {
      AORTA_ASSIGN_OR_RETURN(TensorPlace t, Find(name));
      AORTA_ASSIGN_OR_RETURN(Shape shape, ShapeOf(graph, name));
      const std::string buf = fmt::format("{}{}", input ? "input" : "output", i);
      AddBuffer(c, buf, input ? program::BUFFER_INPUT : program::BUFFER_OUTPUT,
                program::LOCATION_HOST, slot, t.rows() * n);
      *(input ? p.add_inputs() : p.add_outputs()) =
          Int8BlockedBinding(name, shape, q_.act.at(name).scale, q_.act.at(name).zero_point, buf);
      r.est_cycles += t.rows();
      const auto chip_addr = static_cast<uint32_t>(t.addr), rows = static_cast<uint32_t>(t.rows());
      // The whole tensor, row for row, between its UB rows and its buffer.
      auto dma = [&](auto insn) {
        insn.slot = slot++;
        insn.mem = isa::Mem::kUb;
        insn.ext_stride = n;
        insn.chip_addr = chip_addr;
        insn.rows = rows;
        insn.row_bytes = n;
        return isa::Insn{insn};
      };
      return input ? dma(isa::DmaLoad{}) : dma(isa::DmaStore{});
    };
    std::vector<isa::Insn> run, stores;
    for (size_t i = 0; i < graph.inputs.size(); ++i) {
      AORTA_ASSIGN_OR_RETURN(isa::Insn load, bind(graph.inputs[i], true, i));
      run.push_back(load);
    }
    if (!run.empty()) isa::MutableDepsOf(run.back()).push_next = true;
    bool first_ex = true;
    for (size_t i = 0; i < graph.outputs.size(); ++i) {
      AORTA_ASSIGN_OR_RETURN(isa::Insn store, bind(graph.outputs[i], false, i));
      stores.push_back(store);
    }
    if (!stores.empty()) isa::MutableDepsOf(stores.front()).pop_prev = true;
    const uint32_t const_slot = slot++, perf_slot = slot++;
    for (size_t l = 0; l < layers_.size(); ++l) {
      std::vector<isa::Insn>& insns = code_[l];
      if (first_ex && !insns.empty() && !graph.inputs.empty()) {
        isa::MutableDepsOf(insns.front()).pop_prev = true;
        first_ex = false;
      }
      const bool last = l + 1 == layers_.size();
      if (last && !stores.empty()) isa::MutableDepsOf(insns.back()).push_next = true;
      run.insert(run.end(), insns.begin(), insns.end());
      if (last) run.insert(run.end(), stores.begin(), stores.end());
      const LayerSummary& s = layers_[l];
      run.push_back(isa::Perf{.deps = {},
                              .slot = perf_slot,
                              .ext_offset = uint64_t{s.perf_tag} * regs::kSnapshotBytes,
                              .tag = s.perf_tag});
      program::LayerInfo* li = p.add_layers();
      li->set_name(s.name);
      li->set_op_type(s.op_type);
      li->set_macs(s.macs);
      li->set_chip(0);
      li->set_perf_tag(s.perf_tag);
      r.macs += s.macs;
      r.est_cycles += s.est_cycles;
    }
    run.push_back(isa::Halt{});

    // Init stream: pin WB, PARAM and LUT from the constant buffer.
    std::vector<isa::Insn> init;
    const std::string bytes = consts_.Bytes();
    auto pin = [&](isa::Mem mem, uint64_t offset, uint64_t rows, uint32_t row_bytes) {
      if (rows == 0) return;
      isa::DmaLoad d;
      d.slot = const_slot;
      d.mem = mem;
      d.ext_offset = offset;
      d.ext_stride = row_bytes;
      d.rows = static_cast<uint32_t>(rows);
      d.row_bytes = row_bytes;
      init.push_back(d);
    };
    pin(isa::Mem::kWb, 0, consts_.wb_rows(), n);
    pin(isa::Mem::kParam, consts_.param_offset(), consts_.param_rows(), 4 * n);
    pin(isa::Mem::kLut, consts_.lut_offset(), consts_.lut_tables(), 256);
    init.push_back(isa::Halt{});
    if (!bytes.empty()) {
      program::Buffer* b = AddBuffer(c, "constants", program::BUFFER_CONSTANT,
                                     program::LOCATION_DRAM, const_slot, bytes.size());
      b->set_data(bytes);
    }
    AddBuffer(c, "perf", program::BUFFER_PERF, program::LOCATION_HOST, perf_slot,
              uint64_t{regs::kSnapshotBytes} * layers_.size());
    AORTA_ASSIGN_OR_RETURN(std::string init_bytes, isa::EncodeStreamString(init));
    c->set_init_stream(init_bytes);
    AORTA_ASSIGN_OR_RETURN(std::string run_bytes, isa::EncodeStreamString(run));
    c->add_run_segments(run_bytes);
    AORTA_RETURN_IF_ERROR(ValidateProgram(p).WithContext("generated program"));

    r.layers = layers_;
    r.weight_bytes = consts_.wb_rows() * n;
    r.param_bytes = consts_.param_rows() * 4 * n;
    r.lut_tables = static_cast<uint32_t>(consts_.lut_tables());
    r.ub_peak_rows = ub_.peak();
    return r;
  }

  const quant::QuantizedGraph& q_;
  const ChipConfig& chip_;
  const CodegenOptions& options_;
  ChipGeometry g_;
  ConstantImage consts_;
  UbAllocator ub_;
  std::vector<size_t> order_;
  std::map<std::string, std::string> alias_;  // layout op output -> the value owning the rows
  std::vector<std::vector<std::string>> dying_;
  std::map<std::string, TensorPlace> places_;
  std::vector<LayerSummary> layers_;
  std::vector<std::vector<isa::Insn>> code_;
};

}  // namespace

Result<CodegenResult> GenerateProgram(const quant::QuantizedGraph& q, const ChipConfig& chip,
                                      const CodegenOptions& options) {
  AORTA_RETURN_IF_ERROR(ValidateChipConfig(chip));
  if (GeometryOf(chip).n < 8)
    return Unsupported("chip '{}': op records need at least 8 lanes", chip.name());
  return Generator(q, chip, options).Run();
}

}  // namespace aorta::codegen
