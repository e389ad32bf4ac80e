// The runtime over the golden backend: load, run, reports, and recovery from device errors.
#include "driver/runtime/session.h"

#include <gtest/gtest.h>

#include "core/testing/test_programs.h"

namespace aorta::runtime {
namespace {

ChipConfig Tiny() { return *LoadChipConfig("tiny"); }

Tensor Input(int64_t c, int64_t h, int64_t w) {
  std::vector<float> v(static_cast<size_t>(c * h * w));
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = static_cast<float>(static_cast<int>(i % 37) - 18) * 0.5f;
  return Tensor::FromVector<float>({1, c, h, w}, v);
}

TEST(Session, RunsAProgramAndReportsCountersPerLayer) {
  // 12 channels on an 8-lane chip: two channel blocks, the second half empty.
  Program p = testing::CopyProgram(Tiny(), 12, 3, 2);
  auto backend = MakeGoldenBackend({Tiny()});
  ASSERT_TRUE(backend.ok());
  auto s = Session::Load(p, **backend);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  Tensor x = Input(12, 3, 2);
  RunReport r;
  Result<TensorMap> out = (*s)->Run({{"x", x}}, &r);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  // Values on the 0.5 grid inside the int8 range survive quantize -> copy -> dequantize.
  EXPECT_EQ(out->at("y"), x);
  EXPECT_EQ(r.backend, "golden");
  const uint64_t bytes = 2 * 3 * 2 * 8;  // rows x 8 lanes
  EXPECT_EQ(r.counters[static_cast<int>(regs::Counter::kDmaRdBytes)], bytes);
  // PERF records are not counted as DMA traffic.
  EXPECT_EQ(r.counters[static_cast<int>(regs::Counter::kDmaWrBytes)], bytes);
  EXPECT_EQ(r.counters[static_cast<int>(regs::Counter::kInsnDma)], 2u);
  EXPECT_EQ(r.counters[static_cast<int>(regs::Counter::kFetchBytes)], 5u * 32);
  ASSERT_EQ(r.layers.size(), 1u);
  EXPECT_EQ(r.layers[0].name, "copy");
  EXPECT_EQ(r.layers[0].counters[static_cast<int>(regs::Counter::kDmaWrBytes)], bytes);
  EXPECT_EQ(r.layers[0].counters[static_cast<int>(regs::Counter::kInsnLoadw)], 1u);
  std::string json = r.ToJson();
  for (const char* key : {"\"backend\"", "\"cycles\"", "\"macs\"", "\"mac_utilization\"",
                          "\"latency_us\"", "\"wall_s\"", "\"layers\"", "\"utilization\""})
    EXPECT_NE(json.find(key), std::string::npos) << key;
  // Counters restart for every run.
  RunReport r2;
  ASSERT_TRUE((*s)->Run({{"x", x}}, &r2).ok());
  EXPECT_EQ(r2.counters, r.counters);
}

TEST(Session, RefusesAProgramForAnotherConfigNamingBothFingerprints) {
  Program p = testing::CopyProgram(Tiny());
  ChipConfig sim16 = *LoadChipConfig("sim16");
  auto backend = MakeGoldenBackend({sim16});
  ASSERT_TRUE(backend.ok());
  auto s = Session::Load(p, **backend);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.status().message().find(FingerprintHex(Fingerprint(sim16))), std::string::npos);
  EXPECT_NE(s.status().message().find(FingerprintHex(Fingerprint(Tiny()))), std::string::npos);
}

TEST(Session, ADeviceErrorIsReportedAndTheSessionStaysUsable) {
  Program p = testing::CopyProgram(Tiny());
  auto backend = MakeGoldenBackend({Tiny()});
  ASSERT_TRUE(backend.ok());
  auto s = Session::Load(p, **backend);
  ASSERT_TRUE(s.ok());
  Tensor x = Input(8, 2, 2);
  // Shrink the output slot behind the runtime's back: the store now runs past it, which the
  // device must stop (a program whose DMA reaches outside its buffers).
  Device& dev = (*backend)->device(0);
  uint32_t size = dev.ReadReg(regs::kSlotSizeLo(1));
  dev.WriteReg(regs::kSlotSizeLo(1), 16);
  Result<TensorMap> bad = (*s)->Run({{"x", x}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kDeviceError);
  EXPECT_NE(bad.status().message().find("DMA_BOUNDS"), std::string::npos)
      << bad.status().ToString();
  EXPECT_NE(bad.status().message().find("instruction 2 (DMA_STORE"), std::string::npos)
      << bad.status().ToString();
  EXPECT_NE(bad.status().message().find("address 0x10"), std::string::npos)
      << bad.status().ToString();
  dev.WriteReg(regs::kSlotSizeLo(1), size);
  Result<TensorMap> good = (*s)->Run({{"x", x}});
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(good->at("y"), x);
}

TEST(Session, InputsAreChecked) {
  Program p = testing::CopyProgram(Tiny());
  auto backend = MakeGoldenBackend({Tiny()});
  auto s = Session::Load(p, **backend);
  ASSERT_TRUE(s.ok());
  EXPECT_NE((*s)->Run({}).status().message().find("missing input 'x'"), std::string::npos);
  Result<TensorMap> shape = (*s)->Run({{"x", Input(8, 2, 3)}});
  EXPECT_NE(shape.status().message().find("shape"), std::string::npos) << shape.status().ToString();
  Result<TensorMap> extra = (*s)->Run({{"x", Input(8, 2, 2)}, {"z", Input(8, 2, 2)}});
  EXPECT_NE(extra.status().message().find("no input 'z'"), std::string::npos);
}

TEST(Session, RefusesAnInvalidProgramBeforeTouchingTheDevice) {
  Program p = testing::CopyProgram(Tiny());
  p.mutable_chips(0)->set_run_segments(0, testing::Stream({isa::Sync{}}));  // no HALT
  auto backend = MakeGoldenBackend({Tiny()});
  auto s = Session::Load(p, **backend);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("HALT"), std::string::npos);
  EXPECT_EQ((*backend)->host().buffer_count(), 0u);
}

}  // namespace
}  // namespace aorta::runtime
