#include "core/isa/extents.h"

#include <gtest/gtest.h>

#include <random>

namespace aorta::isa {
namespace {

// Brute force over every (o, t) pair.
AxisRange Naive(uint64_t out, uint64_t stride, int64_t off, uint64_t taps, uint64_t dil,
                uint64_t in) {
  AxisRange r;
  bool first = true;
  for (uint64_t o = 0; o < out; ++o) {
    for (uint64_t t = 0; t < taps; ++t) {
      int64_t p = static_cast<int64_t>(o * stride + t * dil) + off;
      if (p < 0 || p >= static_cast<int64_t>(in)) continue;
      r.min = first ? p : std::min(r.min, p);
      r.max = first ? p : std::max(r.max, p);
      first = false;
      ++r.in_taps;
    }
  }
  return r;
}

TEST(Extents, InImageRangeMatchesBruteForce) {
  std::mt19937 rng(7);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  for (int i = 0; i < 20000; ++i) {
    uint64_t out = pick(1, 20), stride = pick(1, 5), taps = pick(1, 7), dil = pick(1, 4),
             in = pick(1, 30);
    int64_t off = pick(-12, 12);
    AxisRange want = Naive(out, stride, off, taps, dil, in);
    AxisRange got = InImageRange(out, stride, off, taps, dil, in);
    ASSERT_EQ(got.in_taps, want.in_taps)
        << out << " " << stride << " " << off << " " << taps << " " << dil << " " << in;
    if (want.any()) {
      ASSERT_EQ(got.min, want.min);
      ASSERT_EQ(got.max, want.max);
    }
  }
  // Stride 2 from -1 reads 1, 3, 5: the range starts at 1, not 0.
  AxisRange r = InImageRange(3, 2, -1, 1, 1, 8);
  EXPECT_EQ(r.min, 1);
  EXPECT_EQ(r.max, 3);
  EXPECT_EQ(r.in_taps, 2u);
}

TEST(Extents, MatmulWindowAndAccumulatorRows) {
  ChipGeometry g = GeometryOf(*LoadChipConfig("tiny"));
  Matmul m;
  m.act_addr = 100;
  m.in_h = 4;
  m.in_w = 5;
  m.out_h = 4;
  m.out_w = 5;
  m.y_off = -1;  // 3x3 tap (0, 0) with padding 1: rows 0..2, cols 0..3 are read
  m.x_off = -1;
  m.acc_addr = 7;
  m.accumulate = true;
  Extents e = ExtentsOf(m, g);
  ASSERT_EQ(e.chip.size(), 3u);
  EXPECT_EQ(e.chip[0].mem, Mem::kUb);
  EXPECT_EQ(e.chip[0].first, 100u);
  EXPECT_EQ(e.chip[0].count, 2u * 5 + 3 + 1);
  EXPECT_EQ(e.chip[1].mem, Mem::kAcc);
  EXPECT_FALSE(e.chip[1].write);
  EXPECT_TRUE(e.chip[2].write);
  EXPECT_EQ(e.chip[2].count, 20u);
  EXPECT_FALSE(FirstOutOfRange(e, g).has_value());
  m.acc_addr = static_cast<uint32_t>(g.acc_rows - 19);  // one row too many
  auto bad = FirstOutOfRange(ExtentsOf(m, g), g);
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->mem, Mem::kAcc);
}

TEST(Extents, DmaExtentCoversStridedRows) {
  ChipGeometry g = GeometryOf(*LoadChipConfig("tiny"));
  DmaStore d;
  d.slot = 3;
  d.ext_offset = 10;
  d.ext_stride = 100;
  d.rows = 4;
  d.row_bytes = 6;
  Extents e = ExtentsOf(d, g);
  ASSERT_TRUE(e.ext.has_value());
  EXPECT_EQ(e.ext->slot, 3u);
  EXPECT_EQ(e.ext->first, 10u);
  EXPECT_EQ(e.ext->end, 10u + 3 * 100 + 6);
  EXPECT_TRUE(e.ext->write);
}

}  // namespace
}  // namespace aorta::isa
