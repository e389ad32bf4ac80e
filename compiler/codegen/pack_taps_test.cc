// Kernel taps packed into the array's rows (pack_taps.h): when the code generator chooses the
// packed form, its pass count, and the packed convolutions end to end on the golden model against
// the fp32 reference (within one output step, as compile_test's per-op bound) and bit-identical
// across chips that pack differently or not at all (the quantization does not depend on the
// chip, so only the order of the int32 sums differs).
#include <gtest/gtest.h>

#include <cmath>

#include "compiler/reference/executor.h"
#include "compiler/testing/op_cases.h"
#include "core/isa/isa.h"
#include "driver/runtime/backend.h"
#include "driver/runtime/session.h"

namespace aorta {
namespace {

using op_cases::ConvGraph;
using op_cases::ConvSpec;

ChipConfig Chip(const std::string& name) {
  Result<ChipConfig> c = LoadChipConfig(name);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? *c : ChipConfig();
}

std::vector<isa::Insn> RunInsns(const Program& p) {
  const std::string& s = p.chips(0).run_segments(0);
  Result<std::vector<isa::Insn>> insns = isa::DecodeStream(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
  EXPECT_TRUE(insns.ok());
  return insns.ok() ? *insns : std::vector<isa::Insn>{};
}

// The model inputs bound in the packed layout (direct packed inputs: program.proto PackedRows).
std::vector<program::TensorBinding> PackedInputs(const Program& p) {
  std::vector<program::TensorBinding> out;
  for (const program::TensorBinding& b : p.inputs())
    if (b.layout() == program::LAYOUT_PACKED_ROWS) out.push_back(b);
  return out;
}

bool IsPackedInputBuffer(const Program& p, const program::Buffer& b) {
  for (const program::TensorBinding& t : PackedInputs(p))
    if (t.buffer() == b.name()) return true;
  return false;
}

// The packed loads of a program: DMA_LOADs from the SCRATCH buffer (or a direct packed input's
// buffer) into the UB other than whole rows of N bytes (which a layer tiled through DRAM loads).
std::vector<isa::DmaLoad> PackedLoads(const Program& p) {
  std::vector<isa::DmaLoad> out;
  const uint32_t n = p.chips(0).config().array_rows();
  for (const program::Buffer& b : p.chips(0).buffers()) {
    if (b.kind() != program::BUFFER_SCRATCH && !IsPackedInputBuffer(p, b)) continue;
    for (const isa::Insn& i : RunInsns(p))
      if (const auto* d = std::get_if<isa::DmaLoad>(&i))
        if (d->mem == isa::Mem::kUb && d->slot == b.slot() &&
            (d->row_bytes != n || d->ext_stride != n))
          out.push_back(*d);
  }
  return out;
}

// Whether a program packs taps with staging: DMA_STOREs of pixels (C_in < N bytes) from the UB
// into the SCRATCH buffer (a layer tiled through DRAM stores whole rows of N bytes).
bool Staged(const Program& p) {
  const uint32_t n = p.chips(0).config().array_rows();
  for (const program::Buffer& b : p.chips(0).buffers()) {
    if (b.kind() != program::BUFFER_SCRATCH) continue;
    for (const isa::Insn& i : RunInsns(p))
      if (const auto* d = std::get_if<isa::DmaStore>(&i))
        if (d->mem == isa::Mem::kUb && d->slot == b.slot() && d->row_bytes < n) return true;
  }
  return false;
}

// Whether a program packs taps: staged, or with its input bound packed.
bool Packed(const Program& p) { return Staged(p) || !PackedInputs(p).empty(); }

size_t Matmuls(const Program& p) {
  size_t n = 0;
  for (const isa::Insn& i : RunInsns(p)) n += std::holds_alternative<isa::Matmul>(i) ? 1 : 0;
  return n;
}

struct Ran {
  op_cases::CompiledCase c;
  TensorMap out;
};

// Compiles `g` for `chip` and runs it on the golden model.
Ran CompileAndRun(const ir::Graph& g, const std::string& chip, uint64_t seed,
                  bool direct_inputs = true) {
  Ran r;
  CompileOptions options;
  options.direct_inputs = direct_inputs;
  Result<op_cases::CompiledCase> c = op_cases::CompileCase(g, Chip(chip), seed, options);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  if (!c.ok()) return r;
  r.c = std::move(*c);
  const Program& p = r.c.compiled.program;
  auto backend = runtime::MakeGoldenBackend({p.chips(0).config()});
  EXPECT_TRUE(backend.ok()) << backend.status().ToString();
  if (!backend.ok()) return r;
  auto session = runtime::Session::Load(p, **backend);
  EXPECT_TRUE(session.ok()) << session.status().ToString();
  if (!session.ok()) return r;
  Result<TensorMap> out = (*session)->Run(r.c.inputs);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  if (out.ok()) r.out = std::move(*out);
  return r;
}

// The largest difference between the chip's output and the fp32 reference run on the inputs the
// chip sees (quantized and dequantized), in steps of the output scale; outputs the reference
// leaves the int8 range by are clamped first (calibration clipping, not arithmetic).
double MaxErrorSteps(const ir::Graph& g, const Ran& r) {
  const Program& p = r.c.compiled.program;
  TensorMap ref_in;
  for (const program::TensorBinding& b : p.inputs()) {
    std::vector<float> v = r.c.inputs.at(b.name()).ToVector<float>();
    const double s = b.quant().scale(), z = b.quant().zero_point();
    for (float& x : v)
      x = static_cast<float>((std::clamp(std::nearbyint(x / s) + z, -128.0, 127.0) - z) * s);
    ref_in[b.name()] = Tensor::FromVector<float>(r.c.inputs.at(b.name()).shape(), v);
  }
  Result<TensorMap> ref = reference::RunReference(g, ref_in);
  EXPECT_TRUE(ref.ok()) << ref.status().ToString();
  if (!ref.ok()) return 1e9;
  double worst = 0;
  for (const program::TensorBinding& b : p.outputs()) {
    const std::vector<double> a = r.out.at(b.name()).ToDoubles();
    const std::vector<double> e = ref->at(b.name()).ToDoubles();
    EXPECT_EQ(a.size(), e.size());
    const double s = b.quant().scale(), z = b.quant().zero_point();
    for (size_t i = 0; i < a.size() && i < e.size(); ++i)
      worst = std::max(worst, std::abs(a[i] - std::clamp(e[i], (-128 - z) * s, (127 - z) * s)) / s);
  }
  return worst;
}

// ResNet-50's stem shape (7x7 stride 2, pad 3, 3 -> 64 channels) on a 32 x 32 input: packed on
// both chips, with the pass count of the packed form in its one band of output rows.
TEST(PackTaps, StemIsPackedOnSim16AndTiny) {
  ConvSpec s;
  s.cin = 3;
  s.cout = 64;
  s.kh = s.kw = 7;
  s.sh = s.sw = 2;
  s.pads = {3, 3, 3, 3};
  s.h = s.w = 32;
  s.act = "Relu";
  // sim16: 16 / 3 = 5 taps fit a row; two column groups need a multiple of the stride, so
  // g = 4, 7 rows x 2 groups per block, 4 blocks of 16 output channels: 56 passes (196
  // unpacked). tiny: g = 8 / 3 = 2, 7 x 4 groups, 8 blocks: 224 passes (392 unpacked).
  struct Case {
    const char* chip;
    uint32_t passes, row_bytes;
  };
  for (const Case& k : {Case{"sim16", 56, 12}, Case{"tiny", 224, 6}}) {
    SCOPED_TRACE(k.chip);
    const ir::Graph g = ConvGraph(s, 400);
    const Ran r = CompileAndRun(g, k.chip, 1);
    const Program& p = r.c.compiled.program;
    ASSERT_EQ(r.c.compiled.report.codegen.layers.size(), 1u);
    const codegen::LayerSummary& l = r.c.compiled.report.codegen.layers[0];
    EXPECT_EQ(l.passes, k.passes);
    EXPECT_EQ(Matmuls(p), k.passes);
    const std::vector<isa::DmaLoad> loads = PackedLoads(p);  // one, or its chunks
    ASSERT_FALSE(loads.empty());
    for (const isa::DmaLoad& d : loads) {
      EXPECT_EQ(d.row_bytes, k.row_bytes);
      EXPECT_EQ(d.ext_stride, 6u);  // stride 2 x 3 channels: the rows overlap
    }
    EXPECT_GT(l.dram_bytes, 0u);
    EXPECT_LE(MaxErrorSteps(g, r), 1.0);
  }
}

// Strides 1 and 2, kernels 3, 5, 7, symmetric and asymmetric padding, 1-4 input channels: packed
// on tiny and sim16, within one output step of the reference, bit-identical between the chips.
TEST(PackTaps, PerOpCasesMatchTheReferenceOnBothChips) {
  const std::vector<ConvSpec> specs = op_cases::PackedTapSpecs();
  ASSERT_EQ(specs.size(), 8u);
  for (size_t i = 0; i < specs.size(); ++i) {
    SCOPED_TRACE(specs[i].Label());
    const ir::Graph g = ConvGraph(specs[i], 400 + i);
    const Ran tiny = CompileAndRun(g, "tiny", 1);
    const Ran sim16 = CompileAndRun(g, "sim16", 1);
    for (const Ran* r : {&tiny, &sim16}) {
      EXPECT_TRUE(Packed(r->c.compiled.program)) << "not packed";
      EXPECT_LE(MaxErrorSteps(g, *r), 1.0);
    }
    for (const auto& [name, t] : tiny.out)
      EXPECT_EQ(t.ToDoubles(), sim16.out.at(name).ToDoubles()) << name;
  }
}

// Direct packed inputs: every packed case compiled with its input bound in the packed layout
// (LAYOUT_PACKED_ROWS in a DRAM buffer, written by the session) and with the staging stores:
// the direct program loads nothing whole from the input buffer and stores no pixel, and its
// results are bit-identical with the staged program's on both chips.
TEST(PackTaps, DirectInputIsBitIdenticalWithStaging) {
  const std::vector<ConvSpec> specs = op_cases::PackedTapSpecs();
  for (size_t i = 0; i < specs.size(); ++i) {
    SCOPED_TRACE(specs[i].Label());
    const ir::Graph g = ConvGraph(specs[i], 400 + i);
    for (const char* chip : {"tiny", "sim16"}) {
      SCOPED_TRACE(chip);
      const Ran direct = CompileAndRun(g, chip, 2, true);
      const Ran staged = CompileAndRun(g, chip, 2, false);
      const Program& p = direct.c.compiled.program;
      EXPECT_TRUE(Staged(staged.c.compiled.program));
      EXPECT_TRUE(PackedInputs(staged.c.compiled.program).empty());
      ASSERT_EQ(PackedInputs(p).size(), 1u);
      EXPECT_FALSE(Staged(p));
      const program::TensorBinding b = PackedInputs(p)[0];
      for (const program::Buffer& buf : p.chips(0).buffers()) {
        if (buf.name() != b.buffer()) continue;
        EXPECT_EQ(buf.location(), program::LOCATION_DRAM);
        EXPECT_EQ(buf.size(), b.packed_rows().size());
        // Every load from the input buffer is a packed load: rows stride_w layout pixels apart.
        const uint64_t pixel = uint64_t{b.packed_rows().interleave()} * b.shape(1);
        size_t loads = 0;
        for (const isa::Insn& insn : RunInsns(p)) {
          const auto* d = std::get_if<isa::DmaLoad>(&insn);
          if (d == nullptr || d->slot != buf.slot()) continue;
          EXPECT_EQ(d->ext_stride, static_cast<uint64_t>(specs[i].sw) * pixel);
          ++loads;
        }
        EXPECT_GT(loads, 0u);
      }
      EXPECT_LT(direct.c.compiled.report.codegen.est_cycles,
                staged.c.compiled.report.codegen.est_cycles);
      ASSERT_FALSE(direct.out.empty());
      for (const auto& [name, t] : staged.out)
        EXPECT_EQ(t.ToDoubles(), direct.out.at(name).ToDoubles()) << name;
    }
  }
}

// Five input channels: unpacked on tiny (2 x 5 > 8 rows), packed on sim16 (3 taps per row):
// the same int8 results.
TEST(PackTaps, BitIdenticalWithTheUnpackedForm) {
  ConvSpec s;
  s.cin = 5;
  s.cout = 9;
  s.kh = s.kw = 5;
  s.sh = 2;
  s.pads = {2, 1, 2, 2};
  s.h = 15;
  s.w = 13;
  s.act = "Relu";
  const ir::Graph g = ConvGraph(s, 410);
  const Ran tiny = CompileAndRun(g, "tiny", 3);
  const Ran sim16 = CompileAndRun(g, "sim16", 3);
  EXPECT_FALSE(Packed(tiny.c.compiled.program));
  const std::vector<isa::DmaLoad> loads = PackedLoads(sim16.c.compiled.program);
  ASSERT_FALSE(loads.empty());
  EXPECT_EQ(loads[0].row_bytes, 15u);  // 3 taps x 5 channels
  ASSERT_FALSE(tiny.out.empty());
  for (const auto& [name, t] : tiny.out)
    EXPECT_EQ(t.ToDoubles(), sim16.out.at(name).ToDoubles()) << name;
}

}  // namespace
}  // namespace aorta
