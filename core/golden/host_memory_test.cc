#include "core/golden/host_memory.h"

#include <gtest/gtest.h>

#include <vector>

namespace aorta {
namespace {

TEST(HostMemory, AllocReturnsZeroedAlignedDisjointBuffers) {
  HostMemory mem;
  auto a = mem.Alloc(100);
  auto b = mem.Alloc(5000, 1 << 16);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->iova, 0u);
  EXPECT_EQ(a->iova % HostMemory::kPageBytes, 0u);
  EXPECT_EQ(b->iova % (1 << 16), 0u);
  EXPECT_EQ(a->span.size(), 100u);
  EXPECT_EQ(b->span.size(), 5000u);
  // Disjoint with a guard page in between.
  EXPECT_GE(b->iova, a->iova + HostMemory::kPageBytes + HostMemory::kPageBytes);
  for (uint8_t v : b->span) ASSERT_EQ(v, 0);
  EXPECT_EQ(mem.buffer_count(), 2u);
  EXPECT_EQ(mem.allocated_bytes(), 5100u);
}

TEST(HostMemory, ReadWriteGoThroughTheBufferAndAreBoundsChecked) {
  HostMemory mem;
  auto a = mem.Alloc(64).value();
  std::vector<uint8_t> in = {1, 2, 3, 4};
  ASSERT_TRUE(mem.Write(a.iova + 60, in).ok());
  EXPECT_EQ(a.span[60], 1);
  EXPECT_EQ(a.span[63], 4);
  a.span[10] = 99;
  std::vector<uint8_t> out(2);
  ASSERT_TRUE(mem.Read(a.iova + 9, out).ok());
  EXPECT_EQ(out, (std::vector<uint8_t>{0, 99}));
  // One byte past the end, the guard page, IOVA 0: all refused, nothing written.
  EXPECT_FALSE(mem.Write(a.iova + 61, in).ok());
  EXPECT_EQ(a.span[61], 2);
  EXPECT_FALSE(mem.Read(a.iova + 64, out).ok());
  EXPECT_FALSE(mem.Read(a.iova + HostMemory::kPageBytes, out).ok());
  EXPECT_FALSE(mem.Read(0, out).ok());
  EXPECT_FALSE(mem.Read(a.iova - 1, out).ok());
}

TEST(HostMemory, FreeUnmapsAndReusesSpace) {
  HostMemory mem;
  auto a = mem.Alloc(4096).value();
  auto b = mem.Alloc(4096).value();
  ASSERT_TRUE(mem.Free(a.iova).ok());
  std::vector<uint8_t> out(1);
  EXPECT_FALSE(mem.Read(a.iova, out).ok());
  EXPECT_FALSE(mem.Free(a.iova).ok());
  EXPECT_TRUE(mem.Read(b.iova, out).ok());
  auto c = mem.Alloc(100).value();  // first fit: a's old place
  EXPECT_EQ(c.iova, a.iova);
  auto found = mem.Find(c.iova + 50);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->iova, c.iova);
  EXPECT_FALSE(mem.Find(c.iova + 200).ok());
}

TEST(HostMemory, RejectsBadRequests) {
  HostMemory mem(1 << 20);
  EXPECT_FALSE(mem.Alloc(0).ok());
  EXPECT_FALSE(mem.Alloc(16, 3000).ok());
  EXPECT_FALSE(mem.Alloc(2 << 20).ok());
  auto a = mem.Alloc(900 << 10);
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(mem.Alloc(200 << 10).ok());  // space exhausted
}

}  // namespace
}  // namespace aorta
