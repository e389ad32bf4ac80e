// The code generator's driver: placement of every value in the unified buffer, the layers in
// topological order, the constant buffer, the init and run streams and the program's bindings.
#include "compiler/codegen/codegen.h"

#include <algorithm>
#include <map>
#include <set>

#include "aorta/regs_gen.h"
#include "compiler/codegen/lowering.h"
#include "compiler/codegen/pack_taps.h"
#include "compiler/codegen/schedule.h"
#include "compiler/codegen/tiling.h"
#include "compiler/codegen/ub_allocator.h"
#include "compiler/passes/fold_qdq.h"
#include "compiler/passes/fused_ops.h"
#include "compiler/passes/graph_edit.h"

namespace aorta::codegen {

namespace {

// Slots: inputs from 0, then outputs, then the constants, the PERF records and the scratch buffer.
constexpr uint32_t kMaxSlots = 16;

class Generator {
 public:
  Generator(const quant::QuantizedGraph& q, const ChipConfig& chip, const CodegenOptions& options)
      : q_(q), chip_(chip), options_(options), g_(GeometryOf(chip)), luts_(g_.n) {}

  Result<CodegenResult> Run() {
    AORTA_RETURN_IF_ERROR(FirstUnsupported(CheckSupport(q_.graph)));
    const ir::Graph& graph = q_.graph;
    AORTA_ASSIGN_OR_RETURN(order_, graph.TopologicalOrder());
    AORTA_RETURN_IF_ERROR(Boundaries());
    const auto io_slots = static_cast<uint32_t>(loads_.size() + stores_.size());
    if (io_slots + 3 + (options_.probe_layers ? 1 : 0) > kMaxSlots)
      return Unsupported("{} loaded and {} stored tensors need more than {} DMA slots",
                         loads_.size(), stores_.size(), kMaxSlots);
    const_slot_ = io_slots;
    perf_slot_ = io_slots + 1;
    scratch_slot_ = io_slots + 2;
    AORTA_RETURN_IF_ERROR(Liveness());
    AORTA_RETURN_IF_ERROR(ChooseWide());
    AORTA_RETURN_IF_ERROR(ChooseDirect());
    AORTA_RETURN_IF_ERROR(ChooseExternal());
    // A direct input's convolution must run from the UB: not one that tiling moved to DRAM.
    for (bool dropped = true; dropped;) {
      dropped = false;
      for (auto it = direct_.begin(); it != direct_.end();) {
        const ir::Node& conv = *q_.graph.Consumers(it->first).at(0);
        if (IsExternal(conv.outputs.at(0))) {
          it = direct_.erase(it);
          dropped = true;
        } else {
          ++it;
        }
      }
      if (dropped) AORTA_RETURN_IF_ERROR(ChooseExternal());
    }
    // Every loaded tensor has its rows from the start; its DMA runs when its segment starts.
    for (const BoundTensor& b : loads_)
      if (!places_.count(b.value)) AORTA_RETURN_IF_ERROR(Place(b.value));
    AORTA_RETURN_IF_ERROR(CheckUb("the inputs", ""));
    AORTA_RETURN_IF_ERROR(EmitLoads(0));
    for (size_t step = 0; step < order_.size(); ++step) {
      const ir::Node& node = graph.nodes[order_[step]];
      while (segment_ < SegmentOf(node)) AORTA_RETURN_IF_ERROR(NextSegment());
      AORTA_RETURN_IF_ERROR(Layer(node).WithContext(node.Describe()));
      for (const std::string& v : dying_[step]) Release(v);
    }
    while (segment_ + 1 < options_.segments) AORTA_RETURN_IF_ERROR(NextSegment());
    return Assemble();
  }

  // ---- Host fallback: run segments, loads and stores (CodegenOptions) ----

  uint32_t SegmentOf(const ir::Node& node) const {
    auto it = options_.node_segment.find(node.name);
    return it == options_.node_segment.end() ? 0 : it->second;
  }

  // Loads and stores (by default every graph input / output under its own name); each load's
  // segment: the first one that reads it. Nodes run in segment order.
  Status Boundaries() {
    const ir::Graph& graph = q_.graph;
    loads_ = options_.loads;
    stores_ = options_.stores;
    if (loads_.empty() && stores_.empty()) {
      for (const std::string& v : graph.inputs) {
        AORTA_ASSIGN_OR_RETURN(Shape s, ShapeOf(graph, v));
        loads_.push_back({v, v, s, false, false});
      }
      for (const std::string& v : graph.outputs) {
        AORTA_ASSIGN_OR_RETURN(Shape s, ShapeOf(graph, v));
        stores_.push_back({v, v, s, false, false});
      }
    }
    for (const std::string& v : graph.inputs)
      if (std::none_of(loads_.begin(), loads_.end(), [&](const auto& b) { return b.value == v; }))
        return Internal("graph input '{}' is not loaded", v);
    for (const std::string& v : graph.outputs)
      if (std::none_of(stores_.begin(), stores_.end(), [&](const auto& b) { return b.value == v; }))
        return Internal("graph output '{}' is not stored", v);
    if (options_.segments == 0) return Internal("no run segment");
    for (const ir::Node& node : graph.nodes)
      if (SegmentOf(node) >= options_.segments)
        return Internal("node '{}' in segment {} of {}", node.name, SegmentOf(node),
                        options_.segments);
    std::stable_sort(order_.begin(), order_.end(), [&](size_t a, size_t b) {
      return SegmentOf(graph.nodes[a]) < SegmentOf(graph.nodes[b]);
    });
    for (const BoundTensor& b : loads_) {
      uint32_t first = options_.segments;
      for (const ir::Node* r : graph.Consumers(b.value)) first = std::min(first, SegmentOf(*r));
      // Read by no node but stored (a multi-chip stage forwarding it): with the last node.
      if (first == options_.segments &&
          std::any_of(stores_.begin(), stores_.end(),
                      [&](const auto& s) { return s.value == b.value; }))
        for (const ir::Node& node : graph.nodes)
          first = first == options_.segments ? SegmentOf(node) : std::max(first, SegmentOf(node));
      load_segment_.push_back(first == options_.segments ? 0 : first);
      if (b.pixel_major) pixel_major_.insert(b.value);
    }
    for (const BoundTensor& b : stores_)
      if (b.pixel_major) pixel_major_.insert(b.value);
    seg_loads_.assign(options_.segments, {});
    seg_start_.assign(options_.segments, 0);
    return Status::Ok();
  }

  // One DMA of all of a tensor's rows (channel-blocked), or one per channel block with stride C
  // (pixel-major NHWC bytes: row_bytes = the block's channels).
  template <typename Dma>
  std::vector<isa::Insn> BoundDmas(const TensorPlace& t, bool pixel_major, uint32_t slot,
                                   uint64_t offset) const {
    if (!pixel_major) {
      Dma d = std::get<Dma>(WholeDma(Dma{}, t, slot));
      d.ext_offset = offset;
      return {isa::Insn{d}};
    }
    std::vector<isa::Insn> out;
    const auto c = static_cast<uint64_t>(t.c);
    for (uint32_t blk = 0; blk < t.blocks; ++blk) {
      Dma d;
      d.slot = slot;
      d.mem = isa::Mem::kUb;
      d.ext_offset = offset + uint64_t{blk} * g_.n;
      d.ext_stride = static_cast<uint32_t>(c);
      d.chip_addr = static_cast<uint32_t>(t.addr + blk * t.plane());
      d.rows = static_cast<uint32_t>(t.plane());
      d.row_bytes = static_cast<uint32_t>(std::min<uint64_t>(g_.n, c - uint64_t{blk} * g_.n));
      out.push_back(isa::Insn{d});
    }
    return out;
  }

  Status EmitLoads(uint32_t segment) {
    seg_start_[segment] = stream_.size();
    for (size_t i = 0; i < loads_.size(); ++i) {
      if (load_segment_[i] != segment || IsExternal(loads_[i].value) ||
          direct_.count(Root(loads_[i].value)))
        continue;
      AORTA_ASSIGN_OR_RETURN(TensorPlace t, Find(loads_[i].value));
      for (isa::Insn& insn :
           BoundDmas<isa::DmaLoad>(t, loads_[i].pixel_major, static_cast<uint32_t>(i), 0))
        seg_loads_[segment].push_back(stream_.Add(std::move(insn)));
    }
    return Status::Ok();
  }

  // HALT ends the segment (the runtime runs host ops, then starts the next one).
  Status NextSegment() {
    stream_.Add(isa::Halt{});
    ++segment_;
    return EmitLoads(segment_);
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

  // Wide outputs (CodegenOptions::wide_outputs): each model output that a Conv / Gemm computes
  // with no residual and no activation, that is stored once and that no other chip layer reads.
  Status ChooseWide() {
    if (!options_.wide_outputs) return Status::Ok();
    const ir::Graph& graph = q_.graph;
    for (size_t i = 0; i < stores_.size(); ++i) {
      if (stores_[i].intermediate) continue;
      const std::string root = Root(stores_[i].value);
      if (std::count_if(stores_.begin(), stores_.end(),
                        [&](const BoundTensor& b) { return Root(b.value) == root; }) != 1)
        continue;
      const ir::Node* producer = nullptr;
      bool read_on_chip = false;
      for (const ir::Node& node : graph.nodes) {
        if (IsLayout(node)) continue;
        if (!node.outputs.empty() && node.outputs[0] == root) producer = &node;
        for (const std::string& v : node.inputs)
          if (!v.empty() && !graph.IsInitializer(v) && Root(v) == root) read_on_chip = true;
      }
      // A pre-quantized graph that quantizes the output (FoldQdq) fixes its int8 values.
      if (producer == nullptr || read_on_chip || !passes::IsFusedOp(*producer) ||
          producer->HasInput(passes::kResidualInput) ||
          producer->HasAttribute(passes::kQActPrefix + root))
        continue;
      const std::string base = passes::BaseOpType(*producer);
      if (base != "Conv" && base != "Gemm") continue;
      AORTA_ASSIGN_OR_RETURN(std::optional<passes::Activation> act,
                             passes::FusedActivation(*producer));
      auto op = q_.ops.find(producer->name);
      if (act || op == q_.ops.end() ||
          !std::holds_alternative<quant::QuantizedMatrixOp>(op->second))
        continue;
      wide_[root] = WideOut{i, &std::get<quant::QuantizedMatrixOp>(op->second)};
    }
    return Status::Ok();
  }

  // Direct packed inputs (CodegenOptions::direct_inputs): each model input (channel-blocked, not
  // an intermediate) that only one convolution reads, whose taps pack with the input bound in the
  // packed layout at a lower estimate than packed with staging or unpacked, both after the
  // input's DMA into the UB (one cycle a row).
  Status ChooseDirect() {
    if (!options_.direct_inputs) return Status::Ok();
    const ir::Graph& graph = q_.graph;
    for (const BoundTensor& b : loads_) {
      if (b.intermediate || b.pixel_major || Root(b.value) != b.value) continue;
      if (std::find(graph.outputs.begin(), graph.outputs.end(), b.value) != graph.outputs.end())
        continue;
      const std::vector<const ir::Node*> readers = graph.Consumers(b.value);
      if (readers.size() != 1 || IsLayout(*readers[0]) || readers[0]->inputs.at(0) != b.value)
        continue;
      const ir::Node& node = *readers[0];
      AORTA_ASSIGN_OR_RETURN(NodeOperands o, OperandsOf(node));
      if (o.in != b.value || !o.in2.empty() || wide_.count(Root(o.out))) continue;
      AORTA_ASSIGN_OR_RETURN(std::optional<passes::Activation> act, passes::FusedActivation(node));
      bool bare_output = false;
      for (const std::string& v : graph.outputs)
        if (!act && Root(v) == Root(o.out)) bare_output = true;
      if (bare_output) continue;
      AORTA_ASSIGN_OR_RETURN(TensorPlace in, Dims(b.value));
      AORTA_ASSIGN_OR_RETURN(TensorPlace out, Dims(o.out));
      if (out.rows() >= g_.ub_rows) continue;
      const uint64_t free_rows = g_.ub_rows - out.rows();
      const DmaCost dma = DmaCostOf(chip_);
      AORTA_ASSIGN_OR_RETURN(std::optional<TapPacking> direct,
                             PlanTapPacking(q_, g_, node, in, out, free_rows, dma, true));
      if (!direct) continue;
      AORTA_ASSIGN_OR_RETURN(std::optional<TapPacking> staged,
                             PlanTapPacking(q_, g_, node, in, out, free_rows, dma));
      const uint64_t alt = staged ? staged->est_cycles : direct->unpacked_cycles;
      if (direct->est_cycles < alt + in.rows()) direct_[b.value] = *direct;
    }
    return Status::Ok();
  }

  // The buffers a wide layer's accumulator rows go to (none for other layers).
  std::vector<WideSink> WideSinks(const std::string& value) const {
    auto it = wide_.find(Root(value));
    if (it == wide_.end()) return {};
    return {WideSink{static_cast<uint32_t>(loads_.size() + it->second.store), 0,
                     stores_[it->second.store].pixel_major}};
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
    auto it = dims_.find(v);
    if (it != dims_.end()) return it->second;
    AORTA_ASSIGN_OR_RETURN(Shape s, ShapeOf(q_.graph, v));
    AORTA_ASSIGN_OR_RETURN(BlockedDims d, BlockedDimsOf(s));
    TensorPlace p;
    p.c = d.c;
    p.h = d.h;
    p.w = d.w;
    p.blocks = Blocks(d.c, g_.n);
    dims_[v] = p;
    return p;
  }

  bool IsExternal(const std::string& v) const { return external_.count(Root(v)) > 0; }

  // The DMA slot of a graph input or output, if v (or a value aliasing it) is one.
  std::optional<uint32_t> IoSlot(const std::string& v) const {
    for (size_t i = 0; i < loads_.size(); ++i)
      if (Root(loads_[i].value) == Root(v)) return static_cast<uint32_t>(i);
    for (size_t i = 0; i < stores_.size(); ++i)
      if (Root(stores_[i].value) == Root(v)) return static_cast<uint32_t>(loads_.size() + i);
    return std::nullopt;
  }
  uint32_t SlotOf(const std::string& v) const { return IoSlot(v).value_or(scratch_slot_); }

  // A value's storage: UB rows, or (external) its input / output buffer or scratch rows in DRAM.
  Status Place(const std::string& v) {
    AORTA_ASSIGN_OR_RETURN(TensorPlace p, Dims(v));
    if (IsExternal(v)) {
      ExtHome home{SlotOf(v), 0};
      if (!IoSlot(v)) {
        const uint64_t row = scratch_.Allocate(p.rows());
        scratch_rows_[v] = row;
        home.offset = row * g_.n;
      }
      homes_[v] = home;
    } else if (!wide_.count(Root(v)) && !direct_.count(Root(v))) {
      // (a wide output never goes through the UB, nor a direct input)
      p.addr = ub_.Allocate(p.rows());
    }
    places_[v] = p;
    return Status::Ok();
  }

  void Release(const std::string& v) {
    auto it = places_.find(v);
    if (it == places_.end()) return;
    if (wide_.count(Root(v)) || direct_.count(Root(v))) return;
    if (!IsExternal(v)) {
      ub_.Free(it->second.addr);
    } else if (auto s = scratch_rows_.find(v); s != scratch_rows_.end()) {
      scratch_.Free(s->second);
    }
  }

  // The tensor of value v (an alias shares its root's storage).
  Result<TensorPlace> Find(const std::string& v) {
    auto it = places_.find(Root(v));
    if (it == places_.end()) return Internal("value '{}' has no place in the unified buffer", v);
    AORTA_ASSIGN_OR_RETURN(TensorPlace p, Dims(v));
    p.addr = it->second.addr;
    return p;
  }

  Result<Operand> OperandOf(const std::string& v) {
    Operand o;
    AORTA_ASSIGN_OR_RETURN(o.t, Find(v));
    o.present = true;
    if (IsExternal(v)) o.ext = homes_.at(Root(v));
    return o;
  }

  // A whole tensor, row for row, between its UB rows and its buffer.
  template <typename Dma>
  isa::Insn WholeDma(Dma insn, const TensorPlace& t, uint32_t slot) const {
    insn.slot = slot;
    insn.mem = isa::Mem::kUb;
    insn.ext_stride = g_.n;
    insn.chip_addr = static_cast<uint32_t>(t.addr);
    insn.rows = static_cast<uint32_t>(t.rows());
    insn.row_bytes = g_.n;
    return isa::Insn{insn};
  }

  Status CheckUb(const std::string& layer, const std::string& sizes) {
    if (ub_.end() <= g_.ub_rows) return Status::Ok();
    return Internal(
        "{}: the live activations{} need {} unified-buffer rows ({} bytes), chip '{}' has {} "
        "({} bytes), after choosing what to keep in DRAM",
        layer, sizes, ub_.end(), ub_.end() * g_.n, chip_.name(), g_.ub_rows, g_.ub_rows * g_.n);
  }

  // The operands of a chip layer: main input, second input (residual or element-wise b), output.
  struct NodeOperands {
    std::string in, in2, out;
  };
  Result<NodeOperands> OperandsOf(const ir::Node& node) {
    NodeOperands o;
    o.out = node.outputs.at(0);
    auto quantized = q_.ops.find(node.name);
    if (quantized != q_.ops.end() &&
        std::holds_alternative<quant::QuantizedMatrixOp>(quantized->second)) {
      o.in = node.inputs[0];
      if (node.HasInput(passes::kResidualInput)) o.in2 = node.inputs[passes::kResidualInput];
      return o;
    }
    const std::string& op = node.op_type;
    if (op == "MaxPool" || op == "AveragePool" || op == "GlobalAveragePool" || op == "Resize" ||
        op == "Upsample") {
      o.in = node.inputs[0];
      return o;
    }
    if (quantized == q_.ops.end() ||
        !std::holds_alternative<quant::QuantizedEltwise>(quantized->second))
      return Internal("{}: the quantizer gave it no form for this lowering", node.Describe());
    const quant::QuantizedEltwise& e = std::get<quant::QuantizedEltwise>(quantized->second);
    const bool binary = node.inputs.size() == 2 && op != "Clip";
    o.in = node.inputs[binary && e.swapped ? 1 : 0];
    if (binary && !e.b_const) o.in2 = node.inputs[e.swapped ? 0 : 1];
    return o;
  }

  // Which tensors live outside the unified buffer. Nothing when everything fits (the classic
  // one-chip program); otherwise, while some layer does not fit, the largest tensor that is in
  // the UB at that layer moves out (and the layers touching it are tiled).
  Status ChooseExternal() {
    for (;;) {
      AORTA_ASSIGN_OR_RETURN(std::optional<std::vector<std::string>> live, SimulateUb());
      if (!live) return Status::Ok();
      std::string best;
      uint64_t best_rows = 0;
      for (const std::string& v : *live) {
        AORTA_ASSIGN_OR_RETURN(TensorPlace t, Dims(v));
        if (!external_.count(v) && !pixel_major_.count(Root(v)) && t.rows() > best_rows) {
          best = v;
          best_rows = t.rows();
        }
      }
      if (best.empty())
        return Unsupported(
            "the activations do not fit chip '{}' ({} unified-buffer rows) even with every "
            "tensor in DRAM: a tile of one output row does not fit",
            chip_.name(), g_.ub_rows);
      external_.insert(best);
    }
  }

  // Replays allocation with the current external set; the UB-resident values live at the first
  // layer that does not fit, or nothing when all fit.
  Result<std::optional<std::vector<std::string>>> SimulateUb() {
    const ir::Graph& graph = q_.graph;
    UbAllocator sim;
    std::map<std::string, uint64_t> live;
    auto alloc = [&](const std::string& v) -> Status {
      if (external_.count(v) || wide_.count(v) || direct_.count(v)) return Status::Ok();
      AORTA_ASSIGN_OR_RETURN(TensorPlace t, Dims(v));
      live[v] = sim.Allocate(t.rows());
      return Status::Ok();
    };
    auto names = [&]() {
      std::vector<std::string> out;
      for (const auto& [v, a] : live) out.push_back(v);
      return std::optional<std::vector<std::string>>(out);
    };
    for (const std::string& in : graph.inputs) AORTA_RETURN_IF_ERROR(alloc(in));
    if (sim.end() > g_.ub_rows) return names();
    for (size_t step = 0; step < order_.size(); ++step) {
      const ir::Node& node = graph.nodes[order_[step]];
      if (IsLayout(node)) continue;
      AORTA_ASSIGN_OR_RETURN(NodeOperands o, OperandsOf(node));
      AORTA_RETURN_IF_ERROR(alloc(o.out));
      bool tiled = false;
      for (const std::string* v : {&o.in, &o.in2, &o.out})
        if (!v->empty() && external_.count(Root(*v))) tiled = true;
      std::vector<uint64_t> temps;
      if (!tiled) {
        AORTA_ASSIGN_OR_RETURN(TensorPlace out, Dims(o.out));
        if (!o.in2.empty() && q_.ops.count(node.name) &&
            std::holds_alternative<quant::QuantizedMatrixOp>(q_.ops.at(node.name)))
          temps.push_back(sim.Allocate(out.rows()));
        if (q_.ops.count(quant::ActKey(node.name))) temps.push_back(sim.Allocate(out.rows()));
        AORTA_ASSIGN_OR_RETURN(std::optional<TensorPlace> z, ZeroInserted(node));
        if (z) temps.push_back(sim.Allocate(z->rows()));
        if (sim.end() > g_.ub_rows) return names();
      } else {
        TiledIo io;
        for (auto [name, op] : {std::pair{&o.in, &io.in}, {&o.in2, &io.in2}, {&o.out, &io.out}}) {
          if (name->empty()) continue;
          AORTA_ASSIGN_OR_RETURN(op->t, Dims(*name));
          op->present = true;
          if (external_.count(Root(*name))) op->ext = ExtHome{};
        }
        AORTA_ASSIGN_OR_RETURN(TileShape shape, TileShapeOf(q_, g_, node, io));
        if (sim.end() > g_.ub_rows || sim.LargestGap(g_.ub_rows).second < StagingRows(shape, io, 1))
          return names();
      }
      for (uint64_t t : temps) sim.Free(t);
      for (const std::string& v : dying_[step]) {
        auto it = live.find(v);
        if (it == live.end()) continue;
        sim.Free(it->second);
        live.erase(it);
      }
    }
    return std::optional<std::vector<std::string>>();
  }

  // The zero-inserted input of a ConvTranspose (EmitZeroInsert), without its address; nullopt for
  // other nodes.
  Result<std::optional<TensorPlace>> ZeroInserted(const ir::Node& node) {
    if (passes::BaseOpType(node) != "ConvTranspose") return std::optional<TensorPlace>();
    AORTA_ASSIGN_OR_RETURN(TensorPlace z, Dims(node.inputs[0]));
    AORTA_ASSIGN_OR_RETURN(reference::DeconvGeometry geo, NodeDeconv(q_.graph, node));
    z.h *= geo.strides[0];
    z.w *= geo.strides[1];
    return std::optional<TensorPlace>(z);
  }

  Status Layer(const ir::Node& node) {
    if (IsLayout(node)) return Status::Ok();
    const auto layer = static_cast<int32_t>(layers_.size());
    ConstantImage consts(g_.n);
    LowerContext ctx{q_, g_, consts, bank_, acc_half_};
    LayerCode code;
    const size_t first_op = stream_.size();
    AORTA_ASSIGN_OR_RETURN(NodeOperands o, OperandsOf(node));
    bool tiled = false;
    for (const std::string* v : {&o.in, &o.in2, &o.out})
      if (!v->empty() && IsExternal(*v)) tiled = true;
    LayerSummary s;
    bool packed = false;
    if (!tiled) {
      AORTA_ASSIGN_OR_RETURN(packed, LowerPacked(ctx, node, o, layer, code, s));
    }
    if (packed) {
      // Kernel taps packed into the array's rows (pack_taps.h): already in the stream.
    } else if (tiled) {
      AORTA_RETURN_IF_ERROR(Place(o.out));
      TiledIo io;
      AORTA_ASSIGN_OR_RETURN(io.in, OperandOf(o.in));
      if (!o.in2.empty()) {
        AORTA_ASSIGN_OR_RETURN(io.in2, OperandOf(o.in2));
      }
      AORTA_ASSIGN_OR_RETURN(io.out, OperandOf(o.out));
      // A wide output is never external (SimulateUb leaves it out): its tiles' accumulator rows
      // go straight to the output buffer.
      const std::vector<WideSink> wide = WideSinks(o.out);
      const auto [gap_addr, gap_rows] = ub_.LargestGap(g_.ub_rows);
      AORTA_ASSIGN_OR_RETURN(
          TiledStats t, LowerTiled(ctx, node, io, gap_addr, gap_rows, stream_, layer, code, wide));
      ub_.AllocateAt(gap_addr, t.staging_rows);
      ub_.Free(gap_addr);
      s.tiles = static_cast<uint32_t>(t.tiles);
      s.dram_bytes = t.dram_bytes;
    } else {
      AORTA_RETURN_IF_ERROR(LowerInUb(ctx, node, o, code));
      AccStores acc_stores;
      AddLayerCode(stream_, code.insns, {}, layer, g_, acc_stores);
    }
    bank_ = ctx.bank;
    acc_half_ = ctx.acc_half;
    // The layer's LUTs join the chip's tables (identical tables shared).
    std::vector<uint32_t> lut_map;
    for (const quant::Lut& t : consts.luts()) lut_map.push_back(luts_.AddLut(t));
    if (luts_.lut_tables() > g_.lut_rows)
      return Unsupported("layer '{}': the model needs {} LUT tables, chip '{}' has {}", node.name,
                         luts_.lut_tables(), chip_.name(), g_.lut_rows);
    for (size_t i = first_op; i < stream_.size(); ++i) RemapLut(stream_.op(i).insn, lut_map);
    s.name = node.name;
    s.op_type = OpLabel(node);
    s.macs = code.macs;
    s.weight_bytes = consts.wb_rows() * g_.n;
    s.est_cycles = std::max(code.cycles, s.dram_bytes / g_.n);
    s.passes = code.passes;
    s.perf_tag = static_cast<uint32_t>(layer);
    layers_.push_back(s);
    layer_consts_.push_back(std::move(consts));
    layer_out_.push_back(node.outputs.at(0));
    layer_segment_.push_back(segment_);
    perf_ops_.push_back(
        stream_.Add(isa::Perf{.deps = {},
                              .slot = perf_slot_,
                              .ext_offset = uint64_t{s.perf_tag} * regs::kSnapshotBytes,
                              .tag = s.perf_tag}));
    return Status::Ok();
  }

  // A convolution with few input channels whose operands are in the unified buffer: its kernel
  // taps packed into the array's rows (pack_taps.h) when that lowers the cycle estimate, with
  // the UB's largest free range for staging and a scratch region for the NHWC copy. False: not
  // packed (the caller lowers it as usual).
  Result<bool> LowerPacked(LowerContext& ctx, const ir::Node& node, const NodeOperands& o,
                           int32_t layer, LayerCode& code, LayerSummary& s) {
    if (o.in.empty() || !o.in2.empty()) return false;
    // A model output without an activation may be a wide output (its accumulator rows stored,
    // no POSTPROC): left to the usual lowering.
    AORTA_ASSIGN_OR_RETURN(std::optional<passes::Activation> act, passes::FusedActivation(node));
    for (const std::string& v : q_.graph.outputs)
      if (!act && Root(v) == Root(o.out)) return false;
    AORTA_ASSIGN_OR_RETURN(TensorPlace in, Find(o.in));
    AORTA_ASSIGN_OR_RETURN(TensorPlace out, Dims(o.out));
    const DmaCost dma = DmaCostOf(chip_);
    const uint64_t out_addr = ub_.Allocate(out.rows());
    const auto [gap_addr, gap_rows] = ub_.LargestGap(g_.ub_rows);
    ub_.Free(out_addr);
    auto direct = direct_.find(Root(o.in));
    const bool is_direct = direct != direct_.end();
    AORTA_ASSIGN_OR_RETURN(std::optional<TapPacking> p,
                           PlanTapPacking(q_, g_, node, in, out, gap_rows, dma, is_direct));
    if (!p && is_direct)
      return Internal("{}: its input is bound packed but its staging does not fit {} free rows",
                      node.Describe(), gap_rows);
    if (!p) return false;
    AORTA_RETURN_IF_ERROR(Place(o.out));
    AORTA_ASSIGN_OR_RETURN(out, Find(o.out));
    const auto [stage_addr, stage_rows] = ub_.LargestGap(g_.ub_rows);
    if (stage_rows < p->staging_rows())
      return Internal("{}: {} staging rows planned, {} free", node.Describe(), p->staging_rows(),
                      stage_rows);
    if (is_direct) {
      // The input buffer is the NHWC copy (bound with PackedRowsOf(*p, in) in Assemble).
      direct->second = *p;
      AORTA_ASSIGN_OR_RETURN(PackedStats st,
                             LowerPackedConv(ctx, node, *p, in, out, stage_addr,
                                             ExtHome{SlotOf(o.in), 0}, dma, stream_, layer, code));
      s.dram_bytes = st.dram_bytes;
      return true;
    }
    const uint64_t scratch_row = scratch_.Allocate((p->scratch_bytes + g_.n - 1) / g_.n);
    AORTA_ASSIGN_OR_RETURN(
        PackedStats st,
        LowerPackedConv(ctx, node, *p, in, out, stage_addr,
                        ExtHome{scratch_slot_, scratch_row * g_.n}, dma, stream_, layer, code));
    scratch_.Free(scratch_row);
    s.dram_bytes = st.dram_bytes;
    return true;
  }

  // A layer whose operands are all in the unified buffer: the whole tensors at once.
  Status LowerInUb(LowerContext& ctx, const ir::Node& node, const NodeOperands& o,
                   LayerCode& code) {
    const std::string& out_name = o.out;
    AORTA_RETURN_IF_ERROR(Place(out_name));
    AORTA_ASSIGN_OR_RETURN(TensorPlace out, Find(out_name));
    LayerIo io;
    io.out = &out;
    TensorPlace in, in2, temp;
    std::optional<uint64_t> temp_addr, sum_addr, zins_addr;
    AORTA_ASSIGN_OR_RETURN(in, Find(o.in));
    io.in = &in;
    if (!o.in2.empty()) {
      AORTA_ASSIGN_OR_RETURN(in2, Find(o.in2));
      io.in2 = &in2;
    }
    const std::string layer_name = fmt::format("layer '{}' ({})", node.name, node.op_type);
    auto quantized = q_.ops.find(node.name);
    if (quantized != q_.ops.end() &&
        std::holds_alternative<quant::QuantizedMatrixOp>(quantized->second)) {
      if (node.HasInput(passes::kResidualInput)) {
        temp = out;
        temp.addr = ub_.Allocate(out.rows());
        temp_addr = temp.addr;
        io.temp = &temp;
      }
      AORTA_RETURN_IF_ERROR(
          CheckUb(layer_name, fmt::format(" (its output {}x{}x{})", out.c, out.h, out.w)));
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
            layer_name,
            fmt::format(" (its output {}x{}x{} and two temporaries)", out.c, out.h, out.w)));
      }
      // ConvTranspose: the convolution of its input with zeros inserted, in a temporary.
      AORTA_ASSIGN_OR_RETURN(std::optional<TensorPlace> zins, ZeroInserted(node));
      if (zins) {
        zins->addr = ub_.Allocate(zins->rows());
        zins_addr = zins->addr;
        AORTA_RETURN_IF_ERROR(CheckUb(
            layer_name, fmt::format(" (its output {}x{}x{} and its input with zeros inserted)",
                                    out.c, out.h, out.w)));
        const auto& m = std::get<quant::QuantizedMatrixOp>(quantized->second);
        AORTA_RETURN_IF_ERROR(EmitZeroInsert(ctx, node, in, *zins, m.in.zero_point, code));
        io.in = &*zins;
      }
      AORTA_RETURN_IF_ERROR(LowerMatrix(ctx, node, io, code, WideSinks(out_name)));
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
      AORTA_RETURN_IF_ERROR(
          CheckUb(layer_name, fmt::format(" (its output {}x{}x{})", out.c, out.h, out.w)));
      const std::string& op = node.op_type;
      if (op == "MaxPool" || op == "AveragePool" || op == "GlobalAveragePool") {
        AORTA_RETURN_IF_ERROR(LowerPool(ctx, node, io, code));
      } else if (op == "Resize" || op == "Upsample") {
        AORTA_RETURN_IF_ERROR(LowerResize(ctx, node, io, code));
      } else {
        AORTA_RETURN_IF_ERROR(LowerEltwise(ctx, node, io, code));
      }
    }
    if (temp_addr) ub_.Free(*temp_addr);
    if (sum_addr) ub_.Free(*sum_addr);
    if (zins_addr) ub_.Free(*zins_addr);
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

  // Which layers' constants are pinned (loaded once by the init stream) and which are streamed
  // from DRAM on every inference: everything is pinned when it fits; otherwise two halves of a
  // WB and a PARAM region are kept for streaming and the largest layers are pinned first in what
  // is left.
  struct ConstantPlan {
    std::vector<bool> pinned;
    uint64_t wb_half = 0, param_half = 0;
  };
  Result<ConstantPlan> PlanConstants() {
    ConstantPlan plan;
    const size_t count = layer_consts_.size();
    plan.pinned.assign(count, true);
    uint64_t total_wb = 0, total_param = 0, max_wb = 0, max_param = 0;
    size_t widest = 0;  // the layer with the most PARAM rows
    for (size_t l = 0; l < count; ++l) {
      const ConstantImage& c = layer_consts_[l];
      total_wb += c.wb_rows();
      total_param += c.param_rows();
      max_wb = std::max(max_wb, c.wb_rows());
      if (c.param_rows() > max_param) widest = l;
      max_param = std::max(max_param, c.param_rows());
    }
    if (total_wb <= g_.wb_rows && total_param <= g_.param_rows) return plan;
    plan.wb_half = std::min(max_wb, g_.wb_rows / 4);
    plan.param_half = max_param;
    if (2 * plan.param_half > g_.param_rows)
      return Unsupported(
          "layer '{}' ({}): its parameters need {} PARAM rows; the model's constants do not fit "
          "on chip and streaming them needs two halves of that, chip '{}' has {} PARAM rows",
          layers_[widest].name, layers_[widest].op_type, max_param, chip_.name(), g_.param_rows);
    const uint64_t cap_wb = g_.wb_rows - 2 * plan.wb_half;
    const uint64_t cap_param = g_.param_rows - 2 * plan.param_half;
    std::vector<size_t> by_size(count);
    for (size_t l = 0; l < count; ++l) by_size[l] = l;
    std::stable_sort(by_size.begin(), by_size.end(), [&](size_t a, size_t b) {
      return layer_consts_[a].wb_rows() > layer_consts_[b].wb_rows();
    });
    uint64_t used_wb = 0, used_param = 0;
    for (size_t l : by_size) {
      const ConstantImage& c = layer_consts_[l];
      if (c.wb_rows() == 0 && c.param_rows() == 0) continue;
      if (used_wb + c.wb_rows() <= cap_wb && used_param + c.param_rows() <= cap_param) {
        used_wb += c.wb_rows();
        used_param += c.param_rows();
      } else {
        plan.pinned[l] = false;
      }
    }
    // The halves only need to hold what is streamed.
    uint64_t wb_half = 0, param_half = 0;
    for (size_t l = 0; l < count; ++l) {
      if (plan.pinned[l]) continue;
      wb_half = std::max(wb_half, std::min(layer_consts_[l].wb_rows(), plan.wb_half));
      param_half = std::max(param_half, layer_consts_[l].param_rows());
    }
    plan.wb_half = wb_half;
    plan.param_half = param_half;
    return plan;
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

    // Each loaded / stored tensor: a host buffer in its own slot (slot = its IoSlot) and a
    // binding, a model input / output or an intermediate exchanged with host ops. Its DMAs move
    // all its rows (channel-blocked, as PackTensor lays it out) or, pixel-major, one channel block
    // each, unless it is external (the tiled layers read / write the buffer directly). A store
    // runs right after the layer computing the tensor, before that layer's PERF barrier.
    auto bind = [&](const BoundTensor& b, bool input, size_t i) -> Status {
      AORTA_ASSIGN_OR_RETURN(TensorPlace t, Find(b.value));
      const std::string kind = input ? (b.intermediate ? "from_host" : "input")
                                     : (b.intermediate ? "to_host" : "output");
      const std::string buf = fmt::format("{}{}", kind, i);
      const auto slot = static_cast<uint32_t>(input ? i : loads_.size() + i);
      auto wide = input ? wide_.end() : wide_.find(Root(b.value));
      const uint64_t elem_bytes = wide != wide_.end() ? 4 : 1;
      const uint64_t elems =
          b.pixel_major ? static_cast<uint64_t>(t.c * t.h * t.w) : t.blocks * t.plane() * n;
      const uint64_t bytes = elems * elem_bytes;
      if (b.pixel_major && static_cast<uint64_t>(ElementCount(b.shape)) != elems)
        return Internal("NHWC binding '{}' {} does not hold '{}'", b.name, ShapeToString(b.shape),
                        b.value);
      // A direct packed input: in board DRAM, in its convolution's packed layout.
      auto direct = input ? direct_.find(Root(b.value)) : direct_.end();
      std::optional<program::PackedRows> packed;
      if (direct != direct_.end()) packed = PackedRowsOf(direct->second, t);
      AddBuffer(c, buf, input ? program::BUFFER_INPUT : program::BUFFER_OUTPUT,
                packed ? program::LOCATION_DRAM : program::LOCATION_HOST, slot,
                packed ? packed->size() : bytes);
      const quant::QParams& qp = q_.act.at(Root(b.value));
      program::TensorBinding tb = Int8BlockedBinding(b.name, b.shape, qp.scale, qp.zero_point, buf);
      if (b.pixel_major) tb.set_layout(program::LAYOUT_ROW_MAJOR);
      if (packed) {
        tb.set_layout(program::LAYOUT_PACKED_ROWS);
        *tb.mutable_packed_rows() = *packed;
      }
      if (wide != wide_.end()) {
        // The accumulator: x = (q + folded_bias[c]) * s_in * s_w[c] (program.proto ChannelQuant).
        const quant::QuantizedMatrixOp& m = *wide->second.op;
        tb.set_dtype(program::DTYPE_I32);
        tb.clear_quant();
        program::ChannelQuant* cq = tb.mutable_channel_quant();
        for (int64_t ch = 0; ch < m.out_c; ++ch) {
          cq->add_scale(m.in.scale * m.w_scale[static_cast<size_t>(ch)]);
          cq->add_bias(m.folded_bias[static_cast<size_t>(ch)]);
        }
        r.wide_outputs.push_back(b.name);
      }
      *(b.intermediate ? p.add_intermediates() : input ? p.add_inputs() : p.add_outputs()) = tb;
      if (!IsExternal(b.value) && wide == wide_.end() && !packed) r.est_cycles += t.rows();
      return Status::Ok();
    };
    for (size_t i = 0; i < loads_.size(); ++i) AORTA_RETURN_IF_ERROR(bind(loads_[i], true, i));
    // The last EX instruction of each layer, and the layer computing each value.
    std::vector<size_t> last_ex(layers_.size(), 0);
    for (size_t l = 0, i = 0; l < layers_.size(); ++l)
      for (; i < perf_ops_[l]; ++i)
        if (isa::QueueOf(stream_.op(i).insn) == isa::Queue::kEx) last_ex[l] = i;
    std::map<std::string, size_t> made_by;
    for (size_t l = 0; l < layers_.size(); ++l) made_by[layer_out_[l]] = l;
    std::vector<std::pair<std::optional<size_t>, StreamOp>> stores;
    auto store_after = [&](size_t l, std::vector<isa::Insn> insns) {
      for (isa::Insn& insn : insns)
        stores.push_back({perf_ops_[l] - 1, StreamOp{std::move(insn), {last_ex[l]}, -1}});
    };
    // A loaded value that no layer makes but a store passes on (a multi-chip stage forwarding
    // it): no EX instruction orders its store after its load, so such stores, and the last
    // layer's (in the order given), follow the last layer's PERF barrier.
    auto loaded = [&](const std::string& v) {
      return std::any_of(loads_.begin(), loads_.end(), [&](const auto& l) { return l.value == v; });
    };
    const bool forwards = std::any_of(stores_.begin(), stores_.end(), [&](const BoundTensor& b) {
      return !made_by.count(Root(b.value)) && loaded(b.value);
    });
    for (size_t i = 0; i < stores_.size(); ++i) {
      const BoundTensor& b = stores_[i];
      AORTA_RETURN_IF_ERROR(bind(b, false, i));
      if (IsExternal(b.value) || wide_.count(Root(b.value))) continue;  // stored by its layer
      AORTA_ASSIGN_OR_RETURN(TensorPlace t, Find(b.value));
      auto it = made_by.find(Root(b.value));
      const size_t l = it != made_by.end() ? it->second : layers_.size() - 1;
      std::vector<isa::Insn> dmas =
          BoundDmas<isa::DmaStore>(t, b.pixel_major, static_cast<uint32_t>(loads_.size() + i), 0);
      if (forwards && l + 1 == layers_.size()) {
        for (isa::Insn& insn : dmas)
          stores.push_back({perf_ops_[l], StreamOp{std::move(insn), {}, -1}});
      } else {
        store_after(l, std::move(dmas));
      }
    }
    // --report: every layer's output (in the UB) also to the probe buffer.
    if (options_.probe_layers) {
      const uint32_t probe_slot = scratch_slot_ + 1;
      uint64_t probe_bytes = 0;
      for (size_t l = 0; l < layers_.size(); ++l) {
        if (IsExternal(layer_out_[l]) || wide_.count(layer_out_[l])) continue;
        AORTA_ASSIGN_OR_RETURN(TensorPlace t, Find(layer_out_[l]));
        AORTA_ASSIGN_OR_RETURN(Shape shape, ShapeOf(graph, layer_out_[l]));
        const quant::QParams& qp = q_.act.at(layer_out_[l]);
        program::TensorBinding tb =
            Int8BlockedBinding(layer_out_[l], shape, qp.scale, qp.zero_point, kProbeBuffer);
        tb.set_offset(probe_bytes);
        r.probes.push_back(tb);
        store_after(l, BoundDmas<isa::DmaStore>(t, false, probe_slot, probe_bytes));
        probe_bytes += t.rows() * n;
      }
      AddBuffer(c, kProbeBuffer, program::BUFFER_OUTPUT, program::LOCATION_HOST, probe_slot,
                std::max<uint64_t>(probe_bytes, 1));
    }
    // The first computation of each segment waits for the segment's loads.
    for (uint32_t seg = 0; seg < options_.segments; ++seg) {
      for (size_t i = seg_start_[seg]; i < stream_.size(); ++i) {
        if (isa::OpcodeOf(stream_.op(i).insn) == isa::Opcode::kHalt) break;
        if (isa::QueueOf(stream_.op(i).insn) != isa::Queue::kEx) continue;
        for (size_t l : seg_loads_[seg]) stream_.op(i).after.push_back(l);
        break;
      }
    }
    stream_.Insert(std::move(stores));
    for (const LayerSummary& s : layers_) {
      program::LayerInfo* li = p.add_layers();
      li->set_name(s.name);
      li->set_op_type(s.op_type);
      li->set_macs(s.macs);
      li->set_chip(0);
      li->set_perf_tag(s.perf_tag);
      li->set_segment(layer_segment_[static_cast<size_t>(&s - layers_.data())]);
    }

    // Constants: pinned layers at fixed WB / PARAM rows, streamed ones in the DRAM buffer.
    AORTA_ASSIGN_OR_RETURN(ConstantPlan plan, PlanConstants());
    std::string pinned_wb, pinned_param, streamed;
    std::vector<StreamedLayer> streamed_layers;
    std::vector<int32_t> stream_index(layer_consts_.size(), -1);
    uint64_t wb_rows = 0, param_rows = 0;
    std::vector<int64_t> wb_base(layer_consts_.size(), 0), param_base(layer_consts_.size(), 0);
    for (size_t l = 0; l < layer_consts_.size(); ++l) {
      const ConstantImage& k = layer_consts_[l];
      if (plan.pinned[l]) {
        wb_base[l] = static_cast<int64_t>(wb_rows);
        param_base[l] = static_cast<int64_t>(param_rows);
        wb_rows += k.wb_rows();
        param_rows += k.param_rows();
        pinned_wb += k.WbBytes();
        pinned_param += k.ParamBytes();
      } else {
        stream_index[l] = static_cast<int32_t>(streamed_layers.size());
        layers_[l].streamed = true;
        StreamedLayer sl;
        sl.wb_rows = k.wb_rows();
        sl.param_rows = k.param_rows();
        streamed_layers.push_back(sl);
      }
    }
    if (wb_rows + 2 * plan.wb_half > g_.wb_rows || param_rows + 2 * plan.param_half > g_.param_rows)
      return Internal("constant plan exceeds the chip's WB / PARAM memories");
    const uint64_t lut_offset = pinned_wb.size() + pinned_param.size();
    const uint64_t streamed_offset = lut_offset + 256 * luts_.lut_tables();
    for (size_t l = 0; l < layer_consts_.size(); ++l) {
      if (stream_index[l] < 0) continue;
      StreamedLayer& sl = streamed_layers[static_cast<size_t>(stream_index[l])];
      sl.wb_offset = streamed_offset + streamed.size();
      streamed += layer_consts_[l].WbBytes();
      sl.param_offset = streamed_offset + streamed.size();
      streamed += layer_consts_[l].ParamBytes();
    }
    for (StreamOp& op : stream_.ops()) {
      if (op.layer < 0) continue;
      const auto l = static_cast<size_t>(op.layer);
      if (stream_index[l] >= 0) {
        op.layer = stream_index[l];
      } else {
        RelocateConstants(op.insn, wb_base[l], param_base[l]);
        op.layer = -1;
      }
    }
    WeightStreamConfig wsc;
    wsc.slot = const_slot_;
    wsc.n = n;
    wsc.wb_base = wb_rows;
    wsc.wb_half = plan.wb_half;
    wsc.param_base = param_rows;
    wsc.param_half = plan.param_half;
    AORTA_ASSIGN_OR_RETURN(WeightStreamStats ws, StreamWeights(stream_, streamed_layers, wsc));
    stream_.Add(isa::Halt{});
    AORTA_RETURN_IF_ERROR(SplitTransfers(stream_, g_).status());
    AORTA_RETURN_IF_ERROR(stream_.AssignTokens(g_.token_capacity));

    // Init stream: pin WB, PARAM and LUT from the constant buffer.
    std::vector<isa::Insn> init;
    std::string bytes = pinned_wb + pinned_param;
    for (const quant::Lut& t : luts_.luts())
      bytes.append(reinterpret_cast<const char*>(t.data()), t.size());
    bytes += streamed;
    auto pin = [&](isa::Mem mem, uint64_t offset, uint64_t rows, uint32_t row_bytes) {
      if (rows == 0) return;
      isa::DmaLoad d;
      d.slot = const_slot_;
      d.mem = mem;
      d.ext_offset = offset;
      d.ext_stride = row_bytes;
      d.rows = static_cast<uint32_t>(rows);
      d.row_bytes = row_bytes;
      init.push_back(d);
    };
    pin(isa::Mem::kWb, 0, wb_rows, n);
    pin(isa::Mem::kParam, pinned_wb.size(), param_rows, 4 * n);
    pin(isa::Mem::kLut, lut_offset, luts_.lut_tables(), 256);
    init.push_back(isa::Halt{});
    if (!bytes.empty()) {
      program::Buffer* b = AddBuffer(c, "constants", program::BUFFER_CONSTANT,
                                     program::LOCATION_DRAM, const_slot_, bytes.size());
      b->set_data(bytes);
    }
    AddBuffer(c, "perf", program::BUFFER_PERF, program::LOCATION_HOST, perf_slot_,
              uint64_t{regs::kSnapshotBytes} * layers_.size());
    if (scratch_.peak() > 0)
      AddBuffer(c, "scratch", program::BUFFER_SCRATCH, program::LOCATION_DRAM, scratch_slot_,
                scratch_.peak() * n);
    AORTA_ASSIGN_OR_RETURN(std::string init_bytes, isa::EncodeStreamString(init));
    c->set_init_stream(init_bytes);
    // One run segment per HALT.
    std::vector<isa::Insn> segment;
    for (isa::Insn& insn : stream_.Instructions()) {
      const bool halt = isa::OpcodeOf(insn) == isa::Opcode::kHalt;
      segment.push_back(std::move(insn));
      if (!halt) continue;
      AORTA_ASSIGN_OR_RETURN(std::string run_bytes, isa::EncodeStreamString(segment));
      c->add_run_segments(run_bytes);
      segment.clear();
    }
    // A chip part whose results all go to host ops has no outputs yet: the compiler validates
    // it once the host ops are in (compiler/compile.cc).
    if (p.outputs_size() > 0 || p.intermediates_size() == 0)
      AORTA_RETURN_IF_ERROR(ValidateProgram(p).WithContext("generated program"));

    for (LayerSummary& s : layers_) {
      r.macs += s.macs;
      r.est_cycles += s.est_cycles;
      if (s.streamed) ++r.streamed_layers;
      if (s.tiles > 0) ++r.tiled_layers;
      r.dram_activation_bytes += s.dram_bytes;
    }
    r.layers = layers_;
    r.weight_bytes = wb_rows * n;
    r.param_bytes = param_rows * 4 * n;
    r.streamed_weight_bytes = ws.wb_bytes;
    r.streamed_param_bytes = ws.param_bytes;
    r.lut_tables = static_cast<uint32_t>(luts_.lut_tables());
    r.ub_peak_rows = ub_.peak();
    r.scratch_bytes = scratch_.peak() * n;
    return r;
  }

  const quant::QuantizedGraph& q_;
  const ChipConfig& chip_;
  const CodegenOptions& options_;
  ChipGeometry g_;
  ConstantImage luts_;  // the chip's LUT tables (the layers' constants are in layer_consts_)
  std::vector<ConstantImage> layer_consts_;
  UbAllocator ub_;
  UbAllocator scratch_;  // rows of N bytes in the SCRATCH buffer
  uint32_t bank_ = 0, acc_half_ = 0;
  uint32_t const_slot_ = 0, perf_slot_ = 0, scratch_slot_ = 0;
  std::vector<size_t> order_;
  std::map<std::string, std::string> alias_;  // layout op output -> the value owning the rows
  std::vector<std::vector<std::string>> dying_;
  std::map<std::string, TensorPlace> places_, dims_;
  std::set<std::string> external_;  // values (roots) outside the unified buffer
  struct WideOut {
    size_t store;                        // index into stores_
    const quant::QuantizedMatrixOp* op;  // the layer computing it
  };
  std::map<std::string, WideOut> wide_;       // wide outputs (roots), ChooseWide
  std::map<std::string, TapPacking> direct_;  // direct packed inputs, ChooseDirect / LowerPacked
  std::map<std::string, ExtHome> homes_;
  std::map<std::string, uint64_t> scratch_rows_;
  std::vector<LayerSummary> layers_;
  RunStream stream_;
  std::vector<size_t> perf_ops_;
  // Host fallback (CodegenOptions): what is loaded / stored, the segments.
  std::vector<BoundTensor> loads_, stores_;
  std::vector<uint32_t> load_segment_;          // per load
  std::set<std::string> pixel_major_;           // values bound in NHWC order (stay in the UB)
  std::vector<std::vector<size_t>> seg_loads_;  // per segment: its load DMAs' positions
  std::vector<size_t> seg_start_;               // per segment: its first position
  uint32_t segment_ = 0;
  std::vector<std::string> layer_out_;  // per layer: the value it computes
  std::vector<uint32_t> layer_segment_;
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
