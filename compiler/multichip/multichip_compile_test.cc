// Multi-chip programs on linked golden chips: bit-identical to the same model on one chip.
#include "compiler/multichip/multichip_compile.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>

#include "compiler/multichip/test_models.h"
#include "compiler/onnx_import.h"
#include "compiler/testing/op_cases.h"
#include "core/isa/isa.h"
#include "driver/runtime/backend.h"
#include "driver/runtime/pipeline.h"
#include "driver/runtime/session.h"
#include "models/real/model_inputs.h"

namespace aorta::multichip {
namespace {

using testing::DemoCnn;
using testing::Mlp;
using testing::ResidualCnn;
using testing::Ring;

CompileOptions Options() {
  CompileOptions o;
  o.calib.synthetic_samples = 2;  // the same calibration for the one- and the multi-chip program
  return o;
}

Result<runtime::TensorMap> RunGolden(const Program& p, const runtime::TensorMap& inputs) {
  std::vector<ChipConfig> chips;
  for (const auto& c : p.chips()) chips.push_back(c.config());
  AORTA_ASSIGN_OR_RETURN(auto links, runtime::BoardLinksOf(p));
  AORTA_ASSIGN_OR_RETURN(auto backend, runtime::MakeGoldenBackend(chips, links));
  AORTA_ASSIGN_OR_RETURN(auto session, runtime::Session::Load(p, *backend));
  return session->Run(inputs);
}

int CountOpcode(const program::ChipProgram& c, isa::Opcode op) {
  int count = 0;
  for (const std::string& s : c.run_segments()) {
    auto insns = isa::DecodeStream(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
    if (!insns.ok()) return -1;
    for (const isa::Insn& i : *insns) count += isa::OpcodeOf(i) == op;
  }
  return count;
}

// Compiles `g` for one chip and for rings of each size in `ks`, runs all on golden chips and
// expects the same bytes out.
void ExpectSameAsOneChip(const ir::Graph& g, const ChipConfig& chip,
                         const std::vector<uint32_t>& ks, const CompileOptions& o,
                         const runtime::TensorMap& inputs) {
  auto single = CompileGraph(g, chip, o);
  ASSERT_TRUE(single.ok()) << single.status().ToString();
  auto want = RunGolden(single->program, inputs);
  ASSERT_TRUE(want.ok()) << want.status().ToString();
  for (uint32_t k : ks) {
    SCOPED_TRACE(fmt::format("{} chips", k));
    BoardOptions bo;
    bo.chips = k;
    auto multi = CompileGraphForBoard(g, Ring(chip, k), o, bo);
    ASSERT_TRUE(multi.ok()) << multi.status().ToString();
    const Program& p = multi->program;
    ASSERT_EQ(p.chips_size(), static_cast<int>(k)) << FormatStageTable(multi->report);
    ASSERT_EQ(multi->report.stages.size(), k);
    for (int c = 0; c < p.chips_size(); ++c) {
      EXPECT_EQ(CountOpcode(p.chips(c), isa::Opcode::kRecv) > 0, c > 0) << "chip " << c;
      EXPECT_EQ(CountOpcode(p.chips(c), isa::Opcode::kSend) > 0, c + 1 < p.chips_size())
          << "chip " << c;
    }
    // Every layer on exactly one chip, all of them.
    EXPECT_EQ(p.layers_size(), single->program.layers_size());
    auto got = RunGolden(p, inputs);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    ASSERT_EQ(got->size(), want->size());
    for (const auto& [name, t] : *want) {
      ASSERT_TRUE(got->count(name)) << name;
      EXPECT_EQ(got->at(name).shape(), t.shape()) << name;
      EXPECT_EQ(got->at(name).ToDoubles(), t.ToDoubles())
          << name << " differs on " << k << " chips";
    }
  }
}

runtime::TensorMap RandomInputs(const ir::Graph& g, const Shape& shape, uint64_t seed) {
  op_cases::Rng rng(seed);
  return {{g.inputs[0], op_cases::RandomTensor(rng, shape, -1.0, 1.0)}};
}

// sim16 with a weight buffer of 16 K in one bank: 256 x 256 weights (64 K) exceed it.
ChipConfig SmallWeightBufferChip() {
  ChipConfig chip = *LoadChipConfig("sim16");
  chip.set_weight_buffer_bytes(16 * 1024);
  chip.set_weight_buffer_banks(1);
  return chip;
}

// The one-chip program's outputs for `inputs`: what every multi-chip program must give.
Result<runtime::TensorMap> OneChipOutputs(const ir::Graph& g, const ChipConfig& chip,
                                          const runtime::TensorMap& inputs) {
  AORTA_RETURN_IF_ERROR(ValidateChipConfig(chip));
  AORTA_ASSIGN_OR_RETURN(auto single, CompileGraph(g, chip, Options()));
  return RunGolden(single.program, inputs);
}

// How many stages compute a slice of `node`.
size_t SlicesOf(const BoardReport& r, const std::string& node) {
  size_t slices = 0;
  for (const StageReport& st : r.stages)
    for (const std::string& l : st.layers) slices += l.rfind(node + "/slice", 0) == 0;
  return slices;
}

TEST(MultichipCompile, DemoCnnOnTwoAndFourChipsMatchesOneChip) {
  const ChipConfig chip = *LoadChipConfig("sim16");
  const ir::Graph g = DemoCnn();
  ExpectSameAsOneChip(g, chip, {2, 4}, Options(), RandomInputs(g, {1, 16, 16, 16}, 3));
}

// Compiles `g` for `board` with `bo`, runs it on golden chips and expects the bytes `want` (the
// one-chip program's outputs); returns the program's stage report.
BoardReport ExpectBoardMatches(const ir::Graph& g, const BoardConfig& board, const BoardOptions& bo,
                               const runtime::TensorMap& inputs, const runtime::TensorMap& want) {
  auto multi = CompileGraphForBoard(g, board, Options(), bo);
  EXPECT_TRUE(multi.ok()) << multi.status().ToString();
  if (!multi.ok()) return {};
  auto got = RunGolden(multi->program, inputs);
  EXPECT_TRUE(got.ok()) << got.status().ToString();
  if (!got.ok()) return multi->report;
  EXPECT_EQ(got->size(), want.size());
  for (const auto& [name, t] : want) {
    EXPECT_TRUE(got->count(name)) << name;
    if (!got->count(name)) continue;
    EXPECT_EQ(got->at(name).ToDoubles(), t.ToDoubles()) << name << " differs\n"
                                                        << FormatStageTable(multi->report);
  }
  return multi->report;
}

// Stages inside a residual block: the shortcut x crosses two cuts with the main path; the stage
// of conv_a reads x and forwards it, the stage of conv_b forwards it without reading it; the last
// stage receives both. Bit-identical to one chip, and each cut's link bytes count every tensor.
TEST(MultichipCompile, CutsInsideAResidualBlockForwardTheShortcut) {
  const ChipConfig chip = *LoadChipConfig("sim16");
  const ir::Graph g = ResidualCnn();
  const runtime::TensorMap inputs = RandomInputs(g, {1, 16, 12, 12}, 5);
  auto single = CompileGraph(g, chip, Options());
  ASSERT_TRUE(single.ok()) << single.status().ToString();
  auto want = RunGolden(single->program, inputs);
  ASSERT_TRUE(want.ok()) << want.status().ToString();
  BoardOptions bo;
  bo.stage_starts = {"conv_a", "conv_b", "conv_c"};
  const BoardReport r = ExpectBoardMatches(g, Ring(chip, 4), bo, inputs, *want);
  ASSERT_EQ(r.stages.size(), 4u);
  // x: 24 channels = 2 blocks of 16, 144 pixels; a and b: one block.
  const uint64_t x = 2 * 144 * 16, ab = 144 * 16;
  EXPECT_EQ(r.stages[0].link_out_bytes, x);
  EXPECT_EQ(r.stages[1].link_out_bytes, x + ab);
  EXPECT_EQ(r.stages[2].link_in_bytes, x + ab);
  EXPECT_EQ(r.stages[2].link_out_bytes, x + ab);
  EXPECT_EQ(r.stages[3].link_in_bytes, x + ab);
  // The planner's own cost of a stage counts the same bytes, over the link and as UB rows.
  EXPECT_EQ(r.plan.stages[2].in_bytes, x + ab);
  EXPECT_EQ(r.plan.stages[2].out_bytes, x + ab);
  // The search finds a plan on 2..4 chips too, also bit-identical.
  for (uint32_t k : {2u, 3u, 4u}) {
    SCOPED_TRACE(fmt::format("{} chips", k));
    BoardOptions planned;
    planned.chips = k;
    EXPECT_EQ(ExpectBoardMatches(g, Ring(chip, k), planned, inputs, *want).stages.size(), k);
  }
  // A hand-made plan that names no layer, or cuts where a model input is live, is refused.
  BoardOptions bad;
  bad.stage_starts = {"nope"};
  auto refused = CompileGraphForBoard(g, Ring(chip, 2), Options(), bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("'nope'"), std::string::npos);
}

// Output-channel splits: fc2's weights (256 x 256 B) exceed a weight buffer of 16 K, so its 256
// outputs (16 blocks of 16) are divided over chips; fc1 (64 x 256) fits. Each slice's chip
// computes its channels from the same input, forwards the input and the earlier slices, and the
// next chip receives the whole tensor. Bit-identical to one chip (where fc2 streams).
TEST(MultichipCompile, OutputChannelSplitsMatchOneChip) {
  const ChipConfig chip = SmallWeightBufferChip();
  const ir::Graph g = Mlp(64, 256, 10);
  const runtime::TensorMap inputs = RandomInputs(g, {1, 64}, 6);
  auto want = OneChipOutputs(g, chip, inputs);
  ASSERT_TRUE(want.ok()) << want.status().ToString();
  for (uint32_t k : {4u, 6u}) {
    SCOPED_TRACE(fmt::format("{} chips", k));
    BoardOptions bo;
    bo.chips = k;
    const BoardReport r = ExpectBoardMatches(g, Ring(chip, k), bo, inputs, *want);
    ASSERT_EQ(r.stages.size(), k) << FormatStageTable(r);
    const std::string table = FormatStageTable(r);
    EXPECT_NE(table.find("fc2 (65536 B of weights) split by output channels"), std::string::npos)
        << table;
    const size_t slices = SlicesOf(r, "fc2");
    EXPECT_EQ(slices, k - 2) << table;  // fc1 and fc3 share no chip with a slice
    std::cout << table;
  }
}

// Issue #7 item 3: more chips must never fail where fewer compile. fc1 (256 x 256 B) reads the
// model input and exceeds the 16 K weight buffer like fc2; with chips enough to split both (6 and
// 8), no plan put each slice on a chip of its own, because a model input could not be live across
// a cut, and the compile failed ('no plan puts each slice of a split layer on a chip of its own';
// the original MLP on 6 and 8 Stratix V chips). Now the first chip loads the input from the host
// and forwards it to the chips of fc1's later slices. On 4 chips only fc2 is split; on 6 and 8
// both are, every chip computes a slice or fc3, and the slowest stage is faster than on 4.
TEST(MultichipCompile, MoreChipsThanSplitsNeverFail) {
  const ChipConfig chip = SmallWeightBufferChip();
  const ir::Graph g = Mlp(256, 256, 10);
  const runtime::TensorMap inputs = RandomInputs(g, {1, 256}, 7);
  auto want = OneChipOutputs(g, chip, inputs);
  ASSERT_TRUE(want.ok()) << want.status().ToString();
  double slowest_on_4 = 0;
  for (uint32_t k : {4u, 6u, 8u}) {
    SCOPED_TRACE(fmt::format("{} chips", k));
    BoardOptions bo;
    bo.chips = k;
    const BoardReport r = ExpectBoardMatches(g, Ring(chip, k), bo, inputs, *want);
    ASSERT_EQ(r.stages.size(), k);
    const std::string table = FormatStageTable(r);
    const size_t fc1 = SlicesOf(r, "fc1"), fc2 = SlicesOf(r, "fc2");
    EXPECT_EQ(fc1 + fc2 + (fc1 == 0) + 1, k) << table;  // fc1 whole or sliced, fc3
    EXPECT_GE(fc2, 2u) << table;
    if (k == 4) {
      EXPECT_EQ(fc1, 0u) << table;
      slowest_on_4 = r.plan.slowest;
      continue;
    }
    ASSERT_GE(fc1, 2u) << table;
    // Chip 0 sends the model input (16 blocks of 16 bytes) and its slice of fc1's 16 blocks.
    const uint64_t blocks_0 = (16 + fc1 - 1) / fc1;
    EXPECT_EQ(r.stages[0].link_out_bytes, 256 + 16 * blocks_0) << table;
    EXPECT_LT(r.plan.slowest, slowest_on_4) << table;
    std::cout << table;
  }
}

// When the cuts between the slices are not allowed (here: a unified buffer so small that the
// input and the earlier slices crossing to the later slices exceed half of it), the splits are
// chosen again for fewer chips until a plan exists, and the table says so; still bit-identical.
TEST(MultichipCompile, SplitsChosenAgainWhenTheirCutsAreNotAllowed) {
  ChipConfig chip = SmallWeightBufferChip();
  chip.set_unified_buffer_bytes(800);  // 50 rows: cuts of more than 400 bytes are not allowed
  chip.set_unified_buffer_banks(2);
  const ir::Graph g = Mlp(64, 256, 10);
  const runtime::TensorMap inputs = RandomInputs(g, {1, 64}, 8);
  auto want = OneChipOutputs(g, chip, inputs);
  ASSERT_TRUE(want.ok()) << want.status().ToString();
  BoardOptions bo;
  bo.chips = 6;
  const BoardReport r = ExpectBoardMatches(g, Ring(chip, 6), bo, inputs, *want);
  ASSERT_FALSE(r.stages.empty());
  const std::string table = FormatStageTable(r);
  EXPECT_NE(table.find("splits for 6 chips: no plan puts each slice of a split layer on a chip of "
                       "its own; chosen again for 5 chips"),
            std::string::npos)
      << table;
  EXPECT_LT(r.stages.size(), 6u) << table;
  std::cout << table;
}

TEST(MultichipCompile, StageTableAndProgramMetadata) {
  const ChipConfig chip = *LoadChipConfig("sim16");
  BoardOptions bo;
  bo.chips = 3;
  auto c = CompileGraphForBoard(DemoCnn(), Ring(chip, 4), Options(), bo);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const BoardReport& r = c->report;
  ASSERT_EQ(r.stages.size(), 3u);
  // Stage k sends what stage k + 1 receives, over chip k's port 1 to chip k+1's port 0.
  for (size_t s = 0; s + 1 < r.stages.size(); ++s) {
    EXPECT_EQ(r.stages[s].link_out_bytes, r.stages[s + 1].link_in_bytes);
    EXPECT_GT(r.stages[s].link_out_bytes, 0u);
    EXPECT_EQ(r.stages[s].link_out, fmt::format("{}.1->{}.0", s, s + 1));
  }
  EXPECT_LE(r.balance, 1.0);
  EXPECT_GT(r.balance, 0.0);
  EXPECT_EQ(r.streamed_bytes, 0u);
  auto links = runtime::BoardLinksOf(c->program);
  ASSERT_TRUE(links.ok());
  ASSERT_EQ(links->size(), 2u);
  EXPECT_EQ(runtime::FormatBoardLinks(*links), "0.1-1.0,1.1-2.0");
  const std::string table = FormatStageTable(r);
  EXPECT_NE(table.find("balance"), std::string::npos) << table;
  EXPECT_NE(table.find("every weight pinned"), std::string::npos) << table;
}

TEST(MultichipCompile, SmallChipsStreamTheRemainder) {
  // Weight buffers of 1 KiB: the demo's weights do not fit two chips; the table says how much
  // streams, and the program still computes the same numbers.
  ChipConfig chip = *LoadChipConfig("sim16");
  const ChipGeometry geo = GeometryOf(chip);
  chip.set_weight_buffer_bytes(uint64_t{geo.n} * geo.n * 4);
  chip.set_weight_buffer_banks(1);
  ASSERT_TRUE(ValidateChipConfig(chip).ok()) << ValidateChipConfig(chip).ToString();
  BoardOptions bo;
  bo.chips = 2;
  const ir::Graph g = DemoCnn();
  auto c = CompileGraphForBoard(g, Ring(chip, 2), Options(), bo);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_GT(c->report.streamed_bytes, 0u);
  EXPECT_NE(FormatStageTable(c->report).find("too small"), std::string::npos);
  ExpectSameAsOneChip(g, chip, {2}, Options(), RandomInputs(g, {1, 16, 16, 16}, 4));
}

TEST(MultichipCompile, CutAtATensorTiledThroughDramIsRuledOut) {
  // Two sim16 chips, the second with a 24 KiB unified buffer (1,536 rows). The planner's first
  // choice cuts after conv_b (the balance: conv_a + conv_b against conv_c and the rest); on the
  // second chip conv_c's 32 KiB input and 16 KiB output do not fit, so the code generator keeps
  // the received tensor in DRAM and stages it tile by tile, which a RECV cannot fill. That cut
  // is ruled out, the plan made again, and the program still computes the one-chip numbers.
  const ChipConfig chip = *LoadChipConfig("sim16");
  BoardConfig board = Ring(chip, 2);
  ChipConfig small = chip;
  small.set_unified_buffer_bytes(24 * 1024);
  ASSERT_TRUE(ValidateChipConfig(small).ok()) << ValidateChipConfig(small).ToString();
  *board.mutable_chips(1)->mutable_config() = small;
  const ir::Graph g = testing::WideInputCnn();
  BoardOptions bo;
  bo.chips = 2;
  auto c = CompileGraphForBoard(g, board, Options(), bo);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const std::string table = FormatStageTable(c->report);
  ASSERT_EQ(c->report.ruled_out_cuts.size(), 1u) << table;
  EXPECT_NE(c->report.ruled_out_cuts[0].find("before conv_c: tensor 'relu_b' is tiled through "
                                             "board DRAM on the receiving chip"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("cut ruled out"), std::string::npos) << table;
  ASSERT_EQ(c->report.stages.size(), 2u) << table;
  EXPECT_NE(c->report.stages[0].layers.back(), "relu_b") << table;
  auto single = CompileGraph(g, chip, Options());
  ASSERT_TRUE(single.ok()) << single.status().ToString();
  const runtime::TensorMap inputs = RandomInputs(g, {1, 16, 32, 32}, 9);
  auto want = RunGolden(single->program, inputs);
  ASSERT_TRUE(want.ok()) << want.status().ToString();
  auto got = RunGolden(c->program, inputs);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->at("logits").ToDoubles(), want->at("logits").ToDoubles());
}

TEST(MultichipCompile, ErrorsNameTheCause) {
  const ChipConfig chip = *LoadChipConfig("sim16");
  BoardOptions bo;
  bo.chips = 5;
  auto too_many = CompileGraphForBoard(DemoCnn(), Ring(chip, 4), Options(), bo);
  ASSERT_FALSE(too_many.ok());
  EXPECT_NE(too_many.status().message().find("has 4 chips, 5 requested"), std::string::npos)
      << too_many.status().ToString();
  // Chips without a link between them.
  BoardConfig unlinked = Ring(chip, 2);
  unlinked.clear_links();
  bo.chips = 2;
  auto no_chain = CompileGraphForBoard(DemoCnn(), unlinked, Options(), bo);
  ASSERT_FALSE(no_chain.ok());
  EXPECT_NE(no_chain.status().message().find("no chain of 2 chips"), std::string::npos)
      << no_chain.status().ToString();
  // Chips of different array sizes cannot exchange unified-buffer rows.
  BoardConfig mixed = Ring(chip, 2);
  *mixed.mutable_chips(1)->mutable_config() = *LoadChipConfig("tiny");
  auto mixed_n = CompileGraphForBoard(DemoCnn(), mixed, Options(), bo);
  ASSERT_FALSE(mixed_n.ok());
  EXPECT_NE(mixed_n.status().message().find("same N"), std::string::npos)
      << mixed_n.status().ToString();
}

TEST(MultichipCompile, FindChainFollowsTheRing) {
  const ChipConfig chip = *LoadChipConfig("sim16");
  auto chain = FindChain(Ring(chip, 4), 4);
  ASSERT_TRUE(chain.ok());
  for (uint32_t i = 0; i < 4; ++i) {
    EXPECT_EQ((*chain)[i].chip, i);
    if (i > 0) {
      EXPECT_EQ((*chain)[i].in_port, 0u);
    }
    if (i < 3) {
      EXPECT_EQ((*chain)[i].out_port, 1u);
    }
  }
}

// The real models of models/models.txt, when scripts/fetch-models has fetched them.
std::string CachedModel(const std::string& stem) {
  const std::string path = models::ModelsDir(AORTA_TEST_SOURCE_DIR) + "/" + stem + ".onnx";
  return std::filesystem::exists(path) ? path : std::string();
}

// A fetched model (or a skip) on one chip and on 2 and 4 chips, calibrated on one sample.
void RealModelMatchesOneChip(const std::string& stem, const Shape& input_shape, uint64_t seed,
                             const std::vector<uint32_t>& ks = {2, 4}) {
  const std::string path = CachedModel(stem);
  if (path.empty()) GTEST_SKIP() << stem << ".onnx not fetched (scripts/fetch-models)";
  auto g = ImportOnnxFile(path);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  CompileOptions o = Options();
  o.calib.synthetic_samples = 1;
  o.input_shapes[""] = input_shape;
  ExpectSameAsOneChip(*g, *LoadChipConfig("sim16"), ks, o, RandomInputs(*g, input_shape, seed));
}

TEST(MultichipCompile, BlazeFaceFrontOnTwoAndFourChipsMatchesOneChip) {
  RealModelMatchesOneChip("blazeface_front", {1, 128, 128, 3}, 5);
}

// The wake-word embedding starts and ends with reordering Reshapes that run on the host: host
// ops before and after the pipeline, the chips in between.
TEST(MultichipCompile, WakeWordEmbeddingWithHostOpsAtTheEndsMatchesOneChip) {
  RealModelMatchesOneChip("oww_embedding", {1, 76, 32, 1}, 6, {2});
}

// The demo CNN between two host Softmaxes (on its input and on its logits).
ir::Graph DemoCnnWithHostEnds() {
  ir::Graph g = DemoCnn();
  for (ir::Node& node : g.nodes)
    for (std::string& v : node.inputs)
      if (v == "input") v = "input_softmax";
  g.AddNode("Softmax", {"input"}, {"input_softmax"}, {{"axis", int64_t{1}}}, "softmax_in");
  g.AddNode("Softmax", {"logits"}, {"probs"}, {{"axis", int64_t{1}}}, "softmax_out");
  g.outputs = {"probs"};
  return g;
}

TEST(MultichipCompile, HostOpsBeforeAndAfterThePipelineMatchOneChip) {
  const ir::Graph g = DemoCnnWithHostEnds();
  const ChipConfig chip = *LoadChipConfig("sim16");
  BoardOptions bo;
  bo.chips = 2;
  auto c = CompileGraphForBoard(g, Ring(chip, 2), Options(), bo);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const Program& p = c->program;
  ASSERT_EQ(p.host_ops_size(), 2);
  // Segment 0 only the first host op's (nothing on the chips), segment 1 the pipeline.
  for (const program::ChipProgram& cp : p.chips()) EXPECT_EQ(cp.run_segments_size(), 2);
  EXPECT_EQ(p.host_ops(0).after_segment(), 0u);
  EXPECT_EQ(p.host_ops(1).after_segment(), 1u);
  ASSERT_EQ(p.inputs_size(), 1);
  EXPECT_EQ(p.inputs(0).dtype(), program::DTYPE_F32);  // read by the host op only
  ASSERT_EQ(p.outputs_size(), 1);
  EXPECT_EQ(p.outputs(0).name(), "probs");
  ExpectSameAsOneChip(g, chip, {2, 4}, Options(), RandomInputs(g, {1, 16, 16, 16}, 8));
}

TEST(MultichipCompile, HostOpInTheMiddleIsRefusedNamingIt) {
  ir::Graph g = DemoCnn();
  for (ir::Node& node : g.nodes)
    for (std::string& v : node.inputs)
      if (v == "pool1") v = "pool1_softmax";
  g.AddNode("Softmax", {"pool1"}, {"pool1_softmax"}, {{"axis", int64_t{1}}}, "softmax_mid");
  BoardOptions bo;
  bo.chips = 2;
  auto c = CompileGraphForBoard(g, Ring(*LoadChipConfig("sim16"), 2), Options(), bo);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(c.status().message().find("in the middle of the model"), std::string::npos)
      << c.status().ToString();
  EXPECT_NE(c.status().message().find("softmax_mid"), std::string::npos) << c.status().ToString();
}

}  // namespace
}  // namespace aorta::multichip
