// Throughput figures of pipelined multi-chip runs (docs/perf.md, "Pipelined multi-chip runs"):
// the demo CNN on 1 / 2 / 4 sim16 chips in a ring (16 requests, 4 in flight) and BlazeFace front
// on 1 / 2 / 4 chips of catapult6_stratixv (48 x 48 arrays; 6 requests, 3 in flight), on golden
// and TLM chips. Labelled slow (BlazeFace compiles three times and the golden data path runs
// every request). Prints every per-chip table (ctest -V).
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>

#include "compiler/multichip/multichip_compile.h"
#include "compiler/multichip/test_models.h"
#include "compiler/onnx_import.h"
#include "compiler/testing/op_cases.h"
#include "driver/runtime/pipeline.h"
#include "driver/runtime/tlm_backend.h"
#include "models/real/model_inputs.h"

namespace aorta::runtime {
namespace {

std::vector<TensorMap> Requests(size_t count, const std::string& input, const Shape& shape) {
  std::vector<TensorMap> out;
  op_cases::Rng rng(3);
  for (size_t i = 0; i < count; ++i)
    out.push_back({{input, op_cases::RandomTensor(rng, shape, -1.0, 1.0)}});
  return out;
}

// Streams the requests through `chips` chips of `board` on golden and on TLM chips; prints the
// tables; every output bit-identical to the one-chip program's on golden.
void Figures(const ir::Graph& g, const BoardConfig& board, const std::vector<TensorMap>& requests,
             size_t in_flight) {
  std::vector<TensorMap> want;
  for (uint32_t chips : {1u, 2u, 4u}) {
    CompileOptions o;
    o.calib.synthetic_samples = 1;
    multichip::BoardOptions bo;
    bo.chips = chips;
    auto c = multichip::CompileGraphForBoard(g, board, o, bo);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    const Program& p = c->program;
    ASSERT_EQ(p.chips_size(), static_cast<int>(chips));
    std::vector<ChipConfig> configs;
    for (const auto& cp : p.chips()) configs.push_back(cp.config());
    auto links = BoardLinksOf(p);
    ASSERT_TRUE(links.ok()) << links.status().ToString();
    for (const std::string kind : {"golden", "tlm"}) {
      auto backend =
          kind == "tlm" ? MakeTlmBackend(configs, *links) : MakeGoldenBackend(configs, *links);
      ASSERT_TRUE(backend.ok()) << backend.status().ToString();
      auto pipe = Pipeline::Load(p, **backend, {.max_in_flight = in_flight});
      ASSERT_TRUE(pipe.ok()) << pipe.status().ToString();
      std::vector<Pipeline::Outcome> got = (*pipe)->RunAll(requests);
      for (size_t i = 0; i < got.size(); ++i) {
        ASSERT_TRUE(got[i].outputs.ok()) << got[i].outputs.status().ToString();
        if (want.size() < got.size()) {
          want.push_back(*got[i].outputs);  // the one-chip program on golden: the reference
          continue;
        }
        for (const auto& [name, t] : want[i])
          EXPECT_EQ(got[i].outputs->at(name).ToDoubles(), t.ToDoubles())
              << kind << ", " << chips << " chips, request " << i << ", " << name;
      }
      const PipelineReport r = (*pipe)->Report();
      std::cout << "== " << g.name << " on " << chips << " chip(s) of " << board.name() << ", "
                << kind << "\n"
                << FormatPipelineTable(r) << std::endl;
      EXPECT_EQ(r.requests, requests.size());
      if (kind == "tlm") {
        EXPECT_GT(r.elapsed_cycles, 0u);
        // (CYCLES and the simulated time round apart by a cycle or so per run.)
        EXPECT_LE(r.measured_throughput, r.stage_throughput * 1.001);
      }
    }
  }
}

TEST(PipelineFigures, DemoCnnOnSim16Rings) {
  Figures(multichip::testing::DemoCnn(), multichip::testing::Ring(*LoadChipConfig("sim16"), 4),
          Requests(16, "input", {1, 16, 16, 16}), 4);
}

TEST(PipelineFigures, BlazeFaceFrontOnCatapult6StratixV) {
  const std::string path = models::ModelsDir(AORTA_TEST_SOURCE_DIR) + "/blazeface_front.onnx";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "not fetched (scripts/fetch-models)";
  auto bf = ImportOnnxFile(path);
  ASSERT_TRUE(bf.ok()) << bf.status().ToString();
  auto board = LoadBoardConfig(std::string(AORTA_TEST_BUILD_DIR) +
                               "/gen/fpga_board/catapult6_stratixv.textproto");
  ASSERT_TRUE(board.ok()) << board.status().ToString();
  ASSERT_EQ(bf->inputs.size(), 1u);
  const std::optional<Shape> shape = bf->values.at(bf->inputs[0]).StaticShape();
  ASSERT_TRUE(shape.has_value());
  Figures(*bf, *board, Requests(6, bf->inputs[0], *shape), 3);
}

}  // namespace
}  // namespace aorta::runtime
