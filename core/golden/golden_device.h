// The golden model: a Device (core/device.h) that executes aorta programs instantly and
// bit-exactly. It implements the whole register map (core/spec/regs.textproto), the DMA
// address map (board DRAM + host window), the LD / EX / ST queues with dependency tokens, and
// chip-to-chip link ports. The per-instruction data path is core/golden/datapath.h.
//
//   HostMemory host;
//   GoldenDevice dev(config, &host);
//   dev.WriteReg(regs::kSlotBaseLo(0), ...); ... dev.WriteReg(regs::kDoorbell, 1);
//   dev.WaitIrq(timeout);  // the run has finished inside WriteReg(DOORBELL) already
//
// Execution. DOORBELL (ignored while busy) starts a run and executes it synchronously, inside
// WriteReg, until HALT, an error, or until every queue that could progress waits on a link
// RECV whose data has not arrived; then the device stays busy and Step() (or WaitIrq, which
// steps whenever a peer sends) resumes it. The scheduler is deterministic:
//   repeat:
//     fetch the next word if none is pending (FETCH_FAULT past IQ_LEN or on a bus error;
//       BAD_OPCODE / BAD_FIELD if it does not decode; FETCH_BYTES += 32);
//     dispatch it if possible: a barrier (SYNC, PERF, HALT) executes when all three queues
//       are empty; any other instruction enters its queue unless the queue holds queue_depth;
//     otherwise execute the first ready queue head in the order LD, EX, ST. A head is ready
//       when the token counters it pops are > 0 (and, for RECV, its bytes have arrived);
//     if nothing can progress: stay busy when some head waits for link data, otherwise
//       TOKEN_DEADLOCK with ERR_PC = the oldest blocked instruction.
// A head that is ready first gets TOKEN_OVERFLOW if a counter it pushes is at token_capacity,
// then executes (faulting with no effect, or completing), then consumes its pops, adds its
// pushes and counts INSN_*.
//
// DMA: a row r of DMA_LOAD / DMA_STORE touches slot offsets [ext_offset + r*ext_stride,
// + row_bytes). Checks in order: BAD_FIELD / CHIP_RANGE (datapath.h), DMA_BOUNDS for every row
// (ERR_ADDR: the first slot offset >= SLOT_SIZE), DMA_FAULT for every row (ERR_ADDR: the
// first unmapped device address, or the first address of the row access the host memory
// refused). Nothing is written before every check passed.
//
// ERR_ADDR per code: BAD_OPCODE, BAD_FIELD, FETCH_FAULT: device address of the instruction
// word; CHIP_RANGE: row | mem << 56; DMA_BOUNDS: slot offset; DMA_FAULT: device address;
// TOKEN_DEADLOCK: 0; TOKEN_OVERFLOW: the counter (0 LD->EX, 1 EX->LD, 2 EX->ST, 3 ST->EX);
// BAD_PARAM: PARAM row; LINK_FAULT: link port; ABORTED: 0.
//
// Link faults (LINK_FAULT, ERR_ADDR = port, ERR_PC = the RECV / SEND): a port that is not
// attached or whose link is down (LinkChannel::SetUp(false) on either direction: a dropped link,
// a peer in reset) when a RECV / SEND reaches the head of its queue, also while a RECV waits. The
// model has no cycles, so LINK_TIMEOUT (register map) cannot count: a RECV waiting for bytes
// that the board can no longer deliver (nothing on any chip can progress: a peer that never
// sends, a channel that stopped delivering) expires through ExpireLinkWaits(), which the board
// (driver/runtime golden backend) calls for the chip it waits for when it finds the board stuck,
// if LINK_TIMEOUT != 0 — the outcome a timed model reaches LINK_TIMEOUT cycles later. SEND never waits here (the
// channels are unbounded), so it never times out.
//
// Soft reset (CTRL.soft_reset) clears queues, tokens, STATUS, IRQ_STATUS and ERR_*; memories,
// weight banks, slots, counters and link FIFOs keep their contents. If a run was in progress
// it is aborted and reported as STATUS.error with ERR_CODE ABORTED (no interrupt).
//
// Thread-safe: every public member locks the device. Board DRAM is a sparse page map.
#pragma once

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "aorta/isa_gen.h"
#include "aorta/regs_gen.h"
#include "core/config.h"
#include "core/device.h"
#include "core/golden/datapath.h"
#include "core/golden/register_file.h"
#include "core/status.h"

namespace aorta {

// One direction of a chip-to-chip link: an unbounded byte FIFO. Thread-safe.
class LinkChannel {
 public:
  // A link that goes down (a dropped link, a peer held in reset) faults the RECV / SEND of the
  // ports attached to it; the bytes already queued stay. Wakes the receiver like a Push.
  void SetUp(bool up);
  bool up() const;
  // Appends bytes, then calls the receiver's callback (if set) without holding the lock.
  void Push(std::span<const uint8_t> bytes);
  size_t Available() const;
  // Removes exactly out.size() bytes; false (nothing removed) if fewer are available.
  bool Pop(std::span<uint8_t> out);
  // Called after every Push; the receiving device uses it to wake a waiter.
  void SetOnPush(std::function<void()> on_push);

 private:
  mutable std::mutex mu_;
  std::deque<uint8_t> fifo_;
  std::function<void()> on_push_;
  bool up_ = true;
};

// A chip's end of a link: SEND pushes into tx, RECV pops from rx.
struct LinkEndpoint {
  std::shared_ptr<LinkChannel> tx;
  std::shared_ptr<LinkChannel> rx;
};
// A full-duplex link: two endpoints whose tx / rx are crossed.
std::pair<LinkEndpoint, LinkEndpoint> MakeLink();

class GoldenDevice : public Device {
 public:
  // A chip of a validated config. `host` is the host window (may be null: every access to it
  // faults).
  GoldenDevice(const ChipConfig& config, DeviceMemory* host);
  // The same from a geometry and the fingerprint shown in CONFIG_FP_LO/HI (tests use small
  // made-up geometries).
  GoldenDevice(const ChipGeometry& geometry, uint64_t fingerprint, DeviceMemory* host);
  ~GoldenDevice() override;
  GoldenDevice(const GoldenDevice&) = delete;
  GoldenDevice& operator=(const GoldenDevice&) = delete;

  uint32_t ReadReg(uint32_t offset) override;
  void WriteReg(uint32_t offset, uint32_t value) override;
  bool WaitIrq(std::chrono::milliseconds timeout) override;
  Status DramWrite(uint64_t addr, std::span<const uint8_t> data) override;
  Status DramRead(uint64_t addr, std::span<uint8_t> out) override;

  // Resumes a run that waits for link data; returns whether any instruction completed or the
  // run ended. A no-op (false) when idle.
  bool Step();
  bool busy() const;
  // True while busy and waiting for link data.
  bool waiting_on_link() const;
  // The board can no longer deliver the link data this device waits for: if LINK_TIMEOUT != 0,
  // the waiting RECV ends the run with LINK_FAULT (ERR_ADDR: its port). Returns whether it did.
  bool ExpireLinkWaits();

  // Connects link port `port` (< link_ports) to an endpoint.
  Status AttachLink(uint32_t port, LinkEndpoint endpoint);

  const ChipGeometry& geometry() const { return geometry_; }
  // Direct access to the on-chip memories and the counters, for tests and model comparisons.
  // Not synchronized: use only while no other thread drives the device.
  golden::ChipState& chip() { return chip_; }
  const golden::Counters& counters() const { return counters_; }
  // DRAM pages actually allocated (the map is sparse).
  size_t dram_pages() const;

 private:
  struct Entry {
    isa::Insn insn;
    uint32_t pc = 0;
  };
  enum class HeadResult { kEmpty, kExecuted, kWaitToken, kWaitLink, kFault };
  static constexpr uint64_t kDramPageBytes = uint64_t{1} << 16;

  // All below run with mu_ held.
  void StartRun();
  void ClearRun();
  void Run();
  bool Fetch();
  HeadResult TryHead(int q);
  golden::Fault Execute(const Entry& e);
  golden::Fault ExecuteBarrier(const Entry& e);
  golden::Fault DmaLoad(const isa::DmaLoad& d);
  golden::Fault DmaStore(const isa::DmaStore& d);
  golden::Fault Send(const isa::Send& s);
  golden::Fault CheckLink(uint32_t link) const;
  void Fail(golden::Fault f, uint32_t pc);

  // External memory (device address map). Faults are DMA_FAULT with the device address.
  golden::Fault SlotRange(uint32_t slot, uint64_t offset, uint64_t len, uint64_t* addr) const;
  // Device addresses of the rows of a DMA (DMA_BOUNDS unless every row lies in the slot).
  golden::Fault RowAddrs(uint32_t slot, uint64_t ext_offset, uint64_t ext_stride, uint64_t rows,
                         uint64_t row_bytes, std::vector<uint64_t>* addrs) const;
  golden::Fault Probe(uint64_t addr, uint64_t len) const;
  golden::Fault ExtRead(uint64_t addr, std::span<uint8_t> out) const;
  golden::Fault ExtWrite(uint64_t addr, std::span<const uint8_t> data);
  void DramCopyOut(uint64_t addr, std::span<uint8_t> out) const;
  void DramCopyIn(uint64_t addr, std::span<const uint8_t> data);

  void Wake();

  const ChipGeometry geometry_;
  DeviceMemory* const host_;

  mutable std::mutex mu_;
  golden::ChipState chip_;
  golden::Counters counters_{};
  std::unordered_map<uint64_t, std::unique_ptr<uint8_t[]>> dram_pages_;
  std::vector<LinkEndpoint> links_;
  golden::RegisterFile rf_;

  // Run state.
  std::array<std::deque<Entry>, isa::kNumQueues> queues_;
  std::optional<Entry> pending_;
  uint32_t next_pc_ = 0;
  std::array<uint32_t, 4> tokens_{};
  bool waiting_on_link_ = false;
  uint64_t completed_ = 0;  // instructions completed (progress measure for Step)

  // Wake-ups for WaitIrq (link data arrived, run ended, reset). Never held with mu_ taken
  // after it.
  std::mutex wake_mu_;
  std::condition_variable wake_cv_;
  uint64_t wake_seq_ = 0;
};

// Connects port_a of `a` with port_b of `b` by a fresh full-duplex link.
Status ConnectLinks(GoldenDevice& a, uint32_t port_a, GoldenDevice& b, uint32_t port_b);

}  // namespace aorta
