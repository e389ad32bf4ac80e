#include "compiler/multichip/multichip_compile.h"

#include <algorithm>
#include <chrono>
#include <cmath>
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
#include "compiler/passes/fused_ops.h"
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

// An output-channel split: layer `node` (output `out`) divided into slices of whole channel
// blocks, slice j computing blocks [blocks[j], blocks[j + 1]) as node slice_nodes[j] with output
// slice_out[j]. A tensor's unified-buffer rows are block-major (row y of block b at addr +
// b * H * W), so the slices' rows one after the other are the whole output's rows.
struct Split {
  std::string node, out;
  std::vector<int64_t> blocks;
  std::vector<std::string> slice_nodes, slice_out;
};

// Why `node` cannot be split by output channels (empty: it can).
std::string NotSplittable(const quant::QuantizedGraph& q, const ir::Node& node,
                          const std::set<std::string>& graph_outputs, uint32_t n) {
  const std::string base = passes::BaseOpType(node);
  if (base != "Conv" && base != "Gemm") return fmt::format("a {} is not split", base);
  auto op = q.ops.find(node.name);
  if (op == q.ops.end() || !std::holds_alternative<quant::QuantizedMatrixOp>(op->second))
    return "no matrix weights";
  const auto& m = std::get<quant::QuantizedMatrixOp>(op->second);
  if (m.group != 1) return "grouped";
  if (m.residual || node.HasInput(passes::kResidualInput) || q.ops.count(quant::ActKey(node.name)))
    return "it adds a residual";
  if (base == "Gemm") {
    Result<int64_t> trans_a = node.GetInt("transA", 0);
    if (!trans_a.ok() || *trans_a != 0) return "a transposed input (transA)";
  }
  if (node.outputs.empty() || graph_outputs.count(node.outputs[0]))
    return "its output is a model output (the chip that would join the slices has no layer "
           "after it)";
  if (q.equalized.count(node.outputs[0])) return "its output is equalized";
  if ((m.out_c + n - 1) / n < 2) return fmt::format("{} output channels are one block", m.out_c);
  return "";
}

// The layers to split: each whose weights exceed the weight buffer, into the fewest slices of
// whole channel blocks that each fit, as long as the chips suffice (every slice is a stage of its
// own, and every run of other layers needs a stage too); what cannot be split or still does not
// fit streams, and `notes` say so.
Result<std::vector<Split>> ChooseSplits(
    const quant::QuantizedGraph& q, const std::vector<size_t>& order,
    const std::map<std::string, const codegen::LayerSummary*>& layer_of, const Resources& res,
    uint32_t chips, uint32_t n, std::vector<std::string>& notes) {
  std::vector<Split> splits;
  if (chips < 2) return splits;
  const ir::Graph& g = q.graph;
  const std::set<std::string> graph_outputs(g.outputs.begin(), g.outputs.end());
  std::vector<size_t> ks;
  std::vector<int64_t> total_blocks;
  std::vector<uint64_t> bytes;
  std::set<size_t> split_pos;
  for (size_t p = 0; p < order.size(); ++p) {
    const ir::Node& node = g.nodes[order[p]];
    auto it = layer_of.find(node.name);
    if (it == layer_of.end() || it->second->weight_bytes <= res.weight_buffer_bytes) continue;
    const uint64_t wb = it->second->weight_bytes;
    if (std::string why = NotSplittable(q, node, graph_outputs, n); !why.empty()) {
      notes.push_back(fmt::format("{} ({} B of weights, weight buffer {} B) not split: {}",
                                  node.name, wb, res.weight_buffer_bytes, why));
      continue;
    }
    const int64_t blocks =
        (std::get<quant::QuantizedMatrixOp>(q.ops.at(node.name)).out_c + n - 1) / n;
    int64_t k = 2;
    while (
        k<blocks&& static_cast<uint64_t>((blocks + k - 1) / k) * wb / static_cast<uint64_t>(blocks)>
            res.weight_buffer_bytes)
      ++k;
    Split sp;
    sp.node = node.name;
    sp.out = node.outputs[0];
    splits.push_back(sp);
    ks.push_back(static_cast<size_t>(k));
    total_blocks.push_back(blocks);
    bytes.push_back(wb);
    split_pos.insert(p);
  }
  // Stages the other layers need: one per run of layers between splits.
  size_t runs = 0;
  bool in_run = false;
  for (size_t p = 0; p < order.size(); ++p) {
    const bool layer = layer_of.count(g.nodes[order[p]].name) != 0 && !split_pos.count(p);
    if (layer && !in_run) ++runs;
    in_run = layer || (in_run && !split_pos.count(p));
  }
  const size_t budget = chips > runs ? chips - runs : 0;
  auto total = [&] {
    size_t t = 0;
    for (size_t k : ks) t += k;
    return t;
  };
  while (!ks.empty() && total() > budget) {
    const size_t i = static_cast<size_t>(std::max_element(ks.begin(), ks.end()) - ks.begin());
    if (ks[i] > 2) {
      --ks[i];
      continue;
    }
    notes.push_back(fmt::format(
        "{} ({} B of weights) not split: its slices and the other layers need more than {} chips",
        splits[i].node, bytes[i], chips));
    splits.erase(splits.begin() + static_cast<std::ptrdiff_t>(i));
    ks.erase(ks.begin() + static_cast<std::ptrdiff_t>(i));
    total_blocks.erase(total_blocks.begin() + static_cast<std::ptrdiff_t>(i));
    bytes.erase(bytes.begin() + static_cast<std::ptrdiff_t>(i));
  }
  for (size_t i = 0; i < splits.size(); ++i) {
    Split& sp = splits[i];
    const auto k = static_cast<int64_t>(ks[i]);
    const int64_t blocks = total_blocks[i];
    sp.blocks.push_back(0);
    for (int64_t j = 0; j < k; ++j)
      sp.blocks.push_back(sp.blocks.back() + blocks / k + (j < blocks % k));
    for (int64_t j = 0; j < k; ++j) {
      sp.slice_nodes.push_back(fmt::format("{}/slice{}", sp.node, j));
      sp.slice_out.push_back(fmt::format("{}/slice{}", sp.out, j));
    }
    const uint64_t largest =
        static_cast<uint64_t>((blocks + k - 1) / k) * bytes[i] / static_cast<uint64_t>(blocks);
    notes.push_back(fmt::format(
        "{} ({} B of weights) split by output channels over {} chips ({} channel blocks){}",
        sp.node, bytes[i], k, blocks,
        largest > res.weight_buffer_bytes
            ? fmt::format("; its largest slice (about {} B) still exceeds the {} B weight buffer "
                          "and streams the rest",
                          largest, res.weight_buffer_bytes)
            : ""));
  }
  return splits;
}

// `t` restricted to indices [lo, hi) of `axis`.
Tensor SliceAxis(const Tensor& t, int64_t axis, int64_t lo, int64_t hi) {
  Shape shape = t.shape();
  const auto esize =
      t.element_count() > 0 ? t.byte_size() / static_cast<size_t>(t.element_count()) : 1;
  size_t outer = 1, inner = esize;
  for (int64_t i = 0; i < axis; ++i) outer *= static_cast<size_t>(shape[static_cast<size_t>(i)]);
  for (size_t i = static_cast<size_t>(axis) + 1; i < shape.size(); ++i)
    inner *= static_cast<size_t>(shape[i]);
  const auto dim = static_cast<size_t>(shape[static_cast<size_t>(axis)]);
  shape[static_cast<size_t>(axis)] = hi - lo;
  Tensor out(t.dtype(), shape);
  const size_t piece = static_cast<size_t>(hi - lo) * inner;
  for (size_t o = 0; o < outer; ++o)
    std::copy_n(t.raw_data() + (o * dim + static_cast<size_t>(lo)) * inner, piece,
                out.raw_data() + o * piece);
  return out;
}

template <typename T>
std::vector<T> SliceVec(const std::vector<T>& v, size_t per, int64_t lo, int64_t hi) {
  if (v.empty()) return v;
  return {v.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(lo) * per),
          v.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(hi) * per)};
}

// The chip graph with every split layer replaced by its slices (same input, same quantization of
// the output, the weights, bias and requantization of their channels), in execution order.
struct Expanded {
  quant::QuantizedGraph q;
  std::vector<size_t> order;                                  // node indices
  std::map<std::string, std::pair<size_t, size_t>> slice_of;  // slice node -> (split, j)
};
Result<Expanded> Expand(const quant::QuantizedGraph& q, const std::vector<size_t>& order,
                        const std::vector<Split>& splits, uint32_t n) {
  Expanded x;
  x.q = q;
  ir::Graph& g = x.q.graph;
  std::map<size_t, std::vector<size_t>> replaced;  // node index -> its slices' indices
  for (size_t si = 0; si < splits.size(); ++si) {
    const Split& sp = splits[si];
    auto it = std::find_if(g.nodes.begin(), g.nodes.end(),
                           [&](const ir::Node& nd) { return nd.name == sp.node; });
    if (it == g.nodes.end()) return Internal("split layer '{}' is not in the graph", sp.node);
    const auto ni = static_cast<size_t>(it - g.nodes.begin());
    const ir::Node node = *it;
    const auto& m = std::get<quant::QuantizedMatrixOp>(q.ops.at(node.name));
    const bool conv = passes::BaseOpType(node) == "Conv";
    AORTA_ASSIGN_OR_RETURN(int64_t trans_b, node.GetInt("transB", 0));
    const int64_t w_axis = conv || trans_b != 0 ? 0 : 1;
    const ir::ValueInfo* out_info = g.FindValue(sp.out);
    const Tensor* w = g.FindInitializer(node.inputs.at(1));
    if (out_info == nullptr || !out_info->dims || out_info->dims->size() < 2 || w == nullptr)
      return Internal("split layer '{}': no static output shape or weights", sp.node);
    const auto per = static_cast<size_t>(m.in_c / m.group * m.k_h * m.k_w);
    for (size_t j = 0; j + 1 < sp.blocks.size(); ++j) {
      const int64_t lo = sp.blocks[j] * n, hi = std::min<int64_t>(sp.blocks[j + 1] * n, m.out_c);
      ir::Node s = node;
      s.name = sp.slice_nodes[j];
      s.outputs = {sp.slice_out[j]};
      const std::string wn = fmt::format("{}/slice{}", node.inputs[1], j);
      g.initializers[wn] = SliceAxis(*w, w_axis, lo, hi);
      s.inputs[1] = wn;
      if (node.HasInput(2)) {
        const Tensor* b = g.FindInitializer(node.inputs[2]);
        if (b == nullptr) return Internal("split layer '{}': its bias is not a constant", sp.node);
        if (b->rank() >= 1 && b->dim(-1) == m.out_c) {
          const std::string bn = fmt::format("{}/slice{}", node.inputs[2], j);
          g.initializers[bn] = SliceAxis(*b, b->rank() - 1, lo, hi);
          s.inputs[2] = bn;
        }
      }
      ir::ValueInfo vi = *out_info;
      vi.name = sp.slice_out[j];
      (*vi.dims)[1] = ir::Dim::Static(hi - lo);
      g.values[vi.name] = vi;
      for (const std::string& key : {sp.out, quant::BaseKey(sp.out), quant::SumKey(sp.out)})
        if (auto a = q.act.find(key); a != q.act.end())
          x.q.act[key == sp.out                   ? sp.slice_out[j]
                  : key == quant::BaseKey(sp.out) ? quant::BaseKey(sp.slice_out[j])
                                                  : quant::SumKey(sp.slice_out[j])] = a->second;
      quant::QuantizedMatrixOp sm = m;
      sm.out_c = hi - lo;
      sm.w = SliceVec(m.w, per, lo, hi);
      sm.w_scale = SliceVec(m.w_scale, 1, lo, hi);
      sm.bias = SliceVec(m.bias, 1, lo, hi);
      sm.folded_bias = SliceVec(m.folded_bias, 1, lo, hi);
      sm.mult = SliceVec(m.mult, 1, lo, hi);
      x.q.ops[s.name] = sm;
      x.slice_of[s.name] = {si, j};
      if (j == 0) {
        g.nodes[ni] = s;
        replaced[ni].push_back(ni);
      } else {
        replaced[ni].push_back(g.nodes.size());
        g.nodes.push_back(s);
      }
    }
    x.q.ops.erase(node.name);
  }
  for (size_t i : order) {
    if (auto r = replaced.find(i); r != replaced.end())
      x.order.insert(x.order.end(), r->second.begin(), r->second.end());
    else
      x.order.push_back(i);
  }
  return x;
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
// The tensors received and sent, in stream order (the order of the link's byte stream).
struct LinkOrder {
  std::vector<std::string> received, sent;
};
Result<std::map<uint32_t, uint64_t>> ToLinks(program::ChipProgram* chip, uint32_t n,
                                             const std::map<uint32_t, std::string>& recv,
                                             const std::map<uint32_t, std::string>& send,
                                             uint32_t in_port, uint32_t out_port,
                                             std::optional<TiledCrossing>* tiled,
                                             LinkOrder* order) {
  std::map<uint32_t, uint64_t> rows;
  auto note = [](std::vector<std::string>& list, const std::string& name) {
    if (list.empty() || list.back() != name) list.push_back(name);
  };
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
        note(order->received, recv.at(d->slot));
        insn = link(isa::Recv{}, *d, in_port);
      } else if (auto* st = std::get_if<isa::DmaStore>(&insn); st && send.count(st->slot)) {
        AORTA_RETURN_IF_ERROR(check(*st, send.at(st->slot), false));
        note(order->sent, send.at(st->slot));
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
  Resources res;
  res.chips = static_cast<uint32_t>(chain.size());
  res.weight_buffer_bytes = chip0.weight_buffer_bytes();
  const double hz = chip0.clock_mhz() * 1e6;
  res.link_bytes_per_cycle = chip0.links().bandwidth_gbps() * 1e9 / 8 / hz;
  res.dram_bytes_per_cycle = chip0.dram().bandwidth_gbps() * 1e9 / hz;
  res.ub_bytes_per_cycle = n;  // a link tensor's RECV / SEND: one unified-buffer row a cycle
  const std::set<std::string> graph_outputs(cg.outputs.begin(), cg.outputs.end());

  // Output-channel splits: a layer whose weights exceed the chip's weight buffer is divided into
  // slices of whole channel blocks, one per chip (SplitLayers); the sliced graph `xg` has the
  // slices in its place.
  // When no plan puts every slice on a chip of its own (the cuts between the slices, or around
  // them, are not allowed), the splits are chosen again for one chip fewer, down to none: a plan
  // that leaves chips idle or streams more is a plan; a failure is not.
  std::map<std::string, const codegen::BoundTensor*> model_load, model_store;
  for (const codegen::BoundTensor& b : f.part.loads) model_load[b.value] = &b;
  for (const codegen::BoundTensor& b : f.part.stores) model_store[b.value] = &b;
  std::vector<Split> splits;
  Expanded x;
  std::vector<StageItem> items;
  std::map<std::string, size_t> produced_at;
  std::map<std::string, size_t> last_read;
  std::vector<CutInfo> cuts;
  std::vector<std::vector<std::string>> crossing;  // link tensors, producer order
  std::vector<std::string> fewer_notes;
  for (uint32_t split_chips = res.chips;; --split_chips) {
    r.split_notes = fewer_notes;
    AORTA_ASSIGN_OR_RETURN(splits,
                           ChooseSplits(f.q, order, layer_of, res, split_chips, n, r.split_notes));
    AORTA_ASSIGN_OR_RETURN(x, Expand(f.q, order, splits, n));
    const ir::Graph& xg = x.q.graph;
    const size_t count = x.order.size();
    items.assign(count, StageItem());
    produced_at.clear();
    last_read.clear();
    for (size_t p = 0; p < count; ++p) {
      const ir::Node& node = xg.nodes[x.order[p]];
      items[p].name = node.name;
      if (auto sl = x.slice_of.find(node.name); sl != x.slice_of.end()) {
        const Split& sp = splits[sl->second.first];
        const codegen::LayerSummary& whole_layer = *layer_of.at(sp.node);
        const size_t j = sl->second.second;
        const double part = static_cast<double>(sp.blocks[j + 1] - sp.blocks[j]) /
                            static_cast<double>(sp.blocks.back());
        items[p].cycles = static_cast<uint64_t>(static_cast<double>(whole_layer.est_cycles) * part);
        items[p].weight_bytes =
            static_cast<uint64_t>(static_cast<double>(whole_layer.weight_bytes) * part);
        items[p].solo = true;
      } else if (auto it = layer_of.find(node.name); it != layer_of.end()) {
        items[p].cycles = it->second->est_cycles;
        items[p].weight_bytes = it->second->weight_bytes;
      } else {
        items[p].layer = false;
      }
      for (const std::string& v : node.inputs)
        if (!v.empty() && !xg.IsInitializer(v)) last_read[v] = p;
      for (const std::string& v : node.outputs)
        if (!v.empty()) produced_at[v] = p;
    }
    // A split layer's output is made (whole) by its last slice, which sends the slices in order;
    // the slices stay live (forwarded) up to it.
    for (const Split& sp : splits) {
      const size_t last = produced_at.at(sp.slice_out.back());
      produced_at[sp.out] = last;
      for (const std::string& v : sp.slice_out) last_read[v] = last;
    }
    const uint64_t ub_bytes = chip0.unified_buffer_bytes();
    cuts.assign(count + 1, CutInfo());
    crossing.assign(count + 1, {});
    for (size_t c = 1; c < count; ++c) {
      CutInfo& cut = cuts[c];
      std::vector<std::pair<size_t, std::string>> live;
      for (const auto& [v, last] : last_read) {
        if (last < c) continue;
        auto pit = produced_at.find(v);
        // A model input read after the cut is loaded by the first chip and forwarded along the
        // chain (the slices of a split first layer all read it); one not bound from the host
        // cannot be.
        if (pit == produced_at.end() && !model_load.count(v)) {
          cut.allowed = false;
          cut.why_not = fmt::format("model input '{}' is still read", v);
          continue;
        }
        if (pit != produced_at.end() && pit->second >= c) continue;
        AORTA_ASSIGN_OR_RETURN(Shape s, passes::StaticShapeOf(xg, v));
        cut.bytes += LinkBytes(s, n);
        live.emplace_back(pit != produced_at.end() ? pit->second : 0, v);
      }
      std::stable_sort(live.begin(), live.end());
      for (auto& [p, v] : live) crossing[c].push_back(std::move(v));
      if (cut.bytes > ub_bytes / 2) {
        cut.allowed = false;
        cut.why_not = fmt::format("{} bytes cross, more than half the unified buffer", cut.bytes);
      }
    }
    if (splits.empty() || !board_options.stage_starts.empty()) break;
    Result<Plan> trial = PlanStages(items, cuts, res);
    if (trial.ok()) break;
    fewer_notes.push_back(fmt::format("splits for {} chips: {}; chosen again for {} chips",
                                      split_chips, trial.status().message(), split_chips - 1));
  }
  const quant::QuantizedGraph& xq = x.q;
  const ir::Graph& xg = xq.graph;
  const size_t count = x.order.size();
  std::map<std::string, const Split*> split_out;  // a split layer's output -> its split
  for (const Split& sp : splits) split_out[sp.out] = &sp;

  // Plan, then compile every stage as a one-chip program. A tensor crossing a cut that the code
  // generator tiles through board DRAM on the sender or the receiver (the unified buffer cannot
  // hold it next to the layer's other tensors) cannot be sent as unified-buffer rows: that cut is
  // ruled out and the plan made again, until every crossing tensor is whole in the unified buffer
  // on both ends (each retry rules out one more cut, so this ends).
  // A stage program may take other cycles than the sum of its layers' estimates (the layers'
  // costs come from the whole graph on one chip): when a stage's cycles differ from its planned
  // cost, the difference is remembered for that range of layers and the plan made again, at most
  // kRefinements times; the plan whose slowest compiled stage is the fastest is kept (compiled
  // once more if a later one was worse).
  constexpr int kRefinements = 3;
  Measured measured;
  int refinements = 0;
  double best_slowest = std::numeric_limits<double>::infinity();
  std::vector<size_t> best_starts;
  bool final_pass = false;  // compiling best_starts again
  Program out;
  std::map<std::string, program::TensorBinding> model_inputs, model_outputs;
  std::vector<config::BoardLink> links;
  config::BoardConfig used;
  size_t stages = 0;
  for (;;) {
    if (final_pass) {
      AORTA_ASSIGN_OR_RETURN(r.plan, PlanAt(items, cuts, res, best_starts));
    } else if (board_options.stage_starts.empty()) {
      AORTA_ASSIGN_OR_RETURN(r.plan, PlanStages(items, cuts, res, measured));
    } else {
      std::vector<size_t> starts;
      for (const std::string& name : board_options.stage_starts) {
        auto it = std::find_if(items.begin(), items.end(),
                               [&](const StageItem& item) { return item.name == name; });
        if (it == items.end())
          return InvalidArgument("stage start '{}' is not a layer of the chip graph", name);
        starts.push_back(static_cast<size_t>(it - items.begin()));
      }
      if (starts.size() + 1 > chain.size())
        return InvalidArgument("{} stages given, {} chips", starts.size() + 1, chain.size());
      AORTA_ASSIGN_OR_RETURN(r.plan, PlanAt(items, cuts, res, starts));
    }
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
    std::vector<std::string> sent;    // the tensors the previous stage sent, in link order
    for (size_t s = 0; s < stages; ++s) {
      const Stage& st = r.plan.stages[s];
      const ChipConfig& cfg = board.chips(static_cast<int>(chain[s].chip)).config();
      *used.add_chips() = board.chips(static_cast<int>(chain[s].chip));
      quant::QuantizedGraph sq;
      sq.act = xq.act;
      sq.ops = xq.ops;
      sq.graph.name = xg.name;
      sq.graph.opset_imports = xg.opset_imports;
      sq.graph.values = xg.values;
      StageReport sr;
      sr.chip = static_cast<uint32_t>(s);
      sr.board_chip = chain[s].chip;
      sr.chip_name = board.chips(static_cast<int>(chain[s].chip)).name();
      codegen::CodegenOptions so;
      so.model_name = co.model_name;
      so.segments = co.segments;
      so.node_segment = co.node_segment;
      for (const auto& [node, seg] : co.node_segment)
        if (auto sp = std::find_if(splits.begin(), splits.end(),
                                   [&](const Split& y) { return y.node == node; });
            sp != splits.end())
          for (const std::string& sn : sp->slice_nodes) so.node_segment[sn] = seg;
      so.direct_inputs = co.direct_inputs;
      // Model inputs read here (in producer order, as the one-chip program), then the link
      // tensors in the order the previous stage sent them (the link's byte stream); a split
      // layer's output arrives as its slices, back to back: its rows in order.
      std::vector<std::string> model_ins;
      std::set<std::string> made;
      for (size_t p = st.begin; p < st.end; ++p) {
        const ir::Node& node = xg.nodes[x.order[p]];
        sq.graph.nodes.push_back(node);
        sr.layers.push_back(node.name);
        for (const std::string& v : node.inputs) {
          if (v.empty()) continue;
          if (const Tensor* t = xg.FindInitializer(v)) {
            sq.graph.initializers[v] = *t;
            continue;
          }
          if (!produced_at.count(v) &&
              std::find(model_ins.begin(), model_ins.end(), v) == model_ins.end() &&
              (st.begin == 0 || std::find(crossing[st.begin].begin(), crossing[st.begin].end(),
                                          v) == crossing[st.begin].end()))
            model_ins.push_back(v);
        }
        for (const std::string& v : node.outputs)
          if (!v.empty()) made.insert(v);
      }
      if (st.begin > 0 &&
          std::set<std::string>(sent.begin(), sent.end()) !=
              std::set<std::string>(crossing[st.begin].begin(), crossing[st.begin].end()))
        return Internal("stage {}: the tensors sent to it differ from those crossing its cut", s);
      std::map<uint32_t, std::string> recv, send;
      std::set<std::string> loaded;
      for (const std::string& v : model_ins) {
        sq.graph.inputs.push_back(v);
        so.loads.push_back(*model_load.at(v));
        loaded.insert(v);  // forwarded when it crosses the end cut
      }
      if (st.begin == 0) sent.clear();
      for (const std::string& v : sent) {
        AORTA_ASSIGN_OR_RETURN(Shape shape, passes::StaticShapeOf(xg, v));
        recv[static_cast<uint32_t>(so.loads.size())] = v;
        sq.graph.inputs.push_back(v);
        so.loads.push_back({v, v, shape, false, true});
        loaded.insert(v);
      }
      // Stores: model outputs, then the tensors crossing the end cut: those made here in
      // producer order (each stored right after its layer), then the forwarded ones (received
      // and sent on, after the stage's last layer). A split layer's output leaves its last slice
      // as the slices in order (the earlier ones forwarded, the last one made here).
      std::vector<std::pair<std::string, std::string>> store_values;  // (value, link name)
      for (const std::string& v : made)
        if (graph_outputs.count(v)) {
          sq.graph.outputs.push_back(v);
          so.stores.push_back(*model_store.at(v));
        }
      if (st.end < count) {
        std::vector<std::string> mine, forwarded;
        for (const std::string& v : crossing[st.end]) {
          if (auto sp = split_out.find(v);
              sp != split_out.end() && made.count(sp->second->slice_out.back())) {
            // A slice stage has one layer: its stores all follow it, in this order.
            for (const std::string& piece : sp->second->slice_out) mine.push_back(piece);
            continue;
          }
          (made.count(v) ? mine : forwarded).push_back(v);
        }
        for (const auto* list : {&mine, &forwarded})
          for (const std::string& v : *list) store_values.emplace_back(v, v);
      }
      for (const auto& [v, link_name] : store_values) {
        AORTA_ASSIGN_OR_RETURN(Shape shape, passes::StaticShapeOf(xg, v));
        // A forwarded tensor is both a load and a store of the stage graph: the store's binding
        // gets its own name.
        const std::string name = loaded.count(v) ? v + "@forward" : v;
        if (!graph_outputs.count(v) || loaded.count(v)) sq.graph.outputs.push_back(v);
        send[static_cast<uint32_t>(so.loads.size() + so.stores.size())] = v;
        so.stores.push_back({v, name, shape, false, true});
      }

      AORTA_ASSIGN_OR_RETURN(
          codegen::CodegenResult gen,
          WithContext(codegen::GenerateProgram(sq, cfg, so), fmt::format("stage {}", s)));
      Program& sp = gen.program;
      program::ChipProgram chip = sp.chips(0);
      // The crossing tensors' buffers become link transfers.
      std::set<std::string> link_buffers;
      for (const program::Buffer& b : chip.buffers())
        if (recv.count(b.slot()) || send.count(b.slot())) link_buffers.insert(b.name());
      const uint32_t in_port = chain[s].in_port, out_port = chain[s].out_port;
      std::optional<TiledCrossing> tiled;
      LinkOrder link_order;
      Result<std::map<uint32_t, uint64_t>> moved =
          ToLinks(&chip, n, recv, send, in_port, out_port, &tiled, &link_order);
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
      // The link's byte stream: the receiver reads in the order the sender wrote.
      if (link_order.received != sent)
        return Internal("stage {} receives its link tensors in another order than they are sent",
                        s);
      sent.clear();
      for (size_t i = 0; i < link_order.sent.size(); ++i) {
        const std::string& v = link_order.sent[i];
        auto owner = std::find_if(splits.begin(), splits.end(), [&](const Split& y) {
          return std::find(y.slice_out.begin(), y.slice_out.end(), v) != y.slice_out.end();
        });
        // The slices of a split layer leaving its last slice: the whole output, in order.
        if (owner != splits.end() && st.end < count &&
            std::find(crossing[st.end].begin(), crossing[st.end].end(), owner->out) !=
                crossing[st.end].end()) {
          if (v != owner->slice_out.front()) continue;
          for (size_t j = 0; j < owner->slice_out.size(); ++j)
            if (i + j >= link_order.sent.size() || link_order.sent[i + j] != owner->slice_out[j])
              return Internal("stage {} does not send the slices of '{}' back to back", s,
                              owner->out);
          sent.push_back(owner->out);
          continue;
        }
        sent.push_back(v);
      }
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
        if (link_buffers.count(b.buffer())) continue;
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
      // The estimate counts the RECV / SEND rows at one a cycle; the link's bytes take longer when
      // it carries less than a row a cycle, and the two overlap (the partitioner's cost).
      const auto link_bytes = static_cast<double>(sr.link_in_bytes + sr.link_out_bytes);
      sr.link_cycles = std::max(0.0, link_bytes / res.link_bytes_per_cycle - link_bytes / n);
      sr.stage_cycles = static_cast<double>(sr.est_cycles) + sr.link_cycles;
      r.link_bytes += sr.link_out_bytes;
      r.streamed_bytes += sr.weight_streamed;
      r.board_weight_capacity += cfg.weight_buffer_bytes();
      r.stages.push_back(std::move(sr));
    }
    if (ruled_out) {
      // The plans compiled so far may cross the cut now ruled out.
      best_slowest = std::numeric_limits<double>::infinity();
      best_starts.clear();
      final_pass = false;
      continue;
    }
    if (final_pass || !board_options.stage_starts.empty()) break;
    std::vector<size_t> starts;
    double slowest = 0;
    bool learned = false;
    for (size_t s = 0; s < stages; ++s) {
      const Stage& st = r.plan.stages[s];
      if (s > 0) starts.push_back(st.begin);
      slowest = std::max(slowest, r.stages[s].stage_cycles);
      const double planned = StageCost(items, cuts, res, st.begin, st.end).cost;
      if (std::abs(r.stages[s].stage_cycles - planned) > 0.5 &&
          measured.emplace(std::pair{st.begin, st.end}, r.stages[s].stage_cycles - planned).second)
        learned = true;
    }
    if (slowest < best_slowest) {
      best_slowest = slowest;
      best_starts = starts;
    }
    if (learned && ++refinements <= kRefinements) continue;
    if (starts == best_starts) break;
    final_pass = true;
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
  for (const std::string& note : r.split_notes) s += note + "\n";
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
