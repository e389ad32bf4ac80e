#include "driver/runtime/host_ops.h"

#include "compiler/onnx_import.h"
#include "compiler/reference/executor.h"

namespace aorta::runtime {

struct HostOpRunner::Impl {
  reference::Executor exec;
};

HostOpRunner::HostOpRunner(program::HostOp op, std::unique_ptr<Impl> impl)
    : op_(std::move(op)), impl_(std::move(impl)) {}
HostOpRunner::~HostOpRunner() = default;

Result<std::unique_ptr<HostOpRunner>> HostOpRunner::Create(const program::HostOp& op) {
  const std::string what = fmt::format("host op '{}'", op.name());
  Result<ir::Graph> graph = ImportOnnxBytes(op.onnx_model(), what);
  if (!graph.ok()) return graph.status();
  for (const std::string& in : op.inputs())
    if (!graph->IsGraphInput(in))
      return InvalidArgument("{}: its model has no input '{}'", what, in);
  for (const std::string& out : op.outputs())
    if (std::find(graph->outputs.begin(), graph->outputs.end(), out) == graph->outputs.end())
      return InvalidArgument("{}: its model has no output '{}'", what, out);
  Result<reference::Executor> exec = reference::Executor::Create(std::move(*graph));
  if (!exec.ok()) return exec.status().WithContext(what);
  return std::unique_ptr<HostOpRunner>(
      new HostOpRunner(op, std::make_unique<Impl>(Impl{std::move(*exec)})));
}

Result<TensorMap> HostOpRunner::Run(const TensorMap& inputs) const {
  TensorMap in;
  for (const std::string& name : op_.inputs()) {
    auto it = inputs.find(name);
    if (it == inputs.end())
      return Internal("host op '{}': input '{}' is not available", op_.name(), name);
    in[name] = it->second;
  }
  Result<TensorMap> out = impl_->exec.Run(in);
  if (!out.ok()) return out.status().WithContext(fmt::format("host op '{}'", op_.name()));
  return out;
}

}  // namespace aorta::runtime
