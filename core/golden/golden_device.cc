#include "core/golden/golden_device.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <new>

#include "core/golden/device_rules.h"
#include "core/isa/isa.h"

namespace aorta {

using golden::Fault;
using regs::Counter;
using regs::ErrCode;

namespace {

constexpr int kLd = static_cast<int>(isa::Queue::kLd);
constexpr int kSt = static_cast<int>(isa::Queue::kSt);
using golden::kNoCounter;

Fault DmaFault(uint64_t addr) { return {ErrCode::kDmaFault, addr}; }

}  // namespace

// ---- Links --------------------------------------------------------------------------------

void LinkChannel::Push(std::span<const uint8_t> bytes) {
  std::function<void()> cb;
  {
    std::lock_guard<std::mutex> lock(mu_);
    fifo_.insert(fifo_.end(), bytes.begin(), bytes.end());
    cb = on_push_;
  }
  if (cb) cb();
}

size_t LinkChannel::Available() const {
  std::lock_guard<std::mutex> lock(mu_);
  return fifo_.size();
}

bool LinkChannel::Pop(std::span<uint8_t> out) {
  std::lock_guard<std::mutex> lock(mu_);
  if (fifo_.size() < out.size()) return false;
  std::copy_n(fifo_.begin(), out.size(), out.begin());
  fifo_.erase(fifo_.begin(), fifo_.begin() + static_cast<std::ptrdiff_t>(out.size()));
  return true;
}

void LinkChannel::SetUp(bool up) {
  std::function<void()> cb;
  {
    std::lock_guard<std::mutex> lock(mu_);
    up_ = up;
    cb = on_push_;
  }
  if (cb) cb();
}

bool LinkChannel::up() const {
  std::lock_guard<std::mutex> lock(mu_);
  return up_;
}

void LinkChannel::SetOnPush(std::function<void()> on_push) {
  std::lock_guard<std::mutex> lock(mu_);
  on_push_ = std::move(on_push);
}

std::pair<LinkEndpoint, LinkEndpoint> MakeLink() {
  auto ab = std::make_shared<LinkChannel>();
  auto ba = std::make_shared<LinkChannel>();
  return {LinkEndpoint{ab, ba}, LinkEndpoint{ba, ab}};
}

Status ConnectLinks(GoldenDevice& a, uint32_t port_a, GoldenDevice& b, uint32_t port_b) {
  if (port_a >= a.geometry().link_ports)
    return InvalidArgument("link port {} of the first device does not exist ({} ports)", port_a,
                           a.geometry().link_ports);
  if (port_b >= b.geometry().link_ports)
    return InvalidArgument("link port {} of the second device does not exist ({} ports)", port_b,
                           b.geometry().link_ports);
  auto [ea, eb] = MakeLink();
  AORTA_RETURN_IF_ERROR(a.AttachLink(port_a, ea));
  return b.AttachLink(port_b, eb);
}

// ---- Construction, registers ----------------------------------------------------------------

GoldenDevice::GoldenDevice(const ChipConfig& config, DeviceMemory* host)
    : GoldenDevice(GeometryOf(config), Fingerprint(config), host) {}

GoldenDevice::GoldenDevice(const ChipGeometry& geometry, uint64_t fingerprint, DeviceMemory* host)
    : geometry_(geometry),
      host_(host),
      chip_(geometry),
      links_(geometry.link_ports),
      rf_(geometry, fingerprint) {}

GoldenDevice::~GoldenDevice() {
  for (LinkEndpoint& l : links_) {
    if (l.rx) l.rx->SetOnPush(nullptr);
  }
}

Status GoldenDevice::AttachLink(uint32_t port, LinkEndpoint endpoint) {
  std::lock_guard<std::mutex> lock(mu_);
  if (port >= links_.size())
    return InvalidArgument("link port {} does not exist ({} ports)", port, links_.size());
  if (!endpoint.tx || !endpoint.rx) return InvalidArgument("link endpoint without channels");
  if (links_[port].rx) links_[port].rx->SetOnPush(nullptr);
  endpoint.rx->SetOnPush([this] { Wake(); });
  links_[port] = std::move(endpoint);
  return Status::Ok();
}

uint32_t GoldenDevice::ReadReg(uint32_t offset) {
  std::lock_guard<std::mutex> lock(mu_);
  return rf_.Read(offset, counters_);
}

void GoldenDevice::WriteReg(uint32_t offset, uint32_t value) {
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const golden::RegisterFile::Effect e = rf_.Write(offset, value);
    if (e.soft_reset) {
      const bool was_busy = rf_.busy;
      uint32_t oldest = next_pc_;
      for (const auto& q : queues_)
        if (!q.empty()) oldest = std::min(oldest, q.front().pc);
      if (pending_) oldest = std::min(oldest, pending_->pc);
      ClearRun();
      rf_.SoftReset(was_busy, oldest);
      wake = true;
    }
    if (e.clear_counters) {
      counters_.fill(0);
      rf_.ClearCounterLatches();
    }
    if (e.doorbell && !rf_.busy) {
      StartRun();
      Run();
      wake = true;
    }
  }
  if (wake) Wake();
}

bool GoldenDevice::WaitIrq(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    uint64_t seq;
    {
      std::lock_guard<std::mutex> lock(wake_mu_);
      seq = wake_seq_;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (rf_.busy && waiting_on_link_) {
        waiting_on_link_ = false;
        Run();
      }
      if (rf_.IrqLine() || !rf_.busy) return rf_.IrqLine();
    }
    std::unique_lock<std::mutex> lock(wake_mu_);
    if (!wake_cv_.wait_until(lock, deadline, [&] { return wake_seq_ != seq; })) {
      lock.unlock();
      std::lock_guard<std::mutex> dev_lock(mu_);
      return rf_.IrqLine();
    }
  }
}

void GoldenDevice::Wake() {
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    ++wake_seq_;
  }
  wake_cv_.notify_all();
}

bool GoldenDevice::Step() {
  bool ended = false;
  bool progressed = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!rf_.busy) return false;
    uint64_t before = completed_;
    waiting_on_link_ = false;
    Run();
    ended = !rf_.busy;
    progressed = ended || completed_ != before;
  }
  if (ended) Wake();
  return progressed;
}

bool GoldenDevice::busy() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rf_.busy;
}

bool GoldenDevice::waiting_on_link() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rf_.busy && waiting_on_link_;
}

bool GoldenDevice::ExpireLinkWaits() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!rf_.busy || !waiting_on_link_ || rf_.link_timeout == 0 || queues_[kLd].empty())
      return false;
    const Entry& e = queues_[kLd].front();
    const auto* recv = std::get_if<isa::Recv>(&e.insn);
    if (recv == nullptr) return false;
    waiting_on_link_ = false;
    Fail({ErrCode::kLinkFault, recv->link}, e.pc);
  }
  Wake();
  return true;
}

// ---- Board DRAM -----------------------------------------------------------------------------

size_t GoldenDevice::dram_pages() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dram_pages_.size();
}

void GoldenDevice::DramCopyOut(uint64_t addr, std::span<uint8_t> out) const {
  size_t done = 0;
  while (done < out.size()) {
    uint64_t a = addr + done;
    uint64_t page = a / kDramPageBytes, off = a % kDramPageBytes;
    size_t n = static_cast<size_t>(std::min<uint64_t>(kDramPageBytes - off, out.size() - done));
    auto it = dram_pages_.find(page);
    if (it == dram_pages_.end()) {
      std::memset(out.data() + done, 0, n);
    } else {
      std::memcpy(out.data() + done, it->second.get() + off, n);
    }
    done += n;
  }
}

void GoldenDevice::DramCopyIn(uint64_t addr, std::span<const uint8_t> data) {
  size_t done = 0;
  while (done < data.size()) {
    uint64_t a = addr + done;
    uint64_t page = a / kDramPageBytes, off = a % kDramPageBytes;
    size_t n = static_cast<size_t>(std::min<uint64_t>(kDramPageBytes - off, data.size() - done));
    auto& p = dram_pages_[page];
    if (!p) p.reset(new uint8_t[kDramPageBytes]());
    std::memcpy(p.get() + off, data.data() + done, n);
    done += n;
  }
}

Status GoldenDevice::DramWrite(uint64_t addr, std::span<const uint8_t> data) {
  std::lock_guard<std::mutex> lock(mu_);
  if (addr > geometry_.dram_bytes || data.size() > geometry_.dram_bytes - addr)
    return InvalidArgument("DRAM write of {} bytes at {:#x} exceeds the {} bytes of DRAM",
                           data.size(), addr, geometry_.dram_bytes);
  DramCopyIn(addr, data);
  return Status::Ok();
}

Status GoldenDevice::DramRead(uint64_t addr, std::span<uint8_t> out) {
  std::lock_guard<std::mutex> lock(mu_);
  if (addr > geometry_.dram_bytes || out.size() > geometry_.dram_bytes - addr)
    return InvalidArgument("DRAM read of {} bytes at {:#x} exceeds the {} bytes of DRAM",
                           out.size(), addr, geometry_.dram_bytes);
  DramCopyOut(addr, out);
  return Status::Ok();
}

// ---- External memory as the DMA engine sees it ----------------------------------------------

Fault GoldenDevice::SlotRange(uint32_t slot, uint64_t offset, uint64_t len, uint64_t* addr) const {
  return golden::SlotRange(rf_.slot_base[slot], rf_.slot_size[slot], offset, len, addr);
}

Fault GoldenDevice::Probe(uint64_t addr, uint64_t len) const {
  return golden::ProbeDeviceAddress(geometry_.dram_bytes, host_ != nullptr, addr, len);
}

Fault GoldenDevice::ExtRead(uint64_t addr, std::span<uint8_t> out) const {
  if (Fault f = Probe(addr, out.size()); !f.ok()) return f;
  if (out.empty()) return {};
  if (addr < geometry_.dram_bytes) {
    DramCopyOut(addr, out);
    return {};
  }
  if (!host_->Read(addr - kHostWindowBase, out).ok()) return DmaFault(addr);
  return {};
}

Fault GoldenDevice::ExtWrite(uint64_t addr, std::span<const uint8_t> data) {
  if (Fault f = Probe(addr, data.size()); !f.ok()) return f;
  if (data.empty()) return {};
  if (addr < geometry_.dram_bytes) {
    DramCopyIn(addr, data);
    return {};
  }
  if (!host_->Write(addr - kHostWindowBase, data).ok()) return DmaFault(addr);
  return {};
}

// ---- Runs -----------------------------------------------------------------------------------

void GoldenDevice::ClearRun() {
  for (auto& q : queues_) q.clear();
  pending_.reset();
  next_pc_ = 0;
  tokens_.fill(0);
  waiting_on_link_ = false;
}

void GoldenDevice::StartRun() {
  ClearRun();
  rf_.StartRun();
}

void GoldenDevice::Fail(Fault f, uint32_t pc) {
  ClearRun();
  rf_.SetError(f, pc);
}

bool GoldenDevice::Fetch() {
  const uint32_t pc = next_pc_;
  if (pc >= rf_.iq_len || rf_.iq_base % isa::kWordBytes != 0) {
    Fail({ErrCode::kFetchFault, 0}, pc);
    return false;
  }
  const uint64_t addr = rf_.InsnAddr(pc);
  std::array<uint8_t, isa::kWordBytes> bytes{};
  if (addr < rf_.iq_base || !ExtRead(addr, bytes).ok()) {  // addr < rf_.iq_base: wrapped
    Fail({ErrCode::kFetchFault, 0}, pc);
    return false;
  }
  golden::Count(counters_, Counter::kFetchBytes, isa::kWordBytes);
  isa::Word w = isa::LoadWord(bytes);
  Result<isa::Insn> insn = isa::Decode(w);
  if (!insn.ok()) {
    bool known = isa::FindInsnDesc(isa::GetBits(w, 0, 8)) != nullptr;
    Fail({known ? ErrCode::kBadField : ErrCode::kBadOpcode, 0}, pc);
    return false;
  }
  pending_ = Entry{std::move(insn).value(), pc};
  ++next_pc_;
  return true;
}

void GoldenDevice::Run() {
  while (rf_.busy) {
    if (!pending_ && !Fetch()) return;
    const isa::Queue queue = isa::QueueOf(pending_->insn);
    if (queue == isa::Queue::kBarrier) {
      if (std::all_of(queues_.begin(), queues_.end(), [](const auto& q) { return q.empty(); })) {
        Entry e = std::move(*pending_);
        pending_.reset();
        if (Fault f = ExecuteBarrier(e); !f.ok()) {
          Fail(f, e.pc);
          return;
        }
        ++completed_;
        continue;
      }
    } else if (queues_[static_cast<int>(queue)].size() < geometry_.queue_depth) {
      queues_[static_cast<int>(queue)].push_back(std::move(*pending_));
      pending_.reset();
      continue;
    }
    bool link_wait = false;
    bool progressed = false;
    for (int q = kLd; q <= kSt && !progressed; ++q) {
      switch (TryHead(q)) {
        case HeadResult::kFault:
          return;
        case HeadResult::kExecuted:
          progressed = true;
          break;
        case HeadResult::kWaitLink:
          link_wait = true;
          break;
        case HeadResult::kEmpty:
        case HeadResult::kWaitToken:
          break;
      }
    }
    if (progressed) continue;
    if (link_wait) {
      waiting_on_link_ = true;
      return;
    }
    uint32_t oldest = pending_->pc;
    for (const auto& q : queues_)
      if (!q.empty()) oldest = std::min(oldest, q.front().pc);
    Fail({ErrCode::kTokenDeadlock, 0}, oldest);
    return;
  }
}

GoldenDevice::HeadResult GoldenDevice::TryHead(int q) {
  if (queues_[q].empty()) return HeadResult::kEmpty;
  const Entry& e = queues_[q].front();
  const isa::Deps& deps = isa::DepsOf(e.insn);
  const golden::TokenUse use = golden::TokenUseOf(q, deps);
  const int pop_prev = use.pop_prev, pop_next = use.pop_next;
  const int push_prev = use.push_prev, push_next = use.push_next;
  if ((pop_prev != kNoCounter && tokens_[pop_prev] == 0) ||
      (pop_next != kNoCounter && tokens_[pop_next] == 0))
    return HeadResult::kWaitToken;
  if (const auto* recv = std::get_if<isa::Recv>(&e.insn)) {
    Fault f = CheckLink(recv->link);
    if (f.ok()) f = golden::CheckLinkRows(chip_, recv->ub_addr, recv->rows);
    if (!f.ok()) {
      Fail(f, e.pc);
      return HeadResult::kFault;
    }
    if (links_[recv->link].rx->Available() < uint64_t{recv->rows} * geometry_.n)
      return HeadResult::kWaitLink;
  }
  for (int c : {push_prev, push_next}) {
    if (c != kNoCounter && tokens_[c] >= geometry_.token_capacity) {
      Fail({ErrCode::kTokenOverflow, static_cast<uint64_t>(c)}, e.pc);
      return HeadResult::kFault;
    }
  }
  if (Fault f = Execute(e); !f.ok()) {
    Fail(f, e.pc);
    return HeadResult::kFault;
  }
  for (int c : {pop_prev, pop_next})
    if (c != kNoCounter) --tokens_[c];
  for (int c : {push_prev, push_next})
    if (c != kNoCounter) ++tokens_[c];
  golden::Count(counters_, golden::InsnCounter(isa::OpcodeOf(e.insn)), 1);
  queues_[q].pop_front();
  ++completed_;
  return HeadResult::kExecuted;
}

Fault GoldenDevice::CheckLink(uint32_t link) const {
  if (link >= links_.size() || !links_[link].tx || !links_[link].rx || !links_[link].tx->up() ||
      !links_[link].rx->up())
    return {ErrCode::kLinkFault, link};
  return {};
}

Fault GoldenDevice::Execute(const Entry& e) {
  return std::visit(
      [&](const auto& i) -> Fault {
        using T = std::decay_t<decltype(i)>;
        if constexpr (std::is_same_v<T, isa::DmaLoad>) {
          return DmaLoad(i);
        } else if constexpr (std::is_same_v<T, isa::DmaStore>) {
          return DmaStore(i);
        } else if constexpr (std::is_same_v<T, isa::Recv>) {
          // TryHead checked the link, the rows and that the bytes have arrived.
          std::vector<uint8_t> data(uint64_t{i.rows} * geometry_.n);
          if (!links_[i.link].rx->Pop(data)) return {ErrCode::kLinkFault, i.link};
          golden::CommitRecv(chip_, i, data, counters_);
          return {};
        } else if constexpr (std::is_same_v<T, isa::Send>) {
          return Send(i);
        } else if constexpr (std::is_same_v<T, isa::Sync> || std::is_same_v<T, isa::Perf> ||
                             std::is_same_v<T, isa::Halt>) {
          return ExecuteBarrier(e);  // barriers never enter a queue
        } else {
          return golden::ExecEx(chip_, e.insn, counters_);
        }
      },
      e.insn);
}

Fault GoldenDevice::ExecuteBarrier(const Entry& e) {
  if (const auto* p = std::get_if<isa::Perf>(&e.insn)) {
    uint64_t addr = 0;
    if (Fault f = SlotRange(p->slot, p->ext_offset, regs::kSnapshotBytes, &addr); !f.ok()) return f;
    if (Fault f = Probe(addr, regs::kSnapshotBytes); !f.ok()) return f;
    const auto rec = golden::PerfRecord(p->tag, counters_);
    // PERF records are bookkeeping, not data traffic: DMA_WR_BYTES does not count them, so
    // per-layer differences of records show exactly the layer's own DMA.
    if (Fault f = ExtWrite(addr, rec); !f.ok()) return f;
  }
  golden::Count(counters_, Counter::kInsnBarrier, 1);
  if (std::holds_alternative<isa::Halt>(e.insn)) {
    ClearRun();
    rf_.SetDone();
  }
  return {};
}

Fault GoldenDevice::RowAddrs(uint32_t slot, uint64_t ext_offset, uint64_t ext_stride, uint64_t rows,
                             uint64_t row_bytes, std::vector<uint64_t>* addrs) const {
  addrs->resize(rows);
  for (uint64_t r = 0; r < rows; ++r) {
    if (Fault f = SlotRange(slot, ext_offset + r * ext_stride, row_bytes, &(*addrs)[r]); !f.ok())
      return f;
  }
  return {};
}

Fault GoldenDevice::DmaLoad(const isa::DmaLoad& d) {
  if (Fault f = golden::CheckDmaRows(chip_, d.mem, d.chip_addr, d.rows, d.row_bytes); !f.ok())
    return f;
  std::vector<uint64_t> addrs;
  if (Fault f = RowAddrs(d.slot, d.ext_offset, d.ext_stride, d.rows, d.row_bytes, &addrs); !f.ok())
    return f;
  std::vector<uint8_t> data(uint64_t{d.rows} * d.row_bytes);
  for (uint64_t r = 0; r < d.rows; ++r) {
    if (Fault f = ExtRead(addrs[r], std::span(data).subspan(r * d.row_bytes, d.row_bytes)); !f.ok())
      return f;
  }
  golden::CommitDmaLoad(chip_, d, data, counters_);
  return {};
}

Fault GoldenDevice::DmaStore(const isa::DmaStore& d) {
  if (Fault f = golden::CheckDmaRows(chip_, d.mem, d.chip_addr, d.rows, d.row_bytes); !f.ok())
    return f;
  std::vector<uint64_t> addrs;
  if (Fault f = RowAddrs(d.slot, d.ext_offset, d.ext_stride, d.rows, d.row_bytes, &addrs); !f.ok())
    return f;
  // Every row must be reachable before anything is written: probe the host rows by reading.
  std::vector<uint8_t> scratch(d.row_bytes);
  for (uint64_t r = 0; r < d.rows; ++r) {
    if (Fault f = ExtRead(addrs[r], scratch); !f.ok()) return f;
  }
  golden::Counters delta{};
  std::vector<uint8_t> data = golden::GatherDmaStore(chip_, d, delta);
  for (uint64_t r = 0; r < d.rows; ++r) {
    if (Fault f = ExtWrite(addrs[r], std::span(data).subspan(r * d.row_bytes, d.row_bytes));
        !f.ok())
      return f;
  }
  for (size_t i = 0; i < counters_.size(); ++i) counters_[i] += delta[i];
  return {};
}

Fault GoldenDevice::Send(const isa::Send& s) {
  if (Fault f = CheckLink(s.link); !f.ok()) return f;
  if (Fault f = golden::CheckLinkRows(chip_, s.ub_addr, s.rows); !f.ok()) return f;
  std::vector<uint8_t> data = golden::GatherSend(chip_, s, counters_);
  links_[s.link].tx->Push(data);
  return {};
}

}  // namespace aorta
