#include "compiler/pipeline.h"

#include <filesystem>

#include "compiler/onnx_export.h"
#include "compiler/passes/cancel_transposes.h"
#include "compiler/passes/fold_batch_norm.h"
#include "compiler/passes/fold_constants.h"
#include "compiler/passes/fold_pad_into_window.h"
#include "compiler/passes/fold_qdq.h"
#include "compiler/passes/fuse_activation.h"
#include "compiler/passes/fuse_residual_add.h"
#include "compiler/passes/graph_edit.h"
#include "compiler/passes/infer_shapes.h"
#include "compiler/passes/remove_dead_nodes.h"
#include "compiler/passes/zero_pad_concat_to_conv.h"

namespace aorta {

std::vector<std::unique_ptr<passes::Pass>> GraphPasses(const PipelineOptions& options) {
  std::vector<std::unique_ptr<passes::Pass>> list;
  list.push_back(std::make_unique<passes::FoldQdq>());
  list.push_back(std::make_unique<passes::InferShapes>(options.input_shapes));
  list.push_back(std::make_unique<passes::FoldConstants>());
  list.push_back(std::make_unique<passes::RemoveDeadNodes>());
  list.push_back(std::make_unique<passes::CancelTransposes>());
  list.push_back(std::make_unique<passes::ZeroPadConcatToConv>());
  list.push_back(std::make_unique<passes::FoldPadIntoWindow>());
  list.push_back(std::make_unique<passes::FoldBatchNorm>());
  list.push_back(std::make_unique<passes::FuseActivation>());
  list.push_back(std::make_unique<passes::FuseResidualAdd>());
  list.push_back(std::make_unique<passes::RemoveDeadNodes>());
  return list;
}

namespace {

Status Dump(const ir::Graph& graph, const std::string& dir, size_t step, std::string_view pass) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return InvalidArgument("dump directory '{}': {}", dir, ec.message());
  ir::Graph copy = graph;
  copy.opset_imports[passes::kAortaDomain] = 1;
  return ExportOnnxFile(copy, fmt::format("{}/{:02}_{}.onnx", dir, step, pass));
}

}  // namespace

Status RunGraphPasses(ir::Graph& graph, const PipelineOptions& options) {
  size_t step = 0;
  for (const auto& pass : GraphPasses(options)) {
    ++step;
    Status s = pass->Run(graph);
    if (s.ok()) s = graph.Validate();
    if (!s.ok()) return s.WithContext(std::string(pass->name()));
    if (!options.dump_dir.empty()) {
      AORTA_RETURN_IF_ERROR(Dump(graph, options.dump_dir, step, pass->name()));
    }
  }
  return Status::Ok();
}

}  // namespace aorta
