// Waveforms of the rtl backend (RtlBackendOptions::trace_path, the SoC's trace builds): a run
// through Session writes an FST file whose time range is the cycle window asked for (4 time
// units per cycle, soc_instrumented.h) and which holds the SoC's ports and its inner signals;
// the traced run still matches golden; bad windows and unwritable paths are refused with their
// reason. Built only with -DAORTA_RTL_TRACE=ON (label trace).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "core/testing/test_programs.h"
#include "driver/runtime/backend_compare_test_util.h"
#include "driver/runtime/rtl_backend.h"
#include "gtkwave/fstapi.h"

namespace aorta::runtime {
namespace {

using testing::Chip;

struct Fst {
  uint64_t start = 0, end = 0;
  std::set<std::string> vars;    // full names: scope.scope.name
  std::set<std::string> scopes;  // full names
};

Fst ReadFst(const std::string& path) {
  Fst f;
  void* r = fstReaderOpen(path.c_str());
  EXPECT_NE(r, nullptr) << path;
  if (r == nullptr) return f;
  f.start = fstReaderGetStartTime(r);
  f.end = fstReaderGetEndTime(r);
  std::vector<std::string> scope;
  auto prefix = [&] {
    std::string p;
    for (const std::string& s : scope) p += s + ".";
    return p;
  };
  while (fstHier* h = fstReaderIterateHier(r)) {
    if (h->htyp == FST_HT_SCOPE) {
      f.scopes.insert(prefix() + h->u.scope.name);
      scope.push_back(h->u.scope.name);
    } else if (h->htyp == FST_HT_UPSCOPE) {
      if (!scope.empty()) scope.pop_back();
    } else if (h->htyp == FST_HT_VAR) {
      f.vars.insert(prefix() + h->u.var.name);
    }
  }
  fstReaderClose(r);
  return f;
}

std::string TracePath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          fmt::format("aorta_rtl_trace_{}_{}.fst", getpid(), name))
      .string();
}

bool HasVarEndingWith(const Fst& f, const std::string& suffix) {
  for (const std::string& v : f.vars)
    if (v.size() >= suffix.size() &&
        v.compare(v.size() - suffix.size(), suffix.size(), suffix) == 0)
      return true;
  return false;
}

// Runs the copy program on a traced tiny SoC; returns the device cycles.
uint64_t TracedRun(const RtlBackendOptions& options) {
  ChipConfig chip = Chip("tiny");
  Program p = aorta::testing::CopyProgram(chip, 20, 3, 3);
  auto golden = MakeGoldenBackend({chip});
  auto rtl = MakeRtlBackend({chip}, {}, options);
  EXPECT_TRUE(rtl.ok()) << rtl.status().ToString();
  if (!golden.ok() || !rtl.ok()) return 0;
  testing::CompareWithGolden(**golden, **rtl, p, {{"x", testing::CopyProgramInput()}});
  return (*rtl)->simulated_cycles();  // the backend (and the file) closes here
}

TEST(RtlTrace, WholeRunHoldsPortsAndInnerSignals) {
  RtlBackendOptions o;
  o.trace_path = TracePath("whole");
  const uint64_t cycles = TracedRun(o);
  ASSERT_GT(cycles, 100u);
  const Fst f = ReadFst(o.trace_path);
  // Cycle 0's inputs with the clock low at 2; the last rising edge at 4 x cycles.
  EXPECT_EQ(f.start, 2u);
  EXPECT_EQ(f.end, 4 * cycles);
  for (const char* port : {"clk_i", "rst_ni", "irq_o", "s_axil_awvalid_i", "m_axi_arvalid_o"})
    EXPECT_TRUE(HasVarEndingWith(f, std::string(".") + port)) << port;
  EXPECT_GT(f.scopes.size(), 5u);  // the SoC's instances, not only the top
  EXPECT_GT(f.vars.size(), 200u);
  std::filesystem::remove(o.trace_path);
}

TEST(RtlTrace, CycleWindow) {
  RtlBackendOptions o;
  o.trace_path = TracePath("window");
  ASSERT_TRUE(ParseTraceWindow("50:250", o).ok());
  EXPECT_EQ(o.trace_from, 50u);
  EXPECT_EQ(o.trace_to, 250u);
  ASSERT_GT(TracedRun(o), 250u);
  const Fst f = ReadFst(o.trace_path);
  EXPECT_EQ(f.start, 4u * 50);     // cycle 50's rising edge
  EXPECT_EQ(f.end, 4u * 249 + 2);  // cycle 249's inputs, the last dumped step
  EXPECT_TRUE(HasVarEndingWith(f, ".irq_o"));
  std::filesystem::remove(o.trace_path);
}

TEST(RtlTrace, RefusesBadWindowsAndPaths) {
  RtlBackendOptions o;
  for (const char* bad : {"5:5", "9:3", "x:3", "10", "1:2:3", ":-1"}) {
    const Status s = ParseTraceWindow(bad, o);
    EXPECT_FALSE(s.ok()) << bad;
    EXPECT_NE(s.message().find(bad), std::string::npos) << s.ToString();
  }
  ASSERT_TRUE(ParseTraceWindow(":100", o).ok());
  EXPECT_EQ(o.trace_from, 0u);
  ASSERT_TRUE(ParseTraceWindow("7:", o).ok());
  EXPECT_EQ(o.trace_from, 7u);
  EXPECT_EQ(o.trace_to, UINT64_MAX);

  RtlBackendOptions u;
  u.trace_path = "/nonexistent-dir/x.fst";
  auto rtl = MakeRtlBackend({Chip("tiny")}, {}, u);
  ASSERT_FALSE(rtl.ok());
  EXPECT_NE(rtl.status().message().find("cannot write the trace file '/nonexistent-dir/x.fst'"),
            std::string::npos)
      << rtl.status().ToString();
}

}  // namespace
}  // namespace aorta::runtime
