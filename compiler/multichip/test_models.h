// Test models and boards for multi-chip compiles and pipelines (multichip_compile_test,
// driver/runtime/pipeline_test).
#pragma once

#include <cstdint>

#include "compiler/ir.h"
#include "core/config.h"

namespace aorta::multichip::testing {

// `k` copies of `chip` in a ring: port 1 of chip i to port 0 of chip i + 1.
BoardConfig Ring(const ChipConfig& chip, uint32_t k);

// The demo CNN's topology (models/demo/demo_program.h) as an ONNX graph: conv 3x3 16->16 + Relu,
// max pool 2x2, conv 1x1 16->32 + Relu, depthwise 3x3 + Clip(0, 6), residual add, global average
// pool, fully connected 32->10. Input "input" [1, 16, 16, 16], output "logits" [1, 10].
ir::Graph DemoCnn();

// A CNN with large early tensors: input "input" [1, 32, 32, 32], conv 3x3 32->32 + Relu, conv 3x3
// 32->16 + Relu, conv 3x3 16->16 + Relu, global average pool, fully connected 16->10 ("logits").
// On a chip with a small unified buffer its first layers are tiled through board DRAM.
ir::Graph WideInputCnn();

// A CNN with a residual block whose main path has three convolutions: input "input"
// [1, 16, 12, 12], x = Relu(conv 3x3 16->24), a = Relu(conv 1x1 24->16), b = Relu(conv 3x3
// 16->16), y = Relu(conv 1x1 16->24 (b) + x), global average pool, fully connected 24->10
// ("logits"). Stages inside the block receive the shortcut x and forward it (conv_a's reads it,
// conv_b's does not).
ir::Graph ResidualCnn();

// A multilayer perceptron: input "input" [1, in], fc1 in->hidden + Relu, fc2 hidden->hidden +
// Relu, fc3 hidden->out (the model output "fc3").
ir::Graph Mlp(int64_t in, int64_t hidden, int64_t out);

}  // namespace aorta::multichip::testing
