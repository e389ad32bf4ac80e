// The quantization simulation (docs/compiler.md, "Quantization simulation"): a QuantizedGraph run
// in float on the fp32 reference, with every rounding the chip does modelled where it happens.
//
//   weights     each matrix op's float weights and bias replaced by what the chip computes with:
//               q_w[c] * s_w[c] (channel equalization included) and bias[c] * s_in * s_w[c]
//   values      every int8 value (graph inputs, node outputs, fused nodes' base results and sums:
//               quant::BaseKey / SumKey) rounded to its QParams as soon as it is computed:
//               x -> s * (clamp(round(x / s) + z, -128, 127) - z)
//   wide        model outputs of a matrix op without activation or residual stay exact (the chip
//               stores them as int32 accumulators: docs/compiler.md "Wide outputs")
//
// It agrees with the golden model up to the chip's own rounding of the requantization
// (31-bit multiplier, half up) and is used to learn which roundings cost accuracy: any set of
// values can be kept exact, or only some rounded (SimOptions).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "compiler/quantize.h"
#include "compiler/reference/executor.h"
#include "core/io/tensor.h"
#include "core/status.h"

namespace aorta::quant {

struct SimOptions {
  bool quantize_weights = true;  // false: the float weights (equalized) and biases
  // Range keys (a value, BaseKey(value), SumKey(value)) kept exact.
  std::set<std::string> exact;
  // When not empty: only these range keys are rounded (exact is then ignored).
  std::set<std::string> only;
  bool wide_outputs = true;
  // What-if knobs (models/real/precision_study): values rounded to `bits` bits instead of 8 (the
  // same range, 2^(bits - 8) times finer steps), and per-channel parameters for some range keys
  // (channel = dim 1) instead of their per-tensor ones.
  int bits = 8;
  std::map<std::string, std::vector<QParams>> per_channel;
};

// x rounded to q's int8 grid and back (saturating); with bits > 8 to a grid 2^(bits - 8) times
// finer over the same range.
float FakeQuantize(float x, const QParams& q, int bits = 8);

class QuantSimulator {
 public:
  static Result<QuantSimulator> Create(const QuantizedGraph& q, const SimOptions& options);
  // The model outputs for one sample (graph inputs by name, f32); `observe`, if given, sees every
  // value of the (expanded) graph after its rounding.
  Result<TensorMap> Run(const TensorMap& inputs,
                        const reference::Executor::ValueHook& observe = nullptr) const;
  // Every range key the simulation rounds with all values rounded, in graph order (inputs first).
  const std::vector<std::string>& keys() const { return keys_; }
  // Every rounded value's range key: value name -> key.
  const std::map<std::string, std::string>& key_of() const { return key_of_; }

 private:
  explicit QuantSimulator(reference::Executor exec) : exec_(std::move(exec)) {}
  bool Rounds(const std::string& key) const;

  reference::Executor exec_;
  SimOptions options_;
  std::map<std::string, QParams> act_;
  std::map<std::string, std::string> key_of_;  // expanded value -> range key
  std::vector<std::string> keys_;
  std::vector<std::string> inputs_;
};

}  // namespace aorta::quant
