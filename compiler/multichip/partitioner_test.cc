#include "compiler/multichip/partitioner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <utility>

namespace aorta::multichip {
namespace {

// n layers with the given cycles and weights, every cut carrying `bytes` (a chain: each tensor
// read by the next layer only).
struct Chain {
  std::vector<StageItem> items;
  std::vector<CutInfo> cuts;
};
Chain MakeChain(const std::vector<uint64_t>& cycles, const std::vector<uint64_t>& weights,
                const std::vector<uint64_t>& bytes) {
  Chain c;
  for (size_t i = 0; i < cycles.size(); ++i)
    c.items.push_back({"l" + std::to_string(i), cycles[i], weights.empty() ? 0 : weights[i]});
  c.cuts.resize(cycles.size() + 1);
  for (size_t i = 1; i < cycles.size(); ++i) c.cuts[i].bytes = bytes.empty() ? 0 : bytes[i];
  return c;
}

Resources Res(uint32_t chips, uint64_t wb = 1 << 30) {
  Resources r;
  r.chips = chips;
  r.weight_buffer_bytes = wb;
  r.link_bytes_per_cycle = 1;
  r.dram_bytes_per_cycle = 1;
  return r;
}

// The slowest stage of the best plan, by trying every way to cut (small n).
double BruteForce(const Chain& c, const Resources& r) {
  const size_t n = c.items.size();
  double best = 1e300;
  for (uint32_t mask = 0; mask < (1u << (n - 1)); ++mask) {
    if (static_cast<uint32_t>(__builtin_popcount(mask)) + 1 != r.chips) continue;
    double slowest = 0;
    size_t begin = 0;
    bool legal = true;
    for (size_t j = 1; j <= n; ++j) {
      if (j < n && !(mask & (1u << (j - 1)))) continue;
      if (j < n && !c.cuts[j].allowed) legal = false;
      for (size_t i = begin; i < j; ++i)
        if (c.items[i].solo && j - begin != 1) legal = false;
      slowest = std::max(slowest, StageCost(c.items, c.cuts, r, begin, j).cost);
      begin = j;
    }
    if (legal) best = std::min(best, slowest);
  }
  return best;
}

TEST(Partitioner, BalancesEqualLayers) {
  Chain c = MakeChain({100, 100, 100, 100, 100, 100, 100, 100}, {}, {});
  auto plan = PlanStages(c.items, c.cuts, Res(4));
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->stages.size(), 4u);
  for (const Stage& s : plan->stages) EXPECT_EQ(s.compute_cycles, 200u);
  EXPECT_DOUBLE_EQ(plan->balance, 1.0);
}

TEST(Partitioner, MatchesBruteForceOnUnevenLayers) {
  Chain c = MakeChain({50, 300, 20, 80, 80, 200, 10, 140, 60, 90}, {},
                      {0, 30, 5, 70, 2, 40, 40, 1, 25, 9});
  for (uint32_t chips = 1; chips <= 5; ++chips) {
    auto plan = PlanStages(c.items, c.cuts, Res(chips));
    ASSERT_TRUE(plan.ok()) << plan.status().ToString();
    EXPECT_EQ(plan->stages.size(), chips);
    EXPECT_NEAR(plan->slowest, BruteForce(c, Res(chips)), 1e-9) << chips << " chips";
    // Stages cover every layer once, in order.
    size_t next = 0;
    for (const Stage& s : plan->stages) {
      EXPECT_EQ(s.begin, next);
      EXPECT_GT(s.end, s.begin);
      next = s.end;
    }
    EXPECT_EQ(next, c.items.size());
  }
}

TEST(Partitioner, CutsWhereTensorsAreSmall) {
  // Four equal layers, two chips: cutting after layer 1 or 2 balances compute the same way up to
  // 100 cycles; the cut after layer 1 carries 1000 bytes, the one after layer 2 only 10.
  Chain c = MakeChain({100, 100, 100, 100}, {}, {0, 1000, 10, 1000});
  auto plan = PlanStages(c.items, c.cuts, Res(2));
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->stages.size(), 2u);
  EXPECT_EQ(plan->stages[0].end, 2u);
  EXPECT_EQ(plan->link_bytes, 10u);
  // A slow link moves the cut to where compute is less balanced but the tensor small.
  Chain d = MakeChain({100, 100, 100, 100}, {}, {0, 10, 1000, 1000});
  auto plan2 = PlanStages(d.items, d.cuts, Res(2));
  ASSERT_TRUE(plan2.ok()) << plan2.status().ToString();
  EXPECT_EQ(plan2->stages[0].end, 1u);
  EXPECT_EQ(plan2->link_bytes, 10u);
}

TEST(Partitioner, RespectsIllegalCuts) {
  Chain c = MakeChain({100, 100, 100, 100}, {}, {});
  c.cuts[2].allowed = false;  // e.g. a model input still read
  c.cuts[3].allowed = false;
  auto plan = PlanStages(c.items, c.cuts, Res(3));
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  // Only cut 1 is left: two stages.
  ASSERT_EQ(plan->stages.size(), 2u);
  EXPECT_EQ(plan->stages[0].end, 1u);
  EXPECT_NEAR(plan->slowest, 300, 1e-9);
}

TEST(Partitioner, CutsInsideAResidualBlockCountEveryCrossingTensor) {
  // x = l0; a = l1(x); b = l2(a); y = l3(b) + x. Cuts 2 and 3 carry the shortcut x (40 bytes)
  // and the main path (a or b, 10 bytes); the stage [2, 3) receives and forwards x.
  Chain c = MakeChain({100, 100, 100, 100}, {}, {0, 40, 50, 50});
  auto plan = PlanStages(c.items, c.cuts, Res(4));
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->stages.size(), 4u);
  EXPECT_EQ(plan->stages[2].in_bytes, 50u);
  EXPECT_EQ(plan->stages[2].out_bytes, 50u);
  EXPECT_NEAR(plan->stages[2].cost, 100 + 50 + 50, 1e-9);
  EXPECT_EQ(plan->link_bytes, 140u);
  EXPECT_NEAR(plan->slowest, BruteForce(c, Res(4)), 1e-9);
}

TEST(Partitioner, ALinkTransferTakesTheLongerOfItsBytesAndItsRows) {
  // The link engine moves a unified-buffer row a cycle at most while the link carries the row
  // before: each crossing tensor costs max(bytes / link, bytes / ub) at both ends.
  Chain c = MakeChain({100, 100}, {}, {0, 60});
  for (const auto& [link, ub] : {std::pair{2.0, 4.0}, {8.0, 4.0}, {4.0, 0.0}}) {
    Resources r = Res(2);
    r.link_bytes_per_cycle = link;
    r.ub_bytes_per_cycle = ub;
    auto plan = PlanStages(c.items, c.cuts, r);
    ASSERT_TRUE(plan.ok()) << plan.status().ToString();
    ASSERT_EQ(plan->stages.size(), 2u);
    const double rows = ub > 0 ? 60.0 / ub : 0.0;
    for (const Stage& s : plan->stages)
      EXPECT_NEAR(s.cost, 100 + std::max(60.0 / link, rows), 1e-9) << link << " " << ub;
  }
}

TEST(Partitioner, MeasuredStageCyclesCorrectTheCost) {
  // Four equal layers on two chips: [0, 2) + [2, 4). A compiled [0, 2) found 150 cycles slower
  // than its estimate moves the cut; the plan's stage carries the correction.
  Chain c = MakeChain({100, 100, 100, 100}, {}, {});
  auto plain = PlanStages(c.items, c.cuts, Res(2));
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  ASSERT_EQ(plain->stages.size(), 2u);
  EXPECT_EQ(plain->stages[0].end, 2u);
  EXPECT_NEAR(plain->slowest, 200, 1e-9);
  const Measured measured = {{{0, 2}, 150.0}, {{2, 4}, -20.0}};
  auto corrected = PlanStages(c.items, c.cuts, Res(2), measured);
  ASSERT_TRUE(corrected.ok()) << corrected.status().ToString();
  ASSERT_EQ(corrected->stages.size(), 2u);
  EXPECT_NE(corrected->stages[0].end, 2u);
  EXPECT_NEAR(corrected->slowest, 300, 1e-9);
  // A correction that lowers a stage keeps the cut where it was.
  auto lower = PlanStages(c.items, c.cuts, Res(2), {{{0, 2}, -50.0}, {{2, 4}, -50.0}});
  ASSERT_TRUE(lower.ok()) << lower.status().ToString();
  EXPECT_EQ(lower->stages[0].end, 2u);
  EXPECT_NEAR(lower->slowest, 150, 1e-9);
}

TEST(Partitioner, SoloItemsAreStagesOfTheirOwn) {
  // A split layer's two slices (items 2 and 3) with light layers around them.
  Chain c = MakeChain({10, 10, 200, 200, 10, 10, 10}, {}, {0, 5, 5, 7, 5, 5, 5});
  c.items[2].solo = c.items[3].solo = true;
  // Layers 0-1, the two slices and layers 4-6 need at least four stages.
  EXPECT_FALSE(PlanStages(c.items, c.cuts, Res(3)).ok());
  for (uint32_t chips = 4; chips <= 6; ++chips) {
    auto plan = PlanStages(c.items, c.cuts, Res(chips));
    ASSERT_TRUE(plan.ok()) << plan.status().ToString();
    for (const Stage& s : plan->stages)
      for (size_t i = s.begin; i < s.end; ++i)
        if (c.items[i].solo) {
          EXPECT_EQ(s.end - s.begin, 1u) << chips << " chips";
        }
    EXPECT_NEAR(plan->slowest, BruteForce(c, Res(chips)), 1e-9) << chips;
  }
  // More slices than chips.
  Chain d = MakeChain({10, 200, 200, 200}, {}, {});
  d.items[1].solo = d.items[2].solo = d.items[3].solo = true;
  auto refused = PlanStages(d.items, d.cuts, Res(2));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("3 slices"), std::string::npos);
}

TEST(Partitioner, StreamsTheRemainderWhenTheBoardIsTooSmall) {
  // 4 layers of 1000 weight bytes, chips of 1500: two chips hold 3000, 1000 must stream.
  Chain c = MakeChain({100, 100, 100, 100}, {1000, 1000, 1000, 1000}, {});
  auto plan = PlanStages(c.items, c.cuts, Res(2, 1500));
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->streamed_bytes, 1000u);
  uint64_t streamed = 0;
  for (const Stage& s : plan->stages) {
    EXPECT_EQ(s.streamed_bytes, s.weight_bytes > 1500 ? s.weight_bytes - 1500 : 0);
    streamed += s.streamed_bytes;
  }
  EXPECT_EQ(streamed, 1000u);
  // Enough chips: nothing streams.
  auto four = PlanStages(c.items, c.cuts, Res(4, 1500));
  ASSERT_TRUE(four.ok());
  EXPECT_EQ(four->streamed_bytes, 0u);
}

TEST(Partitioner, FewerLayersThanChipsUsesFewerChips) {
  Chain c = MakeChain({100, 200}, {}, {});
  auto plan = PlanStages(c.items, c.cuts, Res(8));
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->stages.size(), 2u);
}

TEST(Partitioner, EveryStageHasALayer) {
  // Layer, free layout change, layer, layout change: with 4 chips, only 2 stages can have a
  // layer each.
  Chain c = MakeChain({100, 0, 100, 0}, {}, {});
  c.items[1].layer = false;
  c.items[3].layer = false;
  auto plan = PlanStages(c.items, c.cuts, Res(4));
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->stages.size(), 2u);
  for (const Stage& s : plan->stages) EXPECT_EQ(s.compute_cycles, 100u);
}

TEST(Partitioner, PlanAtGivenCuts) {
  Chain c = MakeChain({100, 200, 300, 400}, {}, {0, 10, 20, 30});
  auto plan = PlanAt(c.items, c.cuts, Res(3), {1, 3});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->stages.size(), 3u);
  EXPECT_NEAR(plan->stages[1].cost, 200 + 300 + 10 + 30, 1e-9);
  EXPECT_NEAR(plan->slowest, 540, 1e-9);
  c.cuts[3].allowed = false;
  c.cuts[3].why_not = "a model input is live";
  auto refused = PlanAt(c.items, c.cuts, Res(3), {1, 3});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("a model input is live"), std::string::npos);
  EXPECT_FALSE(PlanAt(c.items, c.cuts, Res(3), {2, 1}).ok());  // out of order
  c.items[1].solo = true;
  auto shared = PlanAt(c.items, c.cuts, Res(3), {1});
  ASSERT_FALSE(shared.ok());
  EXPECT_NE(shared.status().message().find("shares"), std::string::npos);
}

TEST(Partitioner, ErrorsNameTheCause) {
  Chain c = MakeChain({100, 200}, {}, {});
  auto none = PlanStages({}, {CutInfo{}}, Res(2));
  EXPECT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("no layers"), std::string::npos);
  auto zero = PlanStages(c.items, c.cuts, Res(0));
  EXPECT_FALSE(zero.ok());
  EXPECT_NE(zero.status().message().find("0 chips"), std::string::npos);
  Resources no_link = Res(2);
  no_link.link_bytes_per_cycle = 0;
  auto nolink = PlanStages(c.items, c.cuts, no_link);
  EXPECT_FALSE(nolink.ok());
  EXPECT_NE(nolink.status().message().find("link bandwidth"), std::string::npos);
  auto badcuts = PlanStages(c.items, {CutInfo{}}, Res(2));
  EXPECT_FALSE(badcuts.ok());
}

}  // namespace
}  // namespace aorta::multichip
