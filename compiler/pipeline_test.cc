// The whole graph pipeline on a real .onnx file: a small residual CNN as PyTorch exports it
// (dynamic batch, BatchNorm, a Shape-computed flatten, Dropout, a transpose pair).
#include "compiler/pipeline.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "compiler/onnx_export.h"
#include "compiler/onnx_import.h"
#include "compiler/passes/fused_ops.h"
#include "compiler/passes/test_util.h"

namespace aorta::passes::testing {
namespace {

using Ints = std::vector<int64_t>;

void Bn(ir::Graph& g, const std::string& x, const std::string& y, uint32_t seed) {
  for (const char* p : {"_scale", "_shift", "_mean", "_var"}) {
    const bool var = std::string(p) == "_var";
    g.AddInitializer(y + p, RandomTensor({4}, seed++, var ? 0.2f : -1.0f, var ? 2.0f : 1.0f));
  }
  g.AddNode("BatchNormalization", {x, y + "_scale", y + "_shift", y + "_mean", y + "_var"}, {y});
}

ir::Graph ResidualCnn() {
  ir::Graph g = NewGraph(13);
  g.name = "residual_cnn";
  g.AddInput("x", DType::kF32,
             {ir::Dim::Symbolic("batch"), ir::Dim::Static(4), ir::Dim::Static(6),
              ir::Dim::Static(6)});
  g.AddInitializer("w1", RandomTensor({4, 4, 3, 3}, 1));
  g.AddInitializer("w2", RandomTensor({4, 4, 3, 3}, 2));
  g.AddNode("Conv", {"x", "w1"}, {"c1"}, {{"pads", Ints{1, 1, 1, 1}}});
  Bn(g, "c1", "bn1", 10);
  g.AddNode("Relu", {"bn1"}, {"r1"});
  g.AddNode("Transpose", {"r1"}, {"nhwc"}, {{"perm", Ints{0, 2, 3, 1}}});
  g.AddNode("Transpose", {"nhwc"}, {"nchw"}, {{"perm", Ints{0, 3, 1, 2}}});
  g.AddNode("Conv", {"nchw", "w2"}, {"c2"}, {{"pads", Ints{1, 1, 1, 1}}});
  Bn(g, "c2", "bn2", 20);
  g.AddNode("Add", {"bn2", "x"}, {"sum"});
  g.AddNode("Relu", {"sum"}, {"r2"});
  g.AddNode("GlobalAveragePool", {"r2"}, {"pool"});
  g.AddNode("Shape", {"pool"}, {"shape"});
  g.AddInitializer("zero", Tensor::Scalar<int64_t>(0));
  g.AddInitializer("axes", I64({0}));
  g.AddInitializer("minus1", I64({-1}));
  g.AddNode("Gather", {"shape", "zero"}, {"n"});
  g.AddNode("Unsqueeze", {"n", "axes"}, {"n1"});
  g.AddNode("Concat", {"n1", "minus1"}, {"target"}, {{"axis", int64_t{0}}});
  g.AddNode("Reshape", {"pool", "target"}, {"flat"});
  g.AddNode("Dropout", {"flat"}, {"drop"});
  g.AddInitializer("fc_w", RandomTensor({3, 4}, 30));
  g.AddInitializer("fc_b", RandomTensor({3}, 31));
  g.AddNode("Gemm", {"drop", "fc_w", "fc_b"}, {"logits"}, {{"transB", int64_t{1}}});
  g.AddNode("Identity", {"logits"}, {"y"});
  g.AddOutput("y");
  return g;
}

TEST(Pipeline, ResidualCnnFromAnOnnxFile) {
  const std::string dir = std::filesystem::temp_directory_path() /
                          ("aorta_pipeline_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  ASSERT_TRUE(ExportOnnxFile(ResidualCnn(), dir + "/model.onnx").ok());
  auto imported = ImportOnnxFile(dir + "/model.onnx");
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  ir::Graph g = *imported;
  PipelineOptions options;
  options.input_shapes["x"] = {2, 4, 6, 6};
  options.dump_dir = dir + "/dump";
  Status s = RunGraphPasses(g, options);
  ASSERT_TRUE(s.ok()) << s.ToString();

  EXPECT_EQ(OpTypes(g), (std::vector<std::string>{"aorta.Conv", "aorta.Conv", "GlobalAveragePool",
                                                  "Reshape", "aorta.Gemm"}));
  EXPECT_EQ(std::get<std::string>(g.nodes[0].attributes.at("activation")), "Relu");
  EXPECT_EQ(g.nodes[1].inputs.at(kResidualInput), "x");
  EXPECT_EQ(std::get<std::string>(g.nodes[1].attributes.at("activation")), "Relu");
  EXPECT_EQ(g.outputs, (std::vector<std::string>{"y"}));
  EXPECT_EQ(ShapeOf(g, "y"), (Shape{2, 3}));
  // Only the weights the fused nodes read remain: 2 convs and the fc, weights and biases, and
  // the reshape target.
  EXPECT_EQ(g.initializers.size(), 7u);
  ExpectSameNumerics(*imported, g);

  // One dump per pass, each a valid .onnx file.
  const auto passes = GraphPasses(options);
  for (size_t i = 0; i < passes.size(); ++i) {
    const std::string path =
        fmt::format("{}/dump/{:02}_{}.onnx", dir, i + 1, passes[i]->name());
    auto dumped = ImportOnnxFile(path);
    EXPECT_TRUE(dumped.ok()) << path << ": " << dumped.status().ToString();
  }
  std::filesystem::remove_all(dir);
}

TEST(Pipeline, NamesTheFailingPass) {
  ir::Graph g = NewGraph(13);
  g.AddInput("x", DType::kF32, {ir::Dim::Symbolic("N"), ir::Dim::Static(3)});
  g.AddNode("Relu", {"x"}, {"y"});
  g.AddOutput("y");
  Status s = RunGraphPasses(g);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message().rfind("InferShapes: input 'x' has dynamic dims", 0), 0u) << s.message();
}

TEST(Pipeline, ListReadsLikeTheDocs) {
  std::vector<std::string> names;
  for (const auto& pass : GraphPasses({})) names.emplace_back(pass->name());
  EXPECT_EQ(names, (std::vector<std::string>{
                       "FoldQdq", "InferShapes", "FoldConstants", "RemoveDeadNodes",
                       "CancelTransposes", "ZeroPadConcatToConv", "FoldPadIntoWindow",
                       "FoldBatchNorm", "FuseActivation", "FuseResidualAdd", "RemoveDeadNodes"}));
}

}  // namespace
}  // namespace aorta::passes::testing
