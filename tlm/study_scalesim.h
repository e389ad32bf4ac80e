// SCALE-Sim topology CSVs as a model source for studies (issue #5 item 6, docs/studies.md).
//
// The format SCALE-Sim publishes its workloads in: a header line
//   Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter,
//   Strides,
// then one line per layer (trailing comma optional). SCALE-Sim simulates every row as a layer of
// its own, the IFMAP already padded; so here every row becomes its own input
// "<layer>_ifmap" [1, Channels, H, W] -> Conv (no padding, the stride) -> Relu -> output
// "<layer>_ofmap". A row whose filter covers the whole IFMAP (Filter H = IFMAP H and Filter W =
// IFMAP W) is a fully-connected layer, SCALE-Sim's GEMM: Flatten -> Gemm -> Relu. Weights are
// random (He-normal) from a seed, so the graph is an ordinary ONNX model (onnx_export).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ir.h"
#include "core/status.h"

namespace aorta::study {

struct ScaleSimLayer {
  std::string name;
  int64_t ifmap_h = 0, ifmap_w = 0, filter_h = 0, filter_w = 0, channels = 0, filters = 0,
          stride = 0;
  int line = 0;  // in the file, from 1
  bool is_gemm() const { return filter_h == ifmap_h && filter_w == ifmap_w; }
};

// Parses the CSV text; errors name `origin`, the line and the column (a missing or unexpected
// header, a row with the wrong number of fields, a value that is not a positive integer, a filter
// larger than its IFMAP, a stride that leaves no output, duplicate layer names).
Result<std::vector<ScaleSimLayer>> ParseScaleSimCsv(const std::string& text,
                                                    const std::string& origin);
Result<std::vector<ScaleSimLayer>> ReadScaleSimCsv(const std::string& path);

// The model: one input and one output per layer (see above); `name` is the graph's name.
ir::Graph ScaleSimGraph(const std::vector<ScaleSimLayer>& layers, const std::string& name,
                        uint64_t seed);

}  // namespace aorta::study
