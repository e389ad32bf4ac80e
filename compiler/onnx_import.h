// ONNX model file -> ir::Graph.
//
// Reads initializers (raw_data or typed fields), node attributes, value_info / input / output
// shapes (static, symbolic or unknown dims) and the opset imports. GRAPH attributes (If's
// branches) become ir::Subgraph attributes, and what a subgraph reads from the enclosing graph is
// appended to its node's inputs (ir.h ImplicitInputs). Anything the IR cannot hold (external
// data, sparse initializers, GRAPHS attributes, non-tensor values) is refused with a Status
// naming the file and the node, value or field.
#pragma once

#include <string>
#include <string_view>

#include "compiler/ir.h"
#include "core/status.h"

namespace aorta {

Result<ir::Graph> ImportOnnxFile(const std::string& path);
// `name` (usually the path) prefixes every error message.
Result<ir::Graph> ImportOnnxBytes(std::string_view bytes, const std::string& name);

}  // namespace aorta
