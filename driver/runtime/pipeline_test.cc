// The board links of multi-chip programs: metadata format, and a four-chip program wired from it.
#include "driver/runtime/pipeline.h"

#include <gtest/gtest.h>

#include "compiler/multichip/multichip_compile.h"
#include "compiler/multichip/test_models.h"
#include "compiler/testing/op_cases.h"
#include "driver/runtime/backend.h"
#include "driver/runtime/session.h"

namespace aorta::runtime {
namespace {

Program DemoOnChips(uint32_t k) {
  const ChipConfig chip = *LoadChipConfig("sim16");
  CompileOptions o;
  o.calib.synthetic_samples = 2;
  multichip::BoardOptions bo;
  bo.chips = k;
  auto c = multichip::CompileGraphForBoard(multichip::testing::DemoCnn(),
                                           multichip::testing::Ring(chip, k), o, bo);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? c->program : Program();
}

std::vector<ChipConfig> Chips(const Program& p) {
  std::vector<ChipConfig> chips;
  for (const auto& c : p.chips()) chips.push_back(c.config());
  return chips;
}

std::vector<TensorMap> Requests(size_t count) {
  std::vector<TensorMap> out;
  op_cases::Rng rng(11);
  for (size_t i = 0; i < count; ++i)
    out.push_back({{"input", op_cases::RandomTensor(rng, {1, 16, 16, 16}, -1.0, 1.0)}});
  return out;
}

TEST(BoardLinks, FormatAndParse) {
  auto links = ParseBoardLinks("0.1-1.0,1.1-2.0");
  ASSERT_TRUE(links.ok()) << links.status().ToString();
  ASSERT_EQ(links->size(), 2u);
  EXPECT_EQ((*links)[1].chip_a(), 1u);
  EXPECT_EQ((*links)[1].port_b(), 0u);
  EXPECT_EQ(FormatBoardLinks(*links), "0.1-1.0,1.1-2.0");
  for (const char* bad : {"0.1-1", "0.1_1.0", "a.1-1.0", "0.1-1.0,", "0.1-1.0x"}) {
    auto r = ParseBoardLinks(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_NE(r.status().message().find("bad link"), std::string::npos) << r.status().ToString();
    }
  }
}

// A board program on golden chips wired from its own metadata, through one Session.
TEST(BoardLinks, SessionRunsAFourChipProgramWiredFromItsMetadata) {
  const Program p = DemoOnChips(4);
  ASSERT_EQ(p.chips_size(), 4);
  auto links = BoardLinksOf(p);
  ASSERT_TRUE(links.ok()) << links.status().ToString();
  EXPECT_EQ(links->size(), 3u);
  auto backend = MakeGoldenBackend(Chips(p), *links);
  ASSERT_TRUE(backend.ok());
  auto session = Session::Load(p, **backend);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  for (const TensorMap& r : Requests(3)) {
    auto out = (*session)->Run(r);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(out->at("logits").shape(), (Shape{1, 10}));
  }
  // Unwired: the first SEND finds no peer, an error naming the chip (not a hang).
  auto unwired = MakeGoldenBackend(Chips(p));
  ASSERT_TRUE(unwired.ok());
  auto bad = Session::Load(p, **unwired);
  ASSERT_TRUE(bad.ok()) << bad.status().ToString();
  auto fault = (*bad)->Run(Requests(1)[0]);
  ASSERT_FALSE(fault.ok());
  EXPECT_NE(fault.status().message().find("LINK_FAULT"), std::string::npos)
      << fault.status().ToString();
}

}  // namespace
}  // namespace aorta::runtime
