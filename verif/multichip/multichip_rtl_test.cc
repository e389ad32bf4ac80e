// Multi-chip programs from the partitioner on lock-step boards of verilated sim16 SoCs (the speed
// builds), through the runtime's Session exactly as on golden chips: outputs bit-identical with
// the golden model's multi-chip run and with the single-chip program, every non-timing counter
// equal to golden's (in total and per layer); cycles per chip and link bytes printed (ctest -V;
// docs/rtl.md "Multi-chip simulation"). A dropped link through Session ends in an error naming
// the chip and the link. The default run has the demo CNN and the wake-word embedding (host ops
// before and after the pipeline; 6 s CPU) on 2 and 4 chips; BlazeFace front on 2 and 4 chips is in
// multichip_rtl_slow_test (label slow).
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <tuple>

#include "compiler/compile.h"
#include "compiler/multichip/multichip_compile.h"
#include "compiler/multichip/test_models.h"
#include "compiler/onnx_import.h"
#include "compiler/testing/op_cases.h"
#include "driver/runtime/backend_compare_test_util.h"
#include "driver/runtime/pipeline.h"
#include "driver/runtime/rtl_backend.h"
#include "driver/runtime/uri.h"
#include "models/real/model_inputs.h"
#include "verif/multichip/rtl_board.h"

namespace aorta::verif {
namespace {

using runtime::TensorMap;

std::vector<ChipConfig> ChipsOf(const Program& p) {
  std::vector<ChipConfig> chips;
  for (const auto& c : p.chips()) chips.push_back(c.config());
  return chips;
}

TensorMap RandomInputs(const ir::Graph& g, const Shape& shape, uint64_t seed) {
  op_cases::Rng rng(seed);
  return {{g.inputs[0], op_cases::RandomTensor(rng, shape, -1.0, 1.0)}};
}

uint64_t CounterOf(Device& d, regs::Counter c) {
  const uint32_t lo = regs::kCounterBase + 8 * static_cast<uint32_t>(c);
  const uint64_t v = d.ReadReg(lo);
  return v | uint64_t{d.ReadReg(lo + 4)} << 32;
}

// `g` on one sim16 chip (golden) and on rings of `ks` sim16 chips (golden and RTL): the same
// bytes out everywhere; prints each RTL chip's cycles and link bytes.
void ExpectBitIdenticalOnRtlBoards(const std::string& name, const ir::Graph& g,
                                   const CompileOptions& o, const TensorMap& inputs,
                                   const std::vector<uint32_t>& ks) {
  const ChipConfig chip = runtime::testing::Chip("sim16");
  auto single = CompileGraph(g, chip, o);
  ASSERT_TRUE(single.ok()) << single.status().ToString();
  auto golden1 = runtime::MakeGoldenBackend({chip});
  ASSERT_TRUE(golden1.ok());
  auto rtl1 = runtime::MakeRtlBackend({chip});
  ASSERT_TRUE(rtl1.ok()) << rtl1.status().ToString();
  runtime::Session::Options so;
  so.timeout = std::chrono::minutes(10);
  // The 1-chip program on golden and on one RTL chip (the reference for the cycles).
  const runtime::testing::Ran one = runtime::testing::RunOn(**golden1, single->program, inputs);
  ASSERT_FALSE(one.outputs.empty());
  const runtime::testing::Ran rtl_one =
      runtime::testing::CompareWithGolden(**golden1, **rtl1, single->program, inputs, so);
  std::cout << name << " on 1 sim16 chip (RTL): " << rtl_one.report.cycles << " cycles\n";
  for (uint32_t k : ks) {
    SCOPED_TRACE(fmt::format("{} chips", k));
    multichip::BoardOptions bo;
    bo.chips = k;
    auto multi = multichip::CompileGraphForBoard(g, multichip::testing::Ring(chip, k), o, bo);
    ASSERT_TRUE(multi.ok()) << multi.status().ToString();
    const Program& p = multi->program;
    ASSERT_EQ(p.chips_size(), static_cast<int>(k));
    auto links = runtime::BoardLinksOf(p);
    ASSERT_TRUE(links.ok()) << links.status().ToString();
    auto golden = runtime::MakeGoldenBackend(ChipsOf(p), *links);
    auto rtl = runtime::MakeRtlBackend(ChipsOf(p), *links);
    ASSERT_TRUE(golden.ok() && rtl.ok()) << rtl.status().ToString();
    const runtime::testing::Ran got =
        runtime::testing::CompareWithGolden(**golden, **rtl, p, inputs, so);
    for (const auto& [output, t] : one.outputs) {
      ASSERT_TRUE(got.outputs.count(output)) << output;
      EXPECT_EQ(got.outputs.at(output).ToDoubles(), t.ToDoubles())
          << output << " on " << k << " RTL chips differs from one chip";
    }
    std::cout << name << " on " << k << " sim16 chips (RTL, lock-step): " << got.report.cycles
              << " cycles (slowest chip)\n";
    for (size_t c = 0; c < k; ++c) {
      Device& d = (*rtl)->device(c);
      std::cout << fmt::format("  chip {}: {} busy cycles, link bytes sent {}, received {}\n", c,
                               CounterOf(d, regs::Counter::kCycles),
                               CounterOf(d, regs::Counter::kLinkTxBytes),
                               CounterOf(d, regs::Counter::kLinkRxBytes));
      EXPECT_EQ(CounterOf(d, regs::Counter::kLinkTxBytes) > 0, c + 1 < k) << "chip " << c;
      EXPECT_EQ(CounterOf(d, regs::Counter::kLinkRxBytes) > 0, c > 0) << "chip " << c;
    }
    std::cout << fmt::format("  simulated {} chip cycles in {:.2f} s\n", (*rtl)->simulated_cycles(),
                             (*rtl)->simulation_seconds());
  }
}

CompileOptions DemoOptions() {
  CompileOptions o;
  o.calib.synthetic_samples = 2;
  return o;
}

// A fetched model of models/models.txt (or a skip) on 1, 2 and 4 RTL chips, calibrated on one
// sample, on random inputs from `seed`.
void RealModelOnTwoAndFourChips(const std::string& name, const std::string& stem,
                                const Shape& input_shape, uint64_t seed) {
  const std::string path = models::ModelsDir(AORTA_TEST_SOURCE_DIR) + "/" + stem + ".onnx";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "not fetched (scripts/fetch-models)";
  auto g = ImportOnnxFile(path);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  CompileOptions o = DemoOptions();
  o.calib.synthetic_samples = 1;
  o.input_shapes[""] = input_shape;
  ExpectBitIdenticalOnRtlBoards(name, *g, o, RandomInputs(*g, input_shape, seed), {2, 4});
}

#ifndef AORTA_MULTICHIP_SLOW

TEST(MultichipRtl, DemoCnnOnTwoAndFourChipsMatchesGoldenAndOneChip) {
  const ir::Graph g = multichip::testing::DemoCnn();
  ExpectBitIdenticalOnRtlBoards("demo CNN", g, DemoOptions(), RandomInputs(g, {1, 16, 16, 16}, 3),
                                {2, 4});
}

// The wake-word embedding (openWakeWord): its first and last Reshapes run on the host, before and
// after the pipeline; the chips in between exchange its tensors over the links.
TEST(MultichipRtl, WakeWordEmbeddingOnTwoAndFourChipsMatchesGoldenAndOneChip) {
  RealModelOnTwoAndFourChips("wake-word embedding", "oww_embedding", {1, 76, 32, 1}, 6);
}

// rtl://sim16?chips=2 opens two chips in a ring, which run the demo CNN's 2-chip program.
TEST(MultichipRtl, UriOpensARingOfChips) {
  runtime::RegisterSimulator(
      "rtl", [](const std::vector<ChipConfig>& chips, const std::vector<config::BoardLink>& links,
                const std::map<std::string, std::string>&) {
        return runtime::MakeRtlBackend(chips, links);
      });
  auto b = runtime::OpenBackend("rtl://sim16?chips=2");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ((*b)->num_devices(), 2u);
  multichip::BoardOptions bo;
  bo.chips = 2;
  const ir::Graph g = multichip::testing::DemoCnn();
  auto multi = multichip::CompileGraphForBoard(
      g, multichip::testing::Ring(runtime::testing::Chip("sim16"), 2), DemoOptions(), bo);
  ASSERT_TRUE(multi.ok()) << multi.status().ToString();
  auto s = runtime::Session::Load(multi->program, **b);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto out = (*s)->Run(RandomInputs(g, {1, 16, 16, 16}, 4));
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->size(), 1u);
}

// A link that drops while the demo runs on 2 chips: the runtime's error names the chip, the
// instruction (RECV / SEND) and LINK_FAULT with the port; the chips are usable afterwards.
TEST(MultichipRtl, ADroppedLinkEndsInAnErrorNamingTheChipAndLink) {
  const ir::Graph g = multichip::testing::DemoCnn();
  multichip::BoardOptions bo;
  bo.chips = 2;
  auto multi = multichip::CompileGraphForBoard(
      g, multichip::testing::Ring(runtime::testing::Chip("sim16"), 2), DemoOptions(), bo);
  ASSERT_TRUE(multi.ok()) << multi.status().ToString();
  const Program& p = multi->program;
  auto links = runtime::BoardLinksOf(p);
  ASSERT_TRUE(links.ok());
  RtlBoard* board = nullptr;
  runtime::RtlBackendOptions ro;
  ro.on_board = [&](RtlBoard& b) { board = &b; };
  auto rtl = runtime::MakeRtlBackend(ChipsOf(p), *links, ro);
  ASSERT_TRUE(rtl.ok()) << rtl.status().ToString();
  ASSERT_NE(board, nullptr);
  auto s = runtime::Session::Load(p, **rtl);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  // The watchdogs at 2,000 cycles, and the link between chip 0 and chip 1 silently dropped.
  for (size_t c = 0; c < 2; ++c) (*rtl)->device(c).WriteReg(regs::kLinkTimeout, 2000);
  // The program's own wiring (its metadata) names the link and the ports.
  ASSERT_EQ(board->num_links(), 1u);
  const config::BoardLink w = board->link(0);
  ASSERT_EQ(w.chip_a(), 0u);
  ASSERT_EQ(w.chip_b(), 1u);
  board->channel(0, true).Drop();
  board->channel(0, false).Drop();
  // Chip by chip (Session's per-chip steps), to see both chips' errors.
  ASSERT_TRUE((*s)->WriteInputs(RandomInputs(g, {1, 16, 16, 16}, 5)).ok());
  for (size_t c = 0; c < 2; ++c) (*s)->StartSegment(c, 0, true);
  const Status sender = (*s)->FinishSegment(0, 0);
  const Status receiver = (*s)->FinishSegment(1, 0);
  std::cout << "dropped link:\n  " << sender.ToString() << "\n  " << receiver.ToString() << "\n";
  ASSERT_FALSE(sender.ok());
  ASSERT_FALSE(receiver.ok());
  // chip 0 sends on port_a, chip 1 receives on port_b (ERR_ADDR: the port).
  const std::string port_a = fmt::format("address {:#x};", w.port_a());
  const std::string port_b = fmt::format("address {:#x};", w.port_b());
  for (const auto& [st, chip, insn, port] :
       {std::tuple{&sender, "chip 0", "SEND", port_a.c_str()},
        std::tuple{&receiver, "chip 1", "RECV", port_b.c_str()}}) {
    const std::string msg = st->ToString();
    EXPECT_NE(msg.find(chip), std::string::npos) << msg;
    EXPECT_NE(msg.find("LINK_FAULT"), std::string::npos) << msg;
    EXPECT_NE(msg.find(insn), std::string::npos) << msg;
    EXPECT_NE(msg.find(port), std::string::npos) << msg;
  }
  // The chips were reset by the runtime and are idle: nothing hangs.
  for (size_t c = 0; c < 2; ++c)
    EXPECT_EQ((*rtl)->device(c).ReadReg(regs::kStatus) & regs::kStatusBusyMask, 0u);
}

#else  // AORTA_MULTICHIP_SLOW

TEST(MultichipRtlSlow, BlazeFaceFrontOnTwoAndFourChipsMatchesGoldenAndOneChip) {
  RealModelOnTwoAndFourChips("BlazeFace front", "blazeface_front", {1, 128, 128, 3}, 5);
}

#endif

}  // namespace
}  // namespace aorta::verif
