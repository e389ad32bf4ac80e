#include "core/config.h"

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "aorta/isa_gen.h"

namespace aorta {
namespace {

ChipConfig Tiny() {
  Result<ChipConfig> c = LoadChipConfig("tiny");
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return *c;
}

std::string WriteTemp(const std::string& name, const std::string& text) {
  // Named per process: ctest runs tests side by side.
  auto path = std::filesystem::temp_directory_path() / (std::to_string(::getpid()) + "_" + name);
  std::ofstream(path) << text;
  return path.string();
}

TEST(Config, BundledConfigsLoadWithTheirDocumentedGeometry) {
  ChipConfig tiny = Tiny();
  ChipGeometry g = GeometryOf(tiny);
  EXPECT_EQ(g.n, 8u);
  EXPECT_EQ(g.ub_rows, 65536u / 8);
  EXPECT_EQ(g.acc_rows, 32768u / 32);
  EXPECT_EQ(g.RowBytes(static_cast<unsigned>(isa::Mem::kAcc)), 32u);
  EXPECT_EQ(g.RowBytes(static_cast<unsigned>(isa::Mem::kLut)), 256u);
  Result<ChipConfig> sim16 = LoadChipConfig("sim16");
  ASSERT_TRUE(sim16.ok()) << sim16.status().ToString();
  EXPECT_EQ(GeometryOf(*sim16).n, 16u);
  EXPECT_EQ(GeometryOf(*sim16).wb_rows, 65536u);
  EXPECT_NE(Fingerprint(tiny), Fingerprint(*sim16));
}

TEST(Config, FingerprintIgnoresNamesAndDefaultsButNotHardware) {
  ChipConfig a = Tiny();
  ChipConfig b = a;
  b.set_name("renamed");
  b.set_description("other words");
  EXPECT_EQ(Fingerprint(a), Fingerprint(b));
  b.set_clock_mhz(a.clock_mhz() + 1);
  EXPECT_NE(Fingerprint(a), Fingerprint(b));
  b = a;
  b.mutable_links()->set_latency_ns(a.links().latency_ns() + 1);
  EXPECT_NE(Fingerprint(a), Fingerprint(b));
  // The canonical text lists fields in schema order; defaults (unset) are absent.
  std::string text = CanonicalText(a);
  EXPECT_EQ(text.find("name="), std::string::npos);
  EXPECT_NE(text.find("array_rows=8\n"), std::string::npos);
  EXPECT_NE(text.find("dram.bandwidth_gbps=4\n"), std::string::npos);
  EXPECT_LT(text.find("array_rows="), text.find("clock_mhz="));
  EXPECT_EQ(FingerprintHex(0x1234).size(), 16u);
}

TEST(Config, FingerprintIsStableAcrossBuilds) {
  // FNV-1a 64 of the canonical text; pinned so that a change of the algorithm is noticed
  // (every program built before would be refused). Recompute by hand from CanonicalText.
  ChipConfig c;
  c.set_array_rows(8);
  c.set_array_cols(8);
  EXPECT_EQ(CanonicalText(c), "aorta.config.ChipConfig\narray_rows=8\narray_cols=8\n");
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char ch : CanonicalText(c)) {
    h ^= ch;
    h *= 0x100000001b3ull;
  }
  EXPECT_EQ(Fingerprint(c), h);
}

TEST(Config, ValidationNamesTheField) {
  ChipConfig c = Tiny();
  c.set_array_cols(16);
  Status s = ValidateChipConfig(c);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("array_cols"), std::string::npos);
  c = Tiny();
  c.set_unified_buffer_bytes(1001);
  s = ValidateChipConfig(c);
  EXPECT_NE(s.message().find("unified_buffer_bytes"), std::string::npos) << s.ToString();
  c = Tiny();
  c.set_weight_buffer_banks(3);
  EXPECT_NE(ValidateChipConfig(c).message().find("banks"), std::string::npos);
  c = Tiny();
  c.mutable_pcie()->set_lanes(3);
  EXPECT_NE(ValidateChipConfig(c).message().find("pcie.lanes"), std::string::npos);
  c = Tiny();
  c.set_clock_mhz(0);
  EXPECT_NE(ValidateChipConfig(c).message().find("clock_mhz"), std::string::npos);
}

TEST(Config, LoadErrorsAreClear) {
  Result<ChipConfig> missing = LoadChipConfig("no-such-chip");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  std::string bad = WriteTemp("aorta_bad.textproto", "array_rows: 8\nnot_a_field: 3\n");
  Result<ChipConfig> parsed = LoadChipConfig(bad);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("line 2"), std::string::npos)
      << parsed.status().ToString();
  EXPECT_NE(parsed.status().message().find("not_a_field"), std::string::npos);
}

TEST(Config, BoardsResolveChipFilesAndCheckLinks) {
  std::string dir = BundledConfigDir();
  std::string good = WriteTemp("aorta_board.textproto", fmt::format(R"(
name: "pair"
chips {{ name: "a" config_file: "{0}/tiny.textproto" }}
chips {{ name: "b" config_file: "{0}/tiny.textproto" }}
links {{ chip_a: 0 port_a: 0 chip_b: 1 port_b: 1 }}
)",
                                                                    dir));
  Result<BoardConfig> b = LoadBoardConfig(good);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->chips(1).config().array_rows(), 8u);
  uint64_t fp = Fingerprint(*b);
  b->mutable_links(0)->set_port_b(0);
  EXPECT_NE(Fingerprint(*b), fp);

  std::string bad_port = WriteTemp("aorta_board2.textproto", fmt::format(R"(
chips {{ config_file: "{0}/tiny.textproto" }}
chips {{ config_file: "{0}/tiny.textproto" }}
links {{ chip_a: 0 port_a: 5 chip_b: 1 port_b: 0 }}
)",
                                                                         dir));
  Result<BoardConfig> bp = LoadBoardConfig(bad_port);
  ASSERT_FALSE(bp.ok());
  EXPECT_NE(bp.status().message().find("port 5"), std::string::npos) << bp.status().ToString();
}

}  // namespace
}  // namespace aorta
