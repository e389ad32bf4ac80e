// Device URIs (uri.h): parsing, the backends they open, and the errors that name what is wrong.
#include "driver/runtime/uri.h"

#include <gtest/gtest.h>

#include <cstring>

#include "core/golden/host_memory.h"
#include "core/isa/isa.h"
#include "core/testing/test_programs.h"
#include "driver/runtime/session.h"

namespace aorta::runtime {
namespace {

ChipConfig Tiny() { return *LoadChipConfig("tiny"); }

uint64_t Fp(Backend& b) {
  Device& d = b.device(0);
  return d.ReadReg(regs::kConfigFpLo) | uint64_t{d.ReadReg(regs::kConfigFpHi)} << 32;
}

TEST(DeviceUri, Parses) {
  auto u = ParseDeviceUri("pcie+emu://golden/tiny?timeout_ms=10&board=x");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->scheme, "pcie+emu");
  EXPECT_EQ(u->target, "golden/tiny");
  EXPECT_EQ(u->options.at("timeout_ms"), "10");
  EXPECT_EQ(u->options.at("board"), "x");
  auto dev = ParseDeviceUri("pcie:///dev/aorta0");
  ASSERT_TRUE(dev.ok());
  EXPECT_EQ(dev->target, "/dev/aorta0");
  EXPECT_FALSE(ParseDeviceUri("golden").ok());
  EXPECT_FALSE(ParseDeviceUri("golden://?x").ok());
  EXPECT_FALSE(ParseDeviceUri("golden://?a=1&a=2").ok());
}

TEST(DeviceUri, OpensTheNamedConfigOrTheProgramsOwn) {
  ChipConfig sim16 = *LoadChipConfig("sim16");
  auto named = OpenBackend("golden://sim16", {Tiny()});
  ASSERT_TRUE(named.ok()) << named.status().ToString();
  EXPECT_EQ((*named)->name(), "golden");
  EXPECT_EQ(Fp(**named), Fingerprint(sim16));
  auto own = OpenBackend("golden://", {Tiny()});
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(Fp(**own), Fingerprint(Tiny()));
  auto emu = OpenBackend("pcie+emu://golden/sim16");
  ASSERT_TRUE(emu.ok()) << emu.status().ToString();
  EXPECT_EQ((*emu)->name(), "pcie");
  EXPECT_EQ(Fp(**emu), Fingerprint(sim16));
}

// ?chips=K: K chips of the config in a ring (port 1 of chip i to port 0 of chip i + 1 mod K):
// chip 0 sends, and chip 1 receives what it sent over the ring link.
TEST(DeviceUri, ChipsMakesARingOfTheConfig) {
  auto b = OpenBackend("golden://tiny?chips=3");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_EQ((*b)->num_devices(), 3u);
  EXPECT_EQ(Fp(**b), Fingerprint(Tiny()));
  // Chip 1's port 1 reaches chip 2's port 0, and chip 2's port 1 chip 0's port 0 (the ring).
  isa::Send snd;
  snd.link = 1;
  isa::Recv rcv;
  auto run = [&](size_t chip, const std::vector<isa::Insn>& prog) {
    auto s = isa::EncodeStream(prog);
    ASSERT_TRUE(s.ok());
    HostMemory::Buffer iq = (*b)->host().Alloc(s->size()).value();
    std::memcpy(iq.span.data(), s->data(), s->size());
    Device& d = (*b)->device(chip);
    d.WriteReg(regs::kIrqMask, regs::kIrqStatusDoneMask | regs::kIrqStatusErrorMask);
    d.WriteReg(regs::kIqBaseLo, static_cast<uint32_t>(kHostWindowBase + iq.iova));
    d.WriteReg(regs::kIqBaseHi, static_cast<uint32_t>((kHostWindowBase + iq.iova) >> 32));
    d.WriteReg(regs::kIqLen, static_cast<uint32_t>(prog.size()));
    d.WriteReg(regs::kDoorbell, 1);
  };
  run(2, {rcv, isa::Halt{}});
  run(1, {snd, isa::Halt{}});
  run(0, {rcv, isa::Halt{}});
  EXPECT_TRUE((*b)->Wait(2, std::chrono::milliseconds(100)));
  EXPECT_EQ((*b)->device(2).ReadReg(regs::kStatus), regs::kStatusDoneMask);
  EXPECT_EQ((*b)->device(0).ReadReg(regs::kStatus), regs::kStatusBusyMask);  // nobody sent
  for (const char* bad : {"golden://tiny?chips=0", "golden://tiny?chips=x", "golden://?chips=2",
                          "golden://tiny?chips=65"}) {
    auto r = OpenBackend(bad, {Tiny()});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("chips="), std::string::npos) << r.status().ToString();
  }
}

TEST(DeviceUri, ErrorsNameTheProblem) {
  auto none = OpenBackend("golden://");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("names no config"), std::string::npos);
  auto scheme = OpenBackend("fpga://x");
  ASSERT_FALSE(scheme.ok());
  EXPECT_NE(scheme.status().message().find("unknown scheme 'fpga'"), std::string::npos);
  auto option = OpenBackend("golden://tiny?speed=2");
  ASSERT_FALSE(option.ok());
  EXPECT_NE(option.status().message().find("unknown option 'speed'"), std::string::npos);
  auto config = OpenBackend("golden://no-such-config");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().ToString().find("no-such-config"), std::string::npos);
  auto dev = OpenBackend("pcie:///dev/aorta-none");
  ASSERT_FALSE(dev.ok());
  EXPECT_NE(dev.status().message().find("/dev/aorta-none"), std::string::npos);
  auto sim = OpenBackend("pcie+emu://fpga/tiny");
  ASSERT_FALSE(sim.ok());
  EXPECT_NE(sim.status().message().find("unknown simulator 'fpga'"), std::string::npos);
}

TEST(DeviceUri, TheTlmUriOpensTheTlmBackend) {
  auto tlm = OpenBackend("tlm://tiny");
  ASSERT_TRUE(tlm.ok()) << tlm.status().ToString();
  EXPECT_EQ((*tlm)->name(), "tlm");
  auto s = Session::Load(testing::CopyProgram(Tiny()), **tlm);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  std::vector<float> v(32, 1.5f);
  Tensor x = Tensor::FromVector<float>({1, 8, 2, 2}, v);
  auto out = (*s)->Run({{"x", x}});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->at("y"), x);
}

}  // namespace
}  // namespace aorta::runtime
