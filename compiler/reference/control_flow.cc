// If: runs the branch its condition selects as a nested reference graph. The branch reads values
// of the enclosing graph (ONNX's outer scope); the node carries them as implicit inputs
// (ir.h ImplicitInputs), bound here by position, so passes may rename them.
#include "compiler/reference/executor.h"
#include "compiler/reference/kernel.h"

namespace aorta::reference {
namespace {

Result<std::vector<Tensor>> If(KernelContext& ctx) {
  const ir::Node& node = ctx.node;
  const std::vector<std::string> implicit = ir::ImplicitInputs(node);
  if (node.inputs.size() != implicit.size() + 1) {
    return ctx.Invalid("expects 1 input (the condition) and {} implicit inputs, got {} inputs",
                       implicit.size(), node.inputs.size());
  }
  AORTA_RETURN_IF_ERROR(ctx.RequireInputs(node.inputs.size()));
  const Tensor& cond = ctx.In(0);
  if (cond.element_count() != 1) {
    return ctx.Invalid("the condition must hold one element, got shape {}",
                       ShapeToString(cond.shape()));
  }
  const bool taken = cond.ToDoubles()[0] != 0;
  const char* key = taken ? "then_branch" : "else_branch";
  AORTA_ASSIGN_OR_RETURN(const ir::Graph* body, node.GetGraph(key));
  if (!body->inputs.empty()) {
    return ctx.Invalid("{} declares {} inputs; an If branch takes none", key, body->inputs.size());
  }
  if (body->outputs.size() != node.outputs.size()) {
    return ctx.Invalid("{} has {} outputs, the node {}", key, body->outputs.size(),
                       node.outputs.size());
  }
  // The branch with its outer-scope values as graph inputs.
  ir::Graph branch = *body;
  TensorMap feeds;
  for (const std::string& v : ir::OuterScopeValues(*body)) {
    size_t j = 0;
    while (j < implicit.size() && implicit[j] != v) ++j;
    if (j == implicit.size()) {
      return ctx.Invalid("{} reads '{}', which is not among the node's implicit inputs", key, v);
    }
    const Tensor& t = ctx.In(1 + j);
    branch.AddInput(v, t.dtype(), ir::StaticDims(t.shape()));
    feeds[v] = t;
  }
  Result<TensorMap> out = RunReference(branch, feeds);
  if (!out.ok()) return out.status().WithContext(fmt::format("{} {}", node.Describe(), key));
  std::vector<Tensor> results;
  for (const std::string& name : body->outputs) results.push_back(out->at(name));
  return results;
}

}  // namespace

void RegisterControlFlowKernels(KernelRegistry& r) { r["If"] = If; }

}  // namespace aorta::reference
