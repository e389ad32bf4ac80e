#include "compiler/onnx_import.h"

#include <map>
#include <set>

#include "compiler/onnx_tensor.h"
#include "core/io/file_util.h"

namespace aorta {
namespace {

using onnx_convert::DTypeFromOnnx;
using onnx_convert::TensorFromProto;

Result<ir::ValueInfo> ValueInfoFromProto(const onnx::ValueInfoProto& proto,
                                         const std::string& what) {
  ir::ValueInfo info;
  info.name = proto.name();
  if (!proto.has_type()) return info;  // type left for inference
  if (!proto.type().has_tensor_type()) {
    return Unsupported(
        "{}: value '{}' is not a tensor (sequences, maps and optionals are not "
        "supported)",
        what, proto.name());
  }
  const onnx::TypeProto::Tensor& tt = proto.type().tensor_type();
  if (tt.elem_type() != onnx::TensorProto::UNDEFINED) {
    AORTA_ASSIGN_OR_RETURN(
        info.dtype,
        DTypeFromOnnx(tt.elem_type(), fmt::format("{}: value '{}'", what, proto.name())));
  }
  if (tt.has_shape()) {
    std::vector<ir::Dim> dims;
    for (const auto& d : tt.shape().dim()) {
      if (d.has_dim_value()) {
        dims.push_back(ir::Dim::Static(d.dim_value()));
      } else if (d.has_dim_param()) {
        dims.push_back(ir::Dim::Symbolic(d.dim_param()));
      } else {
        dims.push_back(ir::Dim{});
      }
    }
    info.dims = std::move(dims);
  }
  return info;
}

// The attribute's kind; old exporters leave `type` unset, then the filled field decides.
onnx::AttributeProto::AttributeType AttributeKind(const onnx::AttributeProto& a) {
  using A = onnx::AttributeProto;
  if (a.type() != A::UNDEFINED) return a.type();
  if (a.has_f()) return A::FLOAT;
  if (a.has_i()) return A::INT;
  if (a.has_s()) return A::STRING;
  if (a.has_t()) return A::TENSOR;
  if (a.has_g()) return A::GRAPH;
  if (a.floats_size() > 0) return A::FLOATS;
  if (a.ints_size() > 0) return A::INTS;
  if (a.strings_size() > 0) return A::STRINGS;
  return A::UNDEFINED;
}

// Subgraphs nest at most this deep (a corrupt file cannot exhaust the stack).
constexpr int kMaxSubgraphDepth = 16;

Result<ir::Graph> ImportGraph(const onnx::GraphProto& g,
                              const std::map<std::string, int64_t>& opsets, const std::string& name,
                              int depth);

Result<ir::Attribute> AttributeFromProto(const onnx::AttributeProto& a, const std::string& what,
                                         const std::map<std::string, int64_t>& opsets, int depth) {
  using A = onnx::AttributeProto;
  const A::AttributeType kind = AttributeKind(a);
  switch (kind) {
    case A::GRAPH: {
      if (depth >= kMaxSubgraphDepth) {
        return Unsupported("{}: subgraphs nested deeper than {}", what, kMaxSubgraphDepth);
      }
      AORTA_ASSIGN_OR_RETURN(ir::Graph body, ImportGraph(a.g(), opsets, what, depth + 1));
      return ir::Attribute(ir::Subgraph{std::make_shared<const ir::Graph>(std::move(body))});
    }
    case A::FLOAT:
      return ir::Attribute(a.f());
    case A::INT:
      return ir::Attribute(a.i());
    case A::STRING:
      return ir::Attribute(a.s());
    case A::FLOATS:
      return ir::Attribute(std::vector<float>(a.floats().begin(), a.floats().end()));
    case A::INTS:
      return ir::Attribute(std::vector<int64_t>(a.ints().begin(), a.ints().end()));
    case A::STRINGS:
      return ir::Attribute(std::vector<std::string>(a.strings().begin(), a.strings().end()));
    case A::TENSOR: {
      AORTA_ASSIGN_OR_RETURN(Tensor t, TensorFromProto(a.t(), what));
      return ir::Attribute(std::move(t));
    }
    default:
      break;
  }
  return Unsupported("{}: attribute kind {} is not supported", what,
                     A::AttributeType_IsValid(kind) ? A::AttributeType_Name(kind) : "invalid");
}

// One graph: the model's main graph (depth 0) or a subgraph attribute (depth > 0), whose nodes
// may read values of the enclosing graphs.
Result<ir::Graph> ImportGraph(const onnx::GraphProto& g,
                              const std::map<std::string, int64_t>& opsets, const std::string& name,
                              int depth) {
  ir::Graph graph;
  graph.name = g.name();
  graph.opset_imports = opsets;
  if (g.sparse_initializer_size() > 0) {
    return Unsupported("{}: sparse initializers are not supported ('{}')", name,
                       g.sparse_initializer(0).values().name());
  }
  for (const auto& init : g.initializer()) {
    if (init.name().empty()) return DataLoss("{}: an initializer has no name", name);
    const std::string what = fmt::format("{}: initializer '{}'", name, init.name());
    AORTA_ASSIGN_OR_RETURN(Tensor t, TensorFromProto(init, what));
    graph.AddInitializer(init.name(), std::move(t));
  }
  auto record = [&](const onnx::ValueInfoProto& vi) -> Status {
    AORTA_ASSIGN_OR_RETURN(ir::ValueInfo info, ValueInfoFromProto(vi, name));
    if (graph.IsInitializer(vi.name())) return Status::Ok();  // the tensor is the truth
    graph.values[vi.name()] = std::move(info);
    return Status::Ok();
  };
  for (const auto& in : g.input()) {
    if (in.name().empty()) return DataLoss("{}: a graph input has no name", name);
    AORTA_RETURN_IF_ERROR(record(in));
    // Older exporters list initializers among the inputs too: those are constants here.
    if (!graph.IsInitializer(in.name())) graph.inputs.push_back(in.name());
  }
  for (const auto& vi : g.value_info()) AORTA_RETURN_IF_ERROR(record(vi));
  for (const auto& out : g.output()) {
    if (out.name().empty()) return DataLoss("{}: a graph output has no name", name);
    AORTA_RETURN_IF_ERROR(record(out));
    graph.outputs.push_back(out.name());
  }

  std::set<std::string> node_names;
  for (int i = 0; i < g.node_size(); ++i) {
    const onnx::NodeProto& np = g.node(i);
    ir::Node node;
    node.op_type = np.op_type();
    node.domain = np.domain() == "ai.onnx" ? "" : np.domain();
    node.name = np.name().empty() ? fmt::format("{}_{}", np.op_type(), i) : np.name();
    if (!node_names.insert(node.name).second) {
      node.name = fmt::format("{}_{}", node.name, i);
      node_names.insert(node.name);
    }
    if (node.op_type.empty()) return DataLoss("{}: node {} has no op_type", name, i);
    node.inputs.assign(np.input().begin(), np.input().end());
    node.outputs.assign(np.output().begin(), np.output().end());
    for (const auto& a : np.attribute()) {
      const std::string what =
          fmt::format("{}: {} attribute '{}'", name, node.Describe(), a.name());
      AORTA_ASSIGN_OR_RETURN(ir::Attribute attr, AttributeFromProto(a, what, opsets, depth));
      node.attributes.insert_or_assign(a.name(), std::move(attr));
    }
    // What the subgraphs read from this scope becomes implicit inputs (ir.h ImplicitInputs).
    for (const std::string& v : ir::ImplicitInputs(node)) node.inputs.push_back(v);
    for (const std::string& out : node.outputs) {
      if (!out.empty() && !graph.values.count(out)) graph.values[out] = ir::ValueInfo{out, {}, {}};
    }
    graph.nodes.push_back(std::move(node));
  }
  // A subgraph is checked with the outer-scope values it reads standing in as inputs.
  ir::Graph checked;
  const ir::Graph* to_check = &graph;
  if (depth > 0) {
    checked = graph;
    for (const std::string& v : ir::OuterScopeValues(graph)) checked.inputs.push_back(v);
    to_check = &checked;
  }
  const Status valid = to_check->Validate();
  if (!valid.ok()) return valid.WithContext(name);
  return graph;
}

}  // namespace

Result<ir::Graph> ImportOnnxBytes(std::string_view bytes, const std::string& name) {
  onnx::ModelProto model;
  if (bytes.size() > static_cast<size_t>(INT32_MAX)) {
    return Unsupported("{}: ONNX files over 2 GiB are not supported", name);
  }
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return DataLoss("{}: not a valid ONNX model (protobuf parse failed: truncated or corrupt file)",
                    name);
  }
  if (!model.has_graph()) return DataLoss("{}: ONNX model has no graph", name);
  std::map<std::string, int64_t> opsets;
  for (const auto& op : model.opset_import()) opsets[op.domain()] = op.version();
  if (opsets.empty()) {
    return DataLoss("{}: ONNX model has no opset_import (field opset_import is required)", name);
  }
  return ImportGraph(model.graph(), opsets, name, 0);
}

Result<ir::Graph> ImportOnnxFile(const std::string& path) {
  AORTA_ASSIGN_OR_RETURN(std::string bytes, ReadFileBytes(path));
  return ImportOnnxBytes(bytes, path);
}

}  // namespace aorta
