// RemoveDeadNodes: drops what cannot affect a graph output.
//
// Identity and Dropout (inference: the identity; a Dropout whose mask is read stays) are
// bypassed, then every node none of whose outputs reaches a graph output is removed, with the
// initializers and value info nothing reads any more. Graph inputs stay (they are the model's
// interface) even when unused. What it leaves: only live nodes and initializers.
#pragma once

#include "compiler/passes/pass.h"

namespace aorta::passes {

class RemoveDeadNodes : public Pass {
 public:
  std::string_view name() const override { return "RemoveDeadNodes"; }
  Status Run(ir::Graph& graph) override;
};

}  // namespace aorta::passes
