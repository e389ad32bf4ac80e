// Pipelined multi-chip runs: several requests in flight give the same outputs as one at a time
// and as the whole program run by one Session.
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

TEST(Pipeline, SeveralInFlightMatchOneAtATimeAndSession) {
  const Program p = DemoOnChips(4);
  ASSERT_EQ(p.chips_size(), 4);
  auto links = BoardLinksOf(p);
  ASSERT_TRUE(links.ok()) << links.status().ToString();
  const std::vector<TensorMap> requests = Requests(6);

  // The reference: the whole program, one request at a time, on one Session.
  auto b0 = MakeGoldenBackend(Chips(p), *links);
  ASSERT_TRUE(b0.ok());
  auto session = Session::Load(p, **b0);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  std::vector<TensorMap> want;
  for (const TensorMap& r : requests) {
    auto out = (*session)->Run(r);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    want.push_back(*out);
  }

  for (uint32_t in_flight : {1u, 4u}) {
    SCOPED_TRACE(fmt::format("{} in flight", in_flight));
    auto backend = MakeGoldenBackend(Chips(p), *links);
    ASSERT_TRUE(backend.ok());
    Pipeline::Options po;
    po.in_flight = in_flight;
    auto pipe = Pipeline::Load(p, **backend, po);
    ASSERT_TRUE(pipe.ok()) << pipe.status().ToString();
    PipelineReport report;
    auto got = (*pipe)->RunAll(requests, &report);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    ASSERT_EQ(got->size(), requests.size());
    for (size_t i = 0; i < requests.size(); ++i)
      EXPECT_EQ(got->at(i).at("logits").ToDoubles(), want[i].at("logits").ToDoubles())
          << "request " << i;
    EXPECT_EQ(report.chips, 4u);
    EXPECT_EQ(report.requests, requests.size());
    EXPECT_GE(report.peak_in_flight, 1u);
    EXPECT_LE(report.peak_in_flight, in_flight);
    ASSERT_EQ(report.per_chip.size(), 4u);
    for (const ChipUtilization& u : report.per_chip) EXPECT_EQ(u.requests, requests.size());
    EXPECT_NE(report.ToString().find("busy cycles"), std::string::npos);
    // One more request, alone, on the same loaded pipeline.
    auto one = (*pipe)->Run(requests[2]);
    ASSERT_TRUE(one.ok()) << one.status().ToString();
    EXPECT_EQ(one->at("logits").ToDoubles(), want[2].at("logits").ToDoubles());
  }
}

TEST(Pipeline, ErrorsNameTheCause) {
  const Program p = DemoOnChips(2);
  auto links = BoardLinksOf(p);
  ASSERT_TRUE(links.ok());
  // Too few devices.
  auto one = MakeGoldenBackend({Chips(p)[0]});
  ASSERT_TRUE(one.ok());
  auto small = Pipeline::Load(p, **one);
  ASSERT_FALSE(small.ok());
  EXPECT_NE(small.status().message().find("needs 2 chips"), std::string::npos)
      << small.status().ToString();
  auto backend = MakeGoldenBackend(Chips(p), *links);
  ASSERT_TRUE(backend.ok());
  auto pipe = Pipeline::Load(p, **backend);
  ASSERT_TRUE(pipe.ok()) << pipe.status().ToString();
  // A request without its input, and one with an input the program does not have.
  std::vector<TensorMap> requests = Requests(3);
  requests[1].clear();
  auto missing = (*pipe)->RunAll(requests);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("request 1: missing input 'input'"), std::string::npos)
      << missing.status().ToString();
  requests[1] = Requests(1)[0];
  requests[1]["extra"] = requests[1]["input"];
  auto extra = (*pipe)->RunAll(requests);
  ASSERT_FALSE(extra.ok());
  EXPECT_NE(extra.status().message().find("no input 'extra'"), std::string::npos);
  // Unwired links: chip 1's RECV has no peer, which ends in an error naming the chip, not a hang.
  auto unwired = MakeGoldenBackend(Chips(p));
  ASSERT_TRUE(unwired.ok());
  Pipeline::Options po;
  po.timeout = std::chrono::milliseconds(2000);
  auto bad = Pipeline::Load(p, **unwired, po);
  ASSERT_TRUE(bad.ok()) << bad.status().ToString();
  auto fault = (*bad)->RunAll(Requests(1));
  ASSERT_FALSE(fault.ok());
  EXPECT_NE(fault.status().message().find("chip "), std::string::npos) << fault.status().ToString();
}

}  // namespace
}  // namespace aorta::runtime
