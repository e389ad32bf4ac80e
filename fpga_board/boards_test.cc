// The boards as fpga_gen writes them into the build tree: each loads through the config loader
// with the right chips and links, and its chips carry the resource model's derived config.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "core/config.h"
#include "fpga_board/devices.h"
#include "fpga_board/resource_model.h"

namespace aorta::fpga {
namespace {

std::string GenDir() { return std::string(AORTA_TEST_BUILD_DIR) + "/gen/fpga_board"; }
std::filesystem::path BoardDir() {
  return std::filesystem::path(AORTA_TEST_SOURCE_DIR) / "fpga_board";
}

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

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

// `--board NAME` loads the generated copy; the source file (whose chip configs are generated)
// is refused with an error that says where the loadable board is.
TEST(Boards, LoadByNameAndFromTheSourceTree) {
  for (const Expected& e : kBoards) {
    auto by_name = LoadBoardConfig(e.board);
    ASSERT_TRUE(by_name.ok()) << e.board << ": " << by_name.status().ToString();
    auto by_path = LoadBoardConfig(GenDir() + "/" + e.board + ".textproto");
    ASSERT_TRUE(by_path.ok());
    EXPECT_EQ(Fingerprint(*by_name), Fingerprint(*by_path)) << e.board;
    auto source =
        LoadBoardConfig((BoardDir() / "boards" / (std::string(e.board) + ".textproto")).string());
    ASSERT_FALSE(source.ok()) << e.board;
    EXPECT_NE(source.status().message().find(std::string("--board ") + e.board), std::string::npos)
        << source.status().ToString();
  }
  auto missing = LoadBoardConfig("no_such_board");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("no bundled board"), std::string::npos)
      << missing.status().ToString();
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

// Issue #7 item 2: every board in fpga_board/boards/ has its wrapper directory
// fpga_board/<board>/ with a vendor build script, whose header names the top ("# Top: MODULE
// FILE [Chips=N]", FILE relative to fpga_board/). The top declares the module and is linted
// (fpga_board/CMakeLists.txt names it); a single-chip top takes the parameters of its board's
// chip config (the generated aorta_cfg_<card>_pkg); a multi-chip top has the board's chip count
// and instantiates the chip top its build script names ("# Chip top: MODULE FILE").
TEST(Boards, EachBoardHasAWrapperWithATopAndABuildScript) {
  const std::string cmake = ReadText(BoardDir() / "CMakeLists.txt");
  std::vector<std::filesystem::path> boards;
  for (const auto& entry : std::filesystem::directory_iterator(BoardDir() / "boards"))
    if (entry.path().extension() == ".textproto") boards.push_back(entry.path());
  ASSERT_EQ(boards.size(), std::size(kBoards)) << "a board file without an entry in kBoards";
  const std::regex top_line(R"(# Top: (\w+) (\S+\.sv)(?: Chips=(\d+))?)");
  const std::regex chip_line(R"(# Chip top: (\w+) (\S+\.sv))");
  for (const auto& board_file : boards) {
    const std::string board = board_file.stem().string();
    SCOPED_TRACE(board);
    const auto build = BoardDir() / board / "build.tcl";
    ASSERT_TRUE(std::filesystem::exists(build)) << build << " missing: the board has no wrapper";
    const std::string script = ReadText(build);
    std::smatch top;
    ASSERT_TRUE(std::regex_search(script, top, top_line)) << build << " names no '# Top:'";
    const auto top_file = BoardDir() / top[2].str();
    ASSERT_TRUE(std::filesystem::exists(top_file)) << top_file;
    const std::string top_text = ReadText(top_file);
    EXPECT_TRUE(std::regex_search(top_text, std::regex("module " + top[1].str() + R"(\b)")))
        << top_file << " does not declare module " << top[1];
    EXPECT_NE(cmake.find(top[1].str()), std::string::npos)
        << top[1] << " has no board_lint entry in fpga_board/CMakeLists.txt";

    auto b = LoadBoardConfig(GenDir() + "/" + board + ".textproto");
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    ASSERT_GT(b->chips_size(), 0);
    const std::string card_pkg = "aorta_cfg_" + b->chips(0).config().name() + "_pkg";
    if (b->chips_size() == 1) {
      EXPECT_FALSE(top[3].matched) << "a single-chip board's top has no chip count";
      EXPECT_NE(top_text.find(card_pkg), std::string::npos)
          << top_file << " does not take its parameters from " << card_pkg;
      continue;
    }
    ASSERT_TRUE(top[3].matched) << build << ": a multi-chip top names its Chips=";
    EXPECT_EQ(std::stoi(top[3].str()), b->chips_size());
    EXPECT_NE(top_text.find("parameter int unsigned Chips"), std::string::npos) << top_file;
    std::smatch chip;
    ASSERT_TRUE(std::regex_search(script, chip, chip_line)) << build << " names no chip top";
    EXPECT_TRUE(std::regex_search(top_text, std::regex(chip[1].str() + R"(\s*#\()")))
        << top_file << " does not instantiate the chip top " << chip[1];
    const std::string chip_text = ReadText(BoardDir() / chip[2].str());
    EXPECT_TRUE(std::regex_search(chip_text, std::regex("module " + chip[1].str() + R"(\b)")));
    EXPECT_NE(chip_text.find(card_pkg), std::string::npos)
        << chip[2] << " does not take its parameters from " << card_pkg;
    // The board's chip count has a lint entry (fpga_board/CMakeLists.txt, AORTA_BOARD_RINGS).
    EXPECT_NE(cmake.find('"' + board + " "), std::string::npos)
        << board << " has no ring lint entry";
  }
}

}  // namespace
}  // namespace aorta::fpga
