#include "compiler/onnx_import.h"

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <unistd.h>

#include <filesystem>

#include "compiler/onnx_export.h"
#include "core/io/file_util.h"

namespace aorta {
namespace {

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "/aorta_onnx_test_" + std::to_string(::getpid()) + "_" + name;
}

ir::Graph SmallGraph() {
  ir::Graph g;
  g.name = "small";
  g.opset_imports[""] = 13;
  g.AddInput("x", DType::kF32, {ir::Dim::Symbolic("batch"), ir::Dim::Static(2), ir::Dim{}});
  g.AddInitializer("w", Tensor::FromVector<float>({2, 2}, {1.5f, -2, 0, 4}));
  g.AddInitializer("shape", Tensor::FromVector<int64_t>({2}, {-1, 4}));
  g.AddInitializer("q", Tensor::FromVector<int8_t>({3}, {-128, 0, 127}));
  g.AddInitializer("u", Tensor::FromVector<uint8_t>({1}, {255}));
  g.AddInitializer("i", Tensor::FromVector<int32_t>({}, {-7}));
  g.AddNode("MatMul", {"x", "w"}, {"m"}, {}, "mm");
  g.AddNode("Custom", {"m", "", "q"}, {"y"},
            {{"i", int64_t{3}},
             {"f", 0.25f},
             {"s", std::string("text")},
             {"is", std::vector<int64_t>{1, -2}},
             {"fs", std::vector<float>{0.5f}},
             {"ss", std::vector<std::string>{"a", "b"}},
             {"t", Tensor::FromVector<float>({1}, {9})}},
            "custom");
  g.AddOutput("y", DType::kF32,
              std::vector<ir::Dim>{ir::Dim::Symbolic("batch"), ir::Dim::Static(2)});
  return g;
}

TEST(OnnxImportTest, RoundTripThroughExportedFile) {
  const ir::Graph g = SmallGraph();
  const std::string path = TempPath("small.onnx");
  ASSERT_TRUE(ExportOnnxFile(g, path).ok());
  auto r = ImportOnnxFile(path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const ir::Graph& back = *r;
  EXPECT_EQ(back.name, "small");
  EXPECT_EQ(back.opset(), 13);
  EXPECT_EQ(back.inputs, (std::vector<std::string>{"x"}));
  EXPECT_EQ(back.outputs, (std::vector<std::string>{"y"}));
  EXPECT_EQ(back.initializers, g.initializers);
  const ir::ValueInfo* x = back.FindValue("x");
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->dtype, DType::kF32);
  EXPECT_EQ(*x->dims,
            (std::vector<ir::Dim>{ir::Dim::Symbolic("batch"), ir::Dim::Static(2), ir::Dim{}}));
  ASSERT_EQ(back.nodes.size(), 2u);
  const ir::Node& c = back.nodes[1];
  EXPECT_EQ(c.name, "custom");
  EXPECT_EQ(c.inputs, (std::vector<std::string>{"m", "", "q"}));
  EXPECT_EQ(c.attributes, g.nodes[1].attributes);
  std::filesystem::remove(path);
}

// A hand-built ModelProto with typed (non-raw) initializer fields, as older exporters write.
onnx::ModelProto TypedModel() {
  onnx::ModelProto m;
  m.set_ir_version(7);
  m.add_opset_import()->set_version(11);
  onnx::GraphProto* g = m.mutable_graph();
  auto* f = g->add_initializer();
  f->set_name("f");
  f->set_data_type(onnx::TensorProto::FLOAT);
  f->add_dims(2);
  f->add_float_data(0.5f);
  f->add_float_data(-1.0f);
  auto* q = g->add_initializer();
  q->set_name("q");
  q->set_data_type(onnx::TensorProto::INT8);
  q->add_dims(2);
  q->add_int32_data(-5);
  q->add_int32_data(100);
  auto* l = g->add_initializer();
  l->set_name("l");
  l->set_data_type(onnx::TensorProto::INT64);
  l->add_int64_data(int64_t{1} << 40);  // rank 0
  // Old style: the initializer is listed among the inputs too.
  auto* in = g->add_input();
  in->set_name("f");
  auto* x = g->add_input();
  x->set_name("x");
  x->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  auto* n = g->add_node();
  n->set_op_type("Add");
  n->add_input("x");
  n->add_input("f");
  n->add_output("y");
  g->add_output()->set_name("y");
  return m;
}

Result<ir::Graph> Import(const onnx::ModelProto& m, const std::string& name = "model.onnx") {
  return ImportOnnxBytes(m.SerializeAsString(), name);
}

TEST(OnnxImportTest, TypedInitializerFieldsAndLegacyInputs) {
  auto r = Import(TypedModel());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->initializers.at("f").ToVector<float>(), (std::vector<float>{0.5f, -1.0f}));
  EXPECT_EQ(r->initializers.at("q").ToVector<int8_t>(), (std::vector<int8_t>{-5, 100}));
  EXPECT_EQ(r->initializers.at("l").shape(), Shape{});
  EXPECT_EQ(r->initializers.at("l").at<int64_t>(0), int64_t{1} << 40);
  EXPECT_EQ(r->inputs, (std::vector<std::string>{"x"}));
  EXPECT_EQ(r->nodes[0].name, "Add_0");  // anonymous nodes get a name
  EXPECT_EQ(r->opset(), 11);
}

TEST(OnnxImportErrorTest, TruncatedFile) {
  auto bytes = ExportOnnxBytes(SmallGraph());
  ASSERT_TRUE(bytes.ok());
  auto r = ImportOnnxBytes(std::string_view(*bytes).substr(0, bytes->size() - 7), "cut.onnx");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("cut.onnx: not a valid ONNX model"), std::string::npos)
      << r.status().message();
  auto garbage = ImportOnnxBytes("\xff\xff\xff\xff garbage", "junk.onnx");
  ASSERT_FALSE(garbage.ok());
  EXPECT_NE(garbage.status().message().find("junk.onnx"), std::string::npos);
}

TEST(OnnxImportErrorTest, MissingFile) {
  auto r = ImportOnnxFile("/nonexistent/model.onnx");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

TEST(OnnxImportErrorTest, MissingNodeInputNamesNodeAndInput) {
  onnx::ModelProto m = TypedModel();
  m.mutable_graph()->mutable_node(0)->set_name("adder");
  m.mutable_graph()->mutable_node(0)->set_input(1, "nowhere");
  auto r = Import(m);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("model.onnx: Add node 'adder': input 'nowhere'"),
            std::string::npos)
      << r.status().message();
}

TEST(OnnxImportErrorTest, UnsupportedDataTypeNamesInitializer) {
  onnx::ModelProto m = TypedModel();
  auto* h = m.mutable_graph()->add_initializer();
  h->set_name("half");
  h->set_data_type(onnx::TensorProto::FLOAT16);
  h->add_dims(1);
  h->add_int32_data(0);
  auto r = Import(m);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(r.status().message().find("initializer 'half': tensor data type FLOAT16"),
            std::string::npos)
      << r.status().message();
}

TEST(OnnxImportErrorTest, RawDataSizeMismatch) {
  onnx::ModelProto m = TypedModel();
  auto* w = m.mutable_graph()->add_initializer();
  w->set_name("w");
  w->set_data_type(onnx::TensorProto::FLOAT);
  w->add_dims(3);
  w->set_raw_data(std::string(8, '\0'));
  auto r = Import(m);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("initializer 'w': raw_data has 8 bytes, shape 3 of f32 "
                                      "needs 12"),
            std::string::npos)
      << r.status().message();
}

TEST(OnnxImportErrorTest, TypedFieldCountMismatchAndExternalData) {
  onnx::ModelProto m = TypedModel();
  m.mutable_graph()->mutable_initializer(0)->add_dims(5);  // now 2x5 with 2 floats
  auto r = Import(m);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("float_data has 2 values"), std::string::npos);

  onnx::ModelProto e = TypedModel();
  e.mutable_graph()->mutable_initializer(0)->set_data_location(onnx::TensorProto::EXTERNAL);
  auto ext = Import(e);
  ASSERT_FALSE(ext.ok());
  EXPECT_EQ(ext.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(ext.status().message().find("initializer 'f': external data"), std::string::npos);
}

TEST(OnnxImportErrorTest, SubgraphsNestedTooDeepAreRefused) {
  // GRAPH attributes (If branches) are imported; a corrupt file nesting them without end must
  // end in an error, not exhaust the stack.
  onnx::ModelProto m = TypedModel();
  onnx::AttributeProto* a = m.mutable_graph()->mutable_node(0)->add_attribute();
  for (int level = 0; level < 20; ++level) {
    a->set_name("body");
    a->set_type(onnx::AttributeProto::GRAPH);
    onnx::GraphProto* g = a->mutable_g();
    g->set_name("sub" + std::to_string(level));
    onnx::NodeProto* n = g->add_node();
    n->set_op_type("Identity");
    n->set_name("inner" + std::to_string(level));
    a = n->add_attribute();
  }
  a->set_name("body");
  a->set_type(onnx::AttributeProto::GRAPH);
  a->mutable_g()->set_name("last");
  auto r = Import(m);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("subgraphs nested deeper than"), std::string::npos)
      << r.status().message();
}

}  // namespace
}  // namespace aorta
