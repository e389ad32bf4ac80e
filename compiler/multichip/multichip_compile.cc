#include "compiler/multichip/multichip_compile.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "compiler/calibration.h"
#include "compiler/codegen/codegen.h"
#include "compiler/onnx_import.h"
#include "compiler/partition.h"
#include "compiler/passes/graph_edit.h"
#include "compiler/pipeline.h"
#include "core/isa/isa.h"
#include "driver/runtime/pipeline.h"

namespace aorta::multichip {

Result<std::vector<ChainLink>> FindChain(const BoardConfig& board, uint32_t count) {
  const auto chips = static_cast<uint32_t>(board.chips_size());
  if (count == 0) return InvalidArgument("board '{}': 0 chips requested", board.name());
  if (count > chips)
    return InvalidArgument("board '{}' has {} chips, {} requested", board.name(), chips, count);
  std::map<uint32_t, std::vector<std::array<uint32_t, 3>>> adj;  // chip -> {port, peer, peer port}
  for (const config::BoardLink& l : board.links()) {
    adj[l.chip_a()].push_back({l.port_a(), l.chip_b(), l.port_b()});
    adj[l.chip_b()].push_back({l.port_b(), l.chip_a(), l.port_a()});
  }
  for (auto& [chip, v] : adj) std::sort(v.begin(), v.end());
  std::vector<ChainLink> path;
  std::vector<bool> used(chips, false);
  // Depth-first: boards have a handful of chips. Chains start at the lowest chip possible and
  // prefer the lowest port, so a ring 0 -> 1 -> 2 ... is found as such.
  std::function<bool(uint32_t)> extend = [&](uint32_t chip) {
    if (path.size() == count) return true;
    // The chain's natural direction first: the peer with the next index.
    std::vector<std::array<uint32_t, 3>> order = adj[chip];
    std::stable_sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
      return (a[1] + chips - chip) % chips < (b[1] + chips - chip) % chips;
    });
    for (const auto& [port, peer, peer_port] : order) {
      if (used[peer]) continue;
      used[peer] = true;
      path.back().out_port = port;
      path.push_back(ChainLink{peer, peer_port, 0});
      if (extend(peer)) return true;
      path.pop_back();
      used[peer] = false;
    }
    return false;
  };
  for (uint32_t start = 0; start < chips; ++start) {
    path = {ChainLink{start, 0, 0}};
    used.assign(chips, false);
    used[start] = true;
    if (extend(start)) return path;
  }
  return FailedPrecondition("board '{}' has no chain of {} chips joined by links", board.name(),
                            count);
}

namespace {

template <typename T>
Result<T> WithContext(Result<T> r, const std::string& what) {
  if (!r.ok()) return r.status().WithContext(what);
  return r;
}

// A tensor's bytes on a link: its unified-buffer rows (channel blocks x pixels) of N bytes.
uint64_t LinkBytes(const Shape& s, uint32_t n) {
  auto blocks = [&](int64_t c) { return static_cast<uint64_t>((c + n - 1) / n); };
  if (s.size() == 4) return blocks(s[1]) * static_cast<uint64_t>(s[2] * s[3]) * n;
  if (s.size() == 2) return blocks(s[1]) * static_cast<uint64_t>(s[0]) * n;
  if (s.size() == 3) return blocks(s[1]) * static_cast<uint64_t>(s[0] * s[2]) * n;
  return static_cast<uint64_t>(ElementCount(s) + n - 1) / n * n;
}

struct FrontEnd {
  ir::Graph graph;  // after the graph passes
  Partition part;
  quant::QuantizedGraph q;
  ImagePreprocess image;
  std::vector<std::string> host_models;  // per part.host (HostOpModel)
  uint32_t chip_segment = 0;             // the run segment of every chip layer
};

// Graph passes, calibration, placement and quantization: CompileGraph's steps up to code
// generation, for a chip-only model.
Result<FrontEnd> RunFrontEnd(ir::Graph graph, const CompileOptions& options, CompileReport& r) {
  FrontEnd f;
  PipelineOptions po;
  for (const auto& [name, shape] : options.input_shapes) {
    if (!name.empty()) {
      po.input_shapes[name] = shape;
    } else if (graph.inputs.size() == 1) {
      po.input_shapes[graph.inputs[0]] = shape;
    } else {
      return InvalidArgument("--input-shape {}: the model has {} inputs, write NAME=SHAPE",
                             ShapeToString(shape), graph.inputs.size());
    }
  }
  po.dump_dir = options.dump_dir;
  AORTA_RETURN_IF_ERROR(RunGraphPasses(graph, po));
  f.image = options.image.value_or(ImagePreprocess{});
  if (options.image_nhwc) {
    f.image.nhwc = *options.image_nhwc;
  } else if (graph.inputs.size() == 1) {
    const ir::ValueInfo* info = graph.FindValue(graph.inputs[0]);
    if (info && info->StaticShape()) f.image.nhwc = LooksNhwc(*info->StaticShape());
  }
  std::vector<TensorMap> samples;
  if (options.calib.dir.empty()) {
    r.warnings.push_back(fmt::format(
        "no calibration data (--calib DIR): calibrating on {} synthetic samples (seed {})",
        options.calib.synthetic_samples, options.calib.seed));
    AORTA_ASSIGN_OR_RETURN(samples, quant::SyntheticSamples(graph, options.calib.synthetic_samples,
                                                            options.calib.seed));
  } else {
    AORTA_ASSIGN_OR_RETURN(samples, LoadCalibrationSamples(graph, options.calib.dir, f.image));
  }
  AORTA_ASSIGN_OR_RETURN(auto ranges, quant::CollectRanges(graph, samples, options.calib.method,
                                                           options.calib.percentile));
  const std::vector<codegen::NodeSupport> support = codegen::CheckSupport(graph);
  AORTA_ASSIGN_OR_RETURN(f.part, PartitionGraph(graph, support));
  // Host ops at the ends: the chips' layers all in one run segment, host ops before it (on the
  // model's inputs) and after it (on its outputs). A host op between two chip segments would
  // split the pipeline into two that the host joins: refused, naming its nodes.
  if (f.part.has_host()) {
    uint32_t lo = std::numeric_limits<uint32_t>::max(), hi = 0;
    for (const auto& [node, seg] : f.part.chip_segment) {
      lo = std::min(lo, seg);
      hi = std::max(hi, seg);
    }
    for (const HostGroup& h : f.part.host) {
      if (h.after_segment < lo || h.after_segment >= hi) continue;
      std::string names;
      for (size_t i : h.nodes) names += (names.empty() ? "" : ", ") + graph.nodes[i].Describe();
      return Unsupported(
          "host op '{}' runs between the chips' run segments {} and {} (in the middle of the "
          "model); a multi-chip pipeline takes host ops only before or after all chip layers: {}",
          h.name, h.after_segment, h.after_segment + 1, names);
    }
    f.chip_segment = lo;
    for (const HostGroup& h : f.part.host) {
      AORTA_ASSIGN_OR_RETURN(std::string bytes, HostOpModel(graph, h));
      f.host_models.push_back(std::move(bytes));
    }
  }
  AORTA_ASSIGN_OR_RETURN(f.q, quant::QuantizeGraph(f.part.chip, ranges));
  r.warnings.insert(r.warnings.end(), f.q.warnings.begin(), f.q.warnings.end());
  r.act = f.q.act;
  f.graph = std::move(graph);
  return f;
}

// Rewrites the DMAs of bound tensor slots into link transfers: loads of `recv` slots become RECV
// on `in_port`, stores of `send` slots SEND on `out_port`. Each slot must be one whole-row DMA of
// the unified buffer. Returns the rows moved per slot.
// When a crossing tensor is not in the unified buffer as whole rows (the code generator tiles it
// through board DRAM on this chip), `*tiled` names it and says whether it is received (true) or
// sent.
struct TiledCrossing {
  std::string tensor;
  bool received = false;
};
Result<std::map<uint32_t, uint64_t>> ToLinks(program::ChipProgram* chip, uint32_t n,
                                             const std::map<uint32_t, std::string>& recv,
                                             const std::map<uint32_t, std::string>& send,
                                             uint32_t in_port, uint32_t out_port,
                                             std::optional<TiledCrossing>* tiled) {
  std::map<uint32_t, uint64_t> rows;
  for (int s = 0; s < chip->run_segments_size(); ++s) {
    const std::string& words = chip->run_segments(s);
    AORTA_ASSIGN_OR_RETURN(std::vector<isa::Insn> insns,
                           isa::DecodeStream(std::span<const uint8_t>(
                               reinterpret_cast<const uint8_t*>(words.data()), words.size())));
    for (isa::Insn& insn : insns) {
      // Whole unified-buffer rows, contiguous in the slot, pieces in slot order (one DMA per
      // channel block, or one for the tensor): the link's byte stream is the slot's bytes.
      auto check = [&](const auto& d, const std::string& name, bool received) -> Status {
        if (d.mem != isa::Mem::kUb || d.row_bytes != n || (d.rows > 1 && d.ext_stride != n) ||
            d.ext_offset != rows[d.slot] * n) {
          *tiled = TiledCrossing{name, received};
          return Unsupported(
              "tensor '{}' crossing chips is not moved as whole unified-buffer rows in order "
              "(e.g. tiled through DRAM); a link carries unified-buffer rows",
              name);
        }
        rows[d.slot] += d.rows;
        return Status::Ok();
      };
      // The DMA's rows, the same dependency flags, over the link port.
      auto link = [](auto x, const auto& d, uint32_t port) {
        x.deps = d.deps;
        x.link = port;
        x.ub_addr = d.chip_addr;
        x.rows = d.rows;
        return isa::Insn{x};
      };
      if (auto* d = std::get_if<isa::DmaLoad>(&insn); d && recv.count(d->slot)) {
        AORTA_RETURN_IF_ERROR(check(*d, recv.at(d->slot), true));
        insn = link(isa::Recv{}, *d, in_port);
      } else if (auto* st = std::get_if<isa::DmaStore>(&insn); st && send.count(st->slot)) {
        AORTA_RETURN_IF_ERROR(check(*st, send.at(st->slot), false));
        insn = link(isa::Send{}, *st, out_port);
      }
    }
    AORTA_ASSIGN_OR_RETURN(*chip->mutable_run_segments(s), isa::EncodeStreamString(insns));
  }
  for (const auto* m : {&recv, &send})
    for (const auto& [slot, name] : *m)
      if (!rows.count(slot)) {
        *tiled = TiledCrossing{name, m == &recv};
        return Unsupported(
            "tensor '{}' crossing chips lives in board DRAM (too large for the unified buffer); "
            "links carry unified-buffer rows",
            name);
      }
  return rows;
}

}  // namespace

Result<BoardCompiled> CompileGraphForBoard(ir::Graph graph, const BoardConfig& board,
                                           const CompileOptions& options,
                                           const BoardOptions& board_options, BoardReport* report) {
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  BoardReport local;
  BoardReport& r = report != nullptr ? *report : local;
  r = BoardReport{};
  r.board = board.name();
  const uint32_t want =
      board_options.chips > 0 ? board_options.chips : static_cast<uint32_t>(board.chips_size());
  AORTA_ASSIGN_OR_RETURN(std::vector<ChainLink> chain, FindChain(board, want));
  const ChipConfig& chip0 = board.chips(static_cast<int>(chain[0].chip)).config();
  for (const ChainLink& c : chain) {
    const ChipConfig& cfg = board.chips(static_cast<int>(c.chip)).config();
    if (cfg.array_rows() != chip0.array_rows())
      return Unsupported(
          "board '{}': chip {} has a {}-wide array, chip {} {}; links carry "
          "unified-buffer rows, so the chips of a pipeline must have the same N",
          board.name(), c.chip, cfg.array_rows(), chain[0].chip, chip0.array_rows());
  }
  const uint32_t n = chip0.array_rows();
  r.clock_mhz = chip0.clock_mhz();

  AORTA_ASSIGN_OR_RETURN(FrontEnd f, RunFrontEnd(std::move(graph), options, r.front));
  const ir::Graph& cg = f.q.graph;

  // Costs: the whole chip graph compiled for one chip of the board.
  codegen::CodegenOptions co;
  co.model_name = options.model_name.empty() ? f.graph.name : options.model_name;
  co.loads = f.part.loads;
  co.stores = f.part.stores;
  co.segments = f.part.segments;
  co.node_segment = f.part.chip_segment;
  co.direct_inputs = options.direct_inputs;
  AORTA_ASSIGN_OR_RETURN(
      codegen::CodegenResult whole,
      WithContext(codegen::GenerateProgram(f.q, chip0, co), "cost estimate on one chip"));
  std::map<std::string, const codegen::LayerSummary*> layer_of;
  for (const codegen::LayerSummary& l : whole.layers) layer_of[l.name] = &l;
  r.weight_bytes = whole.weight_bytes + whole.streamed_weight_bytes;

  // Items in the code generator's order, and what crosses each cut.
  AORTA_ASSIGN_OR_RETURN(std::vector<size_t> order, cg.TopologicalOrder());
  const size_t count = order.size();
  std::vector<StageItem> items(count);
  std::map<std::string, size_t> produced_at;
  std::map<std::string, size_t> last_read;
  for (size_t p = 0; p < count; ++p) {
    const ir::Node& node = cg.nodes[order[p]];
    items[p].name = node.name;
    items[p].layer = layer_of.count(node.name) != 0;
    if (auto it = layer_of.find(node.name); it != layer_of.end()) {
      items[p].cycles = it->second->est_cycles;
      items[p].weight_bytes = it->second->weight_bytes;
    }
    for (const std::string& v : node.inputs)
      if (!v.empty() && !cg.IsInitializer(v)) last_read[v] = p;
    for (const std::string& v : node.outputs)
      if (!v.empty()) produced_at[v] = p;
  }
  const uint64_t ub_bytes = chip0.unified_buffer_bytes();
  std::vector<CutInfo> cuts(count + 1);
  for (size_t c = 1; c < count; ++c) {
    CutInfo& cut = cuts[c];
    cut.earliest_producer = c;
    for (const auto& [v, last] : last_read) {
      if (last < c) continue;
      auto pit = produced_at.find(v);
      if (pit == produced_at.end()) {
        cut.allowed = false;
        cut.why_not = fmt::format("model input '{}' is still read", v);
        continue;
      }
      if (pit->second >= c) continue;
      AORTA_ASSIGN_OR_RETURN(Shape s, passes::StaticShapeOf(cg, v));
      cut.bytes += LinkBytes(s, n);
      cut.earliest_producer = std::min(cut.earliest_producer, pit->second);
    }
    if (cut.bytes > ub_bytes / 2) {
      cut.allowed = false;
      cut.why_not = fmt::format("{} bytes cross, more than half the unified buffer", cut.bytes);
    }
  }
  Resources res;
  res.chips = static_cast<uint32_t>(chain.size());
  res.weight_buffer_bytes = chip0.weight_buffer_bytes();
  const double hz = chip0.clock_mhz() * 1e6;
  res.link_bytes_per_cycle = chip0.links().bandwidth_gbps() * 1e9 / 8 / hz;
  res.dram_bytes_per_cycle = chip0.dram().bandwidth_gbps() * 1e9 / hz;
  std::map<std::string, const codegen::BoundTensor*> model_load, model_store;
  for (const codegen::BoundTensor& b : f.part.loads) model_load[b.value] = &b;
  for (const codegen::BoundTensor& b : f.part.stores) model_store[b.value] = &b;
  const std::set<std::string> graph_outputs(cg.outputs.begin(), cg.outputs.end());

  // Plan, then compile every stage as a one-chip program. A tensor crossing a cut that the code
  // generator tiles through board DRAM on the sender or the receiver (the unified buffer cannot
  // hold it next to the layer's other tensors) cannot be sent as unified-buffer rows: that cut is
  // ruled out and the plan made again, until every crossing tensor is whole in the unified buffer
  // on both ends (each retry rules out one more cut, so this ends).
  Program out;
  std::map<std::string, program::TensorBinding> model_inputs, model_outputs;
  std::vector<config::BoardLink> links;
  config::BoardConfig used;
  size_t stages = 0;
  for (;;) {
    AORTA_ASSIGN_OR_RETURN(r.plan, PlanStages(items, cuts, res));
    stages = r.plan.stages.size();
    out = Program();
    model_inputs.clear();
    model_outputs.clear();
    links.clear();
    used = config::BoardConfig();
    used.set_name(board.name());
    r.stages.clear();
    r.link_bytes = r.streamed_bytes = r.board_weight_capacity = 0;
    std::optional<size_t> ruled_out;  // the cut to rule out before planning again
    for (size_t s = 0; s < stages; ++s) {
      const Stage& st = r.plan.stages[s];
      const ChipConfig& cfg = board.chips(static_cast<int>(chain[s].chip)).config();
      *used.add_chips() = board.chips(static_cast<int>(chain[s].chip));
      quant::QuantizedGraph sq;
      sq.act = f.q.act;
      sq.ops = f.q.ops;
      sq.graph.name = cg.name;
      sq.graph.opset_imports = cg.opset_imports;
      sq.graph.values = cg.values;
      // Values read here and made elsewhere (in producer order, which is the order they are sent
      // in), values made here and read later or model outputs.
      std::vector<std::pair<size_t, std::string>> ins;
      std::set<std::string> seen_in;
      StageReport sr;
      sr.chip = static_cast<uint32_t>(s);
      sr.board_chip = chain[s].chip;
      sr.chip_name = board.chips(static_cast<int>(chain[s].chip)).name();
      codegen::CodegenOptions so;
      so.model_name = co.model_name;
      so.segments = co.segments;
      so.node_segment = co.node_segment;
      so.direct_inputs = co.direct_inputs;
      std::map<std::string, bool> cut_value;  // value -> true
      for (size_t p = st.begin; p < st.end; ++p) {
        const ir::Node& node = cg.nodes[order[p]];
        sq.graph.nodes.push_back(node);
        sr.layers.push_back(node.name);
        for (const std::string& v : node.inputs) {
          if (v.empty()) continue;
          if (const Tensor* t = cg.FindInitializer(v)) {
            sq.graph.initializers[v] = *t;
            continue;
          }
          auto pit = produced_at.find(v);
          if ((pit != produced_at.end() && pit->second >= st.begin) || !seen_in.insert(v).second)
            continue;
          ins.emplace_back(pit == produced_at.end() ? 0 : pit->second, v);
        }
        for (const std::string& v : node.outputs) {
          if (v.empty()) continue;
          const bool later = last_read.count(v) && last_read[v] >= st.end;
          if (graph_outputs.count(v)) {
            sq.graph.outputs.push_back(v);
            so.stores.push_back(*model_store.at(v));
          }
          if (later) {
            if (!graph_outputs.count(v)) sq.graph.outputs.push_back(v);
            AORTA_ASSIGN_OR_RETURN(Shape shape, passes::StaticShapeOf(cg, v));
            so.stores.push_back({v, v, shape, false, true});
            cut_value[v] = true;
          }
        }
      }
      std::stable_sort(ins.begin(), ins.end());
      for (const auto& [p, v] : ins) {
        sq.graph.inputs.push_back(v);
        if (auto it = model_load.find(v); it != model_load.end()) {
          so.loads.push_back(*it->second);
        } else {
          AORTA_ASSIGN_OR_RETURN(Shape shape, passes::StaticShapeOf(cg, v));
          so.loads.push_back({v, v, shape, false, true});
          cut_value[v] = true;
        }
      }
      AORTA_ASSIGN_OR_RETURN(
          codegen::CodegenResult gen,
          WithContext(codegen::GenerateProgram(sq, cfg, so), fmt::format("stage {}", s)));
      Program& sp = gen.program;
      program::ChipProgram chip = sp.chips(0);
      // The crossing tensors' buffers become link transfers.
      std::map<std::string, uint32_t> slot_of;
      for (const program::Buffer& b : chip.buffers()) slot_of[b.name()] = b.slot();
      std::map<uint32_t, std::string> recv, send;
      std::set<std::string> link_buffers;
      for (const program::TensorBinding& b : sp.intermediates()) {
        if (!cut_value.count(b.name())) continue;
        const uint32_t slot = slot_of.at(b.buffer());
        const bool is_load = std::any_of(so.loads.begin(), so.loads.end(),
                                         [&](const auto& l) { return l.value == b.name(); });
        (is_load ? recv : send)[slot] = b.name();
        link_buffers.insert(b.buffer());
      }
      const uint32_t in_port = chain[s].in_port, out_port = chain[s].out_port;
      std::optional<TiledCrossing> tiled;
      Result<std::map<uint32_t, uint64_t>> moved =
          ToLinks(&chip, n, recv, send, in_port, out_port, &tiled);
      if (!moved.ok() && tiled.has_value()) {
        const size_t cut = tiled->received ? st.begin : st.end;
        cuts[cut].allowed = false;
        cuts[cut].why_not = fmt::format("tensor '{}' is tiled through board DRAM on the {} chip",
                                        tiled->tensor, tiled->received ? "receiving" : "sending");
        r.ruled_out_cuts.push_back(
            fmt::format("before {}: {}", items[cut].name, cuts[cut].why_not));
        ruled_out = cut;
        break;
      }
      AORTA_RETURN_IF_ERROR(moved.status().WithContext(fmt::format("stage {}", s)));
      for (const auto& [slot, rows] : *moved)
        (recv.count(slot) ? sr.link_in_bytes : sr.link_out_bytes) += rows * n;
      // Drop the buffers the links replaced (other intermediates stay).
      google::protobuf::RepeatedPtrField<program::Buffer> kept;
      for (const program::Buffer& b : chip.buffers())
        if (!link_buffers.count(b.name())) *kept.Add() = b;
      chip.mutable_buffers()->Swap(&kept);
      chip.set_chip(static_cast<uint32_t>(s));
      *out.add_chips() = std::move(chip);
      for (program::TensorBinding b : sp.inputs()) {
        b.set_chip(static_cast<uint32_t>(s));
        model_inputs[b.name()] = b;
      }
      for (program::TensorBinding b : sp.outputs()) {
        b.set_chip(static_cast<uint32_t>(s));
        model_outputs[b.name()] = b;
      }
      for (program::TensorBinding b : sp.intermediates()) {
        if (cut_value.count(b.name())) continue;
        b.set_chip(static_cast<uint32_t>(s));
        *out.add_intermediates() = b;
      }
      for (program::LayerInfo l : sp.layers()) {
        l.set_chip(static_cast<uint32_t>(s));
        *out.add_layers() = l;
      }
      if (s == 0) {
        out.set_isa_version_major(sp.isa_version_major());
        out.set_isa_version_minor(sp.isa_version_minor());
        out.set_producer("aorta compile --board");
        out.set_model_name(sp.model_name());
      }
      if (s + 1 < stages) {
        config::BoardLink l;
        l.set_chip_a(static_cast<uint32_t>(s));
        l.set_port_a(out_port);
        l.set_chip_b(static_cast<uint32_t>(s + 1));
        l.set_port_b(chain[s + 1].in_port);
        links.push_back(l);
        *used.add_links() = l;
        sr.link_out = fmt::format("{}.{}->{}.{}", chain[s].chip, out_port, chain[s + 1].chip,
                                  chain[s + 1].in_port);
      }
      sr.weight_pinned = gen.weight_bytes;
      sr.weight_streamed = gen.streamed_weight_bytes + gen.streamed_param_bytes;
      sr.est_cycles = gen.est_cycles;
      sr.link_cycles =
          static_cast<double>(sr.link_in_bytes + sr.link_out_bytes) / res.link_bytes_per_cycle;
      sr.stage_cycles = static_cast<double>(sr.est_cycles) + sr.link_cycles;
      r.link_bytes += sr.link_out_bytes;
      r.streamed_bytes += sr.weight_streamed;
      r.board_weight_capacity += cfg.weight_buffer_bytes();
      r.stages.push_back(std::move(sr));
    }
    if (!ruled_out) break;
  }
  // Model inputs / outputs in the model's order (each bound on the chip that reads / makes it).
  for (auto [names, bound, bindings] :
       {std::tuple{&f.graph.inputs, &model_inputs, out.mutable_inputs()},
        std::tuple{&f.graph.outputs, &model_outputs, out.mutable_outputs()}})
    for (const std::string& name : *names)
      if (auto it = bound->find(name); it != bound->end()) *bindings->Add() = it->second;
  // One stage: a one-chip program, whose board fingerprint is its chip's.
  out.set_board_fingerprint(stages == 1 ? out.chips(0).config_fingerprint() : Fingerprint(used));
  (*out.mutable_metadata())[runtime::kBoardNameKey] = board.name();
  (*out.mutable_metadata())[runtime::kBoardLinksKey] = runtime::FormatBoardLinks(links);
  // Host ops (before and after the pipeline) and their fp32 bindings, the image metadata.
  AORTA_ASSIGN_OR_RETURN(
      out, WithContext(AssembleProgram(f.graph, f.part, f.host_models, std::move(out), f.image),
                       "multi-chip program"));

  double sum = 0;
  for (const StageReport& s : r.stages) {
    r.slowest = std::max(r.slowest, s.stage_cycles);
    sum += s.stage_cycles;
  }
  r.mean = sum / static_cast<double>(r.stages.size());
  r.balance = r.slowest > 0 ? r.mean / r.slowest : 1.0;
  r.front.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.front.cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  BoardCompiled result;
  result.program = std::move(out);
  result.report = r;
  return result;
}

Result<BoardCompiled> CompileOnnxFileForBoard(const std::string& path, const BoardConfig& board,
                                              const CompileOptions& options,
                                              const BoardOptions& board_options,
                                              BoardReport* report) {
  AORTA_ASSIGN_OR_RETURN(ir::Graph graph, ImportOnnxFile(path));
  Result<BoardCompiled> c =
      CompileGraphForBoard(std::move(graph), board, options, board_options, report);
  if (!c.ok()) return c.status().WithContext(path);
  return c;
}

std::string FormatStageTable(const BoardReport& r) {
  std::string s =
      fmt::format("{:>4}  {:<10}  {:>6}  {:<28}  {:>12}  {:>12}  {:>10}  {:>10}  {:<10}  {:>10}\n",
                  "chip", "name", "layers", "first .. last", "weights pin", "streamed", "est cyc",
                  "link B out", "link", "stage cyc");
  for (const StageReport& st : r.stages) {
    std::string range = st.layers.empty() ? "" : st.layers.front();
    if (st.layers.size() > 1) range += " .. " + st.layers.back();
    if (range.size() > 28) range = "..." + range.substr(range.size() - 25);
    s += fmt::format(
        "{:>4}  {:<10}  {:>6}  {:<28}  {:>12}  {:>12}  {:>10}  {:>10}  {:<10}  {:>10.0f}\n",
        st.chip, st.chip_name, st.layers.size(), range, st.weight_pinned, st.weight_streamed,
        st.est_cycles, st.link_out_bytes, st.link_out.empty() ? "-" : st.link_out, st.stage_cycles);
  }
  const double mhz = r.clock_mhz > 0 ? r.clock_mhz : 1.0;
  s += fmt::format(
      "board '{}', {} chips: slowest stage {:.0f} cycles, mean {:.0f}, balance {:.1f} % (mean / "
      "slowest); throughput {:.1f} inferences/s at {} MHz; {} B over links per inference\n",
      r.board, r.stages.size(), r.slowest, r.mean, 100 * r.balance,
      r.slowest > 0 ? mhz * 1e6 / r.slowest : 0.0, mhz, r.link_bytes);
  for (const std::string& why : r.ruled_out_cuts) s += fmt::format("cut ruled out ({})\n", why);
  if (r.streamed_bytes > 0) {
    s += fmt::format(
        "the board is too small: {} B of weights and parameters stream from board DRAM per "
        "inference (model weights {} B, weight buffers of the {} chips {} B)\n",
        r.streamed_bytes, r.weight_bytes, r.stages.size(), r.board_weight_capacity);
  } else {
    s += fmt::format("every weight pinned on chip: {} B over {} chips ({} B of weight buffer)\n",
                     r.weight_bytes, r.stages.size(), r.board_weight_capacity);
  }
  return s;
}

}  // namespace aorta::multichip
