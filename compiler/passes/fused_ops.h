// The fused-node representation (docs/compiler.md, "Fused nodes").
//
// FuseActivation and FuseResidualAdd turn a Conv, ConvTranspose or Gemm together with the bias
// add, residual add and activation that follow it into one node:
//
//   op_type "aorta.Conv" | "aorta.ConvTranspose" | "aorta.Gemm", domain "aorta"
//   inputs      the base op's inputs (X, W, B  or  A, B, C), then an optional residual R (input 3)
//   attributes  the base op's attributes, plus
//     activation        string, the ONNX op type of the activation; absent: none
//                       (Relu, Clip, LeakyRelu, Sigmoid, HardSigmoid, HardSwish, Tanh)
//     activation_alpha  float, LeakyRelu alpha / HardSigmoid alpha
//     activation_beta   float, HardSigmoid beta
//     clip_min, clip_max  float, the Clip bounds (ReLU6: 0, 6)
//
//   Y = activation(base(inputs 0..2) + R)
//
// ExpandFusedOps is that equation as code: it rewrites fused nodes back into standard ONNX ops,
// which is how the fp32 reference runs (and the tests check) a fused graph.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "compiler/ir.h"
#include "core/status.h"

namespace aorta::passes {

inline constexpr size_t kResidualInput = 3;

struct Activation {
  std::string op;  // ONNX op type: "Relu", "Clip", ...
  float alpha = 0.0f;
  float beta = 0.0f;
  float clip_min = 0.0f;
  float clip_max = 0.0f;
};

// Conv, ConvTranspose, Gemm: the ops a fused node can be built on.
bool IsFusableBase(const ir::Node& node);
bool IsFusedOp(const ir::Node& node);
// "aorta.Conv" for "Conv".
std::string FusedOpType(std::string_view base);
// "Conv" for an aorta.Conv node, the op type otherwise.
std::string BaseOpType(const ir::Node& node);

// Turns a plain Conv / ConvTranspose / Gemm into its fused form without activation or residual;
// a fused node is left as it is.
void MakeFused(ir::Node& node);

// The activation `node` computes, if it is one a fused node can carry (Clip needs constant
// bounds); nullopt otherwise. Malformed attributes are an error naming the node.
Result<std::optional<Activation>> MatchActivation(const ir::Graph& graph, const ir::Node& node);
// The activation a fused node carries (nullopt: none).
Result<std::optional<Activation>> FusedActivation(const ir::Node& fused);
void SetFusedActivation(ir::Node& fused, const Activation& activation);

// Every fused node rewritten into its base op, an Add of the residual and the activation node.
Result<ir::Graph> ExpandFusedOps(ir::Graph graph);

}  // namespace aorta::passes
