// The user-space PCIe path against the in-process emulation of the kernel driver: the ioctls
// with the real UAPI structs (aorta_uapi.h), the module's submit checks (aorta_check.h), and a
// Session driving the golden model through them. Expected values come from the UAPI rules in
// docs/driver.md and from running the same program on the golden backend directly.
#include "driver/runtime/pcie_backend.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>

#include "aorta_uapi.h"
#include "core/testing/test_programs.h"
#include "driver/runtime/session.h"

namespace aorta::runtime {
namespace {

template <typename T>
T Take(Result<T> r) {
  return std::move(r).value();
}

ChipConfig Tiny() { return *LoadChipConfig("tiny"); }

std::shared_ptr<EmulatedChip> Chip(EmulatedChip::Options o = {}) {
  o.dram_bytes = Tiny().dram().bytes();
  return std::make_shared<EmulatedChip>(Take(MakeGoldenBackend({Tiny()})), o);
}

Tensor Input(int64_t c, int64_t h, int64_t w, int salt = 0) {
  std::vector<float> v(static_cast<size_t>(c * h * w));
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = static_cast<float>(static_cast<int>((i + salt) % 37) - 18) * 0.5f;
  return Tensor::FromVector<float>({1, c, h, w}, v);
}

TEST(EmulatedDriver, InfoDescribesTheSimulatedChip) {
  auto chip = Chip();
  auto f = OpenEmulatedDriver(chip);
  ASSERT_TRUE(f.ok());
  aorta_info info{};
  ASSERT_EQ((*f)->Ioctl(AORTA_IOC_INFO, &info), 0);
  EXPECT_EQ(info.uapi_version, AORTA_UAPI_VERSION);
  EXPECT_EQ(info.id, regs::kIdValue);
  EXPECT_EQ(info.config_fp, Fingerprint(Tiny()));
  EXPECT_EQ(info.geometry, Tiny().array_cols() << 16 | Tiny().array_rows());
  EXPECT_EQ(info.slot_count, regs::kSlotCount);
  EXPECT_EQ(info.num_counters, regs::kNumCounters);
  EXPECT_EQ((*f)->Ioctl(0xdead, &info), -ENOTTY);
}

TEST(EmulatedDriver, AllocRoundsToPagesAndMapsTheBuffer) {
  auto chip = Chip();
  auto f = Take(OpenEmulatedDriver(chip));
  aorta_alloc a{};
  a.size = 100;
  ASSERT_EQ(f->Ioctl(AORTA_IOC_ALLOC, &a), 0);
  EXPECT_EQ(a.size, 4096u);
  EXPECT_NE(a.handle, 0u);
  EXPECT_EQ(a.mmap_offset, AORTA_MMAP_OFFSET(a.handle));
  EXPECT_GE(a.dev_addr, AORTA_HOST_WINDOW_BASE);
  auto m = f->Map(a.mmap_offset, a.size);
  ASSERT_TRUE(m.ok());
  // The mapping is the memory the device reaches at dev_addr.
  m->data()[7] = 0x5a;
  uint8_t b = 0;
  ASSERT_TRUE(chip->sim().host().Read(a.dev_addr - AORTA_HOST_WINDOW_BASE + 7, {&b, 1}).ok());
  EXPECT_EQ(b, 0x5a);
  EXPECT_FALSE(f->Map(a.mmap_offset, 8192).ok());  // past the buffer
  aorta_alloc bad = a;
  bad.reserved[1] = 1;
  EXPECT_EQ(f->Ioctl(AORTA_IOC_ALLOC, &bad), -EINVAL);
  aorta_alloc zero{};
  EXPECT_EQ(f->Ioctl(AORTA_IOC_ALLOC, &zero), -EINVAL);
  aorta_free fr{a.handle, 0};
  EXPECT_EQ(f->Ioctl(AORTA_IOC_FREE, &fr), 0);
  EXPECT_EQ(f->Ioctl(AORTA_IOC_FREE, &fr), -ENOENT);  // gone (the module's answer)
  EXPECT_EQ(chip->sim().host().buffer_count(), 0u);
}

// A one-row store of 8 bytes at `offset` of slot 0.
isa::DmaStore StoreAt(uint64_t offset) {
  isa::DmaStore st{};
  st.slot = 0;
  st.ext_offset = offset;
  st.rows = 1;
  st.row_bytes = 8;
  return st;
}

// A buffer holding a HALT-only stream, and a data buffer: the raw submit tests' material.
struct Raw {
  std::unique_ptr<DriverFile> f;
  aorta_alloc iq{}, data{};
};

Raw MakeRaw(std::shared_ptr<EmulatedChip> chip, const std::vector<isa::Insn>& insns) {
  Raw r;
  r.f = Take(OpenEmulatedDriver(std::move(chip)));
  const std::string words = testing::Stream(insns);
  r.iq.size = words.size();
  EXPECT_EQ(r.f->Ioctl(AORTA_IOC_ALLOC, &r.iq), 0);
  std::memcpy(r.f->Map(r.iq.mmap_offset, r.iq.size)->data(), words.data(), words.size());
  r.data.size = 4096;
  EXPECT_EQ(r.f->Ioctl(AORTA_IOC_ALLOC, &r.data), 0);
  return r;
}

aorta_submit Submit(const Raw& r, uint32_t len) {
  aorta_submit s{};
  s.iq = aorta_stream{r.iq.handle, len, 0};
  s.slots[0] = aorta_slot{r.data.handle, 0, 0, 4096};
  return s;
}

TEST(EmulatedDriver, SubmitChecksAreTheModules) {
  auto chip = Chip();
  Raw r = MakeRaw(chip, {isa::Halt{}});
  aorta_submit s = Submit(r, 1);
  s.slots[0].size = 4097;  // one byte past its buffer: the device could reach foreign memory
  EXPECT_EQ(r.f->Ioctl(AORTA_IOC_SUBMIT, &s), -EFAULT);
  s = Submit(r, 1);
  s.slots[0].offset = ~uint64_t{0};  // offset + size overflows
  EXPECT_EQ(r.f->Ioctl(AORTA_IOC_SUBMIT, &s), -EFAULT);
  s = Submit(r, 2);  // the stream runs past its 4096-byte buffer? no: 2 words fit
  EXPECT_EQ(r.f->Ioctl(AORTA_IOC_SUBMIT, &s), 0);
  aorta_wait w{};
  w.seq = s.seq;
  w.timeout_ms = 1000;
  EXPECT_EQ(r.f->Ioctl(AORTA_IOC_WAIT, &w), 0);
  s = Submit(r, 129);  // 129 words = 4128 bytes > the 4096-byte stream buffer
  EXPECT_EQ(r.f->Ioctl(AORTA_IOC_SUBMIT, &s), -EFAULT);
  s = Submit(r, 1);
  s.slots[0].handle = 999;  // not a buffer of this file
  EXPECT_EQ(r.f->Ioctl(AORTA_IOC_SUBMIT, &s), -EINVAL);
  s = Submit(r, 1);
  s.reserved = 1;
  EXPECT_EQ(r.f->Ioctl(AORTA_IOC_SUBMIT, &s), -EINVAL);
  s = Submit(r, 1);
  s.slots[regs::kSlotCount] = s.slots[0];  // beyond the chip's slots
  EXPECT_EQ(r.f->Ioctl(AORTA_IOC_SUBMIT, &s), -EINVAL);
  // Another file's buffer is not this file's.
  Raw other = MakeRaw(chip, {isa::Halt{}});
  s = Submit(r, 1);
  s.slots[0].handle = other.data.handle + 100;
  EXPECT_EQ(r.f->Ioctl(AORTA_IOC_SUBMIT, &s), -EINVAL);
  EXPECT_EQ(chip->submits(), 1u);  // only the good one reached the device
}

TEST(EmulatedDriver, WaitReportsDoneAndErrorsAndCountersSnapshot) {
  auto chip = Chip();
  // DMA_STORE past slot 0 (4096 bytes): the device stops it with DMA_BOUNDS.
  isa::DmaStore st = StoreAt(4096);
  Raw r = MakeRaw(chip, {st, isa::Halt{}});
  aorta_submit s = Submit(r, 2);
  s.flags = AORTA_SUBMIT_SNAPSHOT_COUNTERS | AORTA_SUBMIT_CLEAR_COUNTERS;
  ASSERT_EQ(r.f->Ioctl(AORTA_IOC_SUBMIT, &s), 0);
  aorta_wait w{};
  w.seq = s.seq + 1;
  EXPECT_EQ(r.f->Ioctl(AORTA_IOC_WAIT, &w), -ESRCH);
  w.seq = s.seq;
  w.timeout_ms = 1000;
  ASSERT_EQ(r.f->Ioctl(AORTA_IOC_WAIT, &w), 0);
  EXPECT_EQ(w.state, AORTA_RUN_ERROR);
  EXPECT_EQ(w.err_code, static_cast<uint32_t>(regs::ErrCode::kDmaBounds));
  EXPECT_EQ(w.err_pc, 0u);
  EXPECT_EQ(w.err_addr, 4096u);
  aorta_counters c{};
  c.flags = AORTA_COUNTERS_LAST_RUN;
  ASSERT_EQ(r.f->Ioctl(AORTA_IOC_READ_COUNTERS, &c), 0);
  EXPECT_EQ(c.seq, s.seq);
  EXPECT_EQ(c.count, regs::kNumCounters);
  // Both words fetched: HALT is fetched while the store waits in its queue (golden_device.h).
  EXPECT_EQ(c.values[static_cast<int>(regs::Counter::kFetchBytes)], 64u);
  Raw fresh = MakeRaw(chip, {isa::Halt{}});
  EXPECT_EQ(fresh.f->Ioctl(AORTA_IOC_READ_COUNTERS, &c), -ENOENT);  // no snapshot run
  aorta_reset rs{};
  EXPECT_EQ(r.f->Ioctl(AORTA_IOC_RESET, &rs), 0);
  rs.pad = 1;
  EXPECT_EQ(r.f->Ioctl(AORTA_IOC_RESET, &rs), -EINVAL);
}

TEST(EmulatedDriver, BypassingTheRangeCheckLeavesItToTheDeviceAndTheIommu) {
  EmulatedChip::Options o;
  o.bypass_range_checks = true;
  auto chip = Chip(o);
  // A store one page in: inside the (oversized) slot, outside the buffer.
  isa::DmaStore st = StoreAt(4096);
  Raw r = MakeRaw(chip, {st, isa::Halt{}});
  aorta_submit s = Submit(r, 2);
  s.slots[0].size = 8192;  // the module would answer EFAULT
  ASSERT_EQ(r.f->Ioctl(AORTA_IOC_SUBMIT, &s), 0);
  aorta_wait w{};
  w.seq = s.seq;
  w.timeout_ms = 1000;
  ASSERT_EQ(r.f->Ioctl(AORTA_IOC_WAIT, &w), 0);
  EXPECT_EQ(w.state, AORTA_RUN_ERROR);
  EXPECT_EQ(w.err_code, static_cast<uint32_t>(regs::ErrCode::kDmaFault));
  EXPECT_EQ(w.err_addr, r.data.dev_addr + 4096);
}

// AORTA_IOC_PIN: the process's own memory (any alignment) as a DMA slot, as the module pins it
// with an IOMMU; the device reads and writes it through the pinned handle.
TEST(EmulatedDriver, PinnedUserMemoryIsReachedByTheDevice) {
  auto chip = Chip();
  // Load 3 rows of 8 bytes from slot 0 into the unified buffer, then store them to slot 1.
  isa::DmaLoad ld;
  ld.slot = 0;
  ld.mem = isa::Mem::kUb;
  ld.ext_stride = 8;
  ld.rows = 3;
  ld.row_bytes = 8;
  isa::DmaStore st = StoreAt(0);
  st.slot = 1;
  st.mem = isa::Mem::kUb;
  st.ext_stride = 8;
  st.rows = 3;
  Raw r = MakeRaw(chip, {ld, isa::Sync{}, st, isa::Halt{}});
  // User memory at odd addresses (not page-aligned), with guards around the output.
  std::vector<uint8_t> src(24 + 5), dst(24 + 16, 0xee);
  for (size_t i = 0; i < 24; ++i) src[5 + i] = static_cast<uint8_t>(3 * i + 1);
  aorta_pin in{};
  in.user_addr = reinterpret_cast<uintptr_t>(src.data() + 5);
  in.size = 24;
  ASSERT_EQ(r.f->Ioctl(AORTA_IOC_PIN, &in), 0);
  EXPECT_NE(in.handle, 0u);
  EXPECT_EQ(in.dev_addr % 4096, in.user_addr % 4096);  // one range, the page offset kept
  aorta_pin out{};
  out.user_addr = reinterpret_cast<uintptr_t>(dst.data() + 8);
  out.size = 24;
  ASSERT_EQ(r.f->Ioctl(AORTA_IOC_PIN, &out), 0);
  aorta_submit s = Submit(r, 4);
  s.slots[0] = aorta_slot{in.handle, 0, 0, 24};
  s.slots[1] = aorta_slot{out.handle, 0, 0, 24};
  ASSERT_EQ(r.f->Ioctl(AORTA_IOC_SUBMIT, &s), 0);
  aorta_wait w{};
  w.seq = s.seq;
  w.timeout_ms = 1000;
  ASSERT_EQ(r.f->Ioctl(AORTA_IOC_WAIT, &w), 0);
  ASSERT_EQ(w.state, AORTA_RUN_DONE);
  for (size_t i = 0; i < 24; ++i) EXPECT_EQ(dst[8 + i], src[5 + i]) << i;
  for (size_t i : {0, 7, 32, 39}) EXPECT_EQ(dst[i], 0xee) << i;  // nothing outside the pin
  // A slot past the pinned range is refused like any other buffer's.
  s.slots[1].size = 25;
  EXPECT_EQ(r.f->Ioctl(AORTA_IOC_SUBMIT, &s), -EFAULT);
  // Pinned memory is the process's already: no mmap; FREE / UNPIN do not mix.
  EXPECT_FALSE(r.f->Map(AORTA_MMAP_OFFSET(in.handle), 4096).ok());
  aorta_free fr{in.handle, 0};
  EXPECT_EQ(r.f->Ioctl(AORTA_IOC_FREE, &fr), -EINVAL);
  aorta_free data{r.data.handle, 0};
  EXPECT_EQ(r.f->Ioctl(AORTA_IOC_UNPIN, &data), -EINVAL);
  EXPECT_EQ(r.f->Ioctl(AORTA_IOC_UNPIN, &fr), 0);
  EXPECT_EQ(r.f->Ioctl(AORTA_IOC_UNPIN, &fr), -ENOENT);
  // Bad requests.
  aorta_pin bad = in;
  bad.flags = 1;
  EXPECT_EQ(r.f->Ioctl(AORTA_IOC_PIN, &bad), -EINVAL);
  bad = in;
  bad.reserved[0] = 1;
  EXPECT_EQ(r.f->Ioctl(AORTA_IOC_PIN, &bad), -EINVAL);
  bad = in;
  bad.size = 0;
  EXPECT_EQ(r.f->Ioctl(AORTA_IOC_PIN, &bad), -EINVAL);
  bad.size = AORTA_MAX_BUFFER_BYTES + 1;
  EXPECT_EQ(r.f->Ioctl(AORTA_IOC_PIN, &bad), -EINVAL);
  bad.user_addr = ~uint64_t{0};
  bad.size = 2;  // wraps around
  EXPECT_EQ(r.f->Ioctl(AORTA_IOC_PIN, &bad), -EINVAL);
  // Closing the file unpins what is left.
  r.f.reset();
  EXPECT_EQ(chip->sim().host().buffer_count(), 0u);
}

TEST(PcieBackend, RunsASessionLikeTheGoldenBackend) {
  Program p = testing::CopyProgram(Tiny(), 12, 3, 2);
  auto chip = Chip();
  auto backend = MakePcieBackend(Take(OpenEmulatedDriver(chip)));
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();
  EXPECT_EQ((*backend)->name(), "pcie");
  auto s = Session::Load(p, **backend);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto golden = MakeGoldenBackend({Tiny()});
  auto sg = Session::Load(p, **golden);
  ASSERT_TRUE(sg.ok());
  for (int salt = 0; salt < 3; ++salt) {
    Tensor x = Input(12, 3, 2, salt);
    RunReport r, rg;
    auto out = (*s)->Run({{"x", x}}, &r);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(out->at("y"), x);
    ASSERT_TRUE((*sg)->Run({{"x", x}}, &rg).ok());
    EXPECT_EQ(r.counters, rg.counters);  // counters through READ_COUNTERS
    ASSERT_EQ(r.layers.size(), rg.layers.size());
    EXPECT_EQ(r.layers[0].counters, rg.layers[0].counters);
  }
  // Every buffer the session holds is a driver buffer; none left after the session.
  EXPECT_GT(chip->sim().host().buffer_count(), 0u);
  s->reset();
  EXPECT_EQ(chip->sim().host().buffer_count(), 0u);
}

TEST(PcieBackend, TransferTimeModel) {
  // Gen3 x4: 8 GT/s x 128/130 / 8 bits x 4 lanes = 3938.46 bytes/us.
  auto us = PcieTransferUs(3, 4, 3938462);
  ASSERT_TRUE(us.ok());
  EXPECT_NEAR(*us, 1000.0, 0.01);
  // Gen1 x1: 2.5 GT/s x 8/10 / 8 = 250 bytes/us.
  EXPECT_NEAR(*PcieTransferUs(1, 1, 250), 1.0, 1e-12);
  EXPECT_FALSE(PcieTransferUs(6, 4, 1).ok());
  EXPECT_FALSE(PcieTransferUs(3, 3, 1).ok());
}

TEST(PcieBackend, ARealDeviceFileThatDoesNotExistIsNamed) {
  auto f = OpenDriverFile("/dev/aorta-does-not-exist");
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find("/dev/aorta-does-not-exist"), std::string::npos);
}

}  // namespace
}  // namespace aorta::runtime
