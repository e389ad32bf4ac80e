// Robustness of the runtime (issue 6 item 4), each case on the golden backend and on the pcie
// path against the emulated kernel driver (pcie_backend.h):
//   a device that stops answering -> timeout error and reset, the next inference works;
//   a program for another config -> refused with both fingerprints named;
//   a corrupt program -> refused before anything touches the device;
//   a program whose DMA reaches outside its buffers -> refused by the driver's submit check
//     (pcie), stopped by the device (DMA_BOUNDS) when it stays inside the driver's buffers;
//   a failed inference leaves the loaded model usable;
//   several threads sharing one session / one device -> serialized, outputs right;
//   several processes (fork) sharing one device -> serialized by the device lock, outputs right.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "core/testing/test_programs.h"
#include "driver/runtime/fault_injection_test_util.h"
#include "driver/runtime/pcie_backend.h"
#include "driver/runtime/session.h"

namespace aorta::runtime {
namespace {

template <typename T>
T Take(Result<T> r) {
  return std::move(r).value();
}

ChipConfig Tiny() { return *LoadChipConfig("tiny"); }

Tensor Input(int salt) {
  std::vector<float> v(8 * 2 * 2);
  for (size_t i = 0; i < v.size(); ++i)
    v[i] =
        static_cast<float>(static_cast<int>((i * 7 + static_cast<size_t>(salt)) % 37) - 18) * 0.5f;
  return Tensor::FromVector<float>({1, 8, 2, 2}, v);
}

using faults::FaultyBackend;  // a chip that stops answering (fault_injection_test_util.h)

// One board of each kind: the backend under test and what the test can observe of the device.
struct Board {
  std::unique_ptr<Backend> backend;
  std::shared_ptr<EmulatedChip> chip;  // pcie only
  FaultyBackend* golden = nullptr;     // golden only
  void StopAnswering(uint32_t n) {
    if (chip) chip->StopAnswering(n);
    if (golden) golden->faulty().drops = static_cast<int>(n);
  }
  // Host buffers and device runs so far (what "touching the device" would leave behind).
  size_t buffers() {
    return chip ? chip->sim().host().buffer_count() : backend->host().buffer_count();
  }
  uint64_t runs() {
    if (chip) return chip->submits();
    return backend->device(0).ReadReg(regs::CounterLo(regs::Counter::kFetchBytes));
  }
};

Board MakeBoard(const std::string& kind, const ChipConfig& cfg, EmulatedChip::Options o = {}) {
  Board b;
  if (kind == "golden") {
    auto g = std::make_unique<FaultyBackend>(Take(MakeGoldenBackend({cfg})), 0);
    b.golden = g.get();
    b.backend = std::move(g);
  } else {
    o.dram_bytes = cfg.dram().bytes();
    b.chip = std::make_shared<EmulatedChip>(Take(MakeGoldenBackend({cfg})), o);
    b.backend = Take(MakePcieBackend(Take(OpenEmulatedDriver(b.chip))));
  }
  return b;
}

class Robustness : public ::testing::TestWithParam<std::string> {};

TEST_P(Robustness, ADeviceThatStopsAnsweringTimesOutIsResetAndTheNextInferenceWorks) {
  Board b = MakeBoard(GetParam(), Tiny());
  Session::Options o;
  o.timeout = std::chrono::milliseconds(50);
  auto s = Session::Load(testing::CopyProgram(Tiny()), *b.backend, o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  b.StopAnswering(1);
  Result<TensorMap> hung = (*s)->Run({{"x", Input(1)}});
  ASSERT_FALSE(hung.ok());
  EXPECT_EQ(hung.status().code(), StatusCode::kTimeout) << hung.status().ToString();
  EXPECT_NE(hung.status().message().find("reset"), std::string::npos);
  Result<TensorMap> next = (*s)->Run({{"x", Input(2)}});
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->at("y"), Input(2));
}

TEST_P(Robustness, AProgramForAnotherConfigIsRefusedNamingBothFingerprints) {
  ChipConfig sim16 = *LoadChipConfig("sim16");
  Board b = MakeBoard(GetParam(), sim16);
  auto s = Session::Load(testing::CopyProgram(Tiny()), *b.backend);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.status().message().find(FingerprintHex(Fingerprint(sim16))), std::string::npos)
      << s.status().ToString();
  EXPECT_NE(s.status().message().find(FingerprintHex(Fingerprint(Tiny()))), std::string::npos)
      << s.status().ToString();
  EXPECT_EQ(b.runs(), 0u);
}

TEST_P(Robustness, ACorruptProgramIsRefusedBeforeAnythingTouchesTheDevice) {
  Board b = MakeBoard(GetParam(), Tiny());
  // Bytes of a program file, damaged: the parser refuses them.
  std::vector<uint8_t> bytes = *SerializeProgram(testing::CopyProgram(Tiny()));
  std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<long>(bytes.size() / 2));
  EXPECT_FALSE(ParseProgram(cut, "cut.aprog").ok());
  // A program that parses but is not valid (a run segment without HALT; a slot out of range).
  Program no_halt = testing::CopyProgram(Tiny());
  no_halt.mutable_chips(0)->set_run_segments(0, testing::Stream({isa::Sync{}}));
  auto s = Session::Load(no_halt, *b.backend);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("HALT"), std::string::npos) << s.status().ToString();
  Program bad_slot = testing::CopyProgram(Tiny());
  bad_slot.mutable_chips(0)->mutable_buffers(0)->set_slot(regs::kSlotCount + 3);
  EXPECT_FALSE(Session::Load(bad_slot, *b.backend).ok());
  EXPECT_EQ(b.buffers(), 0u);
  EXPECT_EQ(b.runs(), 0u);
}

TEST_P(Robustness, DmaOutsideItsBufferIsStoppedAndTheModelStaysUsable) {
  Board b = MakeBoard(GetParam(), Tiny());
  auto s = Session::Load(testing::CopyProgram(Tiny()), *b.backend);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  Device& dev = b.backend->device(0);
  const uint32_t size = dev.ReadReg(regs::kSlotSizeLo(1));
  // The output slot shrunk to 16 bytes: the store runs past its slot, the device stops it.
  dev.WriteReg(regs::kSlotSizeLo(1), 16);
  Result<TensorMap> bad = (*s)->Run({{"x", Input(3)}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kDeviceError);
  EXPECT_NE(bad.status().message().find("DMA_BOUNDS"), std::string::npos)
      << bad.status().ToString();
  dev.WriteReg(regs::kSlotSizeLo(1), size);
  Result<TensorMap> good = (*s)->Run({{"x", Input(4)}});
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(good->at("y"), Input(4));
}

TEST(RobustnessPcie, ASlotReachingOutsideItsBufferIsRefusedByTheDriver) {
  Board b = MakeBoard("pcie", Tiny());
  auto s = Session::Load(testing::CopyProgram(Tiny()), *b.backend);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  Device& dev = b.backend->device(0);
  const uint32_t size = dev.ReadReg(regs::kSlotSizeLo(1));
  const uint64_t before = b.chip->submits();
  dev.WriteReg(regs::kSlotSizeLo(1), 1 << 20);  // 1 MiB over a one-page buffer
  Result<TensorMap> bad = (*s)->Run({{"x", Input(5)}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(b.chip->submits(), before);  // the device never saw it
  dev.WriteReg(regs::kSlotSizeLo(1), size);
  Result<TensorMap> good = (*s)->Run({{"x", Input(6)}});
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(good->at("y"), Input(6));
}

TEST_P(Robustness, ThreadsSharingOneSessionSerializeAndGetTheirOwnOutputs) {
  Board b = MakeBoard(GetParam(), Tiny());
  auto s = Session::Load(testing::CopyProgram(Tiny()), *b.backend);
  ASSERT_TRUE(s.ok());
  constexpr int kThreads = 4, kRuns = 10;
  std::vector<int> wrong(kThreads, 0);
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; ++t)
    ts.emplace_back([&, t] {
      for (int i = 0; i < kRuns; ++i) {
        Tensor x = Input(t * 100 + i);
        Result<TensorMap> out = (*s)->Run({{"x", x}});
        if (!out.ok() || !(out->at("y") == x)) ++wrong[static_cast<size_t>(t)];
      }
    });
  for (auto& t : ts) t.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(wrong[static_cast<size_t>(t)], 0) << "thread " << t;
}

INSTANTIATE_TEST_SUITE_P(Backends, Robustness, ::testing::Values("golden", "pcie"));

TEST(RobustnessPcie, TwoOpenFilesOnOneChipFromTwoThreadsSerialize) {
  auto chip = std::make_shared<EmulatedChip>(Take(MakeGoldenBackend({Tiny()})));
  std::vector<int> wrong(2, 0);
  std::vector<std::thread> ts;
  for (int t = 0; t < 2; ++t)
    ts.emplace_back([&, t] {
      auto backend = MakePcieBackend(Take(OpenEmulatedDriver(chip)));
      auto s = Session::Load(testing::CopyProgram(Tiny()), **backend);
      if (!s.ok()) {
        wrong[static_cast<size_t>(t)] = 1000;
        return;
      }
      for (int i = 0; i < 20; ++i) {
        Tensor x = Input(t * 1000 + i);
        Result<TensorMap> out = (*s)->Run({{"x", x}});
        if (!out.ok() || !(out->at("y") == x)) ++wrong[static_cast<size_t>(t)];
      }
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(wrong[0], 0);
  EXPECT_EQ(wrong[1], 0);
  EXPECT_EQ(chip->submits(), 2u * 20u);
}

TEST(RobustnessPcie, ProcessesSharingOneDeviceSerializeOnItsLock) {
  char dir[] = "/tmp/aorta_procs_XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  EmulatedChip::Options o;
  o.lock_path = std::string(dir) + "/aorta0.lock";
  o.trace_path = std::string(dir) + "/trace";
  constexpr int kProcs = 3, kRuns = 8;
  std::vector<pid_t> pids;
  for (int p = 0; p < kProcs; ++p) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int bad = 0;
      Board b = MakeBoard("pcie", Tiny(), o);
      auto s = Session::Load(testing::CopyProgram(Tiny()), *b.backend);
      if (!s.ok()) ::_exit(100);
      for (int i = 0; i < kRuns; ++i) {
        Tensor x = Input(p * 100 + i);
        Result<TensorMap> out = (*s)->Run({{"x", x}});
        if (!out.ok() || !(out->at("y") == x)) ++bad;
      }
      ::_exit(bad);
    }
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int st = 0;
    ASSERT_EQ(::waitpid(pid, &st, 0), pid);
    ASSERT_TRUE(WIFEXITED(st));
    EXPECT_EQ(WEXITSTATUS(st), 0) << "child " << pid << " got wrong outputs";
  }
  // Every run began and ended under the lock with no other run in between.
  std::ifstream trace(o.trace_path);
  std::string line, open;
  int begins = 0;
  std::set<std::string> procs;
  while (std::getline(trace, line)) {
    std::istringstream in(line);
    std::string what, pid, seq;
    in >> what >> pid >> seq;
    if (what == "B") {
      EXPECT_TRUE(open.empty()) << "run " << pid << "/" << seq << " began inside " << open;
      open = pid + "/" + seq;
      ++begins;
      procs.insert(pid);
    } else {
      EXPECT_EQ(open, pid + "/" + seq);
      open.clear();
    }
  }
  EXPECT_EQ(begins, kProcs * kRuns);
  EXPECT_EQ(procs.size(), static_cast<size_t>(kProcs));
  std::remove(o.trace_path.c_str());
  std::remove(o.lock_path.c_str());
  ::rmdir(dir);
}

}  // namespace
}  // namespace aorta::runtime
