// The run stream as a list of instructions in fetch order with their dependencies, and the two
// passes that finish it (docs/compiler.md, "Scheduling"):
//
//   StreamWeights  weights and per-channel parameters of streamed layers: DMA_LOAD chunks from
//                  the CONSTANT buffer in board DRAM into two alternating halves of a WB (and a
//                  PARAM) region, each load placed right after the last use of the chunk that
//                  occupied its half before (prefetch while the other half computes); the
//                  instructions' WB / PARAM addresses are relocated into the halves
//   AssignTokens   turns "B must not start before A completed" into the ISA's dependency tokens
//                  between neighbouring queues (LD<->EX, EX<->ST): per direction the consumer's
//                  requirement (the latest producer it needs) is a running maximum, and each
//                  increase is one push on that producer matched by one pop on the consumer
//                  (both queues run in order, so the k-th pop consumes the k-th push); barriers
//                  between the two make a dependency free
//
// Dependencies always point backwards in fetch order, so a producer is fetched before its
// consumer and a full queue can never hold up the instruction another queue waits for.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "core/config.h"
#include "core/isa/isa.h"
#include "core/status.h"

namespace aorta::codegen {

struct StreamOp {
  isa::Insn insn;
  std::vector<size_t> after;  // positions of instructions that must complete before this starts
  int32_t layer = -1;         // EX: the layer whose WB / PARAM rows it reads (relocated later)
};

class RunStream {
 public:
  size_t Add(isa::Insn insn, std::vector<size_t> after = {}, int32_t layer = -1);
  size_t size() const { return ops_.size(); }
  StreamOp& op(size_t i) { return ops_[i]; }
  const StreamOp& op(size_t i) const { return ops_[i]; }
  std::vector<StreamOp>& ops() { return ops_; }

  // Inserts each extra op right after position `pos` (std::nullopt: at the front), keeping the
  // order of extras with the same position, and renumbers every dependency (the extras' too:
  // they name positions before the insertion).
  struct Inserted {
    std::vector<size_t> renumber;  // old position -> new
    std::vector<size_t> extra;     // extra k -> its position
  };
  Inserted Insert(std::vector<std::pair<std::optional<size_t>, StreamOp>> extra);

  // Sets every instruction's token flags from the dependencies. A producer never runs more than
  // `token_capacity` tokens ahead: if it could, it is made to wait for the consumer of an earlier
  // token.
  Status AssignTokens(uint32_t token_capacity);

  std::vector<isa::Insn> Instructions() const;

 private:
  std::vector<StreamOp> ops_;
};

// Appends a layer's instructions (EX, and the DMA_STOREs of a wide output's accumulator rows)
// in order: the first waits for `after`, a DMA_STORE waits for the EX instruction before it, and
// an EX instruction that writes accumulator rows a store still reads waits for that store (the
// accumulator halves alternate between tiles; `stores` carries the stores not yet waited for from
// one call to the next, e.g. between the tiles of a tiled layer). Returns the position of the
// last EX instruction.
struct AccStores {
  struct Pending {
    size_t pos;
    uint64_t first, end;  // accumulator rows it reads
  };
  std::vector<Pending> pending;
};
std::optional<size_t> AddLayerCode(RunStream& stream, const std::vector<isa::Insn>& insns,
                                   const std::vector<size_t>& after, int32_t layer,
                                   const ChipGeometry& g, AccStores& stores);

// Rows of WB an EX instruction reads (LOADW: one N-row tile, DWCONV: its taps).
std::optional<std::pair<uint64_t, uint64_t>> WbRowsRead(const isa::Insn& insn, uint32_t n);
// Moves an instruction's WB and PARAM addresses by the given deltas (layer-local rows to chip
// rows), and its LUT selection through `lut_map` (layer-local table -> chip table).
void RelocateConstants(isa::Insn& insn, int64_t wb_delta, int64_t param_delta);
void RemapLut(isa::Insn& insn, const std::vector<uint32_t>& lut_map);

// A layer whose constants are streamed: where its WB rows and PARAM rows are in the CONSTANT
// buffer (byte offsets) and how many there are.
struct StreamedLayer {
  uint64_t wb_rows = 0, param_rows = 0;
  uint64_t wb_offset = 0, param_offset = 0;
};
struct WeightStreamConfig {
  uint32_t slot = 0;  // the CONSTANT buffer
  uint32_t n = 0;
  uint64_t wb_base = 0, wb_half = 0;        // two halves of wb_half rows from wb_base
  uint64_t param_base = 0, param_half = 0;  // two halves of param_half rows from param_base
};
struct WeightStreamStats {
  uint64_t wb_bytes = 0, param_bytes = 0;  // per inference
  uint64_t loads = 0;
};
// Splits large unified-buffer transfers so that compute overlaps them (docs/compiler.md,
// "Scheduling"): a DMA_LOAD into UB of more than 2 * chunk rows becomes chunks of about
// max(min_chunk_rows, rows / min(max_chunks, token_capacity / 2)) rows, and every EX op from the
// load's first EX dependant on (EX runs in order, so only that one named the load) waits for the
// chunks whose rows it touches (isa::ExtentsOf); a DMA_STORE from UB whose dependencies are all EX
// ops is split the same way and each chunk moves to right after the last instruction before it that
// writes its rows, waiting for that one only (when that writer is an EX op; otherwise the chunk
// stays where the store was, with its dependencies).
struct TransferSplitConfig {
  uint64_t min_chunk_rows = 256;
  uint64_t max_chunks = 32;
};
struct TransferSplitStats {
  uint64_t loads_split = 0, stores_split = 0, chunks = 0;
};
Result<TransferSplitStats> SplitTransfers(RunStream& stream, const ChipGeometry& g,
                                          const TransferSplitConfig& config = {});

// Ops with `layer` = s (an index into `layers`) read streamed constants; every other op's
// constants are already relocated. Plans the chunks, relocates, inserts the loads.
Result<WeightStreamStats> StreamWeights(RunStream& stream, const std::vector<StreamedLayer>& layers,
                                        const WeightStreamConfig& config);

}  // namespace aorta::codegen
