// One aorta chip in SystemC TLM-2.0 (loosely timed): the BAR0 register target, the DMA
// initiator (instruction fetch, DMA_LOAD / DMA_STORE, PERF records), the LD / EX / ST queues
// with dependency tokens and barriers, the matrix and vector units as timed processes, link
// ports, and the perf counters including the timing ones (CYCLES, *_BUSY, *_STALL, ARRAY_BUSY).
//
// Semantics are the golden model's (core/golden/golden_device.h): the same register map, the
// same checks and ERR_CODE / ERR_PC / ERR_ADDR, the same data path (core/golden/datapath.h,
// called here, not rewritten) and the same non-timing counters. What the golden model does
// instantly happens here in simulated time, with the RTL's cycle formulas (tlm/timing.h):
//   fetch     one 32-byte word per DMA read (prefetching kFetchDepth words ahead), decode and
//             dispatch one word per cycle; a barrier waits until every queue is empty and
//             nothing is in flight;
//   LD, ST    one instruction in flight each; a DMA moves one row per cycle at most (and
//             ceil(row_bytes / bus bytes) beats per row), each row a b_transport whose delay the
//             memory's bandwidth / latency model sets; the quantum keeper carries the local time
//             and syncs when the quantum is used up or the instruction completes;
//   EX        the matrix unit pipelines passes (M issue cycles each, done 2N after the last
//             issue) with LOADW into the idle bank hidden behind them; the vector unit takes one
//             instruction at a time (VectorCycles); EX switches units only when the other is
//             idle; completions are in order;
//   tokens    a head issues when the counters it pops are non-zero (consumed at issue); its
//             pushes are added at completion; TOKEN_OVERFLOW counts the pushes in flight;
//   deadlock  nothing in flight, the fetched word cannot be dispatched and every non-empty queue
//             waits for a token: TOKEN_DEADLOCK, ERR_PC the oldest waiting instruction.
// Instructions take effect on the on-chip memories when they issue (tokens order them, as on
// the golden model). A fault ends the run at once (instructions in flight still count).
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <array>
#include <bit>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <systemc>
#include <tlm>
#include <vector>

#include "aorta/isa_gen.h"
#include "aorta/regs_gen.h"
#include "core/config.h"
#include "core/golden/datapath.h"
#include "core/golden/device_rules.h"
#include "core/golden/register_file.h"
#include "core/status.h"
#include "tlm/link.h"
#include "tlm/memory.h"
#include "tlm/timing.h"

namespace aorta::tlm {

// A quantum keeper whose quanta are counted from an origin (the chip sets it to each run's start)
// instead of from time zero, as tlm_global_quantum's are: the LD and ST processes then sync at the
// same points of every run, so a program run again in a session takes the cycles its first run
// took (with the global grid, a run that started 0.45 us into a 1 us quantum synced elsewhere
// and the tiled per-op programs came out up to 2.6 % apart from one run to the next).
class RunQuantumKeeper : public tlm_utils::tlm_quantumkeeper {
 public:
  void set_origin(const sc_core::sc_time& t) { origin_ = t; }

 protected:
  sc_core::sc_time compute_local_quantum() override;

 private:
  sc_core::sc_time origin_;
};

// Observes what a chip does in simulated time (tlm/timeline.h turns it into a trace). Called from
// inside the simulation; times are picoseconds of simulated time; `chip` is the index the
// observer was attached with (Chip::SetObserver, BoardOptions::observer).
class ChipObserver {
 public:
  virtual ~ChipObserver() = default;
  // An instruction of queue `queue` (LD, EX or ST) from its issue to its completion (the
  // interval the *_BUSY counter of the queue counts, as a union with the queue's other ones).
  virtual void OnInstruction(uint32_t chip, isa::Queue queue, const isa::Insn& insn, uint32_t pc,
                             uint64_t issue_ps, uint64_t done_ps) = 0;
  // A barrier (SYNC, PERF, HALT) passed: every earlier instruction has completed.
  virtual void OnBarrier(uint32_t chip, const isa::Insn& insn, uint32_t pc, uint64_t at_ps) = 0;
  virtual void OnRunStart(uint32_t chip, uint64_t at_ps) = 0;
  // HALT, a fault or a soft reset of a busy chip ended the run.
  virtual void OnRunEnd(uint32_t chip, uint64_t at_ps, bool error) = 0;
  // CTRL.CLEAR_COUNTERS: the counters restart from zero.
  virtual void OnCountersCleared(uint32_t chip, uint64_t at_ps) = 0;
  // Queue `queue` waited from `from_ps` to `to_ps` for a RECV's rows to arrive over its link
  // (part of the queue's *_STALL count). Default: ignored.
  virtual void OnLinkWait(uint32_t /*chip*/, isa::Queue /*queue*/, uint64_t /*from_ps*/,
                          uint64_t /*to_ps*/) {}
};

class Chip : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Chip);

  tlm_utils::simple_target_socket<Chip> bar0;    // the register map, 4-byte accesses
  tlm_utils::simple_initiator_socket<Chip> dma;  // device address map (tlm/memory.h Bus)

  static constexpr uint32_t kFetchDepth = 8;  // instruction words fetched ahead

  // `has_host`: the device has a host window (else every access to it faults).
  Chip(sc_core::sc_module_name name, const ChipConfig& config, bool has_host);
  ~Chip() override;

  // Connects link port `port` to a channel pair (tx: this chip sends, rx: it receives).
  Status AttachLink(uint32_t port, LinkChannel* tx, LinkChannel* rx);
  // The board DRAM's timing model (the one its Dram target times b_transport with): a timed DRAM
  // access then takes its data through DMI and its delay from this model directly, the same calls
  // in the same order as through the bus (null: every access through the bus).
  void SetDramTiming(MemoryTiming* timing) { dram_timing_ = timing; }
  // Called (inside the simulation) when a run ends: HALT, an error.
  void SetOnRunEnd(std::function<void()> f) { on_run_end_ = std::move(f); }
  // Reports this chip's events to `observer` (null: none) as chip `index`.
  void SetObserver(ChipObserver* observer, uint32_t index) {
    observer_ = observer;
    observer_index_ = index;
  }

  bool irq() const { return rf_.IrqLine(); }
  bool busy() const { return rf_.busy; }
  // True while busy and some queue head waits for link data.
  bool waiting_on_link() const;
  const ChipGeometry& geometry() const { return geometry_; }
  const ChipTiming& timing() const { return timing_; }
  // The counters as they read now (CYCLES includes the run in progress).
  golden::Counters counters() const;
  golden::ChipState& state() { return chip_; }
  // Clock cycles since the simulation started (for speed figures).
  uint64_t Now() const;

 private:
  struct Entry {
    isa::Insn insn;
    uint32_t pc = 0;
    sc_core::sc_time ready;  // dispatched: may issue from this time on
  };
  // What an issued instruction does to the chip when it completes (Chip::Commit): nothing (SEND),
  // a fault found at issue (reported when the instruction would have completed), a DMA_LOAD's
  // or RECV's rows landing (`data`), a DMA_STORE's counters (`delta`), or an EX instruction
  // checked and executed (`insn`).
  struct Effect {
    enum class Kind : uint8_t { kNone, kFault, kLoad, kRecv, kStore, kExec };
    Kind kind = Kind::kNone;
    golden::Fault fault;
    isa::Insn insn;
    std::shared_ptr<std::vector<uint8_t>> data;
    std::shared_ptr<golden::Counters> delta;
    static Effect Exec(const isa::Insn& i) { return {Kind::kExec, {}, i, {}, {}}; }
  };
  // An issued instruction: when it completes and its effect.
  struct Issued {
    sc_core::sc_time done;
    Effect effect;
  };
  struct Completion {
    uint64_t run = 0;
    int q = 0;
    uint32_t pc = 0;
    isa::Opcode op{};
    golden::TokenUse use;
    Effect effect;
  };

  // Registers (BAR0).
  void Bar0Transport(::tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  uint32_t ReadReg(uint32_t offset);
  void WriteReg(uint32_t offset, uint32_t value);

  // Processes.
  void FetchThread();
  void LdThread() { QueueThread(static_cast<int>(isa::Queue::kLd)); }
  void ExThread() { QueueThread(static_cast<int>(isa::Queue::kEx)); }
  void StThread() { QueueThread(static_cast<int>(isa::Queue::kSt)); }
  void QueueThread(int q);
  void CompletionMethod();
  void DeadlockMethod();

  // Run control.
  void StartRun();
  void ClearRun();
  void EndRun();
  void Fail(golden::Fault f, uint32_t pc);
  bool Running(uint64_t run) const { return rf_.busy && !rf_.error && run == run_; }
  void Changed() { changed_.notify(sc_core::SC_ZERO_TIME); }
  // Whether the entry can enter its queue now (a barrier: the chip is idle); EX instructions
  // issued ahead of now still hold their entries.
  bool CanDispatch(const Entry& e);
  // Forgets the EX instructions issued ahead that have issued by now.
  void DropIssuedAhead();
  // Whether the fetch slot, with an entry for queue `q` ready to dispatch at `t` (>= now), knows
  // when it can: `at` is t if the queue has room then, or the cycle after the issue that makes
  // room (EX instructions issued ahead); false if that depends on issues still to come.
  bool RoomAt(int q, const sc_core::sc_time& t, sc_core::sc_time* at);
  bool QueuesIdle() const;
  // Applies a completion now (if its run is still going): commits its effect (or fails the
  // run), pushes its tokens, counts the instruction.
  void Complete(const Completion& c);
  golden::Fault Commit(const Effect& e);

  // Fetch: keeps kFetchDepth words requested ahead of decode, from the slot's time `now` on (one
  // request per cycle; each through the DMA socket, a word that cannot be read ends the stream).
  void FetchWords(uint64_t run, const sc_core::sc_time& now);
  // FETCH_BYTES of a word decoded at `at` (the slot runs ahead of SystemC time: a word decoded
  // later counts from then on, and not at all if the run ends first).
  void CountFetchWord(const sc_core::sc_time& at);
  // Counts the words decoded by now.
  void FlushFetchWords();
  // The instruction of the word `bytes` fetched at `pc` (decoded once per distinct word and pc),
  // or null if it does not decode.
  const isa::Insn* Decoded(uint32_t pc, const std::array<uint8_t, isa::kWordBytes>& bytes);
  // Issues an instruction now: its external traffic (timed transactions), its unit's timing.
  // Runs inside the issuing thread (may wait for the quantum keeper).
  Issued Issue(const Entry& e, const sc_core::sc_time& now);
  Issued DmaLoad(const isa::DmaLoad& d);
  Issued DmaStore(const isa::DmaStore& d);
  // An instruction whose issue found a fault: reported one cycle later.
  Issued Faulted(golden::Fault f) const;
  golden::Fault Barrier(const Entry& e);
  golden::Fault CheckLink(uint32_t link) const;
  golden::Fault RowAddrs(uint32_t slot, uint64_t ext_offset, uint64_t ext_stride, uint64_t rows,
                         uint64_t row_bytes, std::vector<uint64_t>* addrs) const;
  // One timed bus access at local time offset `local`; returns the completion offset, or the
  // fault (DMA_FAULT at `addr` when the target refuses).
  // `charged`: the bytes the transfer costs the memory's bandwidth (whole bus beats; kAllBytes:
  // its length).
  static constexpr uint64_t kAllBytes = ~uint64_t{0};
  // `gp`: the calling process's payload (one per initiator process, reused: a payload costs an
  // allocation to build).
  golden::Fault Transfer(::tlm::tlm_generic_payload& gp, bool write, uint64_t addr,
                         std::span<uint8_t> data, sc_core::sc_time* local,
                         uint64_t charged = kAllBytes);
  // Beats of the DMA bus a row of `bytes` bytes at `addr` touches.
  uint64_t BeatsOf(uint64_t addr, uint64_t bytes) const;
  // The DMA bus beat `addr` falls in (the bus width is a power of two: ChipTiming).
  uint64_t BeatOf(uint64_t addr) const {
    return bus_shift_ >= 0 ? addr >> bus_shift_ : addr / timing_.dma_bus_bytes;
  }
  // EX: the earliest cycle (>= now) the head `insn` may issue: the handoff register, a free
  // table entry, no unfinished overlapping work of the other unit (ShellTiming).
  sc_core::sc_time ExIssueTime(const isa::Insn& insn, const sc_core::sc_time& now);
  // Records an EX instruction accepted by its unit in `accept`, done in `done`; returns its
  // retire time.
  sc_core::sc_time ExAccepted(const isa::Insn& insn, const sc_core::sc_time& accept,
                              const sc_core::sc_time& done);
  // Untimed access (transport_dbg); reads take DMI where the bus grants it.
  bool Debug(bool write, uint64_t addr, std::span<uint8_t> data);
  // A pointer to `bytes` readable (`write`: writable) bytes at device address `addr` through
  // DMI (DRAM pages; the grants are kept until the target invalidates them), or null.
  uint8_t* Direct(uint64_t addr, uint64_t bytes, bool write = false);
  void InvalidateDirect(sc_dt::uint64 start, sc_dt::uint64 end);
  // n clock periods (exactly clk_ * n: integer time values; small n from a table).
  sc_core::sc_time Cycles(uint64_t n) const {
    return n < cycles_.size() ? cycles_[n] : sc_core::sc_time::from_value(clk_.value() * n);
  }
  uint64_t ToCycles(const sc_core::sc_time& t) const;
  void AddBusy(regs::Counter k, const sc_core::sc_time& from, const sc_core::sc_time& to,
               sc_core::sc_time* until);

  const ChipGeometry geometry_;
  const ChipTiming timing_;
  const bool has_host_;
  const sc_core::sc_time clk_;
  std::array<sc_core::sc_time, 64> cycles_;  // Cycles(n) for n < 64
  // log2 of the DMA bus width when it is a power of two, else -1.
  const int bus_shift_ =
      timing_.dma_bus_bytes != 0 && (timing_.dma_bus_bytes & (timing_.dma_bus_bytes - 1)) == 0
          ? std::countr_zero(timing_.dma_bus_bytes)
          : -1;
  golden::ChipState chip_;
  golden::Counters counters_{};
  std::vector<LinkChannel*> tx_, rx_;
  std::function<void()> on_run_end_;
  ChipObserver* observer_ = nullptr;
  uint32_t observer_index_ = 0;
  uint64_t Ps(const sc_core::sc_time& t) const {
    return static_cast<uint64_t>(t / sc_core::sc_time(1, sc_core::SC_PS) + 0.5);
  }
  RunQuantumKeeper qk_ld_, qk_st_;
  // The bus payloads of the fetch, PERF record (barrier), LD and ST processes and of debug
  // accesses; all but fetch carry their BusBytes extension (a member, attached for good).
  ::tlm::tlm_generic_payload gp_fetch_, gp_perf_, gp_ld_, gp_st_, gp_debug_;
  BusBytes bus_perf_, bus_ld_, bus_st_;
  std::map<uint64_t, ::tlm::tlm_dmi> dmi_;  // DMI grants by start address
  // The grants Direct used last for a read and for a write (null: none): the loads and the
  // stores of a layer move different regions, often in different DMI pages.
  std::array<const ::tlm::tlm_dmi*, 2> last_dmi_{};
  MemoryTiming* dram_timing_ = nullptr;  // SetDramTiming

  golden::RegisterFile rf_;

  // Run state.
  uint64_t run_ = 0;  // incremented by every start, end and reset
  sc_core::sc_time run_start_;
  uint64_t cycles_done_ = 0;  // CYCLES of finished runs
  std::array<std::deque<Entry>, isa::kNumQueues> queues_;
  std::optional<Entry> pending_;   // decoded, not yet dispatched
  sc_core::sc_time pending_from_;  // when pending_ was decoded (the slot may set it ahead)
  std::deque<std::pair<uint32_t, sc_core::sc_time>> fetched_;  // pc, arrival of words ahead
  std::deque<std::array<uint8_t, isa::kWordBytes>> fetch_data_;
  // Decoded instruction words by pc, kept across runs of the same stream (IQ_BASE, IQ_LEN) and
  // used only while the fetched word's bytes are the same (a program run again decodes once).
  struct DecodedWord {
    bool valid = false;
    std::array<uint8_t, isa::kWordBytes> bytes{};
    isa::Insn insn;
  };
  std::vector<DecodedWord> decoded_;
  bool keep_decoded_ = false;  // this run is a repeat of the last run's stream: keep words
  uint64_t decoded_base_ = ~uint64_t{0};
  uint32_t decoded_len_ = 0;
  isa::Insn decoded_once_;  // the word just decoded when words are not kept
  uint32_t next_fetch_ = 0, next_decode_ = 0;
  sc_core::sc_time fetch_issue_;                    // when the next fetch request can go out
  std::deque<sc_core::sc_time> fetch_words_ahead_;  // decode times of words not counted yet
  int fetch_waits_ = -1;  // the queue whose room the blocked fetch slot waits for (-1: none)
  std::array<uint32_t, 4> tokens_{}, inflight_push_{};
  std::array<uint32_t, isa::kNumQueues> inflight_{};
  std::array<bool, isa::kNumQueues> link_wait_{};
  // The link watchdog of a waiting RECV (LINK_TIMEOUT): the run and instruction it watches, the
  // bytes that had arrived when it last looked, and since when none arrived.
  struct LinkWatch {
    uint64_t run = UINT64_MAX;
    uint32_t pc = 0;
    uint64_t arrived = 0;
    sc_core::sc_time since;
  };
  std::array<LinkWatch, isa::kNumQueues> link_watch_{};
  // EX completions in time order (equal times in issue order).
  std::deque<std::pair<sc_core::sc_time, Completion>> completions_;
  // Matrix / vector unit state (EX).
  // Matrix unit: the next acceptance of any instruction (one per cycle, in order), of a pass
  // (the previous pass's last vector), of a LOADW (the previous load's last WB read); the last
  // done pulse. Vector unit: the next acceptance (the previous done). EX: the handoff register
  // free (the last acceptance), the last retirement, the table of instructions not retired.
  sc_core::sc_time mx_next_accept_, mx_accept_free_, mx_done_, vx_free_, loadw_free_;
  std::array<sc_core::sc_time, 2> bank_pass_issue_end_, bank_load_end_;
  struct ExEntry {
    bool vector = false;
    ExRanges rng;
    sc_core::sc_time done, retire;
  };
  std::deque<ExEntry> ex_table_;
  // EX's own time (it runs ahead of SystemC time: QueueThread), and the instructions it issued
  // ahead of now: issue time and pc, in issue order (dropped once now has reached them).
  sc_core::sc_time ex_local_;
  std::deque<std::pair<sc_core::sc_time, uint32_t>> ex_ahead_;
  // The EX handoff of each unit (0 matrix, 1 vector) takes the next instruction from then.
  sc_core::sc_time ex_issue_free_[2], ex_last_retire_;
  sc_core::sc_time ld_busy_until_, ex_busy_until_, st_busy_until_, array_busy_until_;

  // changed_: any change of the queues, tokens or run (a RECV waiting for link data re-checks);
  // fetch_ev_: the queue the fetch slot waits for has room (notified for the cycle after the
  // issue), an instruction completed while a barrier waits, or the run changed;
  // queue_ev_[q]: an entry entered queue q, a token was pushed, an instruction of q completed, or
  // the run changed.
  sc_core::sc_event start_, changed_, fetch_ev_, completion_ev_, deadlock_check_;
  std::array<sc_core::sc_event, isa::kNumQueues> queue_ev_;
  // What each queue's thread waits for on queue_ev_ (only those waits are notified; the run's
  // changes notify every queue).
  enum class QueueWait : uint8_t { kNone, kEntry, kToken };
  std::array<QueueWait, isa::kNumQueues> queue_waits_{};
};

}  // namespace aorta::tlm
