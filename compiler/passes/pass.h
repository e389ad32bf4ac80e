// The interface every graph pass implements (compiler/pipeline.h lists them in order).
//
// A pass rewrites an ir::Graph in place and keeps it valid: values defined once, nodes stored in
// topological order, value info (dtype, static dims) recorded for every value it creates. A
// graph a pass cannot handle is reported as a Status naming the node and the op; the graph is
// then left in an unspecified state and must not be used further.
#pragma once

#include <string_view>

#include "compiler/ir.h"
#include "core/status.h"

namespace aorta::passes {

class Pass {
 public:
  virtual ~Pass() = default;
  // The pass's class name ("FoldBatchNorm"): messages, graph dumps, docs/compiler.md.
  virtual std::string_view name() const = 0;
  virtual Status Run(ir::Graph& graph) = 0;
};

}  // namespace aorta::passes
