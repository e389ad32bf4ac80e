// Placement of a model between the chip and the host CPU (docs/compiler.md, "Placement and host
// fallback").
//
// Every node of the graph after the graph passes is
//   chip         a layer the chip computes (or a free reshape of a chip tensor)
//   DMA layout   a Transpose between NHWC and the chip's channel-blocked layout at the chip's
//                edge, and the reshapes after it: no instruction, the input / output DMA walks
//                the NHWC bytes with a stride of C (a pixel-major binding)
//   host         anything the chip cannot run: it runs in fp32 on the host, in the runtime
//
// The chip part runs in run segments; the host part in host ops, each one serialized ONNX
// subgraph that runs after a segment. Levels are as early as dependencies allow: a chip node
// runs in the segment after the latest host op it depends on, a host node after the latest
// segment it depends on; all host nodes after the same segment form one host op. Tensors that
// cross are Program.intermediates: int8 on the chip side (quantized / dequantized by the runtime
// with their QParams), fp32 on the host side.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "compiler/codegen/codegen.h"
#include "compiler/ir.h"
#include "core/status.h"

namespace aorta {

enum class Side { kChip, kLayout, kDmaLayout, kHost };
const char* SideName(Side s);

struct HostGroup {
  std::string name;           // "host_<after_segment>"
  std::vector<size_t> nodes;  // indices into the graph's nodes, topological order
  uint32_t after_segment = 0;
  std::vector<std::string> inputs;   // values it reads that it does not compute
  std::vector<std::string> outputs;  // values it computes that others read (or graph outputs)
};

struct Partition {
  std::vector<Side> side;           // per graph node
  std::vector<std::string> reason;  // per graph node: why it is on the host
  std::vector<uint32_t> level;      // chip: its segment; host: the segment it runs after
  uint32_t segments = 1;
  std::vector<HostGroup> host;  // by after_segment
  // The chip part as a graph of its own (chip and free-layout nodes; the graph's value info and
  // initializers). Its inputs are every tensor the chip loads, its outputs every tensor it
  // stores; `loads` / `stores` say how each is bound.
  ir::Graph chip;
  std::map<std::string, uint32_t> chip_segment;  // chip graph node -> run segment
  std::vector<codegen::BoundTensor> loads, stores;
  // Model inputs only host ops read, and model outputs host ops compute (bound as fp32).
  std::vector<std::string> host_inputs, host_outputs;

  bool has_host() const { return !host.empty(); }
};

// Places every node of `graph` (after the graph passes; `support` from codegen::CheckSupport,
// one per node in order). With `nhwc_inputs_in_dma` false, an NHWC input's Transpose runs on the
// host (the chip then gets a channel-blocked tensor it may tile through DRAM, which a
// pixel-major input cannot be). Fails only on graphs it cannot split (a model output that is a
// model input or a constant), naming the value.
Result<Partition> PartitionGraph(const ir::Graph& graph,
                                 const std::vector<codegen::NodeSupport>& support,
                                 bool nhwc_inputs_in_dma = true);

// The host op's subgraph: its nodes (fused nodes expanded into standard ONNX ops), the
// initializers they read, its inputs and outputs with their types and static shapes.
Result<ir::Graph> HostSubgraph(const ir::Graph& graph, const HostGroup& group);

// Multiply-accumulates of a Conv / ConvTranspose / Gemm / MatMul node (fused or not) from its
// static shapes; 0 for other ops.
uint64_t NodeMacs(const ir::Graph& graph, const ir::Node& node);

}  // namespace aorta
