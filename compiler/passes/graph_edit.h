// Graph editing helpers shared by the passes: use counts, rewiring, fresh names, ordering, and
// evaluating one node on constant inputs with the fp32 reference.
#pragma once

#include <string>
#include <vector>

#include "compiler/ir.h"
#include "core/io/tensor.h"
#include "core/status.h"

namespace aorta::passes {

// The domain of aorta's own ops (fused nodes, docs/compiler.md).
inline constexpr const char* kAortaDomain = "aorta";

// The constant behind `value` (an initializer), or nullptr.
const Tensor* ConstantValue(const ir::Graph& graph, const std::string& value);
bool IsGraphOutput(const ir::Graph& graph, const std::string& value);
// How many times `value` is read: node inputs plus graph outputs.
size_t UseCount(const ir::Graph& graph, const std::string& value);
// Index of the node producing `value`, or -1.
int64_t ProducerIndex(const ir::Graph& graph, const std::string& value);

// Every node input reading `from` reads `to` instead (graph outputs are left alone).
void ReplaceUses(ir::Graph& graph, const std::string& from, const std::string& to);
// The index of the one node reading `value` (once), if nothing else reads it and it is not a
// graph output; -1 otherwise.
int64_t SoleReader(const ir::Graph& graph, const std::string& value);
// Node `node` swallows node `reader`, the sole reader of its output 0: it now writes reader's
// output 0 directly, and `reader` is detached (no inputs, no outputs) for EraseDetached.
void Absorb(ir::Graph& graph, size_t node, size_t reader);
// Drops the nodes Absorb detached.
void EraseDetached(ir::Graph& graph);

// Lets the readers of `out` read `in` (same contents), so that the node computing `out` from
// `in` can be erased by the caller. A graph output keeps its name: then `in` is renamed to `out`
// when a node produces it and it is not a graph output itself. False (nothing changed) when
// neither works, e.g. a graph input passed straight to a graph output.
bool ForwardValue(ir::Graph& graph, const std::string& in, const std::string& out);

// A value / node name not used in the graph yet: `base`, else `base_1`, `base_2` ...
std::string FreshValueName(const ir::Graph& graph, const std::string& base);
std::string FreshNodeName(const ir::Graph& graph, const std::string& base);

// Records dtype and static dims for `value`.
void SetStaticInfo(ir::Graph& graph, const std::string& value, DType dtype, const Shape& shape);
// The recorded static shape / dtype of `value`, or an error naming it (run InferShapes first).
Result<Shape> StaticShapeOf(const ir::Graph& graph, const std::string& value);
Result<DType> DTypeOf(const ir::Graph& graph, const std::string& value);

// Drops the nodes whose flag is set, keeping the others in order.
void EraseNodes(ir::Graph& graph, const std::vector<bool>& erase);
// Stores the nodes in topological order (after rewrites that moved a producer behind a reader).
Status SortNodes(ir::Graph& graph);

// Runs `node` on constant inputs (nullptr: omitted optional input) with the fp32 reference and
// returns its outputs. ConstantOfShape, which the reference does not run, is evaluated here.
Result<std::vector<Tensor>> EvaluateNode(const ir::Graph& graph, const ir::Node& node,
                                         const std::vector<const Tensor*>& inputs);

}  // namespace aorta::passes
