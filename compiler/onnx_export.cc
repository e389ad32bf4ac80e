#include "compiler/onnx_export.h"

#include <algorithm>

#include "compiler/onnx_tensor.h"
#include "core/io/file_util.h"

namespace aorta {
namespace {

void ValueInfoToProto(const ir::Graph& graph, const std::string& value,
                      onnx::ValueInfoProto* proto) {
  proto->set_name(value);
  const ir::ValueInfo* info = graph.FindValue(value);
  if (info == nullptr || (!info->dtype && !info->dims)) return;
  onnx::TypeProto::Tensor* tt = proto->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(info->dtype ? onnx_convert::OnnxElemType(*info->dtype)
                                : onnx::TensorProto::UNDEFINED);
  if (!info->dims) return;
  onnx::TensorShapeProto* shape = tt->mutable_shape();
  for (const ir::Dim& d : *info->dims) {
    auto* dim = shape->add_dim();
    if (d.is_static()) {
      dim->set_dim_value(d.value);
    } else if (!d.symbol.empty()) {
      dim->set_dim_param(d.symbol);
    }
  }
}

void GraphToProto(const ir::Graph& graph, onnx::GraphProto* g);

void AttributeToProto(const std::string& key, const ir::Attribute& attr, onnx::AttributeProto* a) {
  using A = onnx::AttributeProto;
  a->set_name(key);
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, int64_t>) {
          a->set_type(A::INT);
          a->set_i(v);
        } else if constexpr (std::is_same_v<T, float>) {
          a->set_type(A::FLOAT);
          a->set_f(v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          a->set_type(A::STRING);
          a->set_s(v);
        } else if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
          a->set_type(A::INTS);
          for (int64_t x : v) a->add_ints(x);
        } else if constexpr (std::is_same_v<T, std::vector<float>>) {
          a->set_type(A::FLOATS);
          for (float x : v) a->add_floats(x);
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          a->set_type(A::STRINGS);
          for (const std::string& x : v) a->add_strings(x);
        } else if constexpr (std::is_same_v<T, ir::Subgraph>) {
          a->set_type(A::GRAPH);
          if (v.graph != nullptr) GraphToProto(*v.graph, a->mutable_g());
        } else {
          a->set_type(A::TENSOR);
          onnx_convert::TensorToProto(v, "", a->mutable_t());
        }
      },
      attr);
}

void GraphToProto(const ir::Graph& graph, onnx::GraphProto* g) {
  g->set_name(graph.name.empty() ? "aorta" : graph.name);
  for (const auto& [name, tensor] : graph.initializers) {
    onnx_convert::TensorToProto(tensor, name, g->add_initializer());
  }
  for (const std::string& in : graph.inputs) ValueInfoToProto(graph, in, g->add_input());
  for (const std::string& out : graph.outputs) ValueInfoToProto(graph, out, g->add_output());
  for (const ir::Node& node : graph.nodes) {
    onnx::NodeProto* np = g->add_node();
    np->set_name(node.name);
    np->set_op_type(node.op_type);
    np->set_domain(node.domain);
    // The implicit inputs (what the subgraphs read, ir.h ImplicitInputs) are not ONNX inputs.
    const size_t onnx_inputs =
        node.inputs.size() - std::min(node.inputs.size(), ir::ImplicitInputs(node).size());
    for (size_t i = 0; i < onnx_inputs; ++i) np->add_input(node.inputs[i]);
    for (const std::string& out : node.outputs) np->add_output(out);
    for (const auto& [key, attr] : node.attributes)
      AttributeToProto(key, attr, np->add_attribute());
    for (const std::string& out : node.outputs) {
      const ir::ValueInfo* info = graph.FindValue(out);
      if (info != nullptr && (info->dtype || info->dims) && !graph.IsGraphInput(out)) {
        bool is_output = false;
        for (const std::string& o : graph.outputs) is_output |= o == out;
        if (!is_output) ValueInfoToProto(graph, out, g->add_value_info());
      }
    }
  }
}

}  // namespace

Result<std::string> ExportOnnxBytes(const ir::Graph& graph) {
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.set_producer_name("aorta");
  for (const auto& [domain, version] : graph.opset_imports) {
    auto* op = model.add_opset_import();
    op->set_domain(domain);
    op->set_version(version);
  }
  GraphToProto(graph, model.mutable_graph());
  std::string bytes;
  if (!model.SerializeToString(&bytes)) {
    return Internal("cannot serialize ONNX model '{}' (over 2 GiB?)", graph.name);
  }
  return bytes;
}

Status ExportOnnxFile(const ir::Graph& graph, const std::string& path) {
  AORTA_ASSIGN_OR_RETURN(std::string bytes, ExportOnnxBytes(graph));
  return WriteFileBytes(path, bytes);
}

}  // namespace aorta
