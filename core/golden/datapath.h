// The golden model's datapath: what each instruction does to the on-chip memories, bit-exact.
//
// Plain functions over a ChipState (the on-chip memories and the array's two weight banks):
// no registers, queues, tokens or external memory in here, so the TLM model can reuse them for
// its data path. Every function first checks everything that can fault (on-chip row ranges,
// fields, PARAM values) and only then writes, so a faulting instruction has no effect. The
// arithmetic is core/intmath.h; the semantics are docs/isa.md.
//
// Check order inside one instruction (the first failing check is the one reported):
//   1. BAD_FIELD checks on fields (DMA row_bytes > row width, RESIZE overlap comes last, after 2);
//   2. CHIP_RANGE, one memory region at a time in the order listed per function below;
//   3. BAD_PARAM checks on PARAM contents.
// CHIP_RANGE reports the first row of the region that lies outside its memory
// (max(first row of the region, rows of the memory)), with the memory in ERR_ADDR bits 63:56
// (= ERR_ADDR_HI bits 31:24).
//
// Perf counter definitions (what each instruction adds; N = lanes; all counts per completed
// instruction, nothing is counted for an instruction that faults):
//
//   instruction  counters
//   -----------  ---------------------------------------------------------------------------
//   DMA_LOAD     INSN_DMA 1; DMA_RD_BYTES rows*row_bytes; <mem>_WR_BYTES rows*RowBytes(mem)
//                (the zero fill is written too; only UB, WB, ACC have counters)
//   DMA_STORE    INSN_DMA 1; DMA_WR_BYTES rows*row_bytes; <mem>_RD_BYTES rows*row_bytes
//   RECV         INSN_LINK 1; LINK_RX_BYTES rows*N; UB_WR_BYTES rows*N
//   SEND         INSN_LINK 1; LINK_TX_BYTES rows*N; UB_RD_BYTES rows*N
//   LOADW        INSN_LOADW 1; WB_RD_BYTES N*N
//   MATMUL       INSN_MATMUL 1; MACS P*N*N (P = out_h*out_w); UB_RD_BYTES N per output pixel
//                whose input pixel is inside the image (padding reads nothing);
//                ACC_RD_BYTES P*4N if accumulate; ACC_WR_BYTES P*4N
//   DWCONV       INSN_VECTOR 1; VEC_MACS P*k_h*k_w*N; UB_RD_BYTES N per (output pixel, tap)
//                inside the image; WB_RD_BYTES k_h*k_w*N (taps read once);
//                ACC_RD_BYTES P*4N if accumulate; ACC_WR_BYTES P*4N
//   POSTPROC     INSN_VECTOR 1; ACC_RD_BYTES rows*4N; UB_WR_BYTES rows*N
//   VEC_ELTWISE  INSN_VECTOR 1; UB_RD_BYTES rows*N for a, plus rows*N for b from UB
//                (UB_ROWS and UB_BCAST: b is read for every row); UB_WR_BYTES rows*N
//   POOL         INSN_VECTOR 1; UB_RD_BYTES N per (output pixel, tap) inside the image;
//                UB_WR_BYTES P*N
//   RESIZE       INSN_VECTOR 1; UB_RD_BYTES N and UB_WR_BYTES N per output pixel
//   SYNC, HALT   INSN_BARRIER 1
//   PERF         INSN_BARRIER 1; DMA_WR_BYTES kSnapshotBytes (counted after the snapshot is
//                taken, so a record does not include its own write)
//   fetch        FETCH_BYTES 32 per instruction word fetched
// PARAM and LUT traffic has no counter. CYCLES, *_BUSY, *_STALL and ARRAY_BUSY are timing
// counters: the golden model executes instantly and leaves them at 0.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "aorta/isa_gen.h"
#include "aorta/regs_gen.h"
#include "core/config.h"
#include "core/golden/datapath_kernels.h"

namespace aorta::golden {

using Counters = std::array<uint64_t, regs::kNumCounters>;
inline void Count(Counters& c, regs::Counter k, uint64_t v) { c[static_cast<size_t>(k)] += v; }

// Why an instruction faulted (code kNone: it did not). `addr` is ERR_ADDR as defined per code.
struct Fault {
  regs::ErrCode code = regs::ErrCode::kNone;
  uint64_t addr = 0;
  bool ok() const { return code == regs::ErrCode::kNone; }
};
// CHIP_RANGE: ERR_ADDR bits 31:0 = row, bits 63:56 = memory.
Fault ChipRangeFault(isa::Mem mem, uint64_t row);
inline Fault BadField() { return {regs::ErrCode::kBadField, 0}; }
inline Fault BadParam(uint64_t param_row) { return {regs::ErrCode::kBadParam, param_row}; }

// The on-chip state: UB, WB, ACC, PARAM, LUT and the array's two N x N weight banks.
// ACC and PARAM rows are int32 per lane; their byte view (Row) is little-endian.
class ChipState {
 public:
  explicit ChipState(const ChipGeometry& g);

  const ChipGeometry& geometry() const { return g_; }
  uint32_t n() const { return g_.n; }
  uint32_t RowBytes(isa::Mem m) const { return g_.RowBytes(static_cast<unsigned>(m)); }
  uint64_t Rows(isa::Mem m) const { return g_.Rows(static_cast<unsigned>(m)); }

  // Checks that rows [first, first + count) lie inside `m` (count 0: nothing to check).
  Fault CheckRows(isa::Mem m, uint64_t first, uint64_t count) const;

  // The raw bytes of one row (row < Rows(m)).
  std::span<uint8_t> Row(isa::Mem m, uint64_t row);
  std::span<const uint8_t> Row(isa::Mem m, uint64_t row) const;

  // Typed lane pointers to row `row` (N lanes; LUT: 256 entries).
  int8_t* Ub(uint64_t row) { return ub_.data() + row * g_.n; }
  const int8_t* Ub(uint64_t row) const { return ub_.data() + row * g_.n; }
  int8_t* Wb(uint64_t row) { return wb_.data() + row * g_.n; }
  const int8_t* Wb(uint64_t row) const { return wb_.data() + row * g_.n; }
  int32_t* Acc(uint64_t row) { return acc_.data() + row * g_.n; }
  const int32_t* Acc(uint64_t row) const { return acc_.data() + row * g_.n; }
  int32_t* Param(uint64_t row) { return param_.data() + row * g_.n; }
  const int32_t* Param(uint64_t row) const { return param_.data() + row * g_.n; }
  int8_t* Lut(uint64_t row) { return lut_.data() + row * 256; }
  const int8_t* Lut(uint64_t row) const { return lut_.data() + row * 256; }
  // Weight bank b: element [k * N + c] is W[k][c] (input channel k, output channel c).
  const int8_t* Bank(unsigned b) const { return banks_[b & 1].raw(); }
  // The bank with the matrix kernel's layout of it (core/golden/datapath_kernels.h).
  const kernels::BankWeights& BankLayout(unsigned b) const { return banks_[b & 1]; }
  // Loads bank b from N x N int8 weights (row k = input channel k).
  void SetBank(unsigned b, const int8_t* w) { banks_[b & 1].Set(w, g_.n); }

 private:
  ChipGeometry g_;
  std::vector<int8_t> ub_, wb_, lut_;
  std::vector<int32_t> acc_, param_;
  std::array<kernels::BankWeights, 2> banks_;
};

// ---- DMA, on-chip half --------------------------------------------------------------------
// The device resolves slots and external memory; these check and move the on-chip rows.
// DMA_LOAD / DMA_STORE checks: BAD_FIELD if row_bytes > RowBytes(mem), then CHIP_RANGE of
// rows [chip_addr, chip_addr + rows).
Fault CheckDmaRows(const ChipState& s, isa::Mem mem, uint64_t chip_addr, uint64_t rows,
                   uint64_t row_bytes);
// Writes `rows` rows of `row_bytes` bytes (data is rows * row_bytes bytes, row after row) into
// rows chip_addr.., zeroing each row's remaining bytes. Call after CheckDmaRows.
void CommitDmaLoad(ChipState& s, const isa::DmaLoad& d, std::span<const uint8_t> data, Counters& c);
// The first row_bytes bytes of each row, concatenated. Call after CheckDmaRows.
std::vector<uint8_t> GatherDmaStore(const ChipState& s, const isa::DmaStore& d, Counters& c);

// ---- Links, on-chip half ------------------------------------------------------------------
// RECV / SEND move rows * N bytes: CHIP_RANGE of UB rows [ub_addr, ub_addr + rows).
Fault CheckLinkRows(const ChipState& s, uint64_t ub_addr, uint64_t rows);
void CommitRecv(ChipState& s, const isa::Recv& r, std::span<const uint8_t> data, Counters& c);
std::vector<uint8_t> GatherSend(const ChipState& s, const isa::Send& snd, Counters& c);

// ---- EX instructions ----------------------------------------------------------------------
// Each checks, then executes and counts. Regions checked in this order:
//   LOADW:       WB [wb_addr, +N)
//   MATMUL:      UB (bounding box of in-image rows read), ACC [acc_addr, +out_h*out_w)
//   DWCONV:      UB (bounding box of in-image rows read), WB [wb_addr, +k_h*k_w),
//                ACC [acc_addr, +out_h*out_w)
//   POSTPROC:    ACC [acc_addr, +rows), UB [ub_addr, +rows), PARAM [param_addr, +3),
//                LUT [lut_sel, +1) if lut_en; then BAD_PARAM (ERR_ADDR param_addr + 2) if any
//                lane's shift is outside [kMinShift, kMaxShift]
//   VEC_ELTWISE: PARAM [param_addr, +1), UB a [a_addr, +rows), b (UB [b_addr, +rows) |
//                UB [b_addr, +1) | PARAM [b_addr, +1)), UB out [out_addr, +rows); then
//                BAD_PARAM (param_addr) if shift is outside [0, 62], BAD_PARAM (b_addr) if a
//                PARAM operand lane is outside int8
//   POOL:        UB (bounding box of in-image rows read), UB out [out_addr, +out_h*out_w),
//                PARAM [param_addr, +1) for AVG / AVG_PAD; then BAD_PARAM (param_addr) if
//                shift is outside [0, 40]
//   RESIZE:      UB in [in_addr, +in_h*in_w), UB out [out_addr, +in_h*in_w*scale_h*scale_w);
//                then BAD_FIELD if the two regions overlap
// Aliasing: VEC_ELTWISE works row by row (row r of a and b is read before row r of out is
// written); POOL works output pixel by output pixel in raster order (a pixel's taps are read
// before it is written), so an output region overlapping the input sees earlier outputs.
Fault ExecLoadw(ChipState& s, const isa::Loadw& i, Counters& c);
Fault ExecMatmul(ChipState& s, const isa::Matmul& i, Counters& c);
Fault ExecDwconv(ChipState& s, const isa::Dwconv& i, Counters& c);
Fault ExecPostproc(ChipState& s, const isa::Postproc& i, Counters& c);
Fault ExecVecEltwise(ChipState& s, const isa::VecEltwise& i, Counters& c);
Fault ExecPool(ChipState& s, const isa::Pool& i, Counters& c);
Fault ExecResize(ChipState& s, const isa::Resize& i, Counters& c);
// The EX instruction `insn` (one of the above) by its Exec function; any other instruction:
// BAD_OPCODE (a caller dispatches only EX instructions here).
Fault ExecEx(ChipState& s, const isa::Insn& insn, Counters& c);

}  // namespace aorta::golden
