// ir::Graph -> ONNX ModelProto: writes real .onnx files from graphs built in C++ (tests, debug
// dumps after passes) without Python. Initializers are stored as raw_data.
#pragma once

#include <string>

#include "compiler/ir.h"
#include "core/status.h"

namespace aorta {

// The serialized ModelProto (ir_version 8, producer "aorta").
Result<std::string> ExportOnnxBytes(const ir::Graph& graph);
Status ExportOnnxFile(const ir::Graph& graph, const std::string& path);

}  // namespace aorta
