#include "compiler/partition.h"

#include <algorithm>

#include "compiler/codegen/lowering.h"
#include "compiler/passes/fused_ops.h"
#include "compiler/passes/graph_edit.h"

namespace aorta {

const char* SideName(Side s) {
  switch (s) {
    case Side::kChip:
      return "chip";
    case Side::kLayout:
      return "chip (layout only, no instructions)";
    case Side::kDmaLayout:
      return "chip (NHWC layout in the DMA)";
    case Side::kHost:
      return "host";
  }
  return "?";
}

namespace {

bool IsReshapeOp(const ir::Node& n) {
  return n.domain.empty() && (n.op_type == "Reshape" || n.op_type == "Flatten" ||
                              n.op_type == "Squeeze" || n.op_type == "Unsqueeze");
}

Result<Shape> PermOf(const ir::Node& n) { return n.GetInts("perm", {}); }

// Where a value is available: computed on the chip, on the host, a model input, or the end of an
// NHWC output chain (stored by the chip, readable by the host only).
enum class Where { kNone, kChip, kHost, kInput, kStored };

class Partitioner {
 public:
  Partitioner(const ir::Graph& graph, const std::vector<codegen::NodeSupport>& support,
              bool nhwc_inputs_in_dma)
      : g_(graph), support_(support), nhwc_inputs_in_dma_(nhwc_inputs_in_dma) {}

  Result<Partition> Run() {
    if (support_.size() != g_.nodes.size())
      return Internal("placement: {} support entries for {} nodes", support_.size(),
                      g_.nodes.size());
    AORTA_ASSIGN_OR_RETURN(order_, g_.TopologicalOrder());
    for (const std::string& out : g_.outputs)
      if (g_.IsGraphInput(out) || g_.IsInitializer(out))
        return Unsupported("model output '{}' is a model input or a constant: nothing computes it",
                           out);
    const size_t n = g_.nodes.size();
    p_.side.assign(n, Side::kHost);
    p_.reason.assign(n, "");
    p_.level.assign(n, 0);
    for (size_t i = 0; i < n; ++i) {
      const codegen::NodeSupport& s = support_[i];
      p_.side[i] = s.placement == codegen::Placement::kChip     ? Side::kChip
                   : s.placement == codegen::Placement::kLayout ? Side::kLayout
                                                                : Side::kHost;
      if (p_.side[i] == Side::kHost) p_.reason[i] = s.reason;
    }
    if (nhwc_inputs_in_dma_)
      for (size_t i = 0; i < n; ++i) AORTA_RETURN_IF_ERROR(NhwcInput(i));
    for (size_t i = 0; i < n; ++i) AORTA_RETURN_IF_ERROR(NhwcOutput(i));
    Sides();
    Levels();
    Groups();
    AORTA_RETURN_IF_ERROR(ChipGraph());
    return std::move(p_);
  }

 private:
  std::vector<const ir::Node*> Readers(const std::string& v) const { return g_.Consumers(v); }
  size_t Index(const ir::Node* node) const { return static_cast<size_t>(node - g_.nodes.data()); }
  bool SupportOnChip(size_t i) const {
    return support_[i].placement != codegen::Placement::kUnsupported;
  }

  // Transpose(NHWC model input -> NCHW) read only by chip nodes: the input DMA de-interleaves.
  Status NhwcInput(size_t i) {
    const ir::Node& t = g_.nodes[i];
    if (t.op_type != "Transpose" || !t.domain.empty() || !t.HasInput(0)) return Status::Ok();
    AORTA_ASSIGN_OR_RETURN(Shape perm, PermOf(t));
    const std::string& x = t.inputs[0];
    if (perm != Shape{0, 3, 1, 2} || !g_.IsGraphInput(x) || passes::UseCount(g_, x) != 1)
      return Status::Ok();
    AORTA_ASSIGN_OR_RETURN(Shape xs, passes::StaticShapeOf(g_, x));
    if (xs[0] != 1 || xs[1] > codegen::kMaxDim || xs[2] > codegen::kMaxDim) return Status::Ok();
    const std::string& y = t.outputs.at(0);
    if (passes::IsGraphOutput(g_, y)) return Status::Ok();
    const std::vector<const ir::Node*> readers = Readers(y);
    if (readers.empty()) return Status::Ok();
    for (const ir::Node* r : readers)
      if (!SupportOnChip(Index(r))) return Status::Ok();
    p_.side[i] = Side::kDmaLayout;
    p_.reason[i].clear();
    loads_.push_back({y, x, xs, true, false});
    return Status::Ok();
  }

  // Transpose(chip tensor -> NHWC) and the reshapes after it, up to a value that only the host
  // or the model's caller reads: the output DMA interleaves the channels into NHWC order.
  Status NhwcOutput(size_t i) {
    const ir::Node& t = g_.nodes[i];
    if (t.op_type != "Transpose" || !t.domain.empty() || !t.HasInput(0)) return Status::Ok();
    if (p_.side[i] == Side::kDmaLayout) return Status::Ok();
    AORTA_ASSIGN_OR_RETURN(Shape perm, PermOf(t));
    if (perm != Shape{0, 2, 3, 1}) return Status::Ok();
    const std::string& y = t.inputs[0];
    const int64_t producer = passes::ProducerIndex(g_, y);
    if (producer < 0 ||
        support_[static_cast<size_t>(producer)].placement != codegen::Placement::kChip)
      return Status::Ok();
    AORTA_ASSIGN_OR_RETURN(Shape ys, passes::StaticShapeOf(g_, y));
    if (ys.size() != 4 || ys[0] != 1) return Status::Ok();
    std::vector<size_t> chain = {i};
    std::string z = t.outputs.at(0);
    for (;;) {
      if (passes::IsGraphOutput(g_, z)) break;
      const std::vector<const ir::Node*> readers = Readers(z);
      if (readers.size() != 1 || !IsReshapeOp(*readers[0])) break;
      chain.push_back(Index(readers[0]));
      z = readers[0]->outputs.at(0);
    }
    for (const ir::Node* r : Readers(z))
      if (SupportOnChip(Index(r))) return Status::Ok();  // a chip reader needs the real transpose
    for (size_t c : chain) {
      p_.side[c] = Side::kDmaLayout;
      p_.reason[c].clear();
    }
    AORTA_ASSIGN_OR_RETURN(Shape zs, passes::StaticShapeOf(g_, z));
    stored_from_[z] = y;
    pixel_stores_.push_back({y, z, zs, true, !passes::IsGraphOutput(g_, z)});
    return Status::Ok();
  }

  // A free reshape runs where its input is; layout nodes of host tensors go to the host.
  void Sides() {
    for (const std::string& in : g_.inputs) where_[in] = Where::kInput;
    for (const codegen::BoundTensor& l : loads_) where_[l.value] = Where::kChip;
    for (size_t i : order_) {
      const ir::Node& node = g_.nodes[i];
      Side& s = p_.side[i];
      if (s == Side::kLayout) {
        const Where w = WhereIs(node.inputs.at(0));
        if (w == Where::kHost || w == Where::kStored) {
          s = Side::kHost;
          p_.reason[i] = "a layout change of a host tensor";
        }
      }
      // A chip node reading a value that exists only as stored NHWC bytes cannot run.
      if (s == Side::kChip || s == Side::kLayout)
        for (const std::string& v : node.inputs)
          if (!v.empty() && WhereIs(v) == Where::kStored) {
            s = Side::kHost;
            p_.reason[i] = fmt::format("reads '{}', which exists in NHWC order only", v);
          }
      if (s == Side::kDmaLayout) {
        for (const std::string& v : node.outputs)
          if (!v.empty() && where_.count(v) == 0)
            where_[v] = stored_from_.count(v) ? Where::kStored : Where::kNone;
        continue;
      }
      for (const std::string& v : node.outputs)
        if (!v.empty()) where_[v] = s == Side::kHost ? Where::kHost : Where::kChip;
    }
  }

  Where WhereIs(const std::string& v) const {
    auto it = where_.find(v);
    return it == where_.end() ? Where::kNone : it->second;
  }

  int64_t LevelOfValue(const std::string& v) const {
    auto it = value_level_.find(v);
    return it == value_level_.end() ? 0 : it->second;
  }

  // As early as dependencies allow (see the header).
  void Levels() {
    uint32_t top = 0;
    for (size_t i : order_) {
      const ir::Node& node = g_.nodes[i];
      const Side s = p_.side[i];
      int64_t level = 0;
      for (const std::string& v : node.inputs) {
        if (v.empty() || g_.IsInitializer(v)) continue;
        int64_t l = LevelOfValue(v);
        // A chip node reading a host result runs in the segment after that host op.
        if ((s == Side::kChip || s == Side::kLayout) && WhereIs(v) == Where::kHost) ++l;
        level = std::max(level, l);
      }
      p_.level[i] = static_cast<uint32_t>(level);
      top = std::max(top, p_.level[i]);
      for (const std::string& v : node.outputs)
        if (!v.empty()) value_level_[v] = level;
    }
    p_.segments = top + 1;
  }

  void Groups() {
    std::map<uint32_t, HostGroup> groups;
    for (size_t i : order_) {
      if (p_.side[i] != Side::kHost) continue;
      HostGroup& h = groups[p_.level[i]];
      h.after_segment = p_.level[i];
      h.name = fmt::format("host_{}", p_.level[i]);
      h.nodes.push_back(i);
    }
    for (auto& [level, h] : groups) {
      std::set<std::string> made, seen_in;
      for (size_t i : h.nodes)
        for (const std::string& v : g_.nodes[i].outputs)
          if (!v.empty()) made.insert(v);
      std::set<size_t> members(h.nodes.begin(), h.nodes.end());
      for (size_t i : h.nodes) {
        for (const std::string& v : g_.nodes[i].inputs)
          if (!v.empty() && !g_.IsInitializer(v) && !made.count(v) && seen_in.insert(v).second)
            h.inputs.push_back(v);
        for (const std::string& v : g_.nodes[i].outputs) {
          if (v.empty()) continue;
          bool outside = passes::IsGraphOutput(g_, v);
          for (const ir::Node* r : Readers(v)) outside |= !members.count(Index(r));
          if (outside) h.outputs.push_back(v);
        }
      }
      p_.host.push_back(std::move(h));
    }
  }

  Status ChipGraph() {
    ir::Graph& c = p_.chip;
    c.name = g_.name;
    c.opset_imports = g_.opset_imports;
    c.values = g_.values;
    std::set<std::string> host_read;
    for (const HostGroup& h : p_.host) host_read.insert(h.inputs.begin(), h.inputs.end());
    std::set<std::string> loaded, stored;
    auto load = [&](const codegen::BoundTensor& b) {
      if (!loaded.insert(b.value).second) return;
      c.inputs.push_back(b.value);
      p_.loads.push_back(b);
    };
    auto store = [&](const codegen::BoundTensor& b) {
      if (!stored.insert(b.name).second) return;
      if (std::find(c.outputs.begin(), c.outputs.end(), b.value) == c.outputs.end())
        c.outputs.push_back(b.value);
      p_.stores.push_back(b);
    };
    for (const codegen::BoundTensor& l : loads_) load(l);
    for (size_t i : order_) {
      const Side s = p_.side[i];
      if (s != Side::kChip && s != Side::kLayout) continue;
      const ir::Node& node = g_.nodes[i];
      c.nodes.push_back(node);
      p_.chip_segment[node.name] = p_.level[i];
      for (const std::string& v : node.inputs) {
        if (v.empty()) continue;
        if (const Tensor* k = g_.FindInitializer(v)) {
          c.initializers[v] = *k;
          continue;
        }
        AORTA_ASSIGN_OR_RETURN(Shape shape, passes::StaticShapeOf(g_, v));
        const Where w = WhereIs(v);
        if (w == Where::kInput) load({v, v, shape, false, false});
        if (w == Where::kHost) load({v, v, shape, false, true});
      }
      for (const std::string& v : node.outputs) {
        if (v.empty()) continue;
        AORTA_ASSIGN_OR_RETURN(Shape shape, passes::StaticShapeOf(g_, v));
        if (passes::IsGraphOutput(g_, v))
          store({v, v, shape, false, false});
        else if (host_read.count(v))
          store({v, v, shape, false, true});
      }
    }
    for (const codegen::BoundTensor& s : pixel_stores_) store(s);
    for (const std::string& in : g_.inputs) {
      bool by_host = host_read.count(in) > 0, bound = false;
      for (const codegen::BoundTensor& l : p_.loads) bound |= l.name == in;
      if (by_host && !bound) p_.host_inputs.push_back(in);
    }
    for (const std::string& out : g_.outputs)
      if (WhereIs(out) == Where::kHost) p_.host_outputs.push_back(out);
    return Status::Ok();
  }

  const ir::Graph& g_;
  const std::vector<codegen::NodeSupport>& support_;
  const bool nhwc_inputs_in_dma_;
  std::vector<size_t> order_;
  Partition p_;
  std::vector<codegen::BoundTensor> loads_, pixel_stores_;
  std::map<std::string, std::string> stored_from_;  // NHWC chain end -> the chip tensor
  std::map<std::string, Where> where_;
  std::map<std::string, int64_t> value_level_;
};

}  // namespace

Result<Partition> PartitionGraph(const ir::Graph& graph,
                                 const std::vector<codegen::NodeSupport>& support,
                                 bool nhwc_inputs_in_dma) {
  return Partitioner(graph, support, nhwc_inputs_in_dma).Run();
}

Result<ir::Graph> HostSubgraph(const ir::Graph& graph, const HostGroup& group) {
  ir::Graph h;
  h.name = group.name;
  h.opset_imports = graph.opset_imports;
  h.opset_imports.erase(passes::kAortaDomain);
  auto info = [&](const std::string& v) -> Status {
    const ir::ValueInfo* vi = graph.FindValue(v);
    if (vi == nullptr || !vi->dtype || !vi->StaticShape())
      return Internal("host op '{}': value '{}' has no static type and shape", group.name, v);
    h.values[v] = *vi;
    return Status::Ok();
  };
  for (const std::string& v : group.inputs) {
    AORTA_RETURN_IF_ERROR(info(v));
    h.inputs.push_back(v);
  }
  for (size_t i : group.nodes) {
    const ir::Node& node = graph.nodes[i];
    h.nodes.push_back(node);
    for (const std::string& v : node.inputs)
      if (const Tensor* k = graph.FindInitializer(v)) h.initializers[v] = *k;
    for (const std::string& v : node.outputs)
      if (!v.empty()) AORTA_RETURN_IF_ERROR(info(v));
  }
  h.outputs = group.outputs;
  AORTA_ASSIGN_OR_RETURN(ir::Graph expanded, passes::ExpandFusedOps(std::move(h)));
  AORTA_RETURN_IF_ERROR(expanded.Validate().WithContext(fmt::format("host op '{}'", group.name)));
  return expanded;
}

uint64_t NodeMacs(const ir::Graph& graph, const ir::Node& node) {
  const std::string base = passes::BaseOpType(node);
  auto shape = [&](const std::string& v) -> Shape {
    Result<Shape> s = codegen::ShapeOf(graph, v);
    return s.ok() ? *s : Shape{};
  };
  auto count = [](const Shape& s) { return static_cast<uint64_t>(ElementCount(s)); };
  if (!node.HasInput(1) || node.outputs.empty()) return 0;
  const Shape w = shape(node.inputs[1]);
  const Shape x = shape(node.inputs[0]);
  const Shape y = shape(node.outputs[0]);
  if (w.empty() || x.empty() || y.empty()) return 0;
  if (base == "Conv") return count(y) * count(w) / static_cast<uint64_t>(w[0]);
  if (base == "ConvTranspose") return count(x) * count(w) / static_cast<uint64_t>(w[0]);
  if (base == "Gemm" || base == "MatMul") {
    // Every output element is a dot product over K (the last dim of A, or its first when A is
    // transposed for Gemm).
    Result<int64_t> trans_a = node.GetInt("transA", 0);
    const int64_t k = base == "Gemm" && trans_a.ok() && *trans_a != 0 ? x.front() : x.back();
    return count(y) * static_cast<uint64_t>(k);
  }
  return 0;
}

}  // namespace aorta
