#include "tlm/chip.h"

#include <algorithm>
#include <cstring>
#include <deque>

#include "core/isa/isa.h"
#include "tlm/sim_time.h"

namespace aorta::tlm {

using golden::Fault;
using regs::Counter;
using regs::ErrCode;
using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

namespace {
constexpr int kLd = static_cast<int>(isa::Queue::kLd);
constexpr int kEx = static_cast<int>(isa::Queue::kEx);
constexpr int kSt = static_cast<int>(isa::Queue::kSt);

bool IsMatrix(const isa::Insn& i) {
  return std::holds_alternative<isa::Matmul>(i) || std::holds_alternative<isa::Loadw>(i);
}
}  // namespace

Chip::Chip(sc_core::sc_module_name name, const ChipConfig& config, bool has_host)
    : sc_module(name),
      bar0("bar0"),
      dma("dma"),
      geometry_(GeometryOf(config)),
      timing_(TimingOf(config)),
      has_host_(has_host),
      clk_(timing_.period_ps, sc_core::SC_PS),
      chip_(geometry_),
      tx_(geometry_.link_ports, nullptr),
      rx_(geometry_.link_ports, nullptr),
      rf_(geometry_, Fingerprint(config)) {
  bar0.register_b_transport(this, &Chip::Bar0Transport);
  dma.register_invalidate_direct_mem_ptr(this, &Chip::InvalidateDirect);
  for (auto& [gp, ext] : {std::pair{&gp_perf_, &bus_perf_}, std::pair{&gp_ld_, &bus_ld_},
                          std::pair{&gp_st_, &bus_st_}})
    gp->set_extension(ext);
  for (uint64_t n = 0; n < cycles_.size(); ++n) cycles_[n] = sc_time::from_value(clk_.value() * n);
  SC_THREAD(FetchThread);
  SC_THREAD(LdThread);
  SC_THREAD(ExThread);
  SC_THREAD(StThread);
  SC_METHOD(CompletionMethod);
  sensitive << completion_ev_;
  dont_initialize();
  SC_METHOD(DeadlockMethod);
  sensitive << deadlock_check_;
  dont_initialize();
}

Chip::~Chip() {
  // The extensions are members, not owned by the payloads (which would free them).
  for (auto& [gp, ext] : {std::pair{&gp_perf_, &bus_perf_}, std::pair{&gp_ld_, &bus_ld_},
                          std::pair{&gp_st_, &bus_st_}})
    gp->clear_extension(ext);
}

Status Chip::AttachLink(uint32_t port, LinkChannel* tx, LinkChannel* rx) {
  if (port >= geometry_.link_ports)
    return InvalidArgument("link port {} does not exist ({} ports)", port, geometry_.link_ports);
  if (tx == nullptr || rx == nullptr) return InvalidArgument("link endpoint without channels");
  tx_[port] = tx;
  rx_[port] = rx;
  return Status::Ok();
}

bool Chip::waiting_on_link() const {
  return rf_.busy && std::any_of(link_wait_.begin(), link_wait_.end(), [](bool b) { return b; });
}

sc_time RunQuantumKeeper::compute_local_quantum() {
  const sc_time q = ::tlm::tlm_global_quantum::instance().get();
  if (q == SC_ZERO_TIME) return SC_ZERO_TIME;
  const sc_time now = SimTime();
  const uint64_t since = now > origin_ ? (now - origin_).value() : 0;
  return q - sc_time::from_value(since % q.value());
}

uint64_t Chip::ToCycles(const sc_time& t) const { return static_cast<uint64_t>(t / clk_ + 0.5); }

uint64_t Chip::Now() const { return ToCycles(SimTime()); }

golden::Counters Chip::counters() const {
  golden::Counters c = counters_;
  const sc_time now = SimTime();
  for (const sc_time& t : fetch_words_ahead_) {
    if (t > now) break;
    golden::Count(c, Counter::kFetchBytes, isa::kWordBytes);
  }
  c[static_cast<size_t>(Counter::kCycles)] =
      cycles_done_ + (rf_.busy ? ToCycles(SimTime() - run_start_) : 0);
  return c;
}

void Chip::FlushFetchWords() {
  const sc_time now = SimTime();
  while (!fetch_words_ahead_.empty() && fetch_words_ahead_.front() <= now) {
    golden::Count(counters_, Counter::kFetchBytes, isa::kWordBytes);
    fetch_words_ahead_.pop_front();
  }
}

void Chip::CountFetchWord(const sc_time& at) {
  FlushFetchWords();
  if (at <= SimTime()) {
    golden::Count(counters_, Counter::kFetchBytes, isa::kWordBytes);
  } else {
    fetch_words_ahead_.push_back(at);
  }
}

void Chip::AddBusy(Counter k, const sc_time& from, const sc_time& to, sc_time* until) {
  const sc_time begin = std::max(from, *until);
  if (to > begin) counters_[static_cast<size_t>(k)] += ToCycles(to - begin);
  *until = std::max(*until, to);
}

// ---- Registers ------------------------------------------------------------------------------

void Chip::Bar0Transport(::tlm::tlm_generic_payload& gp, sc_time& delay) {
  (void)delay;
  if (gp.get_data_length() != 4 || gp.get_address() % 4 != 0 || gp.get_byte_enable_ptr()) {
    gp.set_response_status(::tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  const auto offset = static_cast<uint32_t>(gp.get_address());
  uint8_t* p = gp.get_data_ptr();
  if (gp.is_write()) {
    WriteReg(offset,
             uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24);
  } else {
    const uint32_t v = ReadReg(offset);
    for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
  }
  gp.set_response_status(::tlm::TLM_OK_RESPONSE);
}

uint32_t Chip::ReadReg(uint32_t offset) { return rf_.Read(offset, counters()); }

void Chip::WriteReg(uint32_t offset, uint32_t value) {
  const golden::RegisterFile::Effect e = rf_.Write(offset, value);
  if (e.soft_reset) {
    const bool was_busy = rf_.busy;
    uint32_t oldest = next_decode_;
    for (const auto& q : queues_)
      if (!q.empty()) oldest = std::min(oldest, q.front().pc);
    if (pending_) oldest = std::min(oldest, pending_->pc);
    DropIssuedAhead();
    for (const auto& [at, pc] : ex_ahead_) oldest = std::min(oldest, pc);  // not issued yet
    if (was_busy) cycles_done_ += ToCycles(SimTime() - run_start_);
    if (was_busy && observer_) observer_->OnRunEnd(observer_index_, Ps(SimTime()), true);
    ClearRun();
    rf_.SoftReset(was_busy, oldest);
  }
  if (e.clear_counters) {
    FlushFetchWords();  // the words decoded later count after the clear
    counters_.fill(0);
    cycles_done_ = 0;
    run_start_ = SimTime();
    rf_.ClearCounterLatches();
    if (observer_) observer_->OnCountersCleared(observer_index_, Ps(SimTime()));
  }
  if (e.doorbell && !rf_.busy) StartRun();
}

// ---- Run control ----------------------------------------------------------------------------

void Chip::ClearRun() {
  // Words the fetch slot decoded ahead of now were never decoded in this run.
  FlushFetchWords();
  fetch_words_ahead_.clear();
  for (auto& q : queues_) q.clear();
  pending_.reset();
  fetched_.clear();
  fetch_data_.clear();
  next_fetch_ = next_decode_ = 0;
  tokens_.fill(0);
  inflight_push_.fill(0);
  inflight_.fill(0);
  link_wait_.fill(false);
  completions_.clear();
  ex_table_.clear();
  ex_ahead_.clear();
  ex_local_ = SC_ZERO_TIME;
  ++run_;
  Changed();
  fetch_ev_.notify(SC_ZERO_TIME);
  for (auto& ev : queue_ev_) ev.notify(SC_ZERO_TIME);
}

void Chip::StartRun() {
  ClearRun();
  rf_.StartRun();
  // A stream run again (the same base and length: a program's next inference) keeps its decoded
  // words; the first run of a stream does not pay for keeping them.
  keep_decoded_ = rf_.iq_base == decoded_base_ && rf_.iq_len == decoded_len_;
  if (!keep_decoded_) std::vector<DecodedWord>().swap(decoded_);
  decoded_base_ = rf_.iq_base;
  decoded_len_ = rf_.iq_len;
  run_start_ = SimTime();
  qk_ld_.set_origin(run_start_);
  qk_st_.set_origin(run_start_);
  fetch_issue_ = run_start_ + clk_;
  if (observer_) observer_->OnRunStart(observer_index_, Ps(run_start_));
  start_.notify(SC_ZERO_TIME);
}

void Chip::EndRun() {
  cycles_done_ += ToCycles(SimTime() - run_start_);
  ClearRun();
  if (observer_) observer_->OnRunEnd(observer_index_, Ps(SimTime()), rf_.error);
  if (on_run_end_) on_run_end_();
}

void Chip::Fail(Fault f, uint32_t pc) {
  rf_.SetError(f, pc);
  EndRun();
}

bool Chip::QueuesIdle() const {
  for (int q = kLd; q <= kSt; ++q)
    if (!queues_[q].empty() || inflight_[q] != 0) return false;
  return completions_.empty();
}

void Chip::DropIssuedAhead() {
  const sc_time now = SimTime();
  while (!ex_ahead_.empty() && ex_ahead_.front().first <= now) ex_ahead_.pop_front();
}

bool Chip::RoomAt(int q, const sc_time& t, sc_time* at) {
  const size_t n = queues_[q].size();
  if (n >= geometry_.queue_depth) return false;
  *at = t;
  if (q != kEx) return true;
  DropIssuedAhead();
  // Room once at most depth - 1 - n of the instructions issued ahead are still to issue.
  const size_t keep = geometry_.queue_depth - 1 - n;
  if (ex_ahead_.size() <= keep) return true;
  const sc_time y = ex_ahead_[ex_ahead_.size() - keep - 1].first;
  if (y > t) *at = y + clk_;  // a full queue has room the cycle after its head issued
  return true;
}

bool Chip::CanDispatch(const Entry& e) {
  const isa::Queue queue = isa::QueueOf(e.insn);
  if (queue == isa::Queue::kBarrier) return QueuesIdle();
  // EX instructions issued ahead of now still hold their entries.
  if (queue == isa::Queue::kEx) DropIssuedAhead();
  const size_t held =
      queues_[static_cast<int>(queue)].size() + (queue == isa::Queue::kEx ? ex_ahead_.size() : 0);
  return held < geometry_.queue_depth;
}

void Chip::Complete(const Completion& c) {
  if (c.run != run_) return;  // the run it belonged to has ended
  if (Fault f = Commit(c.effect); !f.ok()) {
    Fail(f, c.pc);
    return;
  }
  --inflight_[c.q];
  bool pushed = false;
  for (int k : {c.use.push_prev, c.use.push_next}) {
    if (k == golden::kNoCounter) continue;
    --inflight_push_[k];
    ++tokens_[k];
    pushed = true;
  }
  golden::Count(counters_, golden::InsnCounter(c.op), 1);
  Changed();
  // A barrier waiting in the fetch slot may find the chip idle (a word waiting for room in its
  // queue waits for an issue, not for completions).
  if (pending_ && isa::QueueOf(pending_->insn) == isa::Queue::kBarrier)
    fetch_ev_.notify(SC_ZERO_TIME);
  // With nothing in flight the chip may be deadlocked (DeadlockMethod decides).
  if (std::all_of(inflight_.begin(), inflight_.end(), [](uint32_t n) { return n == 0; }))
    deadlock_check_.notify(SC_ZERO_TIME);
  // A head waiting for a token may have it; or its queue became idle (a head waiting for a token
  // counts *_STALL from then on).
  for (int q = kLd; q <= kSt; ++q)
    if (queue_waits_[q] == QueueWait::kToken && (pushed || q == c.q))
      queue_ev_[q].notify(SC_ZERO_TIME);
}

Fault Chip::Commit(const Effect& e) {
  switch (e.kind) {
    case Effect::Kind::kNone:
      return {};
    case Effect::Kind::kFault:
      return e.fault;
    case Effect::Kind::kLoad:
      golden::CommitDmaLoad(chip_, std::get<isa::DmaLoad>(e.insn), *e.data, counters_);
      return {};
    case Effect::Kind::kRecv:
      golden::CommitRecv(chip_, std::get<isa::Recv>(e.insn), *e.data, counters_);
      return {};
    case Effect::Kind::kStore:
      for (size_t i = 0; i < counters_.size(); ++i) counters_[i] += (*e.delta)[i];
      return {};
    case Effect::Kind::kExec:
      break;
  }
  return golden::ExecEx(chip_, e.insn, counters_);  // only EX instructions execute (Effect::Exec)
}

void Chip::CompletionMethod() {
  const sc_time now = SimTime();
  while (!completions_.empty() && completions_.front().first <= now) {
    Completion c = std::move(completions_.front().second);
    completions_.pop_front();
    Complete(c);
  }
  if (!completions_.empty()) completion_ev_.notify(completions_.front().first - now);
}

void Chip::DeadlockMethod() {
  if (!rf_.busy || rf_.error || !pending_ || SimTime() < pending_from_ || CanDispatch(*pending_) ||
      !completions_.empty())
    return;
  uint32_t oldest = pending_->pc;
  for (int q = kLd; q <= kSt; ++q) {
    if (inflight_[q] != 0) return;
    if (queues_[q].empty()) continue;
    const Entry& e = queues_[q].front();
    const golden::TokenUse use = golden::TokenUseOf(q, isa::DepsOf(e.insn));
    const bool blocked = (use.pop_prev != golden::kNoCounter && tokens_[use.pop_prev] == 0) ||
                         (use.pop_next != golden::kNoCounter && tokens_[use.pop_next] == 0);
    if (!blocked) return;
    oldest = std::min(oldest, e.pc);
  }
  Fail({ErrCode::kTokenDeadlock, 0}, oldest);
}

// ---- Fetch and dispatch ---------------------------------------------------------------------

void Chip::FetchWords(uint64_t run, const sc_time& now) {
  // Keeps up to kFetchDepth words requested ahead of decode, one request per cycle.
  sc_time issue = std::max(now, fetch_issue_);
  while (Running(run) && fetched_.size() < kFetchDepth && next_fetch_ < rf_.iq_len) {
    const uint32_t pc = next_fetch_++;
    const uint64_t addr = rf_.iq_base + uint64_t{pc} * isa::kWordBytes;
    std::array<uint8_t, isa::kWordBytes> word{};
    sc_time local = issue - SimTime();
    bool ok = rf_.iq_base % isa::kWordBytes == 0 && addr >= rf_.iq_base &&
              golden::ProbeDeviceAddress(geometry_.dram_bytes, has_host_, addr, word.size()).ok() &&
              Transfer(gp_fetch_, false, addr, word, &local).ok();
    if (!ok) {
      next_fetch_ = rf_.iq_len;  // the stream ends with a word that could not be read
      fetched_.emplace_back(pc | 0x80000000u, SimTime() + local);
    } else {
      fetched_.emplace_back(pc, SimTime() + local);
    }
    fetch_data_.push_back(word);
    issue += clk_;
  }
  fetch_issue_ = issue;
}

const isa::Insn* Chip::Decoded(uint32_t pc, const std::array<uint8_t, isa::kWordBytes>& bytes) {
  if (!keep_decoded_) {
    Result<isa::Insn> insn = isa::Decode(isa::LoadWord(bytes));
    if (!insn.ok()) return nullptr;
    decoded_once_ = std::move(insn).value();
    return &decoded_once_;
  }
  if (pc >= decoded_.size())
    decoded_.resize(
        std::max<size_t>(size_t{pc} + 1, std::min<size_t>(2 * decoded_.size(), rf_.iq_len)));
  DecodedWord& d = decoded_[pc];
  if (d.valid && d.bytes == bytes) return &d.insn;
  Result<isa::Insn> insn = isa::Decode(isa::LoadWord(bytes));
  if (!insn.ok()) {
    d.valid = false;
    return nullptr;
  }
  d = {true, bytes, std::move(insn).value()};
  return &d.insn;
}

void Chip::FetchThread() {
  uint64_t handled = 0;  // the last run this thread fetched for
  for (;;) {
    // Checks the state first: a doorbell may have come while the previous run was ending.
    while (!rf_.busy || rf_.error || run_ == handled) wait(start_);
    const uint64_t run = run_;
    handled = run;
    wait(clk_);  // the doorbell's register write
    // The slot runs ahead of SystemC time: `local` is its own time (>= now). A word is
    // dispatched without waiting when its queue has room at its check's end, or when it is known
    // when it will (RoomAt): only the slot fills queues, so room then stays room. Anything else
    // (a queue whose room depends on issues to come, a barrier, a fault) first brings the slot
    // back to SystemC time and is decided there, as before.
    sc_time local = SimTime();
    auto sync = [&](const sc_time& t) {
      if (t > SimTime()) wait(t - SimTime());
      return Running(run);
    };
    // At most a global quantum ahead: the memory's calendar grows with the distance.
    const sc_time horizon = ::tlm::tlm_global_quantum::instance().get();
    while (Running(run)) {
      if (local - SimTime() > horizon && !sync(local)) break;
      FetchWords(run, local);
      const uint32_t pc = next_decode_;
      if (fetched_.empty() || (fetched_.front().first & 0x7fffffffu) != pc ||
          (fetched_.front().first & 0x80000000u) != 0) {
        if (!sync(fetched_.empty() ? local : std::max(local, fetched_.front().second))) break;
        Fail({ErrCode::kFetchFault, 0}, pc);
        break;
      }
      local = std::max(local, fetched_.front().second);  // decoded when the word has arrived
      const std::array<uint8_t, isa::kWordBytes> bytes = fetch_data_.front();
      fetched_.pop_front();
      fetch_data_.pop_front();
      CountFetchWord(local);
      const isa::Insn* insn = Decoded(pc, bytes);
      if (insn == nullptr) {
        if (!sync(local)) break;
        const isa::Word w = isa::LoadWord(bytes);
        const bool known = isa::FindInsnDesc(isa::GetBits(w, 0, 8)) != nullptr;
        Fail({known ? ErrCode::kBadField : ErrCode::kBadOpcode, 0}, pc);
        break;
      }
      ++next_decode_;
      // The range check: the entry is complete CheckCycles after the take.
      const sc_time checked = local + Cycles(CheckCycles(timing_.shell, *insn));
      const isa::Queue queue = isa::QueueOf(*insn);
      const int qi = static_cast<int>(queue);
      sc_time at;
      if (queue != isa::Queue::kBarrier && RoomAt(qi, checked, &at)) {
        // The entry is at its queue's head the cycle after; the slot takes the next word then.
        local = at;
        queues_[qi].push_back(Entry{*insn, pc, at + Cycles(timing_.shell.queue_to_head)});
        Changed();
        if (queue_waits_[qi] == QueueWait::kEntry) queue_ev_[qi].notify(SC_ZERO_TIME);
        continue;
      }
      // In the slot from its decode on (DeadlockMethod looks at it from then on).
      pending_ = Entry{*insn, pc, SC_ZERO_TIME};
      pending_from_ = local;
      if (!sync(checked)) break;
      bool dispatched = false;
      while (Running(run)) {
        if (queue == isa::Queue::kBarrier ? QueuesIdle() : RoomAt(qi, SimTime(), &at)) {
          dispatched = true;
          break;
        }
        deadlock_check_.notify(SC_ZERO_TIME);
        // A queue notifies when it issues (RoomAt then knows when there is room); completions
        // notify a barrier.
        fetch_waits_ = qi;
        wait(fetch_ev_);
        fetch_waits_ = -1;
      }
      if (!dispatched) break;
      Entry e = std::move(*pending_);
      pending_.reset();
      if (queue == isa::Queue::kBarrier) {
        const sc_time go = SimTime();
        if (Fault f = Barrier(e); !f.ok()) {
          if (Running(run)) Fail(f, e.pc);
          break;
        }
        if (observer_) observer_->OnBarrier(observer_index_, e.insn, e.pc, Ps(go));
        wait(clk_);  // the slot is free (HALT: the run ends) the cycle after
        if (!Running(run)) break;
        if (std::holds_alternative<isa::Halt>(e.insn)) {
          rf_.SetDone();
          EndRun();
          break;
        }
        local = SimTime();
        continue;
      }
      e.ready = at + Cycles(timing_.shell.queue_to_head);
      queues_[qi].push_back(std::move(e));
      Changed();
      if (queue_waits_[qi] == QueueWait::kEntry) queue_ev_[qi].notify(SC_ZERO_TIME);
      local = at;
    }
  }
}

Fault Chip::Barrier(const Entry& e) {
  if (const auto* p = std::get_if<isa::Perf>(&e.insn)) {
    uint64_t addr = 0;
    if (Fault f = golden::SlotRange(rf_.slot_base[p->slot], rf_.slot_size[p->slot], p->ext_offset,
                                    regs::kSnapshotBytes, &addr);
        !f.ok())
      return f;
    if (Fault f =
            golden::ProbeDeviceAddress(geometry_.dram_bytes, has_host_, addr, regs::kSnapshotBytes);
        !f.ok())
      return f;
    // The record is a store job: taken the cycle after the barrier executes (the counters are
    // sampled then), checked, written; done with its write response.
    wait(Cycles(timing_.shell.handoff));
    auto rec = golden::PerfRecord(p->tag, counters());
    // Its beats go back to back from the check's end: the memory takes the cycle after the
    // last one (tlm/memory.h MemoryTiming::Access).
    sc_time local = Cycles(timing_.shell.dma_check + BeatsOf(addr, rec.size()));
    if (Fault f = Transfer(gp_perf_, true, addr, rec, &local,
                           BeatsOf(addr, rec.size()) * timing_.dma_bus_bytes);
        !f.ok())
      return f;
    wait(local + Cycles(timing_.shell.dma_store_tail));
  }
  golden::Count(counters_, Counter::kInsnBarrier, 1);
  return {};
}

// ---- Queues ---------------------------------------------------------------------------------

void Chip::QueueThread(int q) {
  const Counter stall_counter =
      q == kLd ? Counter::kLdStall : (q == kEx ? Counter::kExStall : Counter::kStStall);
  for (;;) {
    if (!rf_.busy || rf_.error || queues_[q].empty()) {
      queue_waits_[q] = QueueWait::kEntry;
      wait(queue_ev_[q]);
      queue_waits_[q] = QueueWait::kNone;
      continue;
    }
    const uint64_t run = run_;
    const sc_time real = SimTime();
    // EX runs ahead of SystemC time (`now` its own time, >= real): its instructions issue in
    // order at times its own state decides (ExIssueTime), once their tokens are there, and only
    // EX takes the tokens it pops, so tokens there now are there then. Whatever else (no token
    // yet, a fault) brings it back to SystemC time first and is decided there.
    sc_time now = q == kEx ? std::max(real, ex_local_) : real;
    const Entry& e = queues_[q].front();  // valid until the queue changes (a wait, a fault)
    if (now < e.ready) {
      if (q != kEx) {
        wait(e.ready - now);
        continue;
      }
      now = e.ready;
    }
    const golden::TokenUse use = golden::TokenUseOf(q, isa::DepsOf(e.insn));
    const bool idle = inflight_[q] == 0;
    const bool token_missing = (use.pop_prev != golden::kNoCounter && tokens_[use.pop_prev] == 0) ||
                               (use.pop_next != golden::kNoCounter && tokens_[use.pop_next] == 0);
    int overflow = golden::kNoCounter;  // a push counter that would overflow
    for (int c : {use.push_prev, use.push_next})
      if (overflow == golden::kNoCounter && c != golden::kNoCounter &&
          tokens_[c] + inflight_push_[c] >= geometry_.token_capacity)
        overflow = c;
    if (now > real && (token_missing || overflow != golden::kNoCounter)) {
      wait(now - real);  // decided at its own time
      continue;
    }
    if (token_missing) {
      deadlock_check_.notify(SC_ZERO_TIME);
      queue_waits_[q] = QueueWait::kToken;
      wait(queue_ev_[q]);
      queue_waits_[q] = QueueWait::kNone;
      if (idle) counters_[static_cast<size_t>(stall_counter)] += ToCycles(SimTime() - now);
      continue;
    }
    if (const auto* recv = std::get_if<isa::Recv>(&e.insn)) {
      Fault f = CheckLink(recv->link);
      if (f.ok()) f = golden::CheckLinkRows(chip_, recv->ub_addr, recv->rows);
      if (!f.ok()) {
        Fail(f, e.pc);
        continue;
      }
      LinkChannel* rx = rx_[recv->link];
      const uint64_t arrived = rx->Arrived();
      if (arrived < uint64_t{recv->rows} * geometry_.n) {
        // The watchdog (rtl/aorta_link_watchdog.sv): LINK_TIMEOUT cycles without a byte.
        LinkWatch& w = link_watch_[q];
        if (w.run != run || w.pc != e.pc || w.arrived != arrived) w = {run, e.pc, arrived, now};
        const uint64_t timeout = rf_.link_timeout;
        const sc_time expiry = w.since + Cycles(timeout);
        if (timeout != 0 && now >= expiry) {
          Fail({ErrCode::kLinkFault, recv->link}, e.pc);
          continue;
        }
        link_wait_[q] = true;
        if (rx->InFlight() > 0) {
          const sc_time next = rx->NextArrival() - now;
          wait(timeout != 0 ? std::min(next, expiry - now) : next, changed_);
        } else if (timeout != 0) {
          wait(expiry - now, rx->arrival() | changed_);
        } else {
          wait(rx->arrival() | changed_);
        }
        link_wait_[q] = false;
        counters_[static_cast<size_t>(stall_counter)] += ToCycles(SimTime() - now);
        if (observer_)
          observer_->OnLinkWait(observer_index_, static_cast<isa::Queue>(q), Ps(now),
                                Ps(SimTime()));
        continue;
      }
    }
    if (overflow != golden::kNoCounter) {
      Fail({ErrCode::kTokenOverflow, static_cast<uint64_t>(overflow)}, e.pc);
      continue;
    }
    // EX: the handoff register, a table entry and no hazard with the other unit (nothing else
    // issues EX meanwhile: it issues then).
    if (q == kEx) now = ExIssueTime(e.insn, now);
    const Entry issued = std::move(queues_[q].front());
    queues_[q].pop_front();
    for (int c : {use.pop_prev, use.pop_next})
      if (c != golden::kNoCounter) --tokens_[c];
    for (int c : {use.push_prev, use.push_next})
      if (c != golden::kNoCounter) ++inflight_push_[c];
    ++inflight_[q];
    if (now > real) {
      // Issued ahead: its queue has room from then on (CanDispatch, RoomAt).
      ex_ahead_.push_back({now, issued.pc});
      changed_.notify(now - real);
    } else {
      Changed();
    }
    // The waiting fetch slot: it sees the room the cycle after (RoomAt); issued ahead, it can
    // tell at once.
    if (fetch_waits_ == q) fetch_ev_.notify(now > real ? SC_ZERO_TIME : clk_);
    if (q == kEx) ex_local_ = now;
    const sc_time issued_at = now;
    Issued is = Issue(issued, now);  // LD / ST: may advance time (quantum keeper syncs)
    const Counter busy =
        q == kLd ? Counter::kLdBusy : (q == kEx ? Counter::kExBusy : Counter::kStBusy);
    sc_time* until = q == kLd ? &ld_busy_until_ : (q == kEx ? &ex_busy_until_ : &st_busy_until_);
    // Busy from the cycle after the issue through the done (EX: retire) cycle.
    AddBusy(busy, issued_at + clk_, is.done + clk_, until);
    if (observer_)
      observer_->OnInstruction(observer_index_, static_cast<isa::Queue>(q), issued.insn, issued.pc,
                               Ps(issued_at), Ps(is.done));
    // Its pushes count (and LD / ST take the next instruction) the cycle after.
    Completion c{run, q, issued.pc, isa::OpcodeOf(issued.insn), use, std::move(is.effect)};
    const sc_time effect = is.done + Cycles(timing_.shell.token_delay);
    if (q == kEx) {
      // In time order, after those of the same time (EX completions almost always come in
      // order: the search from the back is short).
      auto at = completions_.end();
      while (at != completions_.begin() && std::prev(at)->first > effect) --at;
      completions_.emplace(at, effect, std::move(c));
      completion_ev_.notify(effect - real);
    } else {
      if (effect > SimTime()) wait(effect - SimTime());
      Complete(c);
    }
  }
}

Fault Chip::CheckLink(uint32_t link) const {
  if (link >= tx_.size() || tx_[link] == nullptr || rx_[link] == nullptr)
    return {ErrCode::kLinkFault, link};
  return {};
}

Chip::Issued Chip::Faulted(Fault f) const {
  Issued is{SimTime() + clk_, {}};
  is.effect.kind = Effect::Kind::kFault;
  is.effect.fault = f;
  return is;
}

Chip::Issued Chip::Issue(const Entry& e, const sc_time& now) {
  const uint32_t n = geometry_.n;
  return std::visit(
      [&](const auto& i) -> Issued {
        using T = std::decay_t<decltype(i)>;
        if constexpr (std::is_same_v<T, isa::DmaLoad>) {
          return DmaLoad(i);
        } else if constexpr (std::is_same_v<T, isa::DmaStore>) {
          return DmaStore(i);
        } else if constexpr (std::is_same_v<T, isa::Recv>) {
          // The queue checked the port, the rows and that the bytes have arrived.
          auto data = std::make_shared<std::vector<uint8_t>>(uint64_t{i.rows} * n);
          if (!rx_[i.link]->Pop(*data)) return Faulted({ErrCode::kLinkFault, i.link});
          return {now + Cycles(uint64_t{i.rows} + 1), {Effect::Kind::kRecv, {}, e.insn, data, {}}};
        } else if constexpr (std::is_same_v<T, isa::Send>) {
          if (Fault f = CheckLink(i.link); !f.ok()) return Faulted(f);
          if (Fault f = golden::CheckLinkRows(chip_, i.ub_addr, i.rows); !f.ok()) return Faulted(f);
          std::vector<uint8_t> data = golden::GatherSend(chip_, i, counters_);
          // One row per cycle out of UB; the link serializes them at its rate.
          const sc_time serial(static_cast<double>(data.size()) * 1e12 / timing_.link_bytes_per_s,
                               sc_core::SC_PS);
          tx_[i.link]->Send(data, now + clk_);
          return {now + std::max(Cycles(uint64_t{i.rows} + 1), serial), {}};
        } else if constexpr (std::is_same_v<T, isa::Loadw>) {
          const sc_time a = std::max({now + Cycles(timing_.shell.handoff), mx_next_accept_,
                                      loadw_free_, bank_pass_issue_end_[i.bank]});
          mx_next_accept_ = a + clk_;
          loadw_free_ = a + Cycles(LoadwReadCycles(n));
          bank_load_end_[i.bank] = loadw_free_;
          mx_done_ = std::max(a + Cycles(LoadwCycles(n)), mx_done_ + clk_);
          // The array takes a weight row per cycle, a + 2 .. a + N + 1.
          AddBusy(Counter::kArrayBusy, a + Cycles(2), a + Cycles(n + 2), &array_busy_until_);
          return {ExAccepted(e.insn, a, mx_done_), Effect::Exec(e.insn)};
        } else if constexpr (std::is_same_v<T, isa::Matmul>) {
          const uint64_t m = MatmulIssueCycles(i);
          const sc_time a = std::max({now + Cycles(timing_.shell.handoff), mx_next_accept_,
                                      mx_accept_free_, bank_load_end_[i.bank]});
          mx_next_accept_ = a + clk_;
          mx_accept_free_ = a + Cycles(m);
          bank_pass_issue_end_[i.bank] = mx_accept_free_;
          const sc_time end = a + Cycles(m + MatmulDoneAfterIssue(n));
          mx_done_ = std::max(end, mx_done_ + clk_);
          AddBusy(Counter::kArrayBusy, a + clk_, end, &array_busy_until_);
          return {ExAccepted(e.insn, a, mx_done_), Effect::Exec(e.insn)};
        } else if constexpr (std::is_same_v<T, isa::Sync> || std::is_same_v<T, isa::Perf> ||
                             std::is_same_v<T, isa::Halt>) {
          return Faulted({ErrCode::kBadOpcode, 0});  // barriers never enter a queue
        } else {
          // Vector unit: accept .. done pulse, both counted; the next one is accepted in the
          // cycle of the done.
          const sc_time a = std::max(now + Cycles(timing_.shell.handoff), vx_free_);
          vx_free_ = a + Cycles(VectorCycles(e.insn) - 1);
          return {ExAccepted(e.insn, a, vx_free_), Effect::Exec(e.insn)};
        }
      },
      e.insn);
}

// ---- EX issue -------------------------------------------------------------------------------

sc_time Chip::ExIssueTime(const isa::Insn& insn, const sc_time& now) {
  while (!ex_table_.empty() && ex_table_.front().retire < now) ex_table_.pop_front();
  // The handoff register of the instruction's unit is free (rtl/aorta_soc.sv: one per unit).
  sc_time t = std::max(now, ex_issue_free_[IsMatrix(insn) ? 0 : 1]);
  // A full table takes the next instruction in the cycle its oldest entry retires.
  const size_t cap = timing_.shell.ex_inflight;
  if (ex_table_.size() >= cap) t = std::max(t, ex_table_[ex_table_.size() - cap].retire);
  // Hazard: unfinished work of the other unit on overlapping UB / ACC rows (an entry counts as
  // finished from the cycle after its unit's done).
  const bool vector = !IsMatrix(insn);
  const ExRanges rng = ExRangesOf(insn);
  for (const ExEntry& x : ex_table_) {
    if (x.vector != vector && x.rng.Overlaps(rng))
      t = std::max(t, x.done + Cycles(timing_.shell.ex_retire));
  }
  return t;
}

sc_time Chip::ExAccepted(const isa::Insn& insn, const sc_time& accept, const sc_time& done) {
  ex_issue_free_[IsMatrix(insn) ? 0 : 1] = accept;  // its unit's handoff is free then
  ex_last_retire_ = std::max(done + Cycles(timing_.shell.ex_retire), ex_last_retire_ + clk_);
  ex_table_.push_back({!IsMatrix(insn), ExRangesOf(insn), done, ex_last_retire_});
  return ex_last_retire_;
}

// ---- DMA ------------------------------------------------------------------------------------

namespace {
// The bursts of one DMA job in flight at the memory (ShellTiming::mem_outstanding): Accept gives
// the cycle a request wanted at `t` is taken, Finish records when the burst frees its slot (the
// last data beat of a read, the write response); a job's bursts all finish before its done, so a
// job starts with every slot free.
class OutstandingBursts {
 public:
  OutstandingBursts(uint32_t slots, const sc_time& clk) : slots_(slots), clk_(clk) {}
  sc_time Accept(const sc_time& t) {
    if (slots_ == 0 || finish_.size() < slots_) return t;
    const sc_time free = finish_.front() + clk_;  // seen free the cycle after
    finish_.pop_front();
    return std::max(t, free);
  }
  void Finish(const sc_time& t) { finish_.push_back(t); }

 private:
  uint32_t slots_;
  sc_time clk_;
  std::deque<sc_time> finish_;
};
}  // namespace

uint64_t Chip::BeatsOf(uint64_t addr, uint64_t bytes) const {
  if (bytes == 0) return 0;
  return BeatOf(addr + bytes - 1) - BeatOf(addr) + 1;
}

Fault Chip::Transfer(::tlm::tlm_generic_payload& gp, bool write, uint64_t addr,
                     std::span<uint8_t> data, sc_time* local, uint64_t charged) {
  BusBytes* bus = nullptr;
  gp.get_extension(bus);
  // The fetch payload carries no extension (a fetch word costs its bytes); the others carry one.
  if (dram_timing_ != nullptr) {
    // DRAM: what the Dram target's b_transport does (the data moves, then the memory arbitrates
    // and times the access), without the bus and sockets in between.
    if (uint8_t* p = Direct(addr, data.size(), write)) {
      if (write) {
        std::memcpy(p, data.data(), data.size());
      } else {
        std::memcpy(data.data(), p, data.size());
      }
      const uint64_t cost = bus == nullptr || charged == kAllBytes ? data.size() : charged;
      dram_timing_->Time(local, cost, write, bus != nullptr);
      return {};
    }
  }
  gp.set_command(write ? ::tlm::TLM_WRITE_COMMAND : ::tlm::TLM_READ_COMMAND);
  gp.set_address(addr);
  gp.set_data_ptr(data.data());
  gp.set_data_length(static_cast<unsigned>(data.size()));
  gp.set_streaming_width(static_cast<unsigned>(data.size()));
  gp.set_byte_enable_ptr(nullptr);
  gp.set_dmi_allowed(false);
  gp.set_response_status(::tlm::TLM_INCOMPLETE_RESPONSE);
  if (bus != nullptr) bus->bytes = charged == kAllBytes ? data.size() : charged;
  dma->b_transport(gp, *local);
  if (gp.get_response_status() != ::tlm::TLM_OK_RESPONSE) return {ErrCode::kDmaFault, addr};
  return {};
}

uint8_t* Chip::Direct(uint64_t addr, uint64_t bytes, bool write) {
  if (bytes == 0 || addr >= geometry_.dram_bytes || bytes > geometry_.dram_bytes - addr)
    return nullptr;
  const uint64_t last = addr + bytes - 1;
  auto covers = [&](const ::tlm::tlm_dmi& d) {
    return (write ? d.is_write_allowed() : d.is_read_allowed()) && addr >= d.get_start_address() &&
           last <= d.get_end_address();
  };
  const ::tlm::tlm_dmi*& grant = last_dmi_[write ? 1 : 0];
  if (grant != nullptr && covers(*grant))
    return grant->get_dmi_ptr() + (addr - grant->get_start_address());
  auto it = dmi_.upper_bound(addr);
  if (it != dmi_.begin() && covers(std::prev(it)->second)) {
    grant = &std::prev(it)->second;
    return grant->get_dmi_ptr() + (addr - grant->get_start_address());
  }
  ::tlm::tlm_generic_payload& gp = gp_debug_;
  gp.set_command(::tlm::TLM_READ_COMMAND);
  gp.set_address(addr);
  ::tlm::tlm_dmi d;
  if (!dma->get_direct_mem_ptr(gp, d) || !covers(d)) return nullptr;
  grant = &(dmi_[d.get_start_address()] = d);
  return d.get_dmi_ptr() + (addr - d.get_start_address());
}

void Chip::InvalidateDirect(sc_dt::uint64 start, sc_dt::uint64 end) {
  last_dmi_ = {nullptr, nullptr};
  for (auto it = dmi_.begin(); it != dmi_.end();) {
    if (it->second.get_start_address() <= end && start <= it->second.get_end_address())
      it = dmi_.erase(it);
    else
      ++it;
  }
}

bool Chip::Debug(bool write, uint64_t addr, std::span<uint8_t> data) {
  if (!write) {
    if (const uint8_t* p = Direct(addr, data.size())) {
      std::memcpy(data.data(), p, data.size());
      return true;
    }
  }
  ::tlm::tlm_generic_payload& gp = gp_debug_;  // debug transport never yields: one payload
  gp.set_command(write ? ::tlm::TLM_WRITE_COMMAND : ::tlm::TLM_READ_COMMAND);
  gp.set_address(addr);
  gp.set_data_ptr(data.data());
  gp.set_data_length(static_cast<unsigned>(data.size()));
  return dma->transport_dbg(gp) == data.size();
}

Fault Chip::RowAddrs(uint32_t slot, uint64_t ext_offset, uint64_t ext_stride, uint64_t rows,
                     uint64_t row_bytes, std::vector<uint64_t>* addrs) const {
  addrs->resize(rows);
  for (uint64_t r = 0; r < rows; ++r) {
    if (Fault f = golden::SlotRange(rf_.slot_base[slot], rf_.slot_size[slot],
                                    ext_offset + r * ext_stride, row_bytes, &(*addrs)[r]);
        !f.ok())
      return f;
  }
  return {};
}

Chip::Issued Chip::DmaLoad(const isa::DmaLoad& d) {
  if (Fault f = golden::CheckDmaRows(chip_, d.mem, d.chip_addr, d.rows, d.row_bytes); !f.ok())
    return Faulted(f);
  std::vector<uint64_t> addrs;
  if (Fault f = RowAddrs(d.slot, d.ext_offset, d.ext_stride, d.rows, d.row_bytes, &addrs); !f.ok())
    return Faulted(f);
  auto data = std::make_shared<std::vector<uint8_t>>(uint64_t{d.rows} * d.row_bytes);
  // The job is taken the cycle after the issue and checked; then rows are requested one per
  // cycle, a row touching k bus beats k cycles (aorta_dma_load.sv). A row costs the bus the
  // beats it touches, except a first beat that is the previous row's last (kept, not read
  // again); a row inside the kept beat reads nothing and is ready with it. Each read is one
  // b_transport whose delay the memory's bandwidth / latency model sets; the quantum keeper
  // carries the local time between them.
  const ShellTiming& sh = timing_.shell;
  const sc_time start = SimTime() + Cycles(sh.handoff + sh.dma_check);
  sc_time request = start, last = start;
  uint64_t prev_beat = ~uint64_t{0};
  OutstandingBursts bursts(sh.mem_outstanding, clk_);
  for (uint64_t r = 0; r < d.rows; ++r) {
    if (Fault f =
            golden::ProbeDeviceAddress(geometry_.dram_bytes, has_host_, addrs[r], d.row_bytes);
        !f.ok())
      return Faulted(f);
    std::span<uint8_t> row = std::span(*data).subspan(r * d.row_bytes, d.row_bytes);
    const uint64_t touched = BeatsOf(addrs[r], d.row_bytes);
    const uint64_t first_beat = BeatOf(addrs[r]);
    const uint64_t reads = touched - (touched > 0 && first_beat == prev_beat ? 1 : 0);
    if (touched > 0) prev_beat = first_beat + touched - 1;
    if (reads == 0) {
      if (const uint8_t* p = Direct(addrs[r], d.row_bytes)) {
        std::memcpy(row.data(), p, row.size());  // Debug's DMI path, without the call
      } else if (!Debug(false, addrs[r], row)) {
        return Faulted({ErrCode::kDmaFault, addrs[r]});
      }
    } else {
      request = bursts.Accept(request);
      const sc_time asked = request + Cycles(sh.bus_request);
      qk_ld_.set(asked - SimTime());
      sc_time local = qk_ld_.get_local_time();
      if (Fault f = Transfer(gp_ld_, false, addrs[r], row, &local, reads * timing_.dma_bus_bytes);
          !f.ok())
        return Faulted(f);
      // The memory may have waited until the request (tlm/memory.h MemoryTiming::Arbitrate).
      const sc_time now = SimTime();
      last = std::max(last, now + local);
      bursts.Finish(now + local);
      qk_ld_.set(asked - now);
      if (qk_ld_.need_sync()) qk_ld_.sync();
    }
    request += Cycles(std::max<uint64_t>(1, touched));
  }
  qk_ld_.reset();
  // Done with the last on-chip write.
  const sc_time done = std::max(last, request) + Cycles(sh.dma_load_tail);
  return {done, {Effect::Kind::kLoad, {}, d, std::move(data), {}}};
}

Chip::Issued Chip::DmaStore(const isa::DmaStore& d) {
  if (Fault f = golden::CheckDmaRows(chip_, d.mem, d.chip_addr, d.rows, d.row_bytes); !f.ok())
    return Faulted(f);
  std::vector<uint64_t> addrs;
  if (Fault f = RowAddrs(d.slot, d.ext_offset, d.ext_stride, d.rows, d.row_bytes, &addrs); !f.ok())
    return Faulted(f);
  // Every row must be reachable before anything is written (debug reads: no bus time).
  std::vector<uint8_t> scratch(d.row_bytes);
  for (uint64_t r = 0; r < d.rows; ++r) {
    if (Fault f =
            golden::ProbeDeviceAddress(geometry_.dram_bytes, has_host_, addrs[r], d.row_bytes);
        !f.ok())
      return Faulted(f);
    if (Direct(addrs[r], d.row_bytes) == nullptr && !Debug(false, addrs[r], scratch))
      return Faulted({ErrCode::kDmaFault, addrs[r]});
  }
  auto delta = std::make_shared<golden::Counters>();
  std::vector<uint8_t> data = golden::GatherDmaStore(chip_, d, *delta);
  // Taken the cycle after the issue and checked; then one W beat per cycle (a row touching k
  // beats k beats, strobed), each row one b_transport costing its beats; done with the last
  // write response (aorta_dma_store.sv).
  const ShellTiming& sh = timing_.shell;
  const sc_time start = SimTime() + Cycles(sh.handoff + sh.dma_check);
  sc_time beat = start, last = start;
  OutstandingBursts bursts(sh.mem_outstanding, clk_);
  for (uint64_t r = 0; r < d.rows; ++r) {
    const uint64_t beats = std::max<uint64_t>(1, BeatsOf(addrs[r], d.row_bytes));
    beat = bursts.Accept(beat);
    const sc_time asked = beat + Cycles(beats - 1 + sh.bus_request);
    qk_st_.set(asked - SimTime());
    sc_time local = qk_st_.get_local_time();
    if (Fault f =
            Transfer(gp_st_, true, addrs[r], std::span(data).subspan(r * d.row_bytes, d.row_bytes),
                     &local, beats * timing_.dma_bus_bytes);
        !f.ok())
      return Faulted(f);
    // The memory may have waited until the request (tlm/memory.h MemoryTiming::Arbitrate).
    const sc_time now = SimTime();
    last = std::max(last, now + local);
    bursts.Finish(now + local);
    qk_st_.set(asked - now);
    if (qk_st_.need_sync()) qk_st_.sync();
    beat += Cycles(beats);
  }
  qk_st_.reset();
  // Done with the last write response; the counters count a completed store.
  return {last + Cycles(sh.dma_store_tail), {Effect::Kind::kStore, {}, {}, {}, delta}};
}

}  // namespace aorta::tlm
