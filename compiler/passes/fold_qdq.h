// FoldQdq: pre-quantized ONNX graphs (QDQ format, QLinearConv, QLinearMatMul) become the float
// graph the rest of the compiler works on, with the graph's own quantization parameters kept as
// annotations for the quantizer, so that those tensors are not calibrated or re-quantized
// (docs/compiler.md, "Pre-quantized graphs").
//
//   QLinearConv(x, xs, xz, w, ws, wz, ys, yz, B)    -> Q(Conv(DQ(x), DQ(w), DQ(B)), ys, yz)
//   QLinearMatMul(a, as, az, b, bs, bz, ys, yz)     -> Q(MatMul(DQ(a), DQ(b)), ys, yz)
//   com.microsoft QLinearAdd / QLinearMul           -> Q(Add / Mul(DQ(a), DQ(b)), cs, cz)
//   com.microsoft QLinearGlobalAveragePool, QLinearAveragePool, QLinearSigmoid,
//   QLinearLeakyRelu                                -> Q(op(DQ(x)), ys, yz)
//   QuantizeLinear(constant)                        -> the quantized constant
//   DequantizeLinear(constant q, s, z)              -> the float constant (q - z) * s; a Conv /
//                                                      Gemm / MatMul reading it as weights keeps
//                                                      the scales, as bias the exact int32 values
//   x -> QuantizeLinear(s, z) -> DequantizeLinear(s, z) -> readers   -> x -> readers, x's
//                                                      int8 parameters fixed to (s, z)
//
// uint8 tensors are shifted into int8 exactly: q8 = q - 128, z8 = z - 128 (the real value
// s * (q - z) is unchanged). What is left afterwards (a quantized graph input or output, a
// QuantizeLinear whose result is read as an integer, a DequantizeLinear of a tensor no
// QuantizeLinear produces) is an error naming the node. It runs first: the later passes and the
// fp32 reference see no quantized tensors.
//
// Annotations (node attributes, which survive partitioning and fusion):
//   "aorta_qact:<value>"  floats {scale, zero point (int8)}: on the producer of the value and on
//                         every node reading it (graph inputs have no producer)
//   "aorta_qweight"       floats, per output channel: the weight scales of a Conv / Gemm / MatMul
//   "aorta_qbias", "aorta_qbias_scale"  ints / floats per output channel: the int32 bias and its
//                         scale (x_scale * w_scale)
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/passes/pass.h"

namespace aorta::passes {

class FoldQdq : public Pass {
 public:
  std::string_view name() const override { return "FoldQdq"; }
  Status Run(ir::Graph& graph) override;
};

inline constexpr const char* kQActPrefix = "aorta_qact:";
inline constexpr const char* kQWeight = "aorta_qweight";
inline constexpr const char* kQBias = "aorta_qbias";
inline constexpr const char* kQBiasScale = "aorta_qbias_scale";

struct FixedQParams {
  double scale = 1.0;
  int32_t zero_point = 0;  // int8
  bool operator==(const FixedQParams&) const = default;
};

// Every activation annotation of the graph, by value; two different annotations of one value are
// an error naming both nodes.
Result<std::map<std::string, FixedQParams>> FixedActivationParams(const ir::Graph& graph);
// Whether `value` carries an activation annotation on any node (fusion keeps such a tensor).
bool HasFixedParams(const ir::Graph& graph, const std::string& value);
// Copies the activation annotations of `from` onto `to` (a node absorbing another).
void CopyQuantAnnotations(const ir::Node& from, ir::Node& to);

}  // namespace aorta::passes
