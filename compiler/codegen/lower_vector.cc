// The vector unit: element-wise ops and stand-alone activations (VEC_ELTWISE), pooling (POOL).
#include <algorithm>

#include "compiler/codegen/lowering.h"

namespace aorta::codegen {

namespace {

uint64_t AddEltRecord(ConstantImage& k, const intmath::EltwiseParams& p) {
  const uint64_t row = k.AddParamRows(1);
  uint32_t lane = 0;
  for (int32_t v : {p.ma, p.mb, p.shift, p.za, p.zb, p.zo, p.lo, p.hi}) k.Param(row, lane++) = v;
  return row;
}

isa::EltOp OpOf(intmath::EltKind kind) {
  switch (kind) {
    case intmath::EltKind::kAdd:
      return isa::EltOp::kAdd;
    case intmath::EltKind::kMul:
      return isa::EltOp::kMul;
    case intmath::EltKind::kMax:
      return isa::EltOp::kMax;
    case intmath::EltKind::kMin:
      return isa::EltOp::kMin;
  }
  return isa::EltOp::kAdd;
}

}  // namespace

Result<EltwisePlan> PlanEltwise(LowerContext& ctx, const ir::Node& node, const LayerIo& io) {
  AORTA_ASSIGN_OR_RETURN(const quant::QuantizedEltwise* ep,
                         QuantizedAs<quant::QuantizedEltwise>(ctx, node));
  const quant::QuantizedEltwise& e = *ep;
  const TensorPlace& a = *io.in;
  EltwisePlan plan;
  plan.v.op = OpOf(e.kind);
  plan.v.param_addr = static_cast<uint32_t>(AddEltRecord(ctx.consts, e.p));
  plan.unary = node.inputs.size() == 1 || node.op_type == "Clip";
  plan.b_const = e.b_const.has_value();
  plan.same_shape = plan.unary || (!plan.b_const && io.in2->plane() == a.plane());
  plan.v.b_src = plan.same_shape ? isa::BSrc::kUbRows
                                 : (plan.b_const ? isa::BSrc::kParam : isa::BSrc::kUbBcast);
  if (plan.b_const) {
    const uint32_t n = ctx.g.n;
    plan.b_first = ctx.consts.AddParamRows(a.blocks);
    for (int64_t c = 0; c < a.c; ++c)
      ctx.consts.Param(plan.b_first + static_cast<uint64_t>(c / n), static_cast<uint32_t>(c % n)) =
          (*e.b_const)[e.b_const->size() == 1 ? 0 : static_cast<size_t>(c)];
  }
  return plan;
}

void EmitEltwiseRows(const EltwisePlan& plan, uint32_t blk, uint64_t a_row, uint64_t b_row,
                     uint64_t out_row, uint64_t rows, LayerCode& code) {
  isa::VecEltwise v = plan.v;
  v.a_addr = static_cast<uint32_t>(a_row);
  v.b_addr =
      static_cast<uint32_t>(plan.unary ? a_row : (plan.b_const ? plan.b_first + blk : b_row));
  v.out_addr = static_cast<uint32_t>(out_row);
  v.rows = static_cast<uint32_t>(rows);
  code.Add(v, rows);
}

Status LowerEltwise(LowerContext& ctx, const ir::Node& node, const LayerIo& io, LayerCode& code) {
  AORTA_ASSIGN_OR_RETURN(EltwisePlan plan, PlanEltwise(ctx, node, io));
  const TensorPlace& a = *io.in;
  const TensorPlace& out = *io.out;
  if (plan.same_shape) {
    // b is a (stand-alone activation) or a tensor of a's shape: one pass over every row.
    EmitEltwiseRows(plan, 0, a.addr, plan.unary ? a.addr : io.in2->addr, out.addr, out.rows(),
                    code);
    return Status::Ok();
  }
  // Per channel block: b is one PARAM row of per-channel constants, or one broadcast UB row.
  for (uint32_t blk = 0; blk < a.blocks; ++blk)
    EmitEltwiseRows(plan, blk, a.addr + blk * a.plane(), plan.b_const ? 0 : io.in2->addr + blk,
                    out.addr + blk * out.plane(), out.plane(), code);
  return Status::Ok();
}

Result<isa::Pool> PlanPool(LowerContext& ctx, const ir::Node& node, const TensorPlace& in,
                           const TensorPlace& out) {
  isa::Pool p;
  p.in_h = static_cast<uint32_t>(in.h);
  p.in_w = static_cast<uint32_t>(in.w);
  p.out_h = static_cast<uint32_t>(out.h);
  p.out_w = static_cast<uint32_t>(out.w);
  if (node.op_type == "GlobalAveragePool") {
    p.k_h = p.in_h;
    p.k_w = p.in_w;
  } else {
    AORTA_ASSIGN_OR_RETURN(int64_t ceil_mode, node.GetInt("ceil_mode", 0));
    AORTA_ASSIGN_OR_RETURN(reference::Window win,
                           NodeWindow(ctx.q.graph, node, {in.h, in.w}, {}, ceil_mode != 0));
    p.k_h = static_cast<uint32_t>(win.kernel[0]);
    p.k_w = static_cast<uint32_t>(win.kernel[1]);
    p.stride_h = static_cast<uint32_t>(win.strides[0]);
    p.stride_w = static_cast<uint32_t>(win.strides[1]);
    p.pad_t = static_cast<uint32_t>(win.pads_begin[0]);
    p.pad_l = static_cast<uint32_t>(win.pads_begin[1]);
  }
  if (node.op_type == "MaxPool") {
    p.op = isa::PoolOp::kMax;
  } else {
    AORTA_ASSIGN_OR_RETURN(int64_t include_pad, node.GetInt("count_include_pad", 0));
    p.op = include_pad != 0 ? isa::PoolOp::kAvgPad : isa::PoolOp::kAvg;
    AORTA_ASSIGN_OR_RETURN(const quant::QuantizedAvgPool* ap,
                           QuantizedAs<quant::QuantizedAvgPool>(ctx, node));
    const quant::QuantizedAvgPool& a = *ap;
    const uint64_t rec = ctx.consts.AddParamRows(1);
    uint32_t lane = 0;
    for (int32_t v : {a.p.m, a.p.shift, a.p.zi, a.p.zo, a.p.lo, a.p.hi})
      ctx.consts.Param(rec, lane++) = v;
    p.param_addr = static_cast<uint32_t>(rec);
  }
  return p;
}

Status LowerResize(LowerContext& ctx, const ir::Node& node, const LayerIo& io, LayerCode& code) {
  (void)ctx;
  const TensorPlace& in = *io.in;
  const TensorPlace& out = *io.out;
  if (out.h % in.h != 0 || out.w % in.w != 0)
    return Internal("{}: {}x{} -> {}x{} is not an integer upscale", node.Describe(), in.h, in.w,
                    out.h, out.w);
  for (uint32_t blk = 0; blk < in.blocks; ++blk)
    EmitResizeRows(in.addr + blk * in.plane(), in.h, in.w, out.h / in.h, out.w / in.w,
                   out.addr + blk * out.plane(), code);
  return Status::Ok();
}

void EmitResizeRows(uint64_t in_row, int64_t in_h, int64_t in_w, int64_t scale_h, int64_t scale_w,
                    uint64_t out_row, LayerCode& code) {
  isa::Resize r;
  r.in_addr = static_cast<uint32_t>(in_row);
  r.out_addr = static_cast<uint32_t>(out_row);
  r.in_h = static_cast<uint32_t>(in_h);
  r.in_w = static_cast<uint32_t>(in_w);
  r.scale_h = static_cast<uint32_t>(scale_h);
  r.scale_w = static_cast<uint32_t>(scale_w);
  code.Add(r, static_cast<uint64_t>(in_h * scale_h * in_w * scale_w));
}

Status LowerPool(LowerContext& ctx, const ir::Node& node, const LayerIo& io, LayerCode& code) {
  const TensorPlace& in = *io.in;
  const TensorPlace& out = *io.out;
  AORTA_ASSIGN_OR_RETURN(isa::Pool p, PlanPool(ctx, node, in, out));
  for (uint32_t blk = 0; blk < in.blocks; ++blk) {
    p.in_addr = static_cast<uint32_t>(in.addr + blk * in.plane());
    p.out_addr = static_cast<uint32_t>(out.addr + blk * out.plane());
    code.Add(p, out.plane() * p.k_h * p.k_w);
  }
  return Status::Ok();
}

}  // namespace aorta::codegen
