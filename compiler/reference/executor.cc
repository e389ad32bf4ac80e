#include "compiler/reference/executor.h"

#include <fmt/ranges.h>

#include <set>

#include "compiler/reference/kernel.h"

namespace aorta::reference {

const KernelRegistry& Kernels() {
  static const KernelRegistry registry = [] {
    KernelRegistry r;
    RegisterConvKernels(r);
    RegisterMatMulKernels(r);
    RegisterPoolKernels(r);
    RegisterElementwiseKernels(r);
    RegisterNormalizationKernels(r);
    RegisterResizeKernels(r);
    RegisterConcatKernels(r);
    RegisterShapeKernels(r);
    RegisterReduceKernels(r);
    RegisterControlFlowKernels(r);
    return r;
  }();
  return registry;
}

std::vector<std::string> SupportedOps() {
  std::vector<std::string> ops;
  for (const auto& [op, kernel] : Kernels()) ops.push_back(op);
  return ops;
}

struct Executor::State {
  ir::Graph graph;
  std::vector<size_t> order;
  std::vector<Kernel> kernels;  // per node index
  // After which step (index into order) each value is last read; values are freed then.
  std::map<std::string, size_t> last_use;
  mutable dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  mutable dnnl::stream stream{engine};
};

Executor::Executor(std::unique_ptr<State> state) : state_(std::move(state)) {}
Executor::~Executor() = default;
Executor::Executor(Executor&&) noexcept = default;
Executor& Executor::operator=(Executor&&) noexcept = default;

const ir::Graph& Executor::graph() const { return state_->graph; }

Result<Executor> Executor::Create(ir::Graph graph) {
  auto state = std::make_unique<State>();
  AORTA_ASSIGN_OR_RETURN(state->order, graph.TopologicalOrder());
  AORTA_RETURN_IF_ERROR(graph.Validate());
  for (const ir::Node& node : graph.nodes) {
    auto it = Kernels().find(node.op_type);
    if (!node.domain.empty() || it == Kernels().end()) {
      return Unsupported("{}: op type '{}'{} is not supported by the fp32 reference",
                         node.Describe(), node.op_type,
                         node.domain.empty() ? "" : fmt::format(" (domain '{}')", node.domain));
    }
    state->kernels.push_back(it->second);
  }
  for (size_t step = 0; step < state->order.size(); ++step) {
    for (const std::string& in : graph.nodes[state->order[step]].inputs) {
      if (!in.empty()) state->last_use[in] = step;
    }
  }
  state->graph = std::move(graph);
  return Executor(std::move(state));
}

namespace {

Status CheckInput(const ir::Graph& graph, const std::string& name, const Tensor& t) {
  const ir::ValueInfo* info = graph.FindValue(name);
  if (info == nullptr) return Status::Ok();
  if (info->dtype && *info->dtype != t.dtype()) {
    return InvalidArgument("input '{}' is {}, the model expects {}", name, DTypeName(t.dtype()),
                           DTypeName(*info->dtype));
  }
  if (info->dims) {
    bool match = static_cast<int64_t>(info->dims->size()) == t.rank();
    for (size_t i = 0; match && i < info->dims->size(); ++i) {
      const ir::Dim& d = (*info->dims)[i];
      match = !d.is_static() || d.value == t.shape()[i];
    }
    if (!match) {
      return InvalidArgument("input '{}' has shape {}, the model expects {}", name,
                             ShapeToString(t.shape()), ir::DimsToString(*info->dims));
    }
  }
  return Status::Ok();
}

}  // namespace

Result<TensorMap> Executor::Run(const TensorMap& inputs) const { return Run(inputs, nullptr); }

Result<TensorMap> Executor::Run(const TensorMap& inputs, const ValueHook& after) const {
  const ir::Graph& graph = state_->graph;
  for (const auto& [name, tensor] : inputs) {
    if (!graph.IsGraphInput(name)) {
      return InvalidArgument("'{}' is not an input of the model (inputs: {})", name,
                             fmt::join(graph.inputs, ", "));
    }
  }
  std::map<std::string, Tensor> values;
  for (const std::string& name : graph.inputs) {
    auto it = inputs.find(name);
    if (it == inputs.end()) return InvalidArgument("missing model input '{}'", name);
    AORTA_RETURN_IF_ERROR(CheckInput(graph, name, it->second));
    values[name] = it->second;
  }
  auto lookup = [&](const std::string& name) -> const Tensor* {
    auto v = values.find(name);
    if (v != values.end()) return &v->second;
    return graph.FindInitializer(name);
  };
  std::set<std::string> keep(graph.outputs.begin(), graph.outputs.end());
  for (size_t step = 0; step < state_->order.size(); ++step) {
    const ir::Node& node = graph.nodes[state_->order[step]];
    KernelContext ctx{node, graph.opset(), {}, state_->engine, state_->stream};
    for (const std::string& in : node.inputs) {
      ctx.inputs.push_back(in.empty() ? nullptr : lookup(in));
    }
    Result<std::vector<Tensor>> outs = Internal("not run");
    try {
      outs = state_->kernels[state_->order[step]](ctx);
    } catch (const dnnl::error& e) {
      return Internal("{}: oneDNN error: {} (status {})", node.Describe(), e.what(),
                      static_cast<int>(e.status));
    } catch (const std::exception& e) {
      return Internal("{}: {}", node.Describe(), e.what());
    }
    if (!outs.ok()) return outs.status();
    for (size_t i = 0; i < node.outputs.size() && i < outs->size(); ++i) {
      if (node.outputs[i].empty()) continue;
      Tensor& t = values[node.outputs[i]] = std::move((*outs)[i]);
      if (after) after(node.outputs[i], t);
    }
    // Free values nobody reads any more.
    for (const std::string& in : node.inputs) {
      auto last = state_->last_use.find(in);
      if (last != state_->last_use.end() && last->second == step && !keep.count(in)) {
        values.erase(in);
      }
    }
  }
  TensorMap out;
  for (const std::string& name : graph.outputs) {
    const Tensor* t = lookup(name);
    if (t == nullptr) return Internal("graph output '{}' was not computed", name);
    out[name] = *t;
  }
  return out;
}

Result<TensorMap> RunReference(const ir::Graph& graph, const TensorMap& inputs) {
  AORTA_ASSIGN_OR_RETURN(Executor exec, Executor::Create(graph));
  return exec.Run(inputs);
}

}  // namespace aorta::reference
