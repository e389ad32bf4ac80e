// The compiler's graph passes, in order (docs/compiler.md, "The pipeline").
//
// Quantization, partitioning, scheduling and code generation come after these and are not part
// of this list yet.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "compiler/ir.h"
#include "compiler/passes/pass.h"
#include "core/status.h"

namespace aorta {

struct PipelineOptions {
  // --input-shape NAME=1x3x224x224: resolves dynamic input dims (InferShapes).
  std::map<std::string, Shape> input_shapes;
  // When set, the graph after each pass is written there as NN_<PassName>.onnx (viewable in
  // Netron; fused nodes appear in domain "aorta").
  std::string dump_dir;
};

// The passes in the order they run.
std::vector<std::unique_ptr<passes::Pass>> GraphPasses(const PipelineOptions& options);

// Runs GraphPasses on `graph`; a failing pass's Status is prefixed with its name.
Status RunGraphPasses(ir::Graph& graph, const PipelineOptions& options = {});

}  // namespace aorta
