// Host ops: the parts of a model the chip cannot run, executed by the runtime on the CPU in fp32
// with the reference executor (compiler/reference, oneDNN) between run segments
// (docs/program-format.md, HostOp; docs/compiler.md, "Placement and host fallback").
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/io/tensor.h"
#include "core/program.h"
#include "core/status.h"

namespace aorta::runtime {

class HostOpRunner {
 public:
  // Parses the op's ONNX model and prepares the executor; errors name the host op.
  static Result<std::unique_ptr<HostOpRunner>> Create(const program::HostOp& op);
  ~HostOpRunner();

  const program::HostOp& op() const { return op_; }
  // Runs the subgraph: `inputs` holds (at least) the op's inputs by name; returns its outputs.
  Result<TensorMap> Run(const TensorMap& inputs) const;

 private:
  struct Impl;
  HostOpRunner(program::HostOp op, std::unique_ptr<Impl> impl);
  program::HostOp op_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace aorta::runtime
