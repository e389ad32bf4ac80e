// InferShapes: a static shape and element type for every value.
//
// Graph inputs take their declared dims, with `input_shapes` (--input-shape NAME=1x3x224x224)
// resolving dynamic ones; every input must be fully static afterwards. Each node's output
// shapes then follow from its inputs in topological order. Small constant computations (the
// Shape -> Gather -> Concat -> Reshape chains of exported models) are evaluated along the way
// with the fp32 reference, so that shapes depending on them are known before FoldConstants.
//
// Compute ops (Conv, ConvTranspose, Gemm, MatMul, pooling, element-wise, BatchNormalization,
// Softmax, Resize, ConstantOfShape, aorta.* fused ops) have shape rules here; the layout ops
// (Reshape, Flatten, Transpose, Squeeze, Unsqueeze, Pad, Slice, Gather, Concat, Shape, Constant)
// are run by their reference kernel on a zero-filled stand-in of the input's shape, so that
// their rules (Reshape 0 / -1, Slice clamping, axes by opset ...) exist once.
//
// An op without a rule, a non-constant shape argument, or a declared value_info that disagrees
// with the inferred shape is an error naming the node and its op.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "compiler/passes/pass.h"

namespace aorta::passes {

class InferShapes : public Pass {
 public:
  explicit InferShapes(std::map<std::string, Shape> input_shapes = {})
      : input_shapes_(std::move(input_shapes)) {}
  std::string_view name() const override { return "InferShapes"; }
  Status Run(ir::Graph& graph) override;

  // The op types it has rules for (sorted; fused ops as "aorta.Conv" ...).
  static std::vector<std::string> SupportedOps();

 private:
  std::map<std::string, Shape> input_shapes_;
};

}  // namespace aorta::passes
