// Placement between chip and host, end to end: small models with an op the chip does not run
// (Softmax, a reordering Flatten) or NHWC edges, compiled, run on the golden model with the
// runtime executing the host ops, and compared with the fp32 reference.
#include "compiler/partition.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "compiler/compile.h"
#include "compiler/reference/executor.h"
#include "driver/runtime/backend.h"
#include "driver/runtime/session.h"

namespace aorta {
namespace {

using Ints = std::vector<int64_t>;

ChipConfig Chip(const std::string& name) {
  Result<ChipConfig> c = LoadChipConfig(name);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return *c;
}

Tensor Random(std::mt19937_64& rng, const Shape& shape, double a) {
  std::uniform_real_distribution<double> d(-a, a);
  std::vector<float> v(static_cast<size_t>(ElementCount(shape)));
  for (float& x : v) x = static_cast<float>(d(rng));
  return Tensor::FromVector<float>(shape, v);
}

ir::Graph NewGraph() {
  ir::Graph g;
  g.name = "partition_test";
  g.opset_imports[""] = 14;
  return g;
}

void AddConv(ir::Graph& g, std::mt19937_64& rng, const std::string& x, const std::string& y,
             int64_t cin, int64_t cout, const std::string& name) {
  g.AddInitializer(name + "_w", Random(rng, {cout, cin, 3, 3}, 1.0 / std::sqrt(9.0 * cin)));
  g.AddInitializer(name + "_b", Random(rng, {cout}, 0.1));
  g.AddNode("Conv", {x, name + "_w", name + "_b"}, {y}, {{"pads", Ints{1, 1, 1, 1}}}, name);
}

struct RunResult {
  Compiled compiled;
  runtime::RunReport report;
  TensorMap got, want;
};

// Compiles (synthetic calibration), runs on the golden model and on the fp32 reference with the
// same N(0, 1) input, and checks every output's cosine similarity.
RunResult CompileAndRun(const ir::Graph& g, const std::string& chip, double min_cosine = 0.99) {
  RunResult r;
  Result<Compiled> c = CompileGraph(g, Chip(chip), {});
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  if (!c.ok()) return r;
  r.compiled = std::move(*c);
  EXPECT_TRUE(ValidateProgram(r.compiled.program).ok());
  std::mt19937_64 rng(7);
  std::normal_distribution<double> nd;
  TensorMap in;
  for (const std::string& name : g.inputs) {
    const Shape shape = *g.FindValue(name)->StaticShape();
    std::vector<float> v(static_cast<size_t>(ElementCount(shape)));
    for (float& x : v) x = static_cast<float>(std::clamp(nd(rng), -3.0, 3.0));
    in[name] = Tensor::FromVector<float>(shape, v);
  }
  auto backend = runtime::MakeGoldenBackend({r.compiled.program.chips(0).config()});
  EXPECT_TRUE(backend.ok());
  auto session = runtime::Session::Load(r.compiled.program, **backend);
  EXPECT_TRUE(session.ok()) << session.status().ToString();
  if (!session.ok()) return r;
  Result<TensorMap> got = (*session)->Run(in, &r.report);
  EXPECT_TRUE(got.ok()) << got.status().ToString();
  Result<TensorMap> want = reference::RunReference(g, in);
  EXPECT_TRUE(want.ok()) << want.status().ToString();
  if (!got.ok() || !want.ok()) return r;
  r.got = *got;
  r.want = *want;
  for (const std::string& out : g.outputs) {
    const std::vector<double> a = r.got.at(out).ToDoubles(), b = r.want.at(out).ToDoubles();
    EXPECT_EQ(r.got.at(out).shape(), r.want.at(out).shape()) << out;
    double dot = 0, aa = 0, bb = 0;
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
      dot += a[i] * b[i];
      aa += a[i] * a[i];
      bb += b[i] * b[i];
    }
    const double cos = dot / std::sqrt(aa * bb + 1e-300);
    EXPECT_GE(cos, min_cosine) << out << " on " << chip;
    std::cout << fmt::format("[host fallback] {} on {}: cosine {:.5f}\n", out, chip, cos);
  }
  return r;
}

size_t HostRows(const CompileReport& r) {
  size_t n = 0;
  for (const NodePlacement& p : r.placement) n += p.where == "host";
  return n;
}

TEST(HostFallback, SoftmaxAfterAConvRunsOnTheHost) {
  std::mt19937_64 rng(1);
  ir::Graph g = NewGraph();
  g.AddInput("x", DType::kF32, ir::StaticDims({1, 4, 6, 6}));
  AddConv(g, rng, "x", "c", 4, 10, "conv");
  g.AddNode("Softmax", {"c"}, {"y"}, {{"axis", int64_t{1}}}, "softmax");
  g.AddOutput("y");
  for (const char* chip : {"tiny", "sim16"}) {
    RunResult r = CompileAndRun(g, chip);
    const Program& p = r.compiled.program;
    ASSERT_EQ(p.host_ops_size(), 1);
    EXPECT_EQ(p.host_ops(0).after_segment(), 0u);
    EXPECT_EQ(p.chips(0).run_segments_size(), 1);
    ASSERT_EQ(p.intermediates_size(), 1);  // the conv's output, int8 for the host
    EXPECT_EQ(p.intermediates(0).name(), "c");
    EXPECT_EQ(p.intermediates(0).dtype(), program::DTYPE_I8);
    ASSERT_EQ(p.outputs_size(), 1);  // the host's result, fp32
    EXPECT_EQ(p.outputs(0).dtype(), program::DTYPE_F32);
    EXPECT_EQ(HostRows(r.compiled.report), 1u);
    // The report lists the chip layer, then the host op.
    ASSERT_EQ(r.report.layers.size(), 2u);
    EXPECT_FALSE(r.report.layers[0].host);
    EXPECT_TRUE(r.report.layers[1].host);
    EXPECT_EQ(r.report.layers[1].name, "host_0");
    EXPECT_NE(r.report.ToJson().find("\"host\": true"), std::string::npos);
    EXPECT_NE(FormatSummary(r.compiled.report, Chip(chip)).find("1 on the host in 1 host op"),
              std::string::npos)
        << FormatSummary(r.compiled.report, Chip(chip));
  }
}

TEST(HostFallback, HostOpBetweenTwoRunSegments) {
  std::mt19937_64 rng(2);
  ir::Graph g = NewGraph();
  g.AddInput("x", DType::kF32, ir::StaticDims({1, 3, 5, 7}));
  AddConv(g, rng, "x", "a", 3, 17, "conv1");
  g.AddNode("Softmax", {"a"}, {"s"}, {{"axis", int64_t{1}}}, "softmax");
  AddConv(g, rng, "s", "b", 17, 9, "conv2");
  g.AddNode("Relu", {"b"}, {"y"}, {}, "relu");
  g.AddOutput("y");
  for (const char* chip : {"tiny", "sim16"}) {
    RunResult r = CompileAndRun(g, chip);
    const Program& p = r.compiled.program;
    EXPECT_EQ(p.chips(0).run_segments_size(), 2);
    ASSERT_EQ(p.host_ops_size(), 1);
    EXPECT_EQ(p.intermediates_size(), 2);  // a to the host, s back to the chip
    ASSERT_EQ(p.layers_size(), 2);
    EXPECT_EQ(p.layers(0).segment(), 0u);
    EXPECT_EQ(p.layers(1).segment(), 1u);
    ASSERT_EQ(r.report.layers.size(), 3u);  // conv1, host_0, conv2 in execution order
    EXPECT_TRUE(r.report.layers[1].host);
    EXPECT_EQ(r.report.layers[2].name, "conv2");
    EXPECT_EQ(r.compiled.report.segments, 2u);
  }
}

TEST(HostFallback, ModelStartingOnTheHostAndHostOutputReadByTheChip) {
  std::mt19937_64 rng(3);
  ir::Graph g = NewGraph();
  g.AddInput("x", DType::kF32, ir::StaticDims({1, 5, 4, 4}));
  g.AddNode("Softmax", {"x"}, {"s"}, {{"axis", int64_t{1}}}, "softmax");
  AddConv(g, rng, "s", "y", 5, 6, "conv");
  g.AddOutput("y");
  g.AddOutput("s");  // a host result that is also a model output
  RunResult r = CompileAndRun(g, "sim16");
  const Program& p = r.compiled.program;
  // Segment 0 computes nothing (the host op needs only the model input), segment 1 the conv.
  EXPECT_EQ(p.chips(0).run_segments_size(), 2);
  ASSERT_EQ(p.inputs_size(), 1);
  EXPECT_EQ(p.inputs(0).dtype(), program::DTYPE_F32);  // read by the host only
  ASSERT_EQ(p.outputs_size(), 2);
  EXPECT_EQ(p.outputs(0).name(), "y");  // the model's order
  EXPECT_EQ(p.outputs(1).dtype(), program::DTYPE_F32);
}

TEST(HostFallback, ReorderingFlattenGoesToTheHost) {
  std::mt19937_64 rng(4);
  ir::Graph g = NewGraph();
  g.AddInput("x", DType::kF32, ir::StaticDims({1, 4, 3, 3}));
  AddConv(g, rng, "x", "c", 4, 8, "conv");
  g.AddNode("Flatten", {"c"}, {"f"}, {}, "flat");
  g.AddInitializer("fc_w", Random(rng, {72, 5}, 0.1));
  g.AddNode("Gemm", {"f", "fc_w"}, {"y"}, {}, "fc");
  g.AddOutput("y");
  RunResult r = CompileAndRun(g, "tiny");
  ASSERT_EQ(r.compiled.program.host_ops_size(), 1);
  bool flat_on_host = false;
  for (const NodePlacement& p : r.compiled.report.placement)
    if (p.node == "flat") flat_on_host = p.where == "host";
  EXPECT_TRUE(flat_on_host) << FormatPlacement(r.compiled.report);
}

// A LayerNorm split by a chip layer (hey_jarvis's pattern): the mean, the centred value d and its
// variance on the host, the + eps on the chip (a scalar constant add), the square root and the
// division by it on the host again. The second host op reads d, which the first computed and
// nothing on the chip reads: it is bound in host_values (fp32) and handed over by the runtime.
TEST(HostFallback, HostResultReadOnlyByALaterHostOp) {
  std::mt19937_64 rng(6);
  ir::Graph g = NewGraph();
  g.opset_imports[""] = 17;
  g.AddInput("x", DType::kF32, ir::StaticDims({1, 6, 4, 4}));
  AddConv(g, rng, "x", "c", 6, 6, "conv");
  g.AddNode("ReduceMean", {"c"}, {"m"}, {{"axes", Ints{1}}}, "mean");
  g.AddNode("Sub", {"c", "m"}, {"d"}, {}, "centre");
  g.AddInitializer("two", Tensor::FromVector<float>({}, {2.0f}));
  g.AddNode("Pow", {"d", "two"}, {"d2"}, {}, "square");
  g.AddNode("ReduceMean", {"d2"}, {"v"}, {{"axes", Ints{1}}}, "variance");
  g.AddInitializer("eps", Tensor::FromVector<float>({}, {0.05f}));
  g.AddNode("Add", {"v", "eps"}, {"ve"}, {}, "plus_eps");
  g.AddNode("Sqrt", {"ve"}, {"sd"}, {}, "sqrt");
  g.AddNode("Div", {"d", "sd"}, {"y"}, {}, "normalize");
  g.AddOutput("y");
  RunResult r = CompileAndRun(g, "sim16");
  const Program& p = r.compiled.program;
  ASSERT_EQ(p.host_ops_size(), 2) << FormatPlacement(r.compiled.report);
  EXPECT_EQ(p.layers_size(), 2);  // the conv and the + eps
  bool d_in_host_values = false;
  for (const program::TensorBinding& b : p.intermediates())
    if (b.name() == "d")
      d_in_host_values = b.dtype() == program::DTYPE_F32 && b.buffer() == "host_values";
  EXPECT_TRUE(d_in_host_values) << "d, from host_0 to host_1, is an fp32 binding in host_values";
}

TEST(NhwcEdges, TransposesAtTheEdgesAreDmaLayout) {
  std::mt19937_64 rng(5);
  ir::Graph g = NewGraph();
  g.AddInput("x", DType::kF32, ir::StaticDims({1, 6, 5, 3}));
  g.AddNode("Transpose", {"x"}, {"xt"}, {{"perm", Ints{0, 3, 1, 2}}}, "to_nchw");
  AddConv(g, rng, "xt", "c", 3, 20, "conv");
  g.AddNode("Relu", {"c"}, {"r"}, {}, "relu");
  g.AddNode("Transpose", {"r"}, {"rt"}, {{"perm", Ints{0, 2, 3, 1}}}, "to_nhwc");
  g.AddInitializer("shape", Tensor::FromVector<int64_t>({3}, {1, 150, 4}));
  g.AddNode("Reshape", {"rt", "shape"}, {"y"}, {}, "flatten_boxes");
  g.AddOutput("y");
  for (const char* chip : {"tiny", "sim16"}) {
    RunResult r = CompileAndRun(g, chip);
    const CompileReport& rep = r.compiled.report;
    EXPECT_EQ(rep.nodes_host, 0u) << FormatPlacement(rep);
    EXPECT_EQ(rep.nodes_dma_layout, 3u) << FormatPlacement(rep);
    const Program& p = r.compiled.program;
    EXPECT_EQ(p.host_ops_size(), 0);
    ASSERT_EQ(p.inputs_size(), 1);
    EXPECT_EQ(p.inputs(0).layout(), program::LAYOUT_ROW_MAJOR);
    EXPECT_EQ(Shape(p.inputs(0).shape().begin(), p.inputs(0).shape().end()), (Shape{1, 6, 5, 3}));
    ASSERT_EQ(p.outputs_size(), 1);
    EXPECT_EQ(p.outputs(0).layout(), program::LAYOUT_ROW_MAJOR);
    EXPECT_EQ(Shape(p.outputs(0).shape().begin(), p.outputs(0).shape().end()), (Shape{1, 150, 4}));
  }
}

TEST(HostFallback, NothingOnTheChipIsAnError) {
  ir::Graph g = NewGraph();
  g.AddInput("x", DType::kF32, ir::StaticDims({1, 10}));
  g.AddNode("Softmax", {"x"}, {"y"}, {}, "probabilities");
  g.AddOutput("y");
  Result<Compiled> c = CompileGraph(g, Chip("tiny"), {});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(c.status().message().find("no node of the model runs on the chip"), std::string::npos)
      << c.status().message();
  EXPECT_NE(c.status().message().find("Softmax node 'probabilities'"), std::string::npos);
}

TEST(HostFallback, CorruptHostModelIsRefusedAtLoad) {
  std::mt19937_64 rng(6);
  ir::Graph g = NewGraph();
  g.AddInput("x", DType::kF32, ir::StaticDims({1, 4, 6, 6}));
  AddConv(g, rng, "x", "c", 4, 10, "conv");
  g.AddNode("Softmax", {"c"}, {"y"}, {{"axis", int64_t{1}}}, "softmax");
  g.AddOutput("y");
  Result<Compiled> c = CompileGraph(g, Chip("tiny"), {});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  Program p = c->program;
  p.mutable_host_ops(0)->set_onnx_model("not an onnx model");
  auto backend = runtime::MakeGoldenBackend({p.chips(0).config()});
  ASSERT_TRUE(backend.ok());
  auto session = runtime::Session::Load(p, **backend);
  ASSERT_FALSE(session.ok());
  EXPECT_NE(session.status().message().find("host op 'host_0'"), std::string::npos)
      << session.status().message();
  // A host op reading a tensor nobody binds is refused by validation.
  Program q = c->program;
  q.mutable_host_ops(0)->set_inputs(0, "nothing");
  EXPECT_FALSE(ValidateProgram(q).ok());
}

TEST(AccuracyReport, EveryLayerAndOutputAgainstTheReference) {
  std::mt19937_64 rng(8);
  ir::Graph g = NewGraph();
  g.AddInput("x", DType::kF32, ir::StaticDims({1, 3, 8, 8}));
  AddConv(g, rng, "x", "a", 3, 12, "conv1");
  g.AddNode("Relu", {"a"}, {"r"}, {}, "relu");
  AddConv(g, rng, "r", "b", 12, 6, "conv2");
  g.AddNode("Softmax", {"b"}, {"y"}, {{"axis", int64_t{1}}}, "softmax");
  g.AddOutput("y");
  CompileOptions o;
  o.measure_accuracy = true;
  Result<Compiled> c = CompileGraph(g, Chip("sim16"), o);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const CompileReport& r = c->report;
  ASSERT_EQ(r.accuracy.size(), 3u);  // two chip layers and the model output
  EXPECT_EQ(r.accuracy[0].where, "chip");
  EXPECT_EQ(r.accuracy[2].where, "output");
  EXPECT_EQ(r.accuracy_samples, 8u);  // the synthetic calibration samples
  for (const TensorAccuracy& t : r.accuracy) {
    // int8 with calibrated ranges: tens of dB, far from the 0 dB of an unrelated tensor.
    EXPECT_GT(t.sqnr_db, 25.0) << t.name;
    EXPECT_GT(t.cosine, 0.99) << t.name;
  }
  const std::string json = FormatAccuracy(r, true);
  EXPECT_NE(json.find("\"sqnr_db\""), std::string::npos);
  const std::string csv = FormatAccuracy(r, false);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4);
  // The probe program is not the program written.
  for (const program::Buffer& b : c->program.chips(0).buffers())
    EXPECT_NE(b.name(), codegen::kProbeBuffer);
}

}  // namespace
}  // namespace aorta
