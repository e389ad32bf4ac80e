// The boards as fpga_gen writes them into the build tree: each loads through the config loader
// with the right chips and links, and its chips carry the resource model's derived config.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/config.h"
#include "fpga_board/devices.h"
#include "fpga_board/resource_model.h"

namespace aorta::fpga {
namespace {

std::string GenDir() { return std::string(AORTA_TEST_BUILD_DIR) + "/gen/fpga_board"; }

struct Expected {
  const char* board;
  const char* card;
  int chips;
  int links;
};

// Issue #7: a Catapult-v1-style 6-FPGA card, an 8-FPGA ring of 10 Gb/s links, an 8 x U250 ring,
// and single-FPGA boards.
const Expected kBoards[] = {
    {"catapult6_stratixv", "stratixv_catapult", 6, 6},
    {"ring8_stratixv", "stratixv_catapult", 8, 8},
    {"ring8_u250", "alveo_u250", 8, 8},
    {"single_stratixv", "stratixv_catapult", 1, 0},
    {"single_arria10", "arria10_card", 1, 0},
    {"single_aws_f1", "aws_f1", 1, 0},
    {"single_u250", "alveo_u250", 1, 0},
    {"single_zynq7020", "zynq7020_zedboard", 1, 0},
};

TEST(Boards, EachLoadsWithItsChipsAndLinks) {
  for (const Expected& e : kBoards) {
    auto b = LoadBoardConfig(GenDir() + "/" + e.board + ".textproto");
    ASSERT_TRUE(b.ok()) << e.board << ": " << b.status().ToString();
    EXPECT_EQ(b->name(), e.board);
    EXPECT_EQ(b->chips_size(), e.chips) << e.board;
    EXPECT_EQ(b->links_size(), e.links) << e.board;
    auto derived = Derive(*FindCard(e.card));
    ASSERT_TRUE(derived.ok());
    for (const auto& chip : b->chips())
      EXPECT_EQ(Fingerprint(chip.config()), Fingerprint(derived->config))
          << e.board << " chip " << chip.name() << " is not the derived " << e.card;
  }
}

// In a ring every chip uses both of its ports and reaches every other chip.
TEST(Boards, RingsAreClosedAndConnected) {
  for (const Expected& e : kBoards) {
    if (e.chips == 1) continue;
    auto b = LoadBoardConfig(GenDir() + "/" + e.board + ".textproto");
    ASSERT_TRUE(b.ok());
    std::map<uint32_t, int> degree;
    std::map<uint32_t, uint32_t> next;
    for (const auto& l : b->links()) {
      ++degree[l.chip_a()];
      ++degree[l.chip_b()];
      next[l.chip_a()] = l.chip_b();
    }
    for (int i = 0; i < e.chips; ++i) EXPECT_EQ(degree[i], 2) << e.board << " chip " << i;
    uint32_t at = 0;
    for (int step = 0; step < e.chips; ++step) at = next[at];
    EXPECT_EQ(at, 0u) << e.board << ": following port 1 does not come back after every chip";
  }
}

TEST(Boards, StratixVLinksAreTenGigabit) {
  auto b = LoadBoardConfig(GenDir() + "/ring8_stratixv.textproto");
  ASSERT_TRUE(b.ok());
  for (const auto& chip : b->chips()) {
    EXPECT_EQ(chip.config().links().count(), 2u);
    EXPECT_DOUBLE_EQ(chip.config().links().bandwidth_gbps(), 10.0);
  }
}

TEST(Boards, EachDerivedChipFileLoads) {
  for (const Card& card : Cards()) {
    auto c = LoadChipConfig(GenDir() + "/" + card.id + ".textproto");
    ASSERT_TRUE(c.ok()) << card.id << ": " << c.status().ToString();
    EXPECT_EQ(c->name(), card.id);
  }
}

}  // namespace
}  // namespace aorta::fpga
