// End to end, op by op: small ONNX models with random weights (fixed seeds; built by
// compiler/testing/op_cases.h, which verif/soc/rtl_ops_test.cc runs on the RTL too) are written as
// real .onnx files, compiled for tiny (N = 8) and sim16 (N = 16), run on the golden model and
// compared with the fp32 reference.
//
// The error bound. Weights are drawn on the int8 per-channel grid (so the compiler's weight
// quantization is exact) and the reference runs on the dequantized int8 input (the runtime's
// QuantizeLinear of it). What remains between chip and reference is the chip's own arithmetic:
// the output rounding (half a step of the output scale), the bias rounding at s_in * s_w and the
// 31-bit multipliers (far below a step). A single-op model must therefore be within one output
// step (0.5 for rounding, 0.5 of slack); where an intermediate int8 result is rounded first (the
// base result before a residual add or a LUT) its half step, times the activation's largest
// slope, is added. Max pooling is exact. Multi-layer models compound the per-layer steps and are
// held to a cosine similarity and a looser bound in output steps.
#include "compiler/compile.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <set>

#include "compiler/codegen/constants.h"
#include "compiler/codegen/schedule.h"
#include "compiler/codegen/ub_allocator.h"
#include "compiler/onnx_export.h"
#include "compiler/onnx_import.h"
#include "compiler/reference/executor.h"
#include "compiler/testing/op_cases.h"
#include "core/io/npy.h"
#include "core/isa/isa.h"
#include "driver/runtime/backend.h"
#include "driver/runtime/session.h"

namespace aorta {
namespace {

using op_cases::ActivationChain;
using op_cases::ActivationGraph;
using op_cases::AddActivation;
using op_cases::BinaryGraph;
using op_cases::ConvGraph;
using op_cases::ConvSpec;
using op_cases::Ints;
using op_cases::NewGraph;
using op_cases::PoolGraph;
using op_cases::PoolSpec;
using op_cases::RandomTensor;
using op_cases::Rng;
using op_cases::SmallCnn;

ChipConfig Chip(const std::string& name) {
  Result<ChipConfig> c = LoadChipConfig(name);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return *c;
}

// q = clamp(round_half_even(x / scale) + zp), x' = (q - zp) * scale: what the chip sees.
Tensor QuantDequant(const Tensor& t, const program::QuantParams& q) {
  std::vector<float> v = t.ToVector<float>();
  for (float& x : v) {
    const double r = std::clamp(std::nearbyint(x / static_cast<double>(q.scale())) + q.zero_point(),
                                -128.0, 127.0);
    x = static_cast<float>((r - q.zero_point()) * static_cast<double>(q.scale()));
  }
  return Tensor::FromVector<float>(t.shape(), v);
}

struct Accuracy {
  double cosine = 0, max_err = 0, out_scale = 0, bound = 0;
};

// Compiles `g` (through an .onnx file), runs it on the golden model and on the reference, and
// checks cosine >= 0.99 and max error <= steps * output scale + extra(report).
struct Checked {
  Accuracy acc;
  Compiled compiled;
};

Checked CompileAndCompare(const ir::Graph& g, const std::string& chip_name, double steps,
                          const std::string& label,
                          const std::function<double(const CompileReport&)>& extra = {},
                          uint64_t seed = 1) {
  Checked out;
  Result<op_cases::CompiledCase> c = op_cases::CompileCase(g, Chip(chip_name), seed);
  EXPECT_TRUE(c.ok()) << label << ": " << c.status().ToString();
  if (!c.ok()) return out;
  out.compiled = std::move(c->compiled);
  const TensorMap& inputs = c->inputs;
  const Program& p = out.compiled.program;
  EXPECT_TRUE(ValidateProgram(p).ok());

  auto backend = runtime::MakeGoldenBackend({p.chips(0).config()});
  EXPECT_TRUE(backend.ok());
  auto session = runtime::Session::Load(p, **backend);
  EXPECT_TRUE(session.ok()) << session.status().ToString();
  if (!session.ok()) return out;
  Result<TensorMap> chip_out = (*session)->Run(inputs);
  EXPECT_TRUE(chip_out.ok()) << label << ": " << chip_out.status().ToString();
  if (!chip_out.ok()) return out;

  TensorMap ref_in;
  for (const program::TensorBinding& b : p.inputs())
    ref_in[b.name()] = QuantDequant(inputs.at(b.name()), b.quant());
  Result<TensorMap> ref = reference::RunReference(g, ref_in);
  EXPECT_TRUE(ref.ok()) << ref.status().ToString();
  if (!ref.ok()) return out;
  for (const program::TensorBinding& b : p.outputs()) {
    const std::vector<double> a = chip_out->at(b.name()).ToDoubles();
    const std::vector<double> r = ref->at(b.name()).ToDoubles();
    EXPECT_EQ(a.size(), r.size());
    // The output's int8 range: the reference on the rounded inputs may leave the range that
    // calibration saw on the float ones (by a fraction of an input step), and the chip saturates
    // there; that excess is calibration clipping, not chip arithmetic, and is taken out.
    // A wide output (an int32 accumulator, dequantized per channel) has no int8 range and one
    // rounding less; it is held to the bound of the int8 output it replaces (the calibrated
    // output's step: the errors of the layers before it are counted in it).
    const bool wide = b.has_channel_quant();
    std::string value = b.name();  // the chip's tensor: before the NHWC Transpose / Reshape
    for (const ir::Node* n = g.Producer(value);
         n != nullptr && (n->op_type == "Transpose" || n->op_type == "Reshape");
         n = g.Producer(value))
      value = n->inputs[0];
    const double s = wide ? out.compiled.report.act.at(value).scale : b.quant().scale();
    const double z = b.quant().zero_point();
    const double lo = wide ? -HUGE_VAL : (-128 - z) * s, hi = wide ? HUGE_VAL : (127 - z) * s;
    double dot = 0, na = 0, nr = 0, max_err = 0;
    for (size_t i = 0; i < a.size() && i < r.size(); ++i) {
      dot += a[i] * r[i];
      na += a[i] * a[i];
      nr += r[i] * r[i];
      const double excess = std::max(0.0, r[i] - hi) + std::max(0.0, lo - r[i]);
      max_err = std::max(max_err, std::abs(a[i] - r[i]) - excess);
    }
    Accuracy& acc = out.acc;
    acc.cosine = (na == 0 && nr == 0) ? 1.0 : dot / std::sqrt(na * nr + 1e-300);
    acc.max_err = max_err;
    acc.out_scale = s;
    acc.bound = steps * acc.out_scale + (extra ? extra(out.compiled.report) : 0.0);
    EXPECT_GE(acc.cosine, 0.99) << label;
    EXPECT_LE(acc.max_err, acc.bound) << label;
    std::cout << fmt::format(
        "[accuracy] {:<44} {:<6} cos {:.5f}  max err {:.4f} = {:.2f} steps "
        "(bound {:.2f})\n",
        label, chip_name, acc.cosine, acc.max_err, acc.max_err / acc.out_scale,
        acc.bound / acc.out_scale);
  }
  return out;
}

std::vector<isa::Insn> RunStream(const Program& p) {
  const std::string& s = p.chips(0).run_segments(0);
  Result<std::vector<isa::Insn>> insns = isa::DecodeStream(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
  EXPECT_TRUE(insns.ok());
  return insns.ok() ? *insns : std::vector<isa::Insn>{};
}

template <typename T>
size_t Count(const std::vector<isa::Insn>& insns) {
  return static_cast<size_t>(std::count_if(
      insns.begin(), insns.end(), [](const isa::Insn& i) { return std::holds_alternative<T>(i); }));
}

// The DMA_STOREs from the accumulator (a wide output's tiles).
std::vector<isa::DmaStore> AccStores(const std::vector<isa::Insn>& insns) {
  std::vector<isa::DmaStore> out;
  for (const isa::Insn& i : insns)
    if (const auto* st = std::get_if<isa::DmaStore>(&i); st != nullptr && st->mem == isa::Mem::kAcc)
      out.push_back(*st);
  return out;
}

// ---- Convolutions ----------------------------------------------------------------------------

// The base result's half step, times the activation's largest slope (LUTs, residual adds).
std::function<double(const CompileReport&)> BaseHalfStep(const std::string& out, double slope) {
  return [out, slope](const CompileReport& r) {
    return slope * 0.5 * r.act.at(quant::BaseKey(out)).scale;
  };
}

TEST(CompileConv, DenseShapesOnTinyAndSim16) {
  Rng rng(42);
  int checked = 0;
  for (const std::string chip : {"tiny", "sim16"}) {
    for (const ConvSpec& s : op_cases::DenseConvSpecs(rng)) {
      Checked c = CompileAndCompare(ConvGraph(s, static_cast<uint64_t>(s.cin * 100 + s.cout)), chip,
                                    1.0, s.Label());
      checked += c.compiled.program.chips_size();
    }
  }
  EXPECT_EQ(checked, 18);
}

TEST(CompileConv, MatmulPassesPerOutputBlockTapAndInputBlock) {
  ConvSpec s;
  s.cin = 17;   // 3 input blocks on tiny
  s.cout = 10;  // 2 output blocks
  s.kh = s.kw = 3;
  Checked c = CompileAndCompare(ConvGraph(s, 5), "tiny", 1.0, s.Label());
  const std::vector<isa::Insn> insns = RunStream(c.compiled.program);
  EXPECT_EQ(Count<isa::Matmul>(insns), 2u * 9 * 3);
  EXPECT_EQ(Count<isa::Loadw>(insns), 2u * 9 * 3);
  // The output is wide (no activation): each output block's accumulator is stored, not
  // post-processed.
  EXPECT_EQ(Count<isa::Postproc>(insns), 0u);
  EXPECT_EQ(AccStores(insns).size(), 2u);
  EXPECT_EQ(Count<isa::Perf>(insns), 1u);
  ASSERT_EQ(c.compiled.program.layers_size(), 1);
  EXPECT_EQ(c.compiled.program.layers(0).macs(), 10u * 17 * 9 * 8 * 8);
  EXPECT_EQ(c.compiled.report.codegen.weight_bytes, 2u * 9 * 3 * 8 * 8);  // pinned tiles
}

TEST(CompileConv, Activations) {
  struct Case {
    const char* act;
    double slope;  // largest slope of a LUT activation (0: computed before rounding)
  };
  for (const Case& a :
       {Case{"Relu", 0}, Case{"Clip", 0}, Case{"LeakyRelu", 0}, Case{"Sigmoid", 0.25},
        Case{"Tanh", 1.0}, Case{"HardSigmoid", 0.25}, Case{"HardSwish", 1.5}}) {
    ConvSpec s;
    s.cin = 10;
    s.cout = 10;
    s.act = a.act;
    for (const std::string chip : {"tiny", "sim16"}) {
      Checked c = CompileAndCompare(ConvGraph(s, 11), chip, 1.0, s.Label(),
                                    a.slope > 0 ? BaseHalfStep("y", a.slope) : nullptr);
      if (a.slope > 0) {
        EXPECT_EQ(c.compiled.report.codegen.lut_tables, 1u) << a.act;
      }
    }
  }
}

TEST(CompileConv, Depthwise) {
  Rng rng(7);
  for (const std::string chip : {"tiny", "sim16"}) {
    for (const ConvSpec& s : op_cases::DepthwiseSpecs(rng)) {
      const int64_t c = s.cin;
      Checked r = CompileAndCompare(ConvGraph(s, static_cast<uint64_t>(c)), chip, 1.0, s.Label());
      const std::vector<isa::Insn> insns = RunStream(r.compiled.program);
      EXPECT_EQ(Count<isa::Matmul>(insns), 0u) << "depthwise runs on DWCONV";
      const int64_t n = chip == "tiny" ? 8 : 16;
      EXPECT_EQ(Count<isa::Dwconv>(insns), static_cast<size_t>((c + n - 1) / n)) << s.Label();
    }
  }
}

TEST(CompileConv, GroupedSkipsTilesOutsideTheGroups) {
  for (const std::string chip : {"tiny", "sim16"}) {
    for (const auto& [cin, cout, group] :
         {std::tuple<int64_t, int64_t, int64_t>{16, 16, 2}, {6, 9, 3}, {20, 10, 2}, {10, 20, 10}}) {
      ConvSpec s;
      s.cin = cin;
      s.cout = cout;
      s.group = group;
      Checked c = CompileAndCompare(ConvGraph(s, 3), chip, 1.0, s.Label());
      if (chip == "tiny" && cin == 16 && group == 2) {
        // Two groups of 8 on N = 8: block-diagonal, only (ob == ib) tiles: 2 * 9 passes.
        EXPECT_EQ(Count<isa::Matmul>(RunStream(c.compiled.program)), 18u);
      }
    }
  }
}

TEST(CompileConv, ResidualAddAndRelu) {
  for (const std::string chip : {"tiny", "sim16"}) {
    for (const ConvSpec& s : op_cases::ResidualAddSpecs()) {
      const int64_t c = s.cout;
      const std::string out = s.act.empty() ? "sum" : "y";
      Checked r = CompileAndCompare(ConvGraph(s, 9), chip, 1.0, s.Label(), BaseHalfStep(out, 1.0));
      const std::vector<isa::Insn> insns = RunStream(r.compiled.program);
      // The fused add runs per accumulator tile: here one per output channel block (N = 8 on
      // tiny, 16 on sim16; an 8x8 output fits one tile).
      const int64_t n = chip == "tiny" ? 8 : 16;
      EXPECT_EQ(Count<isa::VecEltwise>(insns), static_cast<size_t>((c + n - 1) / n));
      EXPECT_EQ(r.compiled.program.layers_size(), 1);
    }
  }
}

TEST(CompileConv, AutoPadSameUpperStrided) {
  for (const std::string chip : {"tiny", "sim16"}) {
    ConvSpec s;
    s.cin = 10;
    s.cout = 17;
    s.sh = s.sw = 2;
    s.h = 9;
    s.w = 8;
    ir::Graph g = ConvGraph(s, 17);
    ir::Node& conv = g.nodes[0];
    conv.attributes.erase("pads");
    conv.attributes["auto_pad"] = std::string("SAME_UPPER");  // pads 1 / 1 rows, 0 / 1 columns
    Checked c = CompileAndCompare(g, chip, 1.0, "conv 10->17 k3 s2 SAME_UPPER 9x8");
    ASSERT_EQ(c.compiled.program.outputs_size(), 1);
    EXPECT_EQ(std::vector<int64_t>(c.compiled.program.outputs(0).shape().begin(),
                                   c.compiled.program.outputs(0).shape().end()),
              (std::vector<int64_t>{1, 17, 5, 4}));
  }
}

TEST(CompileConv, ResidualThenLeakyReluOrLut) {
  // The add rounds to the sum's int8 scale, then the activation runs as its own pass: half a
  // step of the base result and of the sum, times the activation's slope, on top of one output
  // step.
  for (const auto& [act, slope] :
       {std::pair<const char*, double>{"LeakyRelu", 1.0}, {"Sigmoid", 0.25}, {"HardSwish", 1.5}}) {
    for (const std::string chip : {"tiny", "sim16"}) {
      ConvSpec s;
      s.cin = 10;
      s.cout = 17;
      s.residual = true;
      s.act = act;
      const double k = slope;
      Checked r =
          CompileAndCompare(ConvGraph(s, 19), chip, 1.0, s.Label(), [k](const CompileReport& rep) {
            return k * 0.5 *
                   (rep.act.at(quant::BaseKey("y")).scale + rep.act.at(quant::SumKey("y")).scale);
          });
      ASSERT_EQ(r.compiled.program.layers_size(), 1) << act;
      EXPECT_EQ(r.compiled.program.layers(0).op_type(), std::string("Conv+Add+") + act);
    }
  }
}

TEST(CompileConv, AccumulatorTiledByOutputRows) {
  // 40 x 40 = 1600 output pixels; a tile fills half of tiny's 1024 accumulator rows: 12 output
  // rows (480 pixels), so tiles of 12, 12, 12, 4 rows, alternating between the halves.
  ConvSpec s;
  s.cin = 5;
  s.cout = 12;
  s.h = s.w = 40;
  Checked c = CompileAndCompare(ConvGraph(s, 13), "tiny", 1.0, s.Label());
  const std::vector<isa::Insn> insns = RunStream(c.compiled.program);
  // The output is wide: each tile's accumulator rows are stored (DMA_STORE from ACC).
  const std::vector<isa::DmaStore> stores = AccStores(insns);
  EXPECT_EQ(stores.size(), 2u * 4);  // 2 output blocks x 4 row tiles
  EXPECT_EQ(Count<isa::Matmul>(insns), 2u * 4 * 9);
  std::vector<uint32_t> acc, rows;
  for (const isa::DmaStore& st : stores) {
    acc.push_back(st.chip_addr);
    rows.push_back(st.rows);
  }
  EXPECT_EQ(acc, (std::vector<uint32_t>{0, 512, 0, 512, 0, 512, 0, 512}));
  EXPECT_EQ(rows, (std::vector<uint32_t>{480, 480, 480, 160, 480, 480, 480, 160}));
}

// ---- Matrices --------------------------------------------------------------------------------

TEST(CompileGemm, ShapesAndForms) {
  Rng rng(21);
  for (const std::string chip : {"tiny", "sim16"}) {
    for (int64_t k : {3, 10, 17}) {
      for (int64_t n : {10, 17}) {
        const int64_t m = rng.Int(1, 5);
        const bool trans_b = (k + n) % 2 == 1;
        ir::Graph g = op_cases::GemmGraph(rng, m, k, n, trans_b);
        CompileAndCompare(g, chip, 1.0,
                          fmt::format("gemm {}x{} * {}{}", m, k, n, trans_b ? " transB" : ""));
      }
    }
  }
}

TEST(CompileGemm, AlphaAndBeta) {
  ir::Graph g = op_cases::GemmAlphaBetaGraph(29);
  for (const std::string chip : {"tiny", "sim16"})
    CompileAndCompare(g, chip, 1.0, "gemm 3x10 * 17 alpha 0.5 beta 2");
}

TEST(CompileGemm, MatMulByAConstantAndRelu) {
  ir::Graph g = op_cases::MatMulReluGraph(23);
  for (const std::string chip : {"tiny", "sim16"}) {
    Checked c = CompileAndCompare(g, chip, 1.0, "matmul 4x17 * 17x9 + relu");
    ASSERT_EQ(c.compiled.program.layers_size(), 1);
    EXPECT_EQ(c.compiled.program.layers(0).op_type(), "Gemm+Relu");
  }
}

// ---- Element-wise and stand-alone activations --------------------------------------------------

TEST(CompileEltwise, BinaryOps) {
  for (const std::string chip : {"tiny", "sim16"}) {
    for (const char* op : op_cases::kBinaryOps) {
      for (int64_t c : {3, 10, 17}) {
        CompileAndCompare(BinaryGraph(op, {1, c, 5, 6}, {1, c, 5, 6}), chip, 1.0,
                          fmt::format("{} {}x5x6", op, c));
      }
    }
  }
}

TEST(CompileEltwise, PerChannelBroadcasts) {
  Rng rng(31);
  for (const std::string chip : {"tiny", "sim16"}) {
    for (int64_t c : {3, 10, 17}) {
      // A per-channel constant, on either side.
      for (const char* op : {"Add", "Mul", "Sub", "Div"}) {
        ir::Graph g = op_cases::ConstantOperandGraph(rng, op, c, 4, 4);
        // The constant's own int8 rounding (half its step, times |a| <= 3 for Mul) adds to the
        // bound.
        CompileAndCompare(g, chip, 1.0, fmt::format("{} {}x4x4 with constant [{},1,1]", op, c, c),
                          [](const CompileReport&) { return 3.0 * 0.5 * 3.0 / 255.0; });
      }
      // A [1, C, 1, 1] activation broadcast over the pixels (squeeze-excitation style).
      Checked r = CompileAndCompare(op_cases::ChannelScaleGraph(c, 3, 5), chip, 1.0,
                                    fmt::format("Mul {}x3x5 by [1,{},1,1]", c, c));
      for (const isa::Insn& i : RunStream(r.compiled.program)) {
        if (const auto* v = std::get_if<isa::VecEltwise>(&i)) {
          EXPECT_EQ(v->b_src, isa::BSrc::kUbBcast);
        }
      }
    }
  }
}

TEST(CompileEltwise, StandaloneActivations) {
  for (const std::string chip : {"tiny", "sim16"}) {
    for (const char* act : op_cases::kActivations) {
      // LUT activations: a 1x1 depthwise pass by 1 and the table, exact up to the output step.
      CompileAndCompare(ActivationGraph(act, {1, 10, 4, 7}), chip, 1.0,
                        fmt::format("{} 10x4x7", act));
    }
  }
}

// ---- Pooling ---------------------------------------------------------------------------------

TEST(CompilePool, MaxAverageGlobal) {
  for (const std::string chip : {"tiny", "sim16"}) {
    for (int64_t c : {3, 10, 17}) {
      for (const PoolSpec& k : op_cases::PoolSpecs()) {
        // Max pooling is exact on the quantized input.
        CompileAndCompare(PoolGraph(k, c, 9, 7), chip, k.op == "MaxPool" ? 1e-3 : 1.0,
                          k.Label(c, 9, 7));
      }
    }
  }
}

// ---- A small CNN -----------------------------------------------------------------------------

TEST(CompileModel, SmallCnnOnTinyAndSim16) {
  for (const std::string chip : {"tiny", "sim16"}) {
    // Seven rounded layers, weights off the grid: a few output steps.
    Checked c = CompileAndCompare(SmallCnn(77), chip, 6.0,
                                  "small CNN (conv-bn-relu, dw, res, "
                                  "pools, gemm)");
    const Program& p = c.compiled.program;
    std::vector<std::string> ops;
    for (const program::LayerInfo& l : p.layers()) ops.push_back(l.op_type());
    EXPECT_EQ(ops, (std::vector<std::string>{"Conv+Relu", "Conv+Clip", "Conv+Add+Relu", "MaxPool",
                                             "GlobalAveragePool", "Gemm"}));
    // The placement table: BN and the activations folded, Flatten free.
    std::map<std::string, std::string> where, detail;
    for (const NodePlacement& n : c.compiled.report.placement) {
      where[n.node] = n.where;
      detail[n.node] = n.detail;
    }
    EXPECT_EQ(where["conv1"], "chip");
    EXPECT_EQ(detail["conv1"], "layer 0: Conv+Relu");
    EXPECT_EQ(where["bn1"], "folded away");
    EXPECT_EQ(detail["bn1"], "fused into 'conv1'");
    EXPECT_EQ(where["relu1"], "folded away");
    EXPECT_EQ(detail["add3"], "fused into 'conv3'");
    EXPECT_EQ(where["flatten5"].rfind("chip (layout", 0), 0u);
    EXPECT_GT(c.compiled.report.codegen.est_cycles, 0u);
    EXPECT_GT(c.compiled.report.codegen.macs, 10u * 3 * 9 * 256);
    // Reuse: the unified buffer holds fewer rows than the sum of all tensors.
    const uint64_t n = chip == "tiny" ? 8 : 16, b10 = (10 + n - 1) / n;
    // x (one block), r1, r2, conv3's base result, r3 (16x16), p4 (8x8), g5, logits.
    const uint64_t all_rows = 256 + 4 * 256 * b10 + 64 * b10 + b10 + 1;
    EXPECT_LT(c.compiled.report.codegen.ub_peak_rows, all_rows);
  }
}

TEST(CompileModel, LivenessReusesTheUnifiedBuffer) {
  // Six layers of 16x32x32 = 2048 rows each on tiny (8192 rows): 14336 rows without reuse.
  ir::Graph g = ActivationChain(6, {1, 16, 32, 32});
  Checked c = CompileAndCompare(g, "tiny", 6.0, "six activations 16x32x32");
  EXPECT_EQ(c.compiled.report.codegen.ub_peak_rows, 2u * 2048);  // one input, one output live
  EXPECT_EQ(c.compiled.program.layers_size(), 6);
}

TEST(CompileModel, TwoOutputsOneReadByTheOther) {
  ir::Graph g = op_cases::ConvAndPoolOutputs();
  for (const std::string chip : {"tiny", "sim16"}) {
    Checked c = CompileAndCompare(g, chip, 1.0, "conv+relu and its max pool, both outputs");
    const std::vector<isa::Insn> insns = RunStream(c.compiled.program);
    // One store per output (the conv's packed taps add stores of its input to the SCRATCH
    // buffer, compiler/codegen/pack_taps.h: not counted).
    std::set<uint32_t> out_slots;
    for (const program::Buffer& b : c.compiled.program.chips(0).buffers())
      if (b.kind() == program::BUFFER_OUTPUT) out_slots.insert(b.slot());
    ASSERT_EQ(std::count_if(insns.begin(), insns.end(),
                            [&](const isa::Insn& i) {
                              const auto* st = std::get_if<isa::DmaStore>(&i);
                              return st != nullptr && out_slots.count(st->slot) > 0;
                            }),
              2);
    // Each store follows the layer computing its output: one EX->ST token each, pushed by the
    // layer's last instruction and popped by the store.
    size_t pushes = 0, pops = 0;
    for (const isa::Insn& i : insns) {
      pushes += isa::DepsOf(i).push_next && isa::QueueOf(i) == isa::Queue::kEx;
      pops += isa::DepsOf(i).pop_prev && isa::QueueOf(i) == isa::Queue::kSt;
    }
    EXPECT_EQ(pushes, 2u);
    EXPECT_EQ(pops, 2u);
  }
}

TEST(CompileModel, RunReportHasOneRecordPerLayer) {
  CompileOptions o;
  Result<Compiled> c = CompileGraph(SmallCnn(3), Chip("sim16"), o);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->report.warnings.size(), 1u);  // synthetic calibration
  auto backend = runtime::MakeGoldenBackend({c->program.chips(0).config()});
  auto s = runtime::Session::Load(c->program, **backend);
  ASSERT_TRUE(s.ok());
  runtime::RunReport report;
  Rng rng(5);
  auto out =
      (*s)->Run({{"x", Tensor::FromVector<float>({1, 3, 16, 16}, rng.Normal(768))}}, &report);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(report.layers.size(), 6u);
  EXPECT_EQ(report.layers[0].name, "conv1");
  EXPECT_EQ(report.layers[0].macs, 10u * 3 * 9 * 16 * 16);
  EXPECT_NE(FormatSummary(c->report, Chip("sim16")).find("estimated cycles"), std::string::npos);
  EXPECT_NE(FormatPlacement(c->report).find("folded away"), std::string::npos);
}

// A real model (fetched by scripts/fetch-models into .cache/models): PaddleOCR's text direction
// classifier, MobileNetV3-style (hard-swish as Add / Clip / Mul / Div, squeeze-excitation,
// depthwise convolutions), without its final Softmax, which the chip does not run yet.
TEST(CompileModel, PaddleOcrClassifierWithoutSoftmax) {
  const std::string path = std::string(AORTA_TEST_SOURCE_DIR) + "/.cache/models/ppocr_cls.onnx";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " not fetched (scripts/fetch-models)";
  Result<ir::Graph> imported = ImportOnnxFile(path);
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  ir::Graph g = std::move(*imported);
  auto soft = std::find_if(g.nodes.begin(), g.nodes.end(),
                           [](const ir::Node& n) { return n.op_type == "Softmax"; });
  ASSERT_NE(soft, g.nodes.end());
  g.outputs = {soft->inputs[0]};
  g.nodes.erase(soft);
  g.values[g.inputs[0]].dims = ir::StaticDims({1, 3, 48, 192});
  Checked c = CompileAndCompare(g, "sim16", 40.0, "ppocr_cls (no softmax)");
  EXPECT_GT(c.compiled.program.layers_size(), 20);
}

// ---- Errors ----------------------------------------------------------------------------------

TEST(CompileErrors, UnsupportedOpNamesNodeAndOp) {
  ir::Graph g = NewGraph();
  g.AddInput("x", DType::kF32, ir::StaticDims({1, 10}));
  g.AddNode("Softmax", {"x"}, {"y"}, {}, "probabilities");
  g.AddOutput("y");
  CompileReport report;
  Result<Compiled> c = CompileGraph(g, Chip("tiny"), {}, &report);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(c.status().message().find("Softmax node 'probabilities'"), std::string::npos)
      << c.status().message();
  EXPECT_NE(c.status().message().find("no node of the model runs on the chip"), std::string::npos);
  ASSERT_EQ(report.placement.size(), 1u);
  EXPECT_EQ(report.placement[0].where, "host");
}

// Models the compiler refuses: each fails with Unsupported and a message containing `expect`.
struct RefusedCase {
  std::string label, expect;
  std::function<void(ir::Graph&)> build;
};
void ExpectRefused(const std::vector<RefusedCase>& cases) {
  for (const RefusedCase& c : cases) {
    ir::Graph g = NewGraph();
    c.build(g);
    Result<Compiled> r = CompileGraph(g, Chip("sim16"), {});
    ASSERT_FALSE(r.ok()) << c.label;
    EXPECT_EQ(r.status().code(), StatusCode::kUnsupported) << c.label;
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos)
        << c.label << ": " << r.status().message();
  }
}

TEST(CompileErrors, WhatTheChipDoesNotRunYet) {
  using Case = RefusedCase;
  Rng rng(3);
  const std::vector<Case> cases = {
      {"Concat", "Concat node 'cat' cannot run on the chip: no lowering for op type 'Concat'",
       [&](ir::Graph& g) {
         g.AddInput("x", DType::kF32, ir::StaticDims({1, 4, 3, 3}));
         g.AddInput("z", DType::kF32, ir::StaticDims({1, 4, 3, 3}));
         g.AddNode("Concat", {"x", "z"}, {"y"}, {{"axis", int64_t{1}}}, "cat");
         g.AddOutput("y");
       }},
      {"ConvTranspose", "input 1 ('w') is not a constant",
       [&](ir::Graph& g) {
         g.AddInput("x", DType::kF32, ir::StaticDims({1, 4, 3, 3}));
         g.AddInput("w", DType::kF32, ir::StaticDims({4, 4, 2, 2}));
         g.AddNode("ConvTranspose", {"x", "w"}, {"y"}, {{"strides", Ints{2, 2}}}, "up");
         g.AddOutput("y");
       }},
      {"Resize align_corners", "coordinate_transformation_mode 'align_corners'",
       [&](ir::Graph& g) {
         g = op_cases::ResizeGraph(4, 3, 3, 2, 2, 11, false, "align_corners", "");
       }},
      {"Resize floor half_pixel", "only modes equivalent to floor(x / scale)",
       [&](ir::Graph& g) { g = op_cases::ResizeGraph(4, 3, 3, 2, 2, 13, false, "", "floor"); }},

      {"Gemm transA", "transA = 1",
       [&](ir::Graph& g) {
         g.AddInput("a", DType::kF32, ir::StaticDims({6, 2}));
         g.AddInitializer("w", RandomTensor(rng, {6, 5}, -1, 1));
         g.AddNode("Gemm", {"a", "w"}, {"y"}, {{"transA", int64_t{1}}}, "fc");
         g.AddOutput("y");
       }},
      {"row broadcast", "broadcasting 'b' of shape 1x1x1x5",
       [&](ir::Graph& g) {
         g.AddInput("a", DType::kF32, ir::StaticDims({1, 4, 3, 5}));
         g.AddInput("b", DType::kF32, ir::StaticDims({1, 1, 1, 5}));
         g.AddNode("Add", {"a", "b"}, {"y"}, {}, "add");
         g.AddOutput("y");
       }},
      {"batch 2", "has batch 2",
       [&](ir::Graph& g) {
         g.AddInput("x", DType::kF32, ir::StaticDims({2, 4, 3, 3}));
         g.AddNode("Relu", {"x"}, {"y"}, {}, "relu");
         g.AddOutput("y");
       }},
  };
  ExpectRefused(cases);
}

TEST(CompileErrors, ParametersTooBigToStreamNameTheLayerAndSizes) {
  // 400 output channels on tiny: 50 blocks x 3 POSTPROC rows = 150 PARAM rows; the model does not
  // fit (weights 400 x 64 x 9 bytes > 32 KiB) and streaming needs two halves of 150 > 256 rows.
  ConvSpec s;
  s.cin = 64;
  s.cout = 400;
  s.h = s.w = 4;
  s.act = "Relu";  // an int8 output (a wide one would need no POSTPROC rows)
  Result<Compiled> c = CompileGraph(ConvGraph(s, 1), Chip("tiny"), {});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kUnsupported);
  const std::string& m = c.status().message();
  EXPECT_NE(m.find("layer 'conv'"), std::string::npos) << m;
  EXPECT_NE(m.find("150 PARAM rows"), std::string::npos) << m;
  EXPECT_NE(m.find("has 256 PARAM rows"), std::string::npos) << m;
}

TEST(CompileErrors, RowTooWideToTileNamesTheChip) {
  // One output row of 4000 pixels: staging a one-row tile of input and output (two slots each)
  // needs 16000 UB rows, tiny has 8192.
  ir::Graph g = NewGraph();
  g.AddInput("x", DType::kF32, ir::StaticDims({1, 8, 3, 4000}));
  g.AddNode("Relu", {"x"}, {"y"}, {}, "relu");
  g.AddOutput("y");
  Result<Compiled> c = CompileGraph(g, Chip("tiny"), {});
  ASSERT_FALSE(c.ok());
  const std::string& m = c.status().message();
  EXPECT_NE(m.find("chip 'tiny' (8192 unified-buffer rows)"), std::string::npos) << m;
  EXPECT_NE(m.find("even with every tensor in DRAM"), std::string::npos) << m;
  // The same model fits sim16.
  EXPECT_TRUE(CompileGraph(g, Chip("sim16"), {}).ok());
}

TEST(CompileErrors, NonFreeFlattenRunsOnTheHost) {
  ir::Graph g = NewGraph();
  g.AddInput("x", DType::kF32, ir::StaticDims({1, 4, 3, 3}));
  g.AddNode("Flatten", {"x"}, {"f"}, {}, "flat");
  g.AddNode("Relu", {"f"}, {"y"}, {}, "relu");
  g.AddOutput("y");
  CompileReport report;
  Result<Compiled> c = CompileGraph(g, Chip("tiny"), {}, &report);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(report.placement.size(), 2u);
  EXPECT_EQ(report.placement[0].where, "host");
  EXPECT_NE(report.placement[0].detail.find("reorders the channel-blocked rows"), std::string::npos)
      << report.placement[0].detail;
  EXPECT_EQ(report.placement[1].where, "chip");
}

// ---- Tiling through DRAM and streamed weights ---------------------------------------------------

// The layers a program tiles and the DMA it does per inference.
struct DramUse {
  size_t wb_loads = 0, param_loads = 0, act_loads = 0, act_stores = 0;
  bool interleaved = false;  // a DMA between two EX instructions of the same layer
};
DramUse DramUseOf(const Program& p) {
  DramUse u;
  bool in_layer = false, seen_dma = false;
  for (const isa::Insn& i : RunStream(p)) {
    const isa::Queue q = isa::QueueOf(i);
    if (const auto* l = std::get_if<isa::DmaLoad>(&i)) {
      if (l->mem == isa::Mem::kWb) ++u.wb_loads;
      if (l->mem == isa::Mem::kParam) ++u.param_loads;
      if (l->mem == isa::Mem::kUb) ++u.act_loads;
    }
    if (std::holds_alternative<isa::DmaStore>(i)) ++u.act_stores;
    if (q == isa::Queue::kBarrier) {
      in_layer = seen_dma = false;
    } else if (q == isa::Queue::kEx) {
      if (in_layer && seen_dma) u.interleaved = true;
      in_layer = true;
    } else if (in_layer) {
      seen_dma = true;
    }
  }
  return u;
}

TEST(CompileTiling, StreamedWeightsWhenTheyDoNotFit) {
  // 64 -> 64 channels, 3x3: 36864 weight bytes > tiny's 32 KiB weight buffer; then a second
  // conv that is pinned. The first layer streams in chunks of a quarter of the WB.
  ir::Graph g = op_cases::ConvThen1x1(64, 64, 6, 5);
  // Two rounded layers: the first one's half step, through the second, stays within 3 steps.
  Checked c = CompileAndCompare(g, "tiny", 3.0, "conv 64->64 streamed + conv 64->10");
  const codegen::CodegenResult& r = c.compiled.report.codegen;
  ASSERT_EQ(r.layers.size(), 2u);
  EXPECT_TRUE(r.layers[0].streamed);
  EXPECT_FALSE(r.layers[1].streamed);
  EXPECT_EQ(r.layers[0].weight_bytes, 64u * 64 * 9);
  EXPECT_GE(r.streamed_weight_bytes, 64u * 64 * 9);
  EXPECT_EQ(r.weight_bytes, 8u * 2 * 8 * 8);  // conv2, pinned: 8 input x 2 output blocks, 1 tap
  const DramUse u = DramUseOf(c.compiled.program);
  EXPECT_GE(u.wb_loads, 5u);  // 4608 rows in chunks of at most 1024
  EXPECT_EQ(u.param_loads, 1u);
}

TEST(CompileTiling, ManyStreamedLayersDoubleBuffered) {
  // Six 3x3 convs of 32 -> 32 channels (9216 bytes each, 55 KiB in all) on tiny: some pinned,
  // the rest streamed through the two halves; tokens keep loads and passes in step.
  ir::Graph g = op_cases::ConvChain(6, 32, 5, 6);
  // Six rounded layers (as the six-activation chain): a few output steps.
  Checked c = CompileAndCompare(g, "tiny", 6.0, "six convs 32->32 streamed");
  const codegen::CodegenResult& r = c.compiled.report.codegen;
  EXPECT_GE(r.streamed_layers, 2u);
  EXPECT_LT(r.streamed_layers, 6u);
  EXPECT_GT(r.weight_bytes, 0u);
  EXPECT_EQ(r.streamed_weight_bytes + r.weight_bytes, 6u * 32 * 32 * 9);
  // The last conv is a wide output, which has no POSTPROC rows; every other streamed layer loads
  // its PARAM rows once.
  EXPECT_EQ(c.compiled.report.codegen.wide_outputs.size(), 1u);
  EXPECT_EQ(DramUseOf(c.compiled.program).param_loads,
            r.streamed_layers - (r.layers.back().streamed ? 1 : 0));
}

TEST(CompileTiling, ConvolutionsTiledThroughDram) {
  // Inputs of 2 blocks x 64 x 72 = 9216 rows: more than tiny's 8192-row unified buffer, so the
  // tensors live in DRAM and every layer runs in row tiles with halos. Random kernels, strides,
  // dilations, paddings and channel counts that don't divide N = 8.
  const std::vector<ConvSpec> specs = op_cases::TiledConvSpecs();
  for (size_t i = 0; i < specs.size(); ++i) {
    const ConvSpec& s = specs[i];
    Checked c = CompileAndCompare(ConvGraph(s, static_cast<uint64_t>(300 + i)), "tiny", 1.0,
                                  s.Label(), s.residual ? BaseHalfStep("sum", 1.0) : nullptr);
    const codegen::CodegenResult& r = c.compiled.report.codegen;
    ASSERT_EQ(r.layers.size(), 1u);
    EXPECT_GT(r.layers[0].tiles, 1u) << s.Label();
    EXPECT_GT(r.dram_activation_bytes, 0u);
    const DramUse u = DramUseOf(c.compiled.program);
    EXPECT_GT(u.act_loads, 1u);
    EXPECT_TRUE(u.interleaved) << "loads and stores between the passes: " << s.Label();
  }
}

TEST(CompileTiling, DepthwisePoolsAndEltwiseTiledThroughDram) {
  Rng rng(5);
  for (int64_t c : {3, 10, 17}) {
    const int64_t h = 96, w = 96;  // c = 3: 9216 rows, 10 / 17: 2-3 blocks
    {
      ConvSpec s;
      s.cin = s.cout = s.group = c;
      s.kh = s.kw = 3;
      s.sh = s.sw = c == 10 ? 2 : 1;
      s.h = h;
      s.w = w;
      s.act = "Clip";
      Checked r = CompileAndCompare(ConvGraph(s, static_cast<uint64_t>(c)), "tiny", 1.0, s.Label());
      EXPECT_GT(r.compiled.report.codegen.tiled_layers, 0u) << s.Label();
      EXPECT_EQ(Count<isa::Matmul>(RunStream(r.compiled.program)), 0u);
    }
    for (const char* op : {"MaxPool", "AveragePool", "Add", "Relu"}) {
      const int64_t gh = h;
      const std::string o(op);
      ir::Graph g =
          o == "Add" ? BinaryGraph(op, {1, c, gh, w}, {1, c, gh, w})
          : o == "Relu"
              ? ActivationGraph(op, {1, c, gh, w})
              : PoolGraph({op, {3, 3}, {2, 2}, {1, 1, 1, 1}, o == "AveragePool", 0}, c, gh, w);
      Checked r = CompileAndCompare(g, "tiny", o == "MaxPool" ? 1e-3 : 1.0,
                                    fmt::format("{} {}x{}x{} tiled", op, c, gh, w));
      EXPECT_GT(r.compiled.report.codegen.tiled_layers, 0u) << op << " " << c;
    }
  }
}

TEST(CompileTiling, SmallCnnTiledAndStreamedOnTiny) {
  // The small CNN at 56 x 56: its residual block holds four 10-channel maps (2 blocks x 3136
  // rows each) at once, more than tiny's unified buffer.
  Checked c = CompileAndCompare(SmallCnn(77, 56), "tiny", 6.0, "small CNN 56x56 tiled");
  const codegen::CodegenResult& r = c.compiled.report.codegen;
  EXPECT_GT(r.tiled_layers, 0u);
  EXPECT_GT(r.scratch_bytes, 0u);
  EXPECT_LE(r.ub_peak_rows, 8192u);
  std::vector<std::string> ops;
  for (const program::LayerInfo& l : c.compiled.program.layers()) ops.push_back(l.op_type());
  EXPECT_EQ(ops, (std::vector<std::string>{"Conv+Relu", "Conv+Clip", "Conv+Add+Relu", "MaxPool",
                                           "GlobalAveragePool", "Gemm"}));
}

// One line per tiled case for docs/compiler.md's tiling figures: the tiled layers, their tiles,
// the activation bytes through DRAM per inference and the SCRATCH buffer.
void PrintTiling(const std::string& label, const codegen::CodegenResult& r) {
  uint64_t tiles = 0;
  for (const codegen::LayerSummary& l : r.layers) tiles += l.tiles;
  std::cout << fmt::format(
      "[tiling] {:<58} {} tiled layer(s), {} tiles, {} DRAM bytes, scratch {}\n", label,
      r.tiled_layers, tiles, r.dram_activation_bytes, r.scratch_bytes);
}

// The layer kinds that were not tiled before: ConvTranspose (each tile inserts the zeros into the
// input rows it reads, then the stride-1 convolution), Pad (the 1x1 copy with its window shift),
// Resize (tiles of whole factors of rows); bounds as in CompileLayoutOps.
TEST(CompileTiling, ConvTransposePadResizeTiledThroughDram) {
  for (const auto& [label, g] : op_cases::TiledLayoutOpCases()) {
    Checked c = CompileAndCompare(g, "tiny", 1.0, label);
    const codegen::CodegenResult& r = c.compiled.report.codegen;
    ASSERT_EQ(r.layers.size(), 1u) << label;
    EXPECT_GT(r.layers[0].tiles, 1u) << label;
    EXPECT_GT(r.dram_activation_bytes, 0u) << label;
    EXPECT_LE(r.ub_peak_rows, 8192u) << label;
    PrintTiling(label, r);
    const std::vector<isa::Insn> insns = RunStream(c.compiled.program);
    if (label.find("convtranspose") != std::string::npos) {
      // Zero insertion per tile: more DWCONVs than one per input row and block would be.
      EXPECT_GT(Count<isa::Dwconv>(insns), 0u) << label;
      EXPECT_GT(Count<isa::Matmul>(insns), 0u) << label;
    }
    if (label.find("resize") != std::string::npos || label.find("upsample") != std::string::npos) {
      EXPECT_GE(Count<isa::Resize>(insns), size_t{r.layers[0].tiles}) << label;  // one per block
    }
  }
}

// Output rows wider than half of tiny's accumulator (512 rows): each row goes through it in
// column pieces, each with its passes and POSTPROC (MATMUL / DWCONV out_w below the row's width).
TEST(CompileTiling, ColumnTilesOfWideRows) {
  for (const auto& [label, g] : op_cases::WideRowCases()) {
    Checked c = CompileAndCompare(g, "tiny", 1.0, label);
    const codegen::CodegenResult& r = c.compiled.report.codegen;
    ASSERT_EQ(r.layers.size(), 1u) << label;
    EXPECT_EQ(r.layers[0].tiles > 0, label.find("(tiled)") != std::string::npos) << label;
    ASSERT_EQ(c.compiled.program.outputs_size(), 1) << label;
    const auto& y = c.compiled.program.outputs(0).shape();
    ASSERT_EQ(y.size(), 4) << label;
    const auto out_w = static_cast<uint32_t>(y[3]);
    ASSERT_GT(out_w, 512u) << label;
    size_t pieces = 0, postprocs = 0;
    for (const isa::Insn& i : RunStream(c.compiled.program)) {
      if (const auto* m = std::get_if<isa::Matmul>(&i)) {
        EXPECT_LE(m->out_h * m->out_w, 512u) << label;
        pieces += m->out_w < out_w;
      }
      if (const auto* d = std::get_if<isa::Dwconv>(&i)) {
        EXPECT_LE(d->out_h * d->out_w, 512u) << label;
        pieces += d->out_w < out_w;
      }
      if (const auto* p = std::get_if<isa::Postproc>(&i)) {
        EXPECT_LE(p->rows, 512u) << label;
        ++postprocs;
      }
      // A wide output (no activation) stores each piece's accumulator rows instead.
      if (const auto* st = std::get_if<isa::DmaStore>(&i);
          st != nullptr && st->mem == isa::Mem::kAcc) {
        EXPECT_LE(st->rows, 512u) << label;
        ++postprocs;
      }
    }
    EXPECT_GT(pieces, 0u) << label;
    // At least two pieces per output row and block.
    EXPECT_GE(postprocs, 2 * static_cast<size_t>(y[2])) << label;
    if (r.layers[0].tiles > 0) PrintTiling(label, r);
  }
}

// A fused residual add followed by LeakyRelu or a LUT activation, tiled: per tile the add writes
// a temporary and the activation runs from it (bound as CompileConv.ResidualThenLeakyReluOrLut).
TEST(CompileTiling, ResidualActivationsTiledThroughDram) {
  const std::vector<ConvSpec> specs = op_cases::TiledResidualActivationSpecs();
  for (size_t i = 0; i < specs.size(); ++i) {
    const ConvSpec& s = specs[i];
    const double slope = s.act == "Sigmoid" ? 0.25 : s.act == "HardSwish" ? 1.5 : 1.0;
    Checked c = CompileAndCompare(
        ConvGraph(s, 400 + i), "tiny", 1.0, s.Label(), [slope](const CompileReport& rep) {
          return slope * 0.5 *
                 (rep.act.at(quant::BaseKey("y")).scale + rep.act.at(quant::SumKey("y")).scale);
        });
    const codegen::CodegenResult& r = c.compiled.report.codegen;
    ASSERT_EQ(r.layers.size(), 1u) << s.Label();
    EXPECT_EQ(r.layers[0].op_type, "Conv+Add+" + s.act);
    EXPECT_GT(r.layers[0].tiles, 1u) << s.Label();
    PrintTiling(s.Label(), r);
  }
}

// Squeeze and scale with every tensor in DRAM: the global pool's output is stored per tile of
// channel blocks, and the Mul's broadcast operand (one row per block) is loaded once. Then a
// global average pool whose input (3 blocks of 60 x 60) does not fit the unified buffer twice:
// tiles of channel blocks.
TEST(CompileTiling, BroadcastOperandAndGlobalPoolTiledThroughDram) {
  {
    const std::string label = "squeeze 8x10x10, scale 8x3x2040";
    Checked c =
        CompileAndCompare(op_cases::SqueezeScaleGraph(8, 10, 10, 3, 2040), "tiny", 2.0, label);
    const codegen::CodegenResult& r = c.compiled.report.codegen;
    ASSERT_EQ(r.layers.size(), 2u);
    EXPECT_GT(r.layers[0].tiles, 0u);  // the pool's output in DRAM
    EXPECT_GT(r.layers[1].tiles, 1u);
    EXPECT_GT(r.scratch_bytes, 0u);  // s
    PrintTiling(label, r);
  }
  const op_cases::PoolSpec gap{"GlobalAveragePool", {}, {}, {}, 0, 0};
  const std::string label = "GlobalAveragePool 24x60x60 tiled";
  Checked c = CompileAndCompare(op_cases::PoolGraph(gap, 24, 60, 60), "tiny", 1.0, label);
  const codegen::CodegenResult& r = c.compiled.report.codegen;
  ASSERT_EQ(r.layers.size(), 1u);
  EXPECT_EQ(r.layers[0].tiles, 3u);  // one block per tile: two 3600-row slots
  EXPECT_EQ(r.dram_activation_bytes, 3u * 3600 * 8);
  PrintTiling(label, r);
}

// ---- Allocation and the constant image ---------------------------------------------------------

TEST(CodegenParts, TokensFromDependencies) {
  using codegen::RunStream;
  auto load = [] {
    isa::DmaLoad d;
    d.rows = 1;
    d.row_bytes = 1;
    return isa::Insn{d};
  };
  auto ex = [] { return isa::Insn{isa::Loadw{}}; };
  auto store = [] {
    isa::DmaStore d;
    d.rows = 1;
    d.row_bytes = 1;
    return isa::Insn{d};
  };
  RunStream s;
  const size_t a = s.Add(load());
  const size_t b = s.Add(ex(), {a});
  const size_t c = s.Add(store(), {b});
  const size_t d = s.Add(ex(), {c, a});  // a is covered by b's pop already
  s.Add(isa::Sync{});
  s.Add(ex(), {c});  // a barrier in between: no token
  ASSERT_TRUE(s.AssignTokens(4).ok());
  EXPECT_EQ(isa::DepsOf(s.op(a).insn), (isa::Deps{.push_next = true}));
  EXPECT_EQ(isa::DepsOf(s.op(b).insn), (isa::Deps{.pop_prev = true, .push_next = true}));
  EXPECT_EQ(isa::DepsOf(s.op(c).insn), (isa::Deps{.pop_prev = true, .push_prev = true}));
  EXPECT_EQ(isa::DepsOf(s.op(d).insn), (isa::Deps{.pop_next = true}));
  EXPECT_EQ(isa::DepsOf(s.op(5).insn), isa::Deps{});

  // Capacity 1: the second load may not push before the first token was consumed.
  RunStream t;
  const size_t l0 = t.Add(load());
  const size_t e0 = t.Add(ex(), {l0});
  const size_t l1 = t.Add(load());
  t.Add(ex(), {l1});
  ASSERT_TRUE(t.AssignTokens(1).ok());
  EXPECT_TRUE(isa::DepsOf(t.op(e0).insn).push_prev);
  EXPECT_TRUE(isa::DepsOf(t.op(l1).insn).pop_next);

  // A dependency on a later instruction is refused.
  RunStream u;
  u.Add(ex(), {1});
  u.Add(load());
  EXPECT_EQ(u.AssignTokens(4).code(), StatusCode::kInternal);
}

TEST(CodegenParts, UbAllocatorFirstFitAndReuse) {
  codegen::UbAllocator ub;
  EXPECT_EQ(ub.Allocate(100), 0u);
  EXPECT_EQ(ub.Allocate(50), 100u);
  EXPECT_EQ(ub.Allocate(10), 150u);
  ub.Free(0);
  EXPECT_EQ(ub.Allocate(60), 0u);    // reuses the freed rows
  EXPECT_EQ(ub.Allocate(60), 160u);  // 40 free rows at 60 are too few
  EXPECT_EQ(ub.Allocate(40), 60u);
  EXPECT_EQ(ub.end(), 220u);
  ub.Free(160);
  EXPECT_EQ(ub.end(), 160u);
  EXPECT_EQ(ub.peak(), 220u);
}

TEST(CodegenParts, ConstantImageLayout) {
  codegen::ConstantImage k(8);
  EXPECT_EQ(k.AddWbRows(2), 0u);
  k.Wb(1, 7) = -3;
  EXPECT_EQ(k.AddParamRows(1), 0u);
  k.Param(0, 1) = -2;
  quant::Lut t{};
  t[5] = 9;
  EXPECT_EQ(k.AddLut(t), 0u);
  EXPECT_EQ(k.AddLut(t), 0u);  // shared
  const std::string b = k.Bytes();
  ASSERT_EQ(b.size(), 16u + 32u + 256u);
  EXPECT_EQ(static_cast<int8_t>(b[15]), -3);
  EXPECT_EQ(k.param_offset(), 16u);
  // PARAM lane 1 = -2, little-endian int32.
  EXPECT_EQ(static_cast<uint8_t>(b[16 + 4]), 0xfe);
  EXPECT_EQ(static_cast<uint8_t>(b[16 + 7]), 0xff);
  EXPECT_EQ(k.lut_offset(), 48u);
  EXPECT_EQ(b[48 + 5], 9);
}

// ---- ConvTranspose, Pad, Resize on the chip ----------------------------------------------------

const NodePlacement* PlacementOf(const CompileReport& r, const std::string& node) {
  for (const NodePlacement& p : r.placement)
    if (p.node == node) return &p;
  return nullptr;
}

// Every case of op_cases::LayoutOpCases on tiny and sim16 against the fp32 reference. Pad and
// Resize are copies (exact; a pad value off the input's grid rounds to it: half a step); a
// ConvTranspose is a convolution with one output rounding (one step, as Conv).
TEST(CompileLayoutOps, PadResizeConvTransposeOnTheChip) {
  for (const char* chip : {"tiny", "sim16"}) {
    for (const auto& [label, g] : op_cases::LayoutOpCases()) {
      Checked c = CompileAndCompare(g, chip, 1.0, label);
      const CompileReport& r = c.compiled.report;
      for (const ir::Node& n : g.nodes) {
        const NodePlacement* p = PlacementOf(r, n.name);
        ASSERT_NE(p, nullptr) << label << ": " << n.name;
        // The zero Pad before a conv folds into it, activations fuse into their layer.
        const bool folded =
            (label.find("(folded)") != std::string::npos && n.op_type == "Pad") || n.name == "act";
        EXPECT_EQ(p->where, folded ? "folded away" : "chip")
            << label << ": " << n.name << " " << p->detail;
      }
      if (c.compiled.program.chips_size() == 0) continue;
      const std::vector<isa::Insn> insns = RunStream(c.compiled.program);
      const bool resize =
          label.find("resize") != std::string::npos || label.find("upsample") != std::string::npos;
      EXPECT_EQ(Count<isa::Resize>(insns) > 0, resize) << label;
      if (label.find("convtranspose") != std::string::npos) {
        EXPECT_GT(Count<isa::Dwconv>(insns), 0u) << label;  // the zero insertion
        EXPECT_GT(Count<isa::Matmul>(insns), 0u) << label;
      }
      if (label.find("(folded)") != std::string::npos) {
        EXPECT_EQ(Count<isa::Dwconv>(insns), 0u) << label;  // no copy: the conv pads
      }
    }
  }
}

TEST(CompileLayoutOps, ConvTransposeMacsAreTheOpsOwn) {
  op_cases::DeconvSpec s;  // 4 -> 6, 3x3, stride 2, on 5 x 4
  Checked c = CompileAndCompare(op_cases::ConvTransposeGraph(s, 1), "tiny", 1.0, s.Label());
  ASSERT_EQ(c.compiled.report.codegen.layers.size(), 1u);
  EXPECT_EQ(c.compiled.report.codegen.layers[0].macs, uint64_t{6 * 4 * 9 * 5 * 4});
}

// A zero-inserted row wider than half of tiny's accumulator (2 x 130 pixels -> 2 x 260 with its
// zero row: 520 > 512 rows): the zero insertion goes in pieces (pixel runs, then zero rows).
TEST(CompileLayoutOps, ConvTransposeOfWideRowsInPieces) {
  op_cases::DeconvSpec s;
  s.cin = 3;
  s.cout = 5;
  s.kh = s.kw = 2;
  s.pads = {0, 0, 0, 0};
  s.h = 2;
  s.w = 130;
  Checked c = CompileAndCompare(op_cases::ConvTransposeGraph(s, 3), "tiny", 1.0, s.Label());
  // More DWCONVs than input rows: each row is a run of pixels plus a run of zero rows.
  EXPECT_GT(Count<isa::Dwconv>(RunStream(c.compiled.program)), size_t{2});
}

// ---- Pre-quantized graphs --------------------------------------------------------------------

// The ONNX QLinear semantics in integers, computed here from the model's own integers (not by the
// compiler): x quantized half to even; per layer acc = sum (x - x_zp) w + bias over the window
// (padding reads x_zp, i.e. adds 0), y = clamp(y_zp + round(acc * x_scale * w_scale[m] / y_scale)),
// Relu as max(y, y_zp), then the 2x2 max pool. `near_tie` marks elements whose real value lay
// within 1e-4 of a rounding tie that changes the result (where ONNX's float arithmetic, the
// runtime's input quantization and the chip's 31-bit multiplier may round either way), and
// everything computed from such an element.
struct QRef {
  std::vector<int32_t> q;
  std::vector<bool> near_tie;
};

QRef RunQModel(const op_cases::QModel& m, const Tensor& x) {
  Shape s = x.shape();  // [1, C, H, W], or [1, K] before a matrix layer
  int64_t c = s[1], h = s.size() == 4 ? s[2] : 1, w = s.size() == 4 ? s[3] : 1;
  QRef cur;
  auto near_half = [](double r) { return std::abs(r - std::floor(r) - 0.5) < 1e-4; };
  for (float v : x.ToVector<float>()) {
    const double r = static_cast<double>(v) / static_cast<double>(m.x_scale);
    cur.q.push_back(static_cast<int32_t>(std::clamp(std::nearbyint(r) + m.x_zp, -128.0, 127.0)));
    cur.near_tie.push_back(near_half(r) && std::abs(r + m.x_zp) < 128);
  }
  double x_scale = m.x_scale;
  int32_t x_zp = m.x_zp;
  for (const op_cases::QLayer& l : m.layers) {
    const int64_t mo = l.w_shape[0], kh = l.w_shape[2], kw = l.w_shape[3];
    const int64_t oh = (h + 2 * l.pad - kh) / l.stride + 1,
                  ow = (w + 2 * l.pad - kw) / l.stride + 1;
    QRef next;
    for (int64_t o = 0; o < mo; ++o)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t xx = 0; xx < ow; ++xx) {
          int64_t acc = l.bias.empty() ? 0 : l.bias[static_cast<size_t>(o)];
          bool dep = false;  // reads an element marked near a tie
          for (int64_t ci = 0; ci < c; ++ci)
            for (int64_t ky = 0; ky < kh; ++ky)
              for (int64_t kx = 0; kx < kw; ++kx) {
                const int64_t iy = y * l.stride - l.pad + ky, ix = xx * l.stride - l.pad + kx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                const auto i = static_cast<size_t>((ci * h + iy) * w + ix);
                acc += int64_t{cur.q[i] - x_zp} *
                       l.w[static_cast<size_t>(((o * c + ci) * kh + ky) * kw + kx)];
                dep = dep || cur.near_tie[i];
              }
          const double real = static_cast<double>(acc) * x_scale *
                              static_cast<double>(l.w_scale[static_cast<size_t>(o)]) /
                              static_cast<double>(l.y_scale);
          const int64_t lo = l.relu ? l.y_zp : -128;
          auto clamp = [&](double v) {
            return std::clamp<int64_t>(static_cast<int64_t>(v), lo, 127);
          };
          const int64_t q = clamp(std::floor(real + 0.5) + l.y_zp);
          const bool tie = near_half(real) &&
                           clamp(std::floor(real) + l.y_zp) != clamp(std::floor(real) + 1 + l.y_zp);
          next.q.push_back(static_cast<int32_t>(q));
          next.near_tie.push_back(tie || dep);
        }
    c = mo;
    h = oh;
    w = ow;
    if (l.pool2) {
      QRef pooled;
      for (int64_t o = 0; o < c; ++o)
        for (int64_t y = 0; y < h / 2; ++y)
          for (int64_t xx = 0; xx < w / 2; ++xx) {
            int32_t best = -128;
            bool tie = false;
            for (int64_t d = 0; d < 4; ++d) {
              const auto i = static_cast<size_t>((o * h + 2 * y + d / 2) * w + 2 * xx + d % 2);
              best = std::max(best, next.q[i]);
              tie = tie || next.near_tie[i];
            }
            pooled.q.push_back(best);
            pooled.near_tie.push_back(tie);
          }
      next = std::move(pooled);
      h /= 2;
      w /= 2;
    }
    cur = std::move(next);
    x_scale = l.y_scale;
    x_zp = l.y_zp;
  }
  return cur;
}

// The int8 values of a model output `y` (dequantized with the model's output parameters) against
// the integer reference: equal wherever the reference is not near a rounding tie.
void ExpectSameInts(const Tensor& y_out, const op_cases::QModel& m, const QRef& ref,
                    const std::string& label) {
  const std::vector<double> y = y_out.ToDoubles();
  ASSERT_EQ(y.size(), ref.q.size()) << label;
  const double scale = m.layers.back().y_scale;
  const int32_t zp = m.layers.back().y_zp;
  size_t exact = 0, ties = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    const auto q = static_cast<int32_t>(std::lround(y[i] / scale) + zp);
    if (ref.near_tie[i]) {
      ++ties;  // either rounding is the ONNX semantics' own
    } else {
      exact += q == ref.q[i];
      EXPECT_EQ(q, ref.q[i]) << label << ": element " << i;
    }
  }
  // Ties are rare (the scales are arbitrary floats): most of the output is checked exactly.
  EXPECT_LE(ties * 10, y.size()) << label;
  std::cout << fmt::format("[pre-quantized] {:<50} {} of {} outputs exact, {} near a tie\n", label,
                           exact, y.size(), ties);
}

// Compiles a pre-quantized model (the calibration inputs do not matter: the graph fixes every
// tensor's parameters), runs it on the golden model and compares the int8 output with RunQModel.
void CheckPreQuantized(const op_cases::QModel& m, const std::string& chip,
                       const std::string& label) {
  SCOPED_TRACE(label + " on " + chip);
  Result<op_cases::CompiledCase> c = op_cases::CompileCase(m.graph, Chip(chip), 3);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const Program& p = c->compiled.program;
  // The graph's parameters, not calibrated ones, at the model's edges.
  ASSERT_EQ(p.inputs_size(), 1);
  EXPECT_FLOAT_EQ(p.inputs(0).quant().scale(), m.x_scale);
  EXPECT_EQ(p.inputs(0).quant().zero_point(), m.x_zp);
  ASSERT_EQ(p.outputs_size(), 1);
  const program::QuantParams& oq = p.outputs(0).quant();
  EXPECT_FLOAT_EQ(oq.scale(), m.layers.back().y_scale);
  EXPECT_EQ(oq.zero_point(), m.layers.back().y_zp);
  // Every node on the chip or folded away (the quantization nodes): nothing on the host.
  EXPECT_EQ(c->compiled.report.nodes_host, 0u);
  auto backend = runtime::MakeGoldenBackend({p.chips(0).config()});
  ASSERT_TRUE(backend.ok());
  auto session = runtime::Session::Load(p, **backend);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  Result<TensorMap> out = (*session)->Run(c->inputs);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ExpectSameInts(out->at(p.outputs(0).name()), m, RunQModel(m, c->inputs.at("x")),
                 label + " on " + chip);
}

TEST(CompilePreQuantized, QdqFormatMatchesTheIntegerSemantics) {
  for (const char* chip : {"tiny", "sim16"})
    for (bool u8 : {true, false})
      CheckPreQuantized(op_cases::QdqConvModel(7, u8), chip,
                        fmt::format("QDQ conv-relu-pool-conv {}", u8 ? "uint8" : "int8"));
}

TEST(CompilePreQuantized, QLinearOpsMatchTheIntegerSemantics) {
  for (const char* chip : {"tiny", "sim16"})
    for (bool u8 : {true, false})
      CheckPreQuantized(op_cases::QLinearModel(8, u8), chip,
                        fmt::format("QLinearConv x2, QLinearMatMul {}", u8 ? "uint8" : "int8"));
}

TEST(CompilePreQuantized, PlacementAndTheGraphsIntegers) {
  op_cases::QModel m = op_cases::QLinearModel(8, true);
  Result<op_cases::CompiledCase> c = op_cases::CompileCase(m.graph, Chip("sim16"), 3);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const CompileReport& r = c->compiled.report;
  for (const char* n : {"c1", "c2", "fc"}) {
    const NodePlacement* p = PlacementOf(r, n);
    ASSERT_NE(p, nullptr) << n;
    EXPECT_EQ(p->where, "chip") << n;
  }
  EXPECT_EQ(PlacementOf(r, "x_quant")->where, "folded away");
  EXPECT_EQ(PlacementOf(r, "y_dequant")->where, "folded away");
  // The layers' weights are the graph's integers (uint8 minus the zero point 128), not
  // re-quantized: the first layer's WB image holds them.
  EXPECT_EQ(r.codegen.layers.size(), 3u);
}

TEST(CompilePreQuantized, WhatIsRefusedNamesTheNode) {
  using Case = RefusedCase;
  const std::vector<Case> cases = {
      {"quantized output", "QuantizeLinear node 'q': its quantized result 'y'",
       [](ir::Graph& g) {
         g.AddInput("x", DType::kF32, ir::StaticDims({1, 4, 3, 3}));
         g.AddInitializer("s", Tensor::Scalar<float>(0.1f));
         g.AddInitializer("z", Tensor::Scalar<uint8_t>(128));
         g.AddNode("Relu", {"x"}, {"r"}, {}, "relu");
         g.AddNode("QuantizeLinear", {"r", "s", "z"}, {"y"}, {}, "q");
         g.AddOutput("y");
       }},
      {"quantized input", "DequantizeLinear node 'dq': dequantizes 'x'",
       [](ir::Graph& g) {
         g.AddInput("x", DType::kU8, ir::StaticDims({1, 4, 3, 3}));
         g.AddInitializer("s", Tensor::Scalar<float>(0.1f));
         g.AddInitializer("z", Tensor::Scalar<uint8_t>(128));
         g.AddNode("DequantizeLinear", {"x", "s", "z"}, {"d"}, {}, "dq");
         g.AddNode("Relu", {"d"}, {"y"}, {}, "relu");
         g.AddOutput("y");
       }},
      {"mismatched pair", "dequantizes 'q_out' with other parameters",
       [](ir::Graph& g) {
         g.AddInput("x", DType::kF32, ir::StaticDims({1, 4, 3, 3}));
         g.AddInitializer("s", Tensor::Scalar<float>(0.1f));
         g.AddInitializer("s2", Tensor::Scalar<float>(0.2f));
         g.AddInitializer("z", Tensor::Scalar<uint8_t>(128));
         g.AddNode("QuantizeLinear", {"x", "s", "z"}, {"q_out"}, {}, "q");
         g.AddNode("DequantizeLinear", {"q_out", "s2", "z"}, {"d"}, {}, "dq");
         g.AddNode("Relu", {"d"}, {"y"}, {}, "relu");
         g.AddOutput("y");
       }},
  };
  ExpectRefused(cases);
}

// ---- Opsets 9-17 and NHWC ----------------------------------------------------------------------

// The same small model at `opset`, with every attribute-vs-input variant in it: Pad (pads and
// value as attributes before 11, inputs from 11) folded into a conv, Clip (min / max attributes
// before 11), Upsample (9) / Resize with scales (11, 13) or sizes (17), Squeeze (axes attribute
// before 13), Slice of a constant bias (starts / ends attributes before 10).
ir::Graph OpsetModel(int64_t opset) {
  Rng rng(41);
  ir::Graph g = NewGraph();
  g.opset_imports[""] = opset;
  g.AddInput("x", DType::kF32, ir::StaticDims({1, 3, 6, 6}));
  const Ints pads = {0, 0, 1, 1, 0, 0, 1, 1};
  if (opset < 11) {
    g.AddNode("Pad", {"x"}, {"p"}, {{"pads", pads}, {"value", 0.0f}}, "pad");
  } else {
    g.AddInitializer("pads", Tensor::FromVector<int64_t>({8}, pads));
    g.AddNode("Pad", {"x", "pads"}, {"p"}, {}, "pad");
  }
  g.AddInitializer("w1", op_cases::GridWeights(rng, {8, 3, 3, 3}, 8, 0.3));
  g.AddInitializer("b1", RandomTensor(rng, {8}, -0.2, 0.2));
  g.AddNode("Conv", {"p", "w1", "b1"}, {"c1"}, {{"kernel_shape", Ints{3, 3}}}, "conv1");
  if (opset < 11) {
    g.AddNode("Clip", {"c1"}, {"r1"}, {{"min", 0.0f}, {"max", 6.0f}}, "clip");
  } else {
    g.AddInitializer("lo", Tensor::Scalar<float>(0.0f));
    g.AddInitializer("hi", Tensor::Scalar<float>(6.0f));
    g.AddNode("Clip", {"c1", "lo", "hi"}, {"r1"}, {}, "clip");
  }
  g.AddInitializer("scales", Tensor::FromVector<float>({4}, {1, 1, 2, 2}));
  g.AddInitializer("sizes", Tensor::FromVector<int64_t>({4}, {1, 8, 12, 12}));
  g.AddInitializer("roi", Tensor(DType::kF32, {0}));
  const std::map<std::string, ir::Attribute> nearest = {{"mode", std::string("nearest")}};
  if (opset < 10)
    g.AddNode("Upsample", {"r1", "scales"}, {"u"}, nearest, "up");
  else if (opset < 13)
    g.AddNode("Resize", {"r1", "roi", "scales"}, {"u"}, nearest, "up");
  else if (opset < 17)
    g.AddNode("Resize", {"r1", "", "scales"}, {"u"}, nearest, "up");
  else
    g.AddNode("Resize", {"r1", "", "", "sizes"}, {"u"}, nearest, "up");
  g.AddInitializer("w2", op_cases::GridWeights(rng, {4, 8, 1, 1}, 4, 0.3));
  g.AddNode("Conv", {"u", "w2"}, {"c2"}, {}, "conv2");
  g.AddNode("Relu", {"c2"}, {"r2"}, {}, "relu");
  g.AddNode("GlobalAveragePool", {"r2"}, {"gap"}, {}, "gap");
  if (opset < 13) {
    g.AddNode("Squeeze", {"gap"}, {"sq"}, {{"axes", Ints{2, 3}}}, "squeeze");
  } else {
    g.AddInitializer("axes", Tensor::FromVector<int64_t>({2}, {2, 3}));
    g.AddNode("Squeeze", {"gap", "axes"}, {"sq"}, {}, "squeeze");
  }
  g.AddInitializer("bias_all", RandomTensor(rng, {10}, -0.5, 0.5));
  if (opset < 10) {
    g.AddNode("Slice", {"bias_all"}, {"b3"}, {{"starts", Ints{0}}, {"ends", Ints{5}}}, "slice");
  } else {
    g.AddInitializer("starts", Tensor::FromVector<int64_t>({1}, {0}));
    g.AddInitializer("ends", Tensor::FromVector<int64_t>({1}, {5}));
    g.AddNode("Slice", {"bias_all", "starts", "ends"}, {"b3"}, {}, "slice");
  }
  g.AddInitializer("w3", RandomTensor(rng, {4, 5}, -0.5, 0.5));
  g.AddNode("Gemm", {"sq", "w3", "b3"}, {"y"}, {}, "fc");
  g.AddOutput("y");
  return g;
}

TEST(CompileOpsets, SameModelAtOpsets9To17) {
  const std::map<std::string, std::string> where = {
      {"pad", "folded away"},   {"conv1", "chip"},
      {"clip", "folded away"},  {"up", "chip"},
      {"conv2", "chip"},        {"relu", "folded away"},
      {"gap", "chip"},          {"squeeze", "chip (layout only, no instructions)"},
      {"slice", "folded away"}, {"fc", "chip"}};
  std::optional<std::vector<double>> first;
  for (int64_t opset : {9, 11, 13, 17}) {
    const std::string label = fmt::format("opset {} model", opset);
    Checked c = CompileAndCompare(OpsetModel(opset), "sim16", 6.0, label);
    const CompileReport& r = c.compiled.report;
    EXPECT_EQ(r.nodes_host, 0u) << label;
    for (const auto& [node, w] : where) {
      const NodePlacement* p = PlacementOf(r, node);
      ASSERT_NE(p, nullptr) << label << ": " << node;
      EXPECT_EQ(p->where, w) << label << ": " << node << " " << p->detail;
    }
    // The same float function, calibration and program: bit-identical outputs at every opset.
    Result<op_cases::CompiledCase> cc = op_cases::CompileCase(OpsetModel(opset), Chip("sim16"));
    ASSERT_TRUE(cc.ok()) << cc.status().ToString();
    auto backend = runtime::MakeGoldenBackend({cc->compiled.program.chips(0).config()});
    ASSERT_TRUE(backend.ok());
    auto session = runtime::Session::Load(cc->compiled.program, **backend);
    ASSERT_TRUE(session.ok());
    Result<TensorMap> out = (*session)->Run(cc->inputs);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    const std::vector<double> y = out->at("y").ToDoubles();
    if (!first) first = y;
    EXPECT_EQ(y, *first) << label;
  }
}

// NHWC (tf2onnx style): the input and output Transposes are the DMA's, the Resize between the
// convolutions runs on the chip.
TEST(CompileOpsets, NhwcModelWithResize) {
  Rng rng(43);
  ir::Graph g = NewGraph();
  g.opset_imports[""] = 13;
  g.AddInput("x", DType::kF32, ir::StaticDims({1, 6, 6, 3}));
  g.AddNode("Transpose", {"x"}, {"xt"}, {{"perm", Ints{0, 3, 1, 2}}}, "to_nchw");
  g.AddInitializer("w1", op_cases::GridWeights(rng, {10, 3, 3, 3}, 10, 0.3));
  g.AddNode("Conv", {"xt", "w1"}, {"c1"}, {{"pads", Ints{1, 1, 1, 1}}}, "conv1");
  g.AddNode("Relu", {"c1"}, {"r1"}, {}, "relu");
  g.AddInitializer("scales", Tensor::FromVector<float>({4}, {1, 1, 2, 2}));
  g.AddNode("Resize", {"r1", "", "scales"}, {"u"},
            {{"mode", std::string("nearest")},
             {"coordinate_transformation_mode", std::string("asymmetric")},
             {"nearest_mode", std::string("floor")}},
            "up");
  g.AddInitializer("w2", op_cases::GridWeights(rng, {4, 10, 1, 1}, 4, 0.3));
  g.AddNode("Conv", {"u", "w2"}, {"c2"}, {}, "conv2");
  g.AddNode("Transpose", {"c2"}, {"y"}, {{"perm", Ints{0, 2, 3, 1}}}, "to_nhwc");
  g.AddOutput("y");
  for (const char* chip : {"tiny", "sim16"}) {
    Checked c = CompileAndCompare(g, chip, 2.0, "NHWC conv-relu-resize-conv");  // two roundings
    const CompileReport& r = c.compiled.report;
    EXPECT_EQ(r.nodes_host, 0u);
    for (const char* t : {"to_nchw", "to_nhwc"})
      EXPECT_EQ(PlacementOf(r, t)->where, "chip (NHWC layout in the DMA)") << t;
    EXPECT_EQ(PlacementOf(r, "up")->where, "chip");
    EXPECT_EQ(Count<isa::Resize>(RunStream(c.compiled.program)),
              size_t{2} / (chip[0] == 't' ? 1 : 2))
        << chip;  // one per channel block: 10 channels are 2 blocks on tiny, 1 on sim16
  }
}

// The integer reference above is ONNX's semantics: ONNX Runtime (npm onnxruntime-node, through
// models/ort_check.js) runs the same pre-quantized models and gives the same int8 outputs.
TEST(CompilePreQuantized, IntegerReferenceAgreesWithOnnxRuntime) {
  const std::string setup =
      "run scripts/setup-deps (scripts/test runs it): it installs node and "
      "onnxruntime-node";
  ASSERT_EQ(std::system("node --version > /dev/null 2>&1"), 0)
      << "node is not available: " << setup;
  const std::filesystem::path dir = std::filesystem::path(AORTA_TEST_BUILD_DIR) / "compiler" /
                                    fmt::format("ort_prequantized_{}", ::getpid());
  for (bool u8 : {true, false}) {
    for (const auto& [name, m] : {std::pair{"qdq", op_cases::QdqConvModel(7, u8)},
                                  std::pair{"qlinear", op_cases::QLinearModel(8, u8)}}) {
      const std::string label = fmt::format("{} {} on ONNX Runtime", name, u8 ? "uint8" : "int8");
      const std::filesystem::path d = dir / fmt::format("{}_{}", name, u8 ? "u8" : "i8");
      std::filesystem::create_directories(d);
      ASSERT_TRUE(ExportOnnxFile(m.graph, (d / "model.onnx").string()).ok());
      const ir::ValueInfo* xi = m.graph.FindValue("x");
      Shape shape;
      for (const ir::Dim& dim : *xi->dims) shape.push_back(dim.value);
      Rng rng(11);
      const Tensor x = Tensor::FromVector<float>(shape, rng.Normal(ElementCount(shape)));
      ASSERT_TRUE(WriteNpy((d / "x.npy").string(), x).ok());
      const std::string cmd =
          fmt::format("node '{}/models/ort_check.js' '{}' --input x='{}' --out '{}' > '{}' 2>&1",
                      AORTA_TEST_SOURCE_DIR, (d / "model.onnx").string(), (d / "x.npy").string(),
                      (d / "ort").string(), (d / "log.txt").string());
      ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd << " failed (" << setup << "); see " << d;
      Result<Tensor> y = ReadNpy((d / "ort" / "0.npy").string());
      ASSERT_TRUE(y.ok()) << y.status().ToString();
      ExpectSameInts(*y, m, RunQModel(m, x), label);
    }
  }
  std::filesystem::remove_all(dir);
}

// ONNX Runtime's contrib QLinear ops (QOperator models from its quantizer): x -> QuantizeLinear
// -> QLinearConv 3x3 and QLinearConv 1x1 -> com.microsoft QLinearAdd -> QLinearGlobalAveragePool,
// the add and the pool dequantized as outputs. On the chip (two convs, VEC_ELTWISE, POOL, all with
// the graph's parameters) against ONNX Runtime on the same input: every int8 output within one
// step, and nearly all equal (the element-wise and pooling ratios are 30-bit fixed point on the
// chip, float in ORT: they differ only near rounding ties).
TEST(CompilePreQuantized, ContribQLinearAddAndPoolAgainstOnnxRuntime) {
  Rng rng(17);
  ir::Graph g = NewGraph();
  g.opset_imports[""] = 13;
  g.opset_imports["com.microsoft"] = 1;
  g.AddInput("x", DType::kF32, ir::StaticDims({1, 4, 5, 5}));
  auto scalar = [&](const std::string& n, float s, uint8_t z) {
    g.AddInitializer(n + "_s", Tensor::Scalar<float>(s));
    g.AddInitializer(n + "_z", Tensor::Scalar<uint8_t>(z));
  };
  scalar("x", 0.0237f, 130);
  scalar("w", 0.011f, 128);
  scalar("c1", 0.031f, 125);
  scalar("c2", 0.027f, 131);
  scalar("a", 0.043f, 120);
  scalar("p", 0.013f, 127);
  for (const auto& [name, k] : {std::pair{"w1", int64_t{3}}, std::pair{"w2", int64_t{1}}}) {
    Tensor w(DType::kU8, {6, 4, k, k});
    for (uint8_t& v : w.data<uint8_t>()) v = static_cast<uint8_t>(128 + rng.Int(-63, 63));
    g.AddInitializer(name, w);
  }
  g.AddNode("QuantizeLinear", {"x", "x_s", "x_z"}, {"xq"}, {}, "quant");
  g.AddNode("QLinearConv", {"xq", "x_s", "x_z", "w1", "w_s", "w_z", "c1_s", "c1_z"}, {"c1"},
            {{"pads", Ints{1, 1, 1, 1}}}, "conv3x3");
  g.AddNode("QLinearConv", {"xq", "x_s", "x_z", "w2", "w_s", "w_z", "c2_s", "c2_z"}, {"c2"}, {},
            "conv1x1");
  ir::Node& add = g.AddNode(
      "QLinearAdd", {"c1", "c1_s", "c1_z", "c2", "c2_s", "c2_z", "a_s", "a_z"}, {"aq"}, {}, "add");
  add.domain = "com.microsoft";
  ir::Node& gap = g.AddNode("QLinearGlobalAveragePool", {"aq", "a_s", "a_z", "p_s", "p_z"}, {"pq"},
                            {{"channels_last", int64_t{0}}}, "gap");
  gap.domain = "com.microsoft";
  g.AddNode("DequantizeLinear", {"aq", "a_s", "a_z"}, {"sum"}, {}, "dq_sum");
  g.AddNode("DequantizeLinear", {"pq", "p_s", "p_z"}, {"pooled"}, {}, "dq_pool");
  g.AddOutput("sum");
  g.AddOutput("pooled");

  Result<op_cases::CompiledCase> c = op_cases::CompileCase(g, Chip("sim16"), 5);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->compiled.report.nodes_host, 0u);
  for (const char* n : {"conv3x3", "conv1x1", "add", "gap"})
    EXPECT_EQ(PlacementOf(c->compiled.report, n)->where, "chip") << n;
  const Program& p = c->compiled.program;
  auto backend = runtime::MakeGoldenBackend({p.chips(0).config()});
  ASSERT_TRUE(backend.ok());
  auto session = runtime::Session::Load(p, **backend);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  Result<TensorMap> chip = (*session)->Run(c->inputs);
  ASSERT_TRUE(chip.ok()) << chip.status().ToString();

  const std::filesystem::path d = std::filesystem::path(AORTA_TEST_BUILD_DIR) / "compiler" /
                                  fmt::format("ort_contrib_{}", ::getpid());
  std::filesystem::create_directories(d);
  ASSERT_TRUE(ExportOnnxFile(g, (d / "model.onnx").string()).ok());
  ASSERT_TRUE(WriteNpy((d / "x.npy").string(), c->inputs.at("x")).ok());
  const std::string cmd =
      fmt::format("node '{}/models/ort_check.js' '{}' --input x='{}' --out '{}' > '{}' 2>&1",
                  AORTA_TEST_SOURCE_DIR, (d / "model.onnx").string(), (d / "x.npy").string(),
                  (d / "ort").string(), (d / "log.txt").string());
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd << " failed; see " << d;
  size_t equal = 0, total = 0;
  for (const auto& [i, name, s, z] :
       {std::tuple{0, "sum", 0.043, 120 - 128}, std::tuple{1, "pooled", 0.013, 127 - 128}}) {
    Result<Tensor> ort = ReadNpy((d / "ort" / fmt::format("{}.npy", i)).string());
    ASSERT_TRUE(ort.ok()) << ort.status().ToString();
    const std::vector<double> a = chip->at(name).ToDoubles(), b = ort->ToDoubles();
    ASSERT_EQ(a.size(), b.size()) << name;
    for (size_t k = 0; k < a.size(); ++k) {
      const long qa = std::lround(a[k] / s) + z, qb = std::lround(b[k] / s) + z;
      EXPECT_LE(std::abs(qa - qb), 1) << name << " " << k;
      equal += qa == qb;
      ++total;
    }
  }
  EXPECT_GE(equal * 100, total * 95) << equal << " of " << total;
  std::cout << fmt::format(
      "[pre-quantized] contrib QLinearAdd + QLinearGlobalAveragePool vs ORT: "
      "{} of {} int8 outputs equal\n",
      equal, total);
  std::filesystem::remove_all(d);
}

// ---- Wide outputs ------------------------------------------------------------------------------

// x [1, cin, h, w] -> Conv k x k (stride 1, padding p) -> y, optionally through the NHWC output
// Transpose and a Reshape to [1, h * w * cout / 2, 2] (BlazeFace's heads). The weights are
// integers q times a per-channel scale s_w[c] (one |q| = 127 per channel, so the quantizer's
// s_w = max |w| / 127 gives them back exactly), with very different scales per channel: an int8
// per-tensor output step covers the narrow channels' whole range.
struct WideConv {
  int64_t cin = 5, cout = 4, k = 3, pad = 1, h = 6, w = 7;
  bool nhwc = false;
  std::vector<float> w_scale = {1.0f, 1e-4f, 0.3f, 3e-4f};  // channel c: w_scale[c % size]
  std::vector<int8_t> q;                                    // [cout][cin][k][k]
  std::vector<float> bias;
  ir::Graph graph;
};

WideConv MakeWideConv(WideConv c, uint64_t seed) {
  Rng rng(seed);
  const int64_t per = c.cin * c.k * c.k;
  std::vector<float> w(static_cast<size_t>(c.cout * per));
  c.q.resize(w.size());
  for (int64_t o = 0; o < c.cout; ++o) {
    const float sw = c.w_scale[static_cast<size_t>(o) % c.w_scale.size()];
    for (int64_t i = 0; i < per; ++i) {
      const auto at = static_cast<size_t>(o * per + i);
      c.q[at] = static_cast<int8_t>(i == o % per ? (o % 2 == 0 ? 127 : -127) : rng.Int(-127, 127));
      w[at] = static_cast<float>(c.q[at]) * sw;
    }
    c.bias.push_back(static_cast<float>(rng.Uniform(-20, 20)) * sw);
  }
  ir::Graph g = NewGraph();
  g.AddInput("x", DType::kF32, ir::StaticDims({1, c.cin, c.h, c.w}));
  g.AddInitializer("w", Tensor::FromVector<float>({c.cout, c.cin, c.k, c.k}, w));
  g.AddInitializer("b", Tensor::FromVector<float>({c.cout}, c.bias));
  g.AddNode("Conv", {"x", "w", "b"}, {c.nhwc ? "c" : "y"},
            {{"kernel_shape", Ints{c.k, c.k}}, {"pads", Ints{c.pad, c.pad, c.pad, c.pad}}}, "conv");
  if (c.nhwc) {
    g.AddNode("Transpose", {"c"}, {"t"}, {{"perm", Ints{0, 2, 3, 1}}}, "to_nhwc");
    g.AddInitializer("shape", Tensor::FromVector<int64_t>({3}, {1, c.h * c.w * c.cout / 2, 2}));
    g.AddNode("Reshape", {"t", "shape"}, {"y"}, {}, "flat");
  }
  g.AddOutput("y");
  c.graph = std::move(g);
  return c;
}

// The integer result the chip's accumulator must hold, dequantized as the program says it
// will be, derived here from the int8 semantics alone: x_q = QuantizeLinear(x) with the input's
// binding; acc[c] = sum over in-image taps of (x_q - z_x) * q[c] + round_half_even(b[c] /
// (s_x * s_w[c])), s_w[c] = max |w_c| / 127; y = acc * s_x * s_w[c] (in double, then float).
// NCHW, or the NHWC order when c.nhwc.
std::vector<float> ExpectedWide(const WideConv& c, const Tensor& x,
                                const program::QuantParams& in) {
  const std::vector<float> xv = x.ToVector<float>();
  const double sx = in.scale();
  const int64_t per = c.cin * c.k * c.k;
  std::vector<float> y(static_cast<size_t>(c.cout * c.h * c.w));
  for (int64_t o = 0; o < c.cout; ++o) {
    const double sw =
        std::abs(static_cast<double>(static_cast<float>(127) *
                                     c.w_scale[static_cast<size_t>(o) % c.w_scale.size()])) /
        127.0;
    const double acc_scale = sx * sw;
    const auto bias =
        static_cast<int64_t>(std::nearbyint(c.bias[static_cast<size_t>(o)] / acc_scale));
    for (int64_t oy = 0; oy < c.h; ++oy)
      for (int64_t ox = 0; ox < c.w; ++ox) {
        int64_t acc = bias;
        for (int64_t ci = 0; ci < c.cin; ++ci)
          for (int64_t ky = 0; ky < c.k; ++ky)
            for (int64_t kx = 0; kx < c.k; ++kx) {
              const int64_t iy = oy + ky - c.pad, ix = ox + kx - c.pad;
              if (iy < 0 || iy >= c.h || ix < 0 || ix >= c.w) continue;
              const double v = xv[static_cast<size_t>((ci * c.h + iy) * c.w + ix)];
              const int64_t xq = static_cast<int64_t>(
                  std::clamp(std::nearbyint(v / sx) + in.zero_point(), -128.0, 127.0));
              acc += (xq - in.zero_point()) *
                     c.q[static_cast<size_t>(o * per + (ci * c.k + ky) * c.k + kx)];
            }
        const auto at = c.nhwc ? static_cast<size_t>((oy * c.w + ox) * c.cout + o)
                               : static_cast<size_t>((o * c.h + oy) * c.w + ox);
        y[at] = static_cast<float>(static_cast<double>(acc) * acc_scale);
      }
  }
  return y;
}

struct WideRun {
  Compiled compiled;
  Tensor x;
  std::vector<float> got, want;  // the chip's output and the fp32 reference on the int8 input
};

// Compiles `c` for `chip` (synthetic calibration), runs it on the golden model and on the fp32
// reference (fed the dequantized int8 input, so that only the output's quantization differs).
WideRun RunWide(const WideConv& c, const std::string& chip, bool wide_outputs) {
  WideRun r;
  CompileOptions o;
  o.wide_outputs = wide_outputs;
  Result<Compiled> compiled = CompileGraph(c.graph, Chip(chip), o);
  EXPECT_TRUE(compiled.ok()) << compiled.status().ToString();
  if (!compiled.ok()) return r;
  r.compiled = std::move(*compiled);
  const Program& p = r.compiled.program;
  Rng rng(7);
  r.x = Tensor::FromVector<float>({1, c.cin, c.h, c.w}, rng.Normal(c.cin * c.h * c.w));
  auto backend = runtime::MakeGoldenBackend({p.chips(0).config()});
  EXPECT_TRUE(backend.ok());
  auto session = runtime::Session::Load(p, **backend);
  EXPECT_TRUE(session.ok()) << session.status().ToString();
  if (!session.ok()) return r;
  Result<TensorMap> out = (*session)->Run({{"x", r.x}});
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  Result<TensorMap> ref =
      reference::RunReference(c.graph, {{"x", QuantDequant(r.x, p.inputs(0).quant())}});
  EXPECT_TRUE(ref.ok()) << ref.status().ToString();
  if (!out.ok() || !ref.ok()) return r;
  r.got = out->at("y").ToVector<float>();
  r.want = ref->at("y").ToVector<float>();
  return r;
}

// Cosine of each output channel of `a` against `b` (channel = the NCHW or NHWC axis).
std::vector<double> ChannelCosines(const WideConv& c, const std::vector<float>& a,
                                   const std::vector<float>& b) {
  std::vector<double> dot(static_cast<size_t>(c.cout)), na(dot.size()), nb(dot.size());
  const int64_t plane = c.h * c.w;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    const size_t ch = c.nhwc ? i % static_cast<size_t>(c.cout) : i / static_cast<size_t>(plane);
    dot[ch] += double{a[i]} * b[i];
    na[ch] += double{a[i]} * a[i];
    nb[ch] += double{b[i]} * b[i];
  }
  std::vector<double> cos;
  for (size_t ch = 0; ch < dot.size(); ++ch)
    cos.push_back(na[ch] > 0 && nb[ch] > 0 ? dot[ch] / std::sqrt(na[ch] * nb[ch]) : 0.0);
  return cos;
}

TEST(CompileWideOutputs, ConvOutputIsItsAccumulatorWithPerChannelScales) {
  const WideConv c = MakeWideConv(WideConv{}, 5);
  WideRun r = RunWide(c, "sim16", true);
  const Program& p = r.compiled.program;
  ASSERT_EQ(p.outputs_size(), 1);
  const program::TensorBinding& y = p.outputs(0);
  EXPECT_EQ(y.dtype(), program::DTYPE_I32);
  EXPECT_EQ(y.layout(), program::LAYOUT_CHANNEL_BLOCKED);
  EXPECT_EQ(y.quant().scale(), 0.0f) << "per-channel instead of per-tensor";
  ASSERT_EQ(y.channel_quant().scale_size(), c.cout);
  ASSERT_EQ(y.channel_quant().bias_size(), c.cout);
  // The record: scale = s_in * s_w[c], bias = round(b / scale) - z_in * sum(q[c]).
  const program::QuantParams& in = p.inputs(0).quant();
  const int64_t per = c.cin * c.k * c.k;
  for (int64_t o = 0; o < c.cout; ++o) {
    const double sw = static_cast<double>(127.0f * c.w_scale[static_cast<size_t>(o) % 4]) / 127.0;
    const double scale = static_cast<double>(in.scale()) * sw;
    EXPECT_EQ(y.channel_quant().scale(static_cast<int>(o)), scale) << "channel " << o;
    int64_t sum = 0;
    for (int64_t i = 0; i < per; ++i) sum += c.q[static_cast<size_t>(o * per + i)];
    EXPECT_EQ(y.channel_quant().bias(static_cast<int>(o)),
              std::nearbyint(c.bias[static_cast<size_t>(o)] / scale) - in.zero_point() * sum)
        << "channel " << o;
  }
  // The accumulator goes out by DMA_STORE from ACC; nothing post-processes it.
  const std::vector<isa::Insn> insns = RunStream(p);
  EXPECT_EQ(Count<isa::Postproc>(insns), 0u);
  EXPECT_TRUE(std::any_of(insns.begin(), insns.end(), [](const isa::Insn& i) {
    const auto* st = std::get_if<isa::DmaStore>(&i);
    return st != nullptr && st->mem == isa::Mem::kAcc;
  }));
  EXPECT_EQ(r.compiled.report.codegen.wide_outputs, std::vector<std::string>{"y"});
  EXPECT_NE(FormatSummary(r.compiled.report, Chip("sim16")).find("wide outputs"),
            std::string::npos);
  // Exactly the integer result, rescaled.
  EXPECT_EQ(r.got, ExpectedWide(c, r.x, in));
  for (double cos : ChannelCosines(c, r.got, r.want)) EXPECT_GE(cos, 0.9999);
}

TEST(CompileWideOutputs, Int8OutputLosesTheNarrowChannels) {
  // The same model with wide outputs off: one int8 step of the per-tensor output scale is larger
  // than the narrow channels' whole range, which then fail the bar that the wide output meets.
  const WideConv c = MakeWideConv(WideConv{}, 5);
  WideRun r = RunWide(c, "sim16", false);
  const program::TensorBinding& y = r.compiled.program.outputs(0);
  EXPECT_EQ(y.dtype(), program::DTYPE_I8);
  EXPECT_FALSE(y.has_channel_quant());
  EXPECT_GT(Count<isa::Postproc>(RunStream(r.compiled.program)), 0u);
  EXPECT_TRUE(r.compiled.report.codegen.wide_outputs.empty());
  const std::vector<double> cos = ChannelCosines(c, r.got, r.want);
  EXPECT_GE(cos[0], 0.999) << "the widest channel is fine in int8";
  EXPECT_LT(cos[1], 0.99) << "channel 1 spans less than one int8 step";
  EXPECT_LT(cos[3], 0.99);
}

TEST(CompileWideOutputs, NhwcOutputThroughTheDma) {
  // BlazeFace's heads: Conv -> Transpose NHWC -> Reshape, stored pixel-major (ROW_MAJOR int32,
  // channel = element index mod C).
  WideConv spec;
  spec.cout = 6;
  spec.nhwc = true;
  const WideConv c = MakeWideConv(spec, 9);
  WideRun r = RunWide(c, "tiny", true);
  const program::TensorBinding& y = r.compiled.program.outputs(0);
  EXPECT_EQ(y.dtype(), program::DTYPE_I32);
  EXPECT_EQ(y.layout(), program::LAYOUT_ROW_MAJOR);
  EXPECT_EQ(y.channel_quant().scale_size(), c.cout);
  EXPECT_EQ(r.got, ExpectedWide(c, r.x, r.compiled.program.inputs(0).quant()));
}

TEST(CompileWideOutputs, TiledThroughDram) {
  // 2 blocks x 64 x 72 input rows do not fit tiny's unified buffer: the layer runs in row tiles
  // and each tile's accumulator rows go to the output buffer.
  WideConv spec;
  spec.cin = 12;
  spec.cout = 10;
  spec.h = 64;
  spec.w = 72;
  const WideConv c = MakeWideConv(spec, 11);
  WideRun r = RunWide(c, "tiny", true);
  const codegen::CodegenResult& g = r.compiled.report.codegen;
  ASSERT_EQ(g.layers.size(), 1u);
  EXPECT_GT(g.layers[0].tiles, 1u);
  EXPECT_EQ(g.wide_outputs.size(), 1u);
  EXPECT_EQ(r.got, ExpectedWide(c, r.x, r.compiled.program.inputs(0).quant()));
}

TEST(CompileWideOutputs, OnlyOutputsWithoutActivation) {
  // A Relu after the conv stays on the chip: the output is int8.
  ConvSpec s;
  s.act = "Relu";
  Result<op_cases::CompiledCase> c = op_cases::CompileCase(ConvGraph(s, 3), Chip("sim16"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->compiled.program.outputs(0).dtype(), program::DTYPE_I8);
  EXPECT_TRUE(c->compiled.report.codegen.wide_outputs.empty());
}

}  // namespace
}  // namespace aorta
