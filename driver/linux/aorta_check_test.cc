// The kernel module's submit checks (aorta_check.h, compiled into aorta.ko as well): a slot or
// stream that would let the device reach outside its buffer is refused before the device sees
// it, and malformed slot tables are refused too. Expected results come from the rules in
// docs/driver.md, not from the code.
#include "aorta_check.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace {

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

// A well-formed submit: a 4-instruction stream and slot 0 over 4096 bytes.
aorta_submit GoodSubmit() {
  aorta_submit s{};
  s.iq = aorta_stream{1, 4, 0};
  s.slots[0] = aorta_slot{2, 0, 0, 4096};
  return s;
}

TEST(SubmitCheck, RangeInsideTheBufferIsAccepted) {
  EXPECT_EQ(aorta_check_range(0, 4096, 4096), 0);
  EXPECT_EQ(aorta_check_range(4095, 1, 4096), 0);
  EXPECT_EQ(aorta_check_range(100, 0, 4096), 0);
}

TEST(SubmitCheck, RangeReachingPastTheBufferIsRefusedWithEfault) {
  EXPECT_EQ(aorta_check_range(0, 4097, 4096), -EFAULT);
  EXPECT_EQ(aorta_check_range(4096, 1, 4096), -EFAULT);
  EXPECT_EQ(aorta_check_range(1, 4096, 4096), -EFAULT);
  EXPECT_EQ(aorta_check_range(5000, 0, 4096), -EFAULT);  // starts outside
}

TEST(SubmitCheck, OffsetPlusSizeThatWrapsIsRefused) {
  // offset + size wraps to a small number: without the overflow check it would pass.
  EXPECT_EQ(aorta_check_range(kMax, 2, 4096), -EFAULT);
  EXPECT_EQ(aorta_check_range(16, kMax - 15, 4096), -EFAULT);
  EXPECT_EQ(aorta_check_range(kMax, kMax, kMax), -EFAULT);
}

TEST(SubmitCheck, StreamBytesAndAlignment) {
  aorta_stream s{1, 3, 0};
  EXPECT_EQ(aorta_stream_bytes(&s), 3u * 32u);  // 256-bit instruction words
  s.len = 0xffffffffu;                          // no 32-bit overflow
  EXPECT_EQ(aorta_stream_bytes(&s), uint64_t{0xffffffffu} * 32u);
  EXPECT_EQ(aorta_check_stream_addr(AORTA_HOST_WINDOW_BASE + 64), 0);
  EXPECT_EQ(aorta_check_stream_addr(AORTA_HOST_WINDOW_BASE + 16), -EINVAL);
  EXPECT_EQ(aorta_check_stream_addr(1), -EINVAL);
}

TEST(SubmitCheck, WellFormedSubmitPasses) {
  aorta_submit s = GoodSubmit();
  EXPECT_EQ(aorta_check_submit(&s), 0);
  s.flags = AORTA_SUBMIT_CLEAR_COUNTERS | AORTA_SUBMIT_SNAPSHOT_COUNTERS;
  s.restore = aorta_stream{3, 10, 64};
  s.slots[AORTA_SLOT_COUNT - 1] = aorta_slot{2, 0, 8, 8};  // the chip's last slot
  EXPECT_EQ(aorta_check_submit(&s), 0);
}

TEST(SubmitCheck, MissingStreamIsRefused) {
  aorta_submit s = GoodSubmit();
  s.iq = aorta_stream{0, 0, 0};
  EXPECT_EQ(aorta_check_submit(&s), -EINVAL);
}

TEST(SubmitCheck, EmptyRestoreStreamMustBeAllZero) {
  aorta_submit s = GoodSubmit();
  s.restore = aorta_stream{5, 0, 0};
  EXPECT_EQ(aorta_check_submit(&s), -EINVAL);
  s.restore = aorta_stream{0, 0, 32};
  EXPECT_EQ(aorta_check_submit(&s), -EINVAL);
}

TEST(SubmitCheck, UnusedSlotMustBeEmpty) {
  aorta_submit s = GoodSubmit();
  s.slots[3] = aorta_slot{0, 0, 0, 64};  // a size without a buffer
  EXPECT_EQ(aorta_check_submit(&s), -EINVAL);
  s.slots[3] = aorta_slot{0, 0, 64, 0};
  EXPECT_EQ(aorta_check_submit(&s), -EINVAL);
}

TEST(SubmitCheck, UsedSlotNeedsASize) {
  aorta_submit s = GoodSubmit();
  s.slots[1] = aorta_slot{2, 0, 0, 0};
  EXPECT_EQ(aorta_check_submit(&s), -EINVAL);
}

TEST(SubmitCheck, SlotsBeyondTheChipAreRefused) {
  static_assert(AORTA_SLOT_COUNT < AORTA_MAX_SLOTS, "the table has room past the chip's slots");
  aorta_submit s = GoodSubmit();
  s.slots[AORTA_SLOT_COUNT] = aorta_slot{2, 0, 0, 16};
  EXPECT_EQ(aorta_check_submit(&s), -EINVAL);
  s = GoodSubmit();
  s.slots[AORTA_MAX_SLOTS - 1] = aorta_slot{2, 0, 0, 16};
  EXPECT_EQ(aorta_check_submit(&s), -EINVAL);
}

TEST(SubmitCheck, UnknownFlagsReservedAndPaddingAreRefused) {
  aorta_submit s = GoodSubmit();
  s.flags = 1u << 5;
  EXPECT_EQ(aorta_check_submit(&s), -EINVAL);
  s = GoodSubmit();
  s.reserved = 1;
  EXPECT_EQ(aorta_check_submit(&s), -EINVAL);
  s = GoodSubmit();
  s.slots[7].pad = 1;  // even on an unused slot
  EXPECT_EQ(aorta_check_submit(&s), -EINVAL);
}

TEST(SubmitCheck, OutputFieldsAreIgnoredOnInput) {
  aorta_submit s = GoodSubmit();
  s.seq = 1234;
  s.out_flags = AORTA_SUBMIT_OUT_RESTORE;
  s.chip_index = 3;
  EXPECT_EQ(aorta_check_submit(&s), 0);
}

}  // namespace
