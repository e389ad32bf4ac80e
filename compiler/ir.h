// The graph IR every compiler stage works on.
//
// A Graph is an ONNX-like dataflow graph: nodes read and write values by name; a value is a
// graph input, an initializer (a constant aorta::Tensor) or the output of exactly one node.
// Value metadata (element type, shape with static, unknown or symbolic dims) lives in one table
// so that passes (shape inference, constant folding, fusion, quantization) can refine it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/io/tensor.h"
#include "core/status.h"

namespace aorta::ir {

// One dimension: a known size, or unknown (-1) optionally named ("batch", "N").
struct Dim {
  int64_t value = -1;
  std::string symbol;

  static Dim Static(int64_t v) { return {v, {}}; }
  static Dim Symbolic(std::string s) { return {-1, std::move(s)}; }
  bool is_static() const { return value >= 0; }
  bool operator==(const Dim&) const = default;
};

// "1x3xNx?" style text for messages.
std::string DimsToString(const std::vector<Dim>& dims);
std::vector<Dim> StaticDims(const Shape& shape);

struct ValueInfo {
  std::string name;
  std::optional<DType> dtype;            // unknown until inferred
  std::optional<std::vector<Dim>> dims;  // nullopt: rank unknown

  // The static shape, if every dim is known.
  std::optional<Shape> StaticShape() const;
};

class Graph;

// A GRAPH attribute (If's then_branch / else_branch): an immutable body, shared by copies of
// its node. A body reads values of the enclosing graph by name (ONNX's outer scope, see
// OuterScopeValues); its node lists them as implicit inputs (see ImplicitInputs).
struct Subgraph {
  std::shared_ptr<const Graph> graph;
  // The same body (not a deep comparison).
  bool operator==(const Subgraph&) const = default;
};

// A node attribute: ONNX's INT, FLOAT, STRING, INTS, FLOATS, STRINGS, TENSOR, GRAPH kinds.
using Attribute = std::variant<int64_t, float, std::string, std::vector<int64_t>,
                               std::vector<float>, std::vector<std::string>, Tensor, Subgraph>;

struct Node {
  std::string name;  // unique in the graph (the importer names anonymous nodes)
  std::string op_type;
  std::string domain;                // "" is the default ONNX domain
  std::vector<std::string> inputs;   // "" marks an omitted optional input
  std::vector<std::string> outputs;  // "" marks an omitted optional output
  std::map<std::string, Attribute> attributes;

  bool HasAttribute(const std::string& key) const { return attributes.count(key) != 0; }
  // Typed attribute lookups. The default-taking forms return `fallback` when the attribute is
  // absent; all forms fail with a message naming the node if it has another kind.
  Result<int64_t> GetInt(const std::string& key) const;
  Result<int64_t> GetInt(const std::string& key, int64_t fallback) const;
  Result<float> GetFloat(const std::string& key, float fallback) const;
  Result<std::string> GetString(const std::string& key, const std::string& fallback) const;
  Result<std::vector<int64_t>> GetInts(const std::string& key,
                                       std::vector<int64_t> fallback = {}) const;
  Result<std::vector<float>> GetFloats(const std::string& key,
                                       std::vector<float> fallback = {}) const;
  Result<Tensor> GetTensor(const std::string& key) const;
  Result<const Graph*> GetGraph(const std::string& key) const;

  // Input i if present and non-empty.
  bool HasInput(size_t i) const { return i < inputs.size() && !inputs[i].empty(); }
  // "Conv 'conv1'" for messages.
  std::string Describe() const;
};

class Graph {
 public:
  std::string name;
  // Opset version per domain ("" = ai.onnx).
  std::map<std::string, int64_t> opset_imports;
  std::vector<Node> nodes;
  std::map<std::string, ValueInfo> values;
  std::map<std::string, Tensor> initializers;
  std::vector<std::string> inputs;  // runtime inputs (initializers are not listed)
  std::vector<std::string> outputs;

  // The default-domain opset version (0 if not imported).
  int64_t opset() const;

  // Builder helpers (tests, passes). AddInput / AddOutput also record value info.
  void AddInput(const std::string& value, DType dtype, const std::vector<Dim>& dims);
  void AddOutput(const std::string& value, std::optional<DType> dtype = std::nullopt,
                 std::optional<std::vector<Dim>> dims = std::nullopt);
  void AddInitializer(const std::string& value, Tensor tensor);
  // Appends a node; an empty name becomes "<op_type>_<index>".
  Node& AddNode(std::string op_type, std::vector<std::string> inputs,
                std::vector<std::string> outputs, std::map<std::string, Attribute> attributes = {},
                std::string name = {});

  // Lookups; nullptr when absent.
  const ValueInfo* FindValue(const std::string& value) const;
  const Tensor* FindInitializer(const std::string& value) const;
  const Node* FindNode(const std::string& node_name) const;
  // The node producing `value` (nullptr for inputs, initializers and unknown names).
  const Node* Producer(const std::string& value) const;
  // Nodes reading `value`, in node order.
  std::vector<const Node*> Consumers(const std::string& value) const;
  bool IsInitializer(const std::string& value) const { return initializers.count(value) != 0; }
  bool IsGraphInput(const std::string& value) const;

  // Indices into `nodes` such that every node comes after the producers of its inputs (stable:
  // keeps the stored order where it is already valid). Fails naming the node and the input if
  // an input is defined nowhere, if a value has two producers, or if the graph has a cycle.
  Result<std::vector<size_t>> TopologicalOrder() const;
  // Structural checks: TopologicalOrder() succeeds and every graph output is defined.
  Status Validate() const;
};

// The values `graph` reads without defining them, in first-use order: names its nodes (and,
// recursively, their subgraphs) read that are neither its inputs, its initializers nor any of its
// nodes' outputs. For a subgraph these come from the enclosing graph (ONNX's outer scope).
std::vector<std::string> OuterScopeValues(const Graph& graph);

// The implicit inputs of a node with subgraph attributes: the outer-scope values of its
// subgraphs, attribute by attribute in key order ("else_branch" before "then_branch"), each
// once. The importer appends them to the node's inputs after the ONNX inputs, so that ordering,
// use counts and dead-node removal see what the subgraphs read: node.inputs =
// [ONNX inputs..., implicit inputs...]. Passes may rename them like any input; the subgraph's
// own names stay, and ImplicitInputs(node)[i] is bound to the value at
// node.inputs[node.inputs.size() - ImplicitInputs(node).size() + i]. Empty for other nodes.
std::vector<std::string> ImplicitInputs(const Node& node);

}  // namespace aorta::ir
