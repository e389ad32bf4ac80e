#include "compiler/ir.h"

#include <fmt/ranges.h>

#include <set>

namespace aorta::ir {

std::string DimsToString(const std::vector<Dim>& dims) {
  if (dims.empty()) return "scalar";
  std::vector<std::string> parts;
  for (const Dim& d : dims) {
    parts.push_back(d.is_static() ? std::to_string(d.value) : (d.symbol.empty() ? "?" : d.symbol));
  }
  return fmt::format("{}", fmt::join(parts, "x"));
}

std::vector<Dim> StaticDims(const Shape& shape) {
  std::vector<Dim> dims;
  for (int64_t d : shape) dims.push_back(Dim::Static(d));
  return dims;
}

std::optional<Shape> ValueInfo::StaticShape() const {
  if (!dims) return std::nullopt;
  Shape shape;
  for (const Dim& d : *dims) {
    if (!d.is_static()) return std::nullopt;
    shape.push_back(d.value);
  }
  return shape;
}

// ---- Node ------------------------------------------------------------------------------------

namespace {

constexpr const char* kAttributeKindNames[] = {"int",    "float",   "string", "ints",
                                               "floats", "strings", "tensor", "graph"};

template <typename T>
Result<T> GetAs(const Node& node, const std::string& key, std::optional<T> fallback) {
  auto it = node.attributes.find(key);
  if (it == node.attributes.end()) {
    if (fallback) return *fallback;
    return NotFound("{}: missing required attribute '{}'", node.Describe(), key);
  }
  if (const T* v = std::get_if<T>(&it->second)) return *v;
  // An INT where a FLOAT is expected is harmless (some exporters write alpha=1 as an int).
  if constexpr (std::is_same_v<T, float>) {
    if (const int64_t* i = std::get_if<int64_t>(&it->second)) return static_cast<float>(*i);
  }
  return InvalidArgument("{}: attribute '{}' is {}, expected {}", node.Describe(), key,
                         kAttributeKindNames[it->second.index()],
                         kAttributeKindNames[Attribute(T{}).index()]);
}

}  // namespace

Result<int64_t> Node::GetInt(const std::string& key) const {
  return GetAs<int64_t>(*this, key, std::nullopt);
}
Result<int64_t> Node::GetInt(const std::string& key, int64_t fallback) const {
  return GetAs<int64_t>(*this, key, fallback);
}
Result<float> Node::GetFloat(const std::string& key, float fallback) const {
  return GetAs<float>(*this, key, fallback);
}
Result<std::string> Node::GetString(const std::string& key, const std::string& fallback) const {
  return GetAs<std::string>(*this, key, fallback);
}
Result<std::vector<int64_t>> Node::GetInts(const std::string& key,
                                           std::vector<int64_t> fallback) const {
  return GetAs<std::vector<int64_t>>(*this, key, std::move(fallback));
}
Result<std::vector<float>> Node::GetFloats(const std::string& key,
                                           std::vector<float> fallback) const {
  return GetAs<std::vector<float>>(*this, key, std::move(fallback));
}
Result<Tensor> Node::GetTensor(const std::string& key) const {
  return GetAs<Tensor>(*this, key, std::nullopt);
}

Result<const Graph*> Node::GetGraph(const std::string& key) const {
  AORTA_ASSIGN_OR_RETURN(Subgraph g, GetAs<Subgraph>(*this, key, std::nullopt));
  if (g.graph == nullptr)
    return InvalidArgument("{}: attribute '{}' is an empty graph", Describe(), key);
  return g.graph.get();
}

std::string Node::Describe() const { return fmt::format("{} node '{}'", op_type, name); }

// ---- Graph -----------------------------------------------------------------------------------

int64_t Graph::opset() const {
  for (const char* domain : {"", "ai.onnx"}) {
    auto it = opset_imports.find(domain);
    if (it != opset_imports.end()) return it->second;
  }
  return 0;
}

void Graph::AddInput(const std::string& value, DType dtype, const std::vector<Dim>& dims) {
  inputs.push_back(value);
  values[value] = ValueInfo{value, dtype, dims};
}

void Graph::AddOutput(const std::string& value, std::optional<DType> dtype,
                      std::optional<std::vector<Dim>> dims) {
  outputs.push_back(value);
  ValueInfo& info = values[value];
  info.name = value;
  if (dtype) info.dtype = dtype;
  if (dims) info.dims = std::move(dims);
}

void Graph::AddInitializer(const std::string& value, Tensor tensor) {
  values[value] = ValueInfo{value, tensor.dtype(), StaticDims(tensor.shape())};
  initializers.insert_or_assign(value, std::move(tensor));
}

Node& Graph::AddNode(std::string op_type, std::vector<std::string> node_inputs,
                     std::vector<std::string> node_outputs,
                     std::map<std::string, Attribute> attributes, std::string node_name) {
  if (node_name.empty()) node_name = fmt::format("{}_{}", op_type, nodes.size());
  nodes.push_back(Node{std::move(node_name), std::move(op_type), "", std::move(node_inputs),
                       std::move(node_outputs), std::move(attributes)});
  return nodes.back();
}

const ValueInfo* Graph::FindValue(const std::string& value) const {
  auto it = values.find(value);
  return it == values.end() ? nullptr : &it->second;
}

const Tensor* Graph::FindInitializer(const std::string& value) const {
  auto it = initializers.find(value);
  return it == initializers.end() ? nullptr : &it->second;
}

const Node* Graph::FindNode(const std::string& node_name) const {
  for (const Node& n : nodes) {
    if (n.name == node_name) return &n;
  }
  return nullptr;
}

const Node* Graph::Producer(const std::string& value) const {
  if (value.empty()) return nullptr;
  for (const Node& n : nodes) {
    for (const std::string& out : n.outputs) {
      if (out == value) return &n;
    }
  }
  return nullptr;
}

std::vector<const Node*> Graph::Consumers(const std::string& value) const {
  std::vector<const Node*> out;
  for (const Node& n : nodes) {
    for (const std::string& in : n.inputs) {
      if (in == value) {
        out.push_back(&n);
        break;
      }
    }
  }
  return out;
}

bool Graph::IsGraphInput(const std::string& value) const {
  for (const std::string& in : inputs) {
    if (in == value) return true;
  }
  return false;
}

Result<std::vector<size_t>> Graph::TopologicalOrder() const {
  std::map<std::string, size_t> producer;
  for (size_t i = 0; i < nodes.size(); ++i) {
    for (const std::string& out : nodes[i].outputs) {
      if (out.empty()) continue;
      if (IsInitializer(out) || IsGraphInput(out)) {
        return InvalidArgument("{}: output '{}' redefines a graph input or initializer",
                               nodes[i].Describe(), out);
      }
      auto [it, inserted] = producer.emplace(out, i);
      if (!inserted) {
        return InvalidArgument("{}: output '{}' is also produced by {}", nodes[i].Describe(), out,
                               nodes[it->second].Describe());
      }
    }
  }
  // Kahn's algorithm, always taking the lowest ready index so the stored order is kept.
  std::vector<size_t> pending(nodes.size(), 0);
  std::vector<std::vector<size_t>> users(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    for (const std::string& in : nodes[i].inputs) {
      if (in.empty() || IsInitializer(in) || IsGraphInput(in)) continue;
      auto it = producer.find(in);
      if (it == producer.end()) {
        return InvalidArgument(
            "{}: input '{}' is not a graph input, an initializer or any node's "
            "output",
            nodes[i].Describe(), in);
      }
      ++pending[i];
      users[it->second].push_back(i);
    }
  }
  std::set<size_t> ready;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (pending[i] == 0) ready.insert(i);
  }
  std::vector<size_t> order;
  while (!ready.empty()) {
    const size_t i = *ready.begin();
    ready.erase(ready.begin());
    order.push_back(i);
    for (size_t u : users[i]) {
      if (--pending[u] == 0) ready.insert(u);
    }
  }
  if (order.size() != nodes.size()) {
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (pending[i] != 0)
        return InvalidArgument("graph has a cycle through {}", nodes[i].Describe());
    }
  }
  return order;
}

Status Graph::Validate() const {
  AORTA_RETURN_IF_ERROR(TopologicalOrder().status());
  for (const std::string& out : outputs) {
    if (!IsInitializer(out) && !IsGraphInput(out) && Producer(out) == nullptr) {
      return InvalidArgument("graph output '{}' is not produced by any node", out);
    }
  }
  return Status::Ok();
}

// ---- subgraphs -------------------------------------------------------------------------------

std::vector<std::string> OuterScopeValues(const Graph& graph) {
  std::set<std::string> defined(graph.inputs.begin(), graph.inputs.end());
  for (const auto& [name, tensor] : graph.initializers) defined.insert(name);
  for (const Node& n : graph.nodes) defined.insert(n.outputs.begin(), n.outputs.end());
  std::vector<std::string> outer;
  std::set<std::string> seen;
  auto use = [&](const std::string& v) {
    if (!v.empty() && !defined.count(v) && seen.insert(v).second) outer.push_back(v);
  };
  for (const Node& n : graph.nodes) {
    for (const std::string& in : n.inputs) use(in);
  }
  for (const std::string& out : graph.outputs) use(out);
  return outer;
}

std::vector<std::string> ImplicitInputs(const Node& node) {
  std::vector<std::string> implicit;
  std::set<std::string> seen;
  for (const auto& [key, attr] : node.attributes) {
    const auto* sub = std::get_if<Subgraph>(&attr);
    if (sub == nullptr || sub->graph == nullptr) continue;
    for (const std::string& v : OuterScopeValues(*sub->graph)) {
      if (seen.insert(v).second) implicit.push_back(v);
    }
  }
  return implicit;
}

}  // namespace aorta::ir
