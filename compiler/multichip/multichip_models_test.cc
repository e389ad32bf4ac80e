// Stage tables of ResNet-50, MobileNetV2 and BlazeFace front on the FPGA boards (docs/perf.md,
// "Multi-chip"), compile only. Labelled slow: ResNet-50 and MobileNetV2 calibrate at 224 x 224 on
// the fp32 reference. Prints every table (ctest -V).
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>

#include "compiler/multichip/multichip_compile.h"
#include "compiler/onnx_import.h"
#include "models/real/model_inputs.h"
#include "models/synthetic/synthetic_models.h"

namespace aorta::multichip {
namespace {

BoardConfig Board(const std::string& name) {
  auto b =
      LoadBoardConfig(std::string(AORTA_TEST_BUILD_DIR) + "/gen/fpga_board/" + name + ".textproto");
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  return b.ok() ? *b : BoardConfig();
}

CompileOptions Options() {
  CompileOptions o;
  o.calib.synthetic_samples = 1;  // the tables need the layers' costs, not accurate ranges
  return o;
}

Result<BoardReport> Table(const ir::Graph& g, const std::string& board, uint32_t chips,
                          const CompileOptions& o = Options()) {
  BoardOptions bo;
  bo.chips = chips;
  AORTA_ASSIGN_OR_RETURN(BoardCompiled c, CompileGraphForBoard(g, Board(board), o, bo));
  std::cout << "== " << g.name << " on " << board << ", " << chips << " chips\n"
            << FormatStageTable(c.report) << std::endl;
  return c.report;
}

TEST(MultichipModels, ResNet50OnEightChipsOfTheRing8BoardsIsBalanced) {
  const ir::Graph g = models::ResNet50();
  for (const char* board : {"ring8_u250", "ring8_stratixv"}) {
    auto r = Table(g, board, 8);
    ASSERT_TRUE(r.ok()) << board << ": " << r.status().ToString();
    EXPECT_EQ(r->stages.size(), 8u) << board;
    EXPECT_GE(r->balance, 0.90) << board << ": the slowest stage is more than 10 % above the mean";
  }
}

TEST(MultichipModels, MobileNetV2AndResNet50Tables) {
  const ir::Graph mnv2 = models::MobileNetV2();
  for (uint32_t chips : {2u, 4u, 8u}) {
    auto r = Table(mnv2, "ring8_u250", chips);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  auto c6 = Table(models::ResNet50(), "catapult6_stratixv", 6);
  ASSERT_TRUE(c6.ok()) << c6.status().ToString();
  auto c6m = Table(mnv2, "catapult6_stratixv", 6);
  ASSERT_TRUE(c6m.ok()) << c6m.status().ToString();
}

TEST(MultichipModels, BlazeFaceTables) {
  const std::string path = models::ModelsDir(AORTA_TEST_SOURCE_DIR) + "/blazeface_front.onnx";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "not fetched (scripts/fetch-models)";
  auto bf = ImportOnnxFile(path);
  ASSERT_TRUE(bf.ok());
  for (const char* board : {"ring8_u250", "catapult6_stratixv"}) {
    for (uint32_t chips : {2u, 4u}) {
      auto a = Table(*bf, board, chips);
      ASSERT_TRUE(a.ok()) << a.status().ToString();
    }
  }
}

}  // namespace
}  // namespace aorta::multichip
