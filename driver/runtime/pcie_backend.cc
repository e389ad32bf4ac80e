#include "driver/runtime/pcie_backend.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "aorta/regs_gen.h"
#include "aorta_check.h"  // driver/linux: the module's submit checks

namespace aorta::runtime {
namespace {

using Clock = std::chrono::steady_clock;

constexpr uint64_t kPage = 4096;

bool AllZero(const void* p, size_t n) {
  const auto* b = static_cast<const uint8_t*>(p);
  for (size_t i = 0; i < n; ++i)
    if (b[i] != 0) return false;
  return true;
}

// ---- the real driver ----------------------------------------------------------------------

class RealDriverFile : public DriverFile {
 public:
  RealDriverFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~RealDriverFile() override { ::close(fd_); }
  int Ioctl(unsigned long request, void* arg) override {
    return ::ioctl(fd_, request, arg) == 0 ? 0 : -errno;
  }
  Result<std::span<uint8_t>> Map(uint64_t mmap_offset, uint64_t bytes) override {
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd_,
                     static_cast<off_t>(mmap_offset));
    if (p == MAP_FAILED)
      return DeviceError("{}: mmap of {} bytes at offset {:#x}: {}", path_, bytes, mmap_offset,
                         std::strerror(errno));
    return std::span<uint8_t>(static_cast<uint8_t*>(p), bytes);
  }
  void Unmap(std::span<uint8_t> mapping) override { ::munmap(mapping.data(), mapping.size()); }
  std::string name() const override { return path_; }

 private:
  int fd_;
  std::string path_;
};

}  // namespace

Result<std::unique_ptr<DriverFile>> OpenDriverFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0)
    return FailedPrecondition("cannot open {}: {} (is aorta.ko loaded? docs/driver.md)", path,
                              std::strerror(errno));
  return std::unique_ptr<DriverFile>(new RealDriverFile(fd, path));
}

// ---- the emulated driver ------------------------------------------------------------------

EmulatedChip::EmulatedChip(std::unique_ptr<Backend> sim, Options options)
    : sim_(std::move(sim)), options_(std::move(options)) {
  if (!options_.lock_path.empty())
    lock_fd_ = ::open(options_.lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
}

EmulatedChip::~EmulatedChip() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

void EmulatedChip::StopAnswering(uint32_t n) {
  std::lock_guard<std::mutex> lock(hw_lock_);
  drop_doorbells_ = n;
}

uint64_t EmulatedChip::submits() const {
  std::lock_guard<std::mutex> lock(hw_lock_);
  return submits_;
}

// One open file of the emulated /dev/aortaN: the module's aorta_fops.c / aorta_buf.c /
// aorta_run.c, with the device a simulated backend's device 0 and the IOMMU its HostMemory.
class EmulatedDriver : public DriverFile {
 public:
  explicit EmulatedDriver(std::shared_ptr<EmulatedChip> chip) : chip_(std::move(chip)) {
    std::lock_guard<std::mutex> lock(chip_->hw_lock_);
    id_ = chip_->next_file_++;
  }
  ~EmulatedDriver() override {
    std::lock_guard<std::mutex> lock(chip_->hw_lock_);
    // Release: a run of this file still in flight is aborted, the buffers are freed.
    if (last_ && last_->state == 0) Abort(*last_, AORTA_RUN_ABORTED);
    for (auto& [h, b] : bufs_)
      if (b.dram)
        chip_->dram_.erase(b.iova);
      else
        (void)chip_->sim().host().Free(b.iova);
  }

  std::string name() const override { return "emulated " + chip_->sim().name(); }

  int Ioctl(unsigned long request, void* arg) override {
    switch (request) {
      case AORTA_IOC_INFO:
        return Info(*static_cast<aorta_info*>(arg));
      case AORTA_IOC_ALLOC:
        return Alloc(*static_cast<aorta_alloc*>(arg));
      case AORTA_IOC_FREE:
        return Free(*static_cast<aorta_free*>(arg));
      case AORTA_IOC_SUBMIT:
        return Submit(*static_cast<aorta_submit*>(arg));
      case AORTA_IOC_WAIT:
        return Wait(*static_cast<aorta_wait*>(arg));
      case AORTA_IOC_READ_COUNTERS:
        return ReadCounters(*static_cast<aorta_counters*>(arg));
      case AORTA_IOC_RESET:
        return Reset(*static_cast<aorta_reset*>(arg));
      case AORTA_IOC_PIN:
        return Pin(*static_cast<aorta_pin*>(arg));
      case AORTA_IOC_UNPIN:
        return Unpin(*static_cast<aorta_free*>(arg));
      default:
        return -ENOTTY;
    }
  }

  Result<std::span<uint8_t>> Map(uint64_t mmap_offset, uint64_t bytes) override {
    std::lock_guard<std::mutex> lock(chip_->hw_lock_);
    auto it = bufs_.find(static_cast<uint32_t>(mmap_offset >> 32));
    const uint64_t start = mmap_offset & 0xffffffffu;
    // Pinned buffers are the process's own memory, mapped already: refused, as the module does.
    if (it == bufs_.end() || it->second.user != nullptr || start % kPage != 0 || bytes == 0 ||
        aorta_check_range(start, bytes, it->second.size) != 0)
      return InvalidArgument("{}: mmap of {} bytes at offset {:#x}: no such buffer range (EINVAL)",
                             name(), bytes, mmap_offset);
    return it->second.span.subspan(start, bytes);
  }
  void Unmap(std::span<uint8_t>) override {}

 private:
  struct Buf {
    uint64_t iova = 0;  // host buffers: the IOVA; DRAM buffers: the DRAM address
    uint64_t size = 0;
    std::span<uint8_t> span;
    bool dram = false;
    // DRAM buffers: the BAR2 mapping's bytes. A real BAR2 mapping is the device's DRAM; the
    // emulation copies it to the simulated device's DRAM at SUBMIT and back when the run ends.
    std::vector<uint8_t> shadow;
    // Pinned buffers (AORTA_IOC_PIN): the user's memory. The emulated IOMMU maps a host buffer
    // of whole pages whose bytes [page_offset, page_offset + size) stand for it, copied from the
    // user's memory at SUBMIT and back when the run ends (a real device reaches the pinned
    // pages themselves).
    uint8_t* user = nullptr;
    uint64_t page_offset = 0;
  };
  struct Stream {
    uint64_t addr = 0;
    uint32_t len = 0;
  };
  struct Run {
    uint64_t seq = 0;
    uint32_t submit_flags = 0;
    bool in_restore = false;
    Stream restore, main;
    Clock::time_point start, deadline;
    uint32_t state = 0, err_code = 0, err_pc = 0, status = 0, flags = 0;
    uint64_t err_addr = 0, elapsed_ns = 0;
    std::array<uint64_t, AORTA_MAX_COUNTERS> counters{};
  };

  Device& dev() { return chip_->sim().device(0); }

  int Info(aorta_info& info) {
    std::lock_guard<std::mutex> lock(chip_->hw_lock_);
    info = aorta_info{};
    info.uapi_version = AORTA_UAPI_VERSION;
    info.vendor_id = AORTA_PCI_VENDOR_ID;
    info.device_id = AORTA_PCI_DEVICE_ID;
    info.irq_type = AORTA_IRQ_MSI;
    info.irq_vectors = 1;
    info.id = dev().ReadReg(regs::kId);
    info.version = dev().ReadReg(regs::kVersion);
    info.geometry = dev().ReadReg(regs::kGeometry);
    info.config_fp = ReadReg64(dev(), regs::kConfigFpLo, regs::kConfigFpHi);
    info.bar0_bytes = regs::kBarBytes;
    info.dram_bytes = chip_->options_.dram_bytes;
    uint64_t used = 0;
    for (const auto& [addr, bytes] : chip_->dram_) used += bytes;
    info.dram_free = info.dram_bytes - used;
    info.num_counters = regs::kNumCounters;
    info.slot_count = regs::kSlotCount;
    info.flags = AORTA_INFO_IOMMU;
    info.dma_bits = 47;
    return 0;
  }

  int Alloc(aorta_alloc& a) {
    if (!AllZero(a.reserved, sizeof(a.reserved)) || (a.flags & ~AORTA_ALLOC_DRAM) || a.size == 0 ||
        a.size > AORTA_MAX_BUFFER_BYTES)
      return -EINVAL;
    std::lock_guard<std::mutex> lock(chip_->hw_lock_);
    if (bufs_.size() >= AORTA_MAX_HANDLES) return -ENOSPC;
    const uint64_t size = (a.size + kPage - 1) / kPage * kPage;
    Buf buf;
    buf.size = size;
    if (a.flags & AORTA_ALLOC_DRAM) {
      // First fit in [0, dram_bytes).
      uint64_t at = 0;
      for (const auto& [addr, bytes] : chip_->dram_) {
        if (addr - at >= size) break;
        at = addr + bytes;
      }
      if (at + size > chip_->options_.dram_bytes) return -ENOMEM;
      chip_->dram_[at] = size;
      buf.iova = at;
      buf.dram = true;
      buf.shadow.assign(size, 0);
    } else {
      Result<HostMemory::Buffer> b = chip_->sim().host().Alloc(size);
      if (!b.ok()) return -ENOMEM;
      buf.iova = b->iova;
      buf.span = b->span;
    }
    const uint32_t h = NewHandle();
    a.size = size;
    a.handle = h;
    a.mmap_offset = AORTA_MMAP_OFFSET(h);
    a.dev_addr = buf.dram ? buf.iova : AORTA_HOST_WINDOW_BASE + buf.iova;
    bufs_[h] = std::move(buf);
    if (bufs_[h].dram) bufs_[h].span = bufs_[h].shadow;
    return 0;
  }

  // AORTA_IOC_PIN: user memory of any alignment, as one device range (the emulated device is
  // behind an IOMMU: AORTA_INFO_IOMMU). The memory must stay valid until UNPIN or close.
  int Pin(aorta_pin& p) {
    if (p.flags || p.reserved[0] || p.reserved[1]) return -EINVAL;
    uint64_t end = 0;
    if (p.size == 0 || p.size > AORTA_MAX_BUFFER_BYTES ||
        __builtin_add_overflow(p.user_addr, p.size, &end))
      return -EINVAL;
    if (p.user_addr == 0) return -EFAULT;  // pin_user_pages_fast fails on the zero page
    std::lock_guard<std::mutex> lock(chip_->hw_lock_);
    if (bufs_.size() >= AORTA_MAX_HANDLES) return -ENOSPC;
    const uint64_t page_offset = p.user_addr % kPage;
    const uint64_t mapped = (page_offset + p.size + kPage - 1) / kPage * kPage;
    Result<HostMemory::Buffer> b = chip_->sim().host().Alloc(mapped);
    if (!b.ok()) return -ENOMEM;
    Buf buf;
    buf.iova = b->iova;
    buf.size = p.size;
    buf.span = b->span.subspan(page_offset, p.size);
    buf.user = reinterpret_cast<uint8_t*>(static_cast<uintptr_t>(p.user_addr));
    buf.page_offset = page_offset;
    const uint32_t h = NewHandle();
    p.handle = h;
    p.dev_addr = AORTA_HOST_WINDOW_BASE + buf.iova + page_offset;
    bufs_[h] = std::move(buf);
    return 0;
  }

  // AORTA_IOC_FREE (allocated buffers, pinned = false) and AORTA_IOC_UNPIN (pinned = true): the
  // module's aorta_ioc_free.
  int Release(const aorta_free& f, bool pinned) {
    if (f.pad || !f.handle) return -EINVAL;
    std::lock_guard<std::mutex> lock(chip_->hw_lock_);
    auto it = bufs_.find(f.handle);
    if (it == bufs_.end()) return -ENOENT;
    if ((it->second.user != nullptr) != pinned) return -EINVAL;  // FREE of a pinned one, or back
    if (last_ && last_->state == 0) return -EBUSY;               // a run in flight may use it
    if (it->second.dram)
      chip_->dram_.erase(it->second.iova);
    else
      (void)chip_->sim().host().Free(it->second.iova);
    bufs_.erase(it);
    return 0;
  }
  int Free(const aorta_free& f) { return Release(f, false); }
  int Unpin(const aorta_free& f) { return Release(f, true); }

  // The next free handle (1 .. AORTA_MAX_HANDLES); the caller checked there is one.
  uint32_t NewHandle() {
    while (next_handle_ == 0 || bufs_.count(next_handle_))
      next_handle_ = next_handle_ % AORTA_MAX_HANDLES + 1;
    return next_handle_++;
  }

  // aorta_resolve: bytes [offset, offset + size) of this file's buffer as a device address.
  int Resolve(uint32_t handle, uint64_t offset, uint64_t size, uint64_t* addr) {
    auto it = bufs_.find(handle);
    if (it == bufs_.end()) return -EINVAL;  // not a buffer of this file
    if (!chip_->options_.bypass_range_checks) {
      int ret = aorta_check_range(offset, size, it->second.size);
      if (ret) return ret;
    }
    *addr = (it->second.dram ? 0 : AORTA_HOST_WINDOW_BASE) + it->second.iova +
            it->second.page_offset + offset;
    return 0;
  }

  // The BAR2 mappings of this file's DRAM buffers, to the device and back; hw_lock held.
  // Pinned buffers likewise: the user's memory to the mapped pages and back.
  void SyncDramToDevice() {
    for (auto& [h, b] : bufs_) {
      if (b.dram) (void)dev().DramWrite(b.iova, b.shadow);
      if (b.user) std::memcpy(b.span.data(), b.user, b.size);
    }
  }
  void SyncDramFromDevice() {
    for (auto& [h, b] : bufs_) {
      if (b.dram) (void)dev().DramRead(b.iova, b.shadow);
      if (b.user) std::memcpy(b.user, b.span.data(), b.size);
    }
  }

  int ResolveStream(const aorta_stream& s, Stream* out) {
    if (!s.len) return 0;
    int ret = Resolve(s.handle, s.offset, aorta_stream_bytes(&s), &out->addr);
    if (ret) return ret;
    out->len = s.len;
    return aorta_check_stream_addr(out->addr);
  }

  // The cross-process device lock (Options::lock_path) and its trace; hw_lock held.
  void LockDevice(uint64_t seq) {
    if (chip_->lock_fd_ < 0) return;
    while (::flock(chip_->lock_fd_, LOCK_EX) != 0 && errno == EINTR) {
    }
    Trace('B', seq);
  }
  void UnlockDevice(uint64_t seq) {
    if (chip_->lock_fd_ < 0) return;
    Trace('E', seq);
    ::flock(chip_->lock_fd_, LOCK_UN);
  }
  void Trace(char what, uint64_t seq) {
    if (chip_->options_.trace_path.empty()) return;
    const std::string line = fmt::format("{} {} {}\n", what, ::getpid(), seq);
    int fd =
        ::open(chip_->options_.trace_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return;
    (void)!::write(fd, line.data(), line.size());
    ::close(fd);
  }

  void Start(const Stream& s) {
    Device& d = dev();
    d.WriteReg(regs::kIrqStatus, regs::kIrqStatusDoneMask | regs::kIrqStatusErrorMask);
    WriteReg64(d, regs::kIqBaseLo, regs::kIqBaseHi, s.addr);
    d.WriteReg(regs::kIqLen, s.len);
    if (chip_->drop_doorbells_ > 0) {
      --chip_->drop_doorbells_;  // a device that stopped answering
      return;
    }
    d.WriteReg(regs::kDoorbell, 1);
  }

  void SoftReset() {
    dev().WriteReg(regs::kCtrl, regs::kCtrlSoftResetMask);
    dev().WriteReg(regs::kIrqStatus, regs::kIrqStatusDoneMask | regs::kIrqStatusErrorMask);
  }

  // aorta_finish / aorta_abort; hw_lock held.
  void Finish(Run& r, uint32_t state) {
    r.state = state;
    r.status = dev().ReadReg(regs::kStatus);
    if (state == AORTA_RUN_ERROR) {
      r.err_code = dev().ReadReg(regs::kErrCode);
      r.err_pc = dev().ReadReg(regs::kErrPc);
      r.err_addr = ReadReg64(dev(), regs::kErrAddrLo, regs::kErrAddrHi);
    }
    if (state != AORTA_RUN_DONE && r.in_restore) r.flags |= AORTA_RUN_FAILED_RESTORE;
    r.elapsed_ns = static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - r.start).count());
    if (r.submit_flags & AORTA_SUBMIT_SNAPSHOT_COUNTERS)
      for (uint32_t i = 0; i < regs::kNumCounters; ++i) {
        auto c = static_cast<regs::Counter>(i);
        r.counters[i] = ReadReg64(dev(), regs::CounterLo(c), regs::CounterHi(c));
      }
    chip_->ctx_owner_ = state == AORTA_RUN_DONE ? id_ : 0;
    SyncDramFromDevice();
    UnlockDevice(r.seq);
    dev().WriteReg(regs::kIrqStatus, regs::kIrqStatusDoneMask | regs::kIrqStatusErrorMask);
    if (chip_->cur_owner_ == this) chip_->cur_owner_ = nullptr;
  }

  void Abort(Run& r, uint32_t state) {
    SoftReset();
    Finish(r, state);
  }

  // The interrupt handler and the watchdog: drives the simulated device until the run ends or
  // `until` passes; then, if `abort`, the run ends as TIMEOUT after a soft reset. hw_lock held.
  void Advance(Run& r, Clock::time_point until, bool abort = true) {
    while (r.state == 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
      if (left.count() < 0) left = std::chrono::milliseconds(0);
      if (!chip_->sim().Wait(0, left)) {
        if (abort) Abort(r, AORTA_RUN_TIMEOUT);
        return;
      }
      const uint32_t status = dev().ReadReg(regs::kStatus);
      if (status & regs::kStatusErrorMask) {
        Finish(r, AORTA_RUN_ERROR);
      } else if (r.in_restore) {
        r.in_restore = false;
        r.flags |= AORTA_RUN_RESTORED;
        Start(r.main);
      } else {
        Finish(r, AORTA_RUN_DONE);
      }
    }
  }

  int Submit(aorta_submit& req) {
    if (aorta_check_submit(&req)) return -EINVAL;
    auto run = std::make_shared<Run>();
    run->submit_flags = req.flags;
    std::array<uint64_t, regs::kSlotCount> base{}, size{};
    std::lock_guard<std::mutex> lock(chip_->hw_lock_);
    for (uint32_t i = 0; i < regs::kSlotCount; ++i) {
      const aorta_slot& s = req.slots[i];
      if (!s.handle) continue;
      int ret = Resolve(s.handle, s.offset, s.size, &base[i]);
      if (ret) return ret;
      size[i] = s.size;
    }
    int ret = ResolveStream(req.iq, &run->main);
    if (!ret) ret = ResolveStream(req.restore, &run->restore);
    if (ret) return ret;
    // aorta_lock_idle: the run in flight (another file's) ends first, by its deadline at latest.
    if (EmulatedDriver* owner = chip_->cur_owner_; owner != nullptr)
      owner->Advance(*owner->last_, owner->last_->deadline);
    run->seq = ++chip_->next_seq_;
    LockDevice(run->seq);
    SyncDramToDevice();
    SoftReset();
    if (req.flags & AORTA_SUBMIT_CLEAR_COUNTERS)
      dev().WriteReg(regs::kCtrl, regs::kCtrlClearCountersMask);
    dev().WriteReg(regs::kChipIndex, req.chip_index);
    dev().WriteReg(regs::kIrqMask, regs::kIrqStatusDoneMask | regs::kIrqStatusErrorMask);
    for (uint32_t i = 0; i < regs::kSlotCount; ++i) {
      WriteReg64(dev(), regs::kSlotBaseLo(i), regs::kSlotBaseHi(i), base[i]);
      WriteReg64(dev(), regs::kSlotSizeLo(i), regs::kSlotSizeHi(i), size[i]);
    }
    run->in_restore = run->restore.len && chip_->ctx_owner_ != id_;
    req.out_flags = run->in_restore ? AORTA_SUBMIT_OUT_RESTORE : 0;
    req.seq = run->seq;
    const uint32_t timeout_ms =
        req.timeout_ms ? req.timeout_ms : chip_->options_.default_timeout_ms;
    run->start = Clock::now();
    run->deadline = run->start + std::chrono::milliseconds(timeout_ms);
    chip_->cur_owner_ = this;
    last_ = run;
    if (run->submit_flags & AORTA_SUBMIT_SNAPSHOT_COUNTERS) snap_ = run;
    ++chip_->submits_;
    Start(run->in_restore ? run->restore : run->main);
    return 0;
  }

  int Wait(aorta_wait& w) {
    if (w.reserved[0] || w.reserved[1]) return -EINVAL;
    std::lock_guard<std::mutex> lock(chip_->hw_lock_);
    if (!last_ || last_->seq != w.seq) return -ESRCH;
    Run& r = *last_;
    if (r.state == 0) {
      // timeout 0: whatever the device has done by now, EAGAIN if unfinished (nothing aborted).
      // Otherwise until the wait's timeout or the run's deadline, whichever comes first: the run
      // is then ended (TIMEOUT) with a soft reset, as the module's WAIT and watchdog do.
      const auto wait_until = Clock::now() + std::chrono::milliseconds(w.timeout_ms);
      const bool past_deadline = Clock::now() >= r.deadline;
      Advance(r, std::min(wait_until, r.deadline), w.timeout_ms != 0 || past_deadline);
      if (r.state == 0) return -EAGAIN;
    }
    w.state = r.state;
    w.err_code = r.err_code;
    w.err_pc = r.err_pc;
    w.err_addr = r.err_addr;
    w.status = r.status;
    w.flags = r.flags;
    w.elapsed_ns = r.elapsed_ns;
    return r.state == AORTA_RUN_TIMEOUT ? -ETIMEDOUT : 0;
  }

  int ReadCounters(aorta_counters& c) {
    if (c.flags & ~AORTA_COUNTERS_LAST_RUN) return -EINVAL;
    std::lock_guard<std::mutex> lock(chip_->hw_lock_);
    std::memset(c.values, 0, sizeof(c.values));
    c.count = regs::kNumCounters;
    c.seq = 0;
    if (c.flags & AORTA_COUNTERS_LAST_RUN) {
      if (!snap_) return -ENOENT;
      if (snap_->state == 0) return -EAGAIN;
      std::memcpy(c.values, snap_->counters.data(), sizeof(c.values));
      c.seq = snap_->seq;
      return 0;
    }
    for (uint32_t i = 0; i < regs::kNumCounters; ++i) {
      auto ctr = static_cast<regs::Counter>(i);
      c.values[i] = ReadReg64(dev(), regs::CounterLo(ctr), regs::CounterHi(ctr));
    }
    return 0;
  }

  int Reset(const aorta_reset& r) {
    if ((r.flags & ~AORTA_RESET_CLEAR_COUNTERS) || r.pad) return -EINVAL;
    std::lock_guard<std::mutex> lock(chip_->hw_lock_);
    if (chip_->cur_owner_ != nullptr && chip_->cur_owner_ != this) return -EBUSY;  // another's
    if (chip_->cur_owner_ == this)
      Abort(*last_, AORTA_RUN_ABORTED);
    else
      SoftReset();
    if (r.flags & AORTA_RESET_CLEAR_COUNTERS)
      dev().WriteReg(regs::kCtrl, regs::kCtrlClearCountersMask);
    return 0;
  }

  std::shared_ptr<EmulatedChip> chip_;
  uint64_t id_ = 0;
  uint32_t next_handle_ = 1;
  std::map<uint32_t, Buf> bufs_;
  std::shared_ptr<Run> last_, snap_;
};

Result<std::unique_ptr<DriverFile>> OpenEmulatedDriver(std::shared_ptr<EmulatedChip> chip) {
  if (chip == nullptr || chip->sim_ == nullptr || chip->sim_->num_devices() == 0)
    return InvalidArgument("the emulated driver needs a simulated backend with a device");
  return std::unique_ptr<DriverFile>(new EmulatedDriver(std::move(chip)));
}

// ---- the backend --------------------------------------------------------------------------

namespace {

std::string Errno(int ret) { return std::strerror(-ret); }

class PcieBackend;

// The register view the session drives, turned into whole runs for the driver.
class PcieDevice : public Device {
 public:
  explicit PcieDevice(PcieBackend& backend) : backend_(backend) {}
  uint32_t ReadReg(uint32_t offset) override;
  void WriteReg(uint32_t offset, uint32_t value) override;
  bool WaitIrq(std::chrono::milliseconds timeout) override;
  Status DramWrite(uint64_t addr, std::span<const uint8_t> data) override;
  Status DramRead(uint64_t addr, std::span<uint8_t> out) override;

 private:
  static void Set64(uint64_t& v, bool hi, uint32_t value) {
    v = hi ? (v & 0xffffffffu) | (uint64_t{value} << 32) : (v & ~uint64_t{0xffffffffu}) | value;
  }
  static uint32_t Get64(uint64_t v, bool hi) { return static_cast<uint32_t>(hi ? v >> 32 : v); }
  void Submit();
  void Fail(regs::ErrCode code, uint64_t addr);

  PcieBackend& backend_;
  std::array<uint64_t, regs::kSlotCount> slot_base_{}, slot_size_{};
  uint64_t iq_base_ = 0, err_addr_ = 0, seq_ = 0;
  uint32_t iq_len_ = 0, chip_index_ = 0, irq_mask_ = 0, irq_status_ = 0, status_ = 0;
  uint32_t err_code_ = 0, err_pc_ = 0;
  bool clear_counters_ = false, in_flight_ = false;
  std::array<uint64_t, AORTA_MAX_COUNTERS> counters_{};
};

class PcieBackend : public Backend {
 public:
  explicit PcieBackend(std::unique_ptr<DriverFile> file) : file_(std::move(file)), dev_(*this) {}
  ~PcieBackend() override {
    if (dram_.handle != 0) bufs_[0] = dram_;
    for (auto& [addr, b] : bufs_) {
      file_->Unmap(b.map);
      aorta_free f{b.handle, 0};
      (void)file_->Ioctl(AORTA_IOC_FREE, &f);
    }
  }

  Status Init() {
    int ret = file_->Ioctl(AORTA_IOC_INFO, &info_);
    if (ret) return DeviceError("{}: AORTA_IOC_INFO: {}", file_->name(), Errno(ret));
    if (info_.uapi_version != AORTA_UAPI_VERSION)
      return FailedPrecondition("{}: the driver speaks UAPI version {}, this runtime {}",
                                file_->name(), info_.uapi_version, AORTA_UAPI_VERSION);
    if (info_.id != regs::kIdValue)
      return FailedPrecondition("{}: the device does not identify as an aorta chip (ID {:#010x})",
                                file_->name(), info_.id);
    if (info_.slot_count > AORTA_MAX_SLOTS || info_.num_counters > AORTA_MAX_COUNTERS)
      return FailedPrecondition("{}: the driver reports {} slots / {} counters (at most {} / {})",
                                file_->name(), info_.slot_count, info_.num_counters,
                                AORTA_MAX_SLOTS, AORTA_MAX_COUNTERS);
    return Status::Ok();
  }

  std::string name() const override { return "pcie"; }
  size_t num_devices() const override { return 1; }
  Device& device(size_t) override { return dev_; }
  // The devices reach driver buffers only (AllocHost); this HostMemory stays empty.
  HostMemory& host() override { return unused_host_; }

  Result<HostMemory::Buffer> AllocHost(uint64_t bytes) override {
    aorta_alloc a{};
    a.size = bytes;
    int ret = file_->Ioctl(AORTA_IOC_ALLOC, &a);
    if (ret)
      return DeviceError("{}: AORTA_IOC_ALLOC of {} bytes: {}", file_->name(), bytes, Errno(ret));
    Result<std::span<uint8_t>> map = file_->Map(a.mmap_offset, a.size);
    if (!map.ok()) {
      aorta_free f{a.handle, 0};
      (void)file_->Ioctl(AORTA_IOC_FREE, &f);
      return map.status();
    }
    std::memset(map->data(), 0, map->size());
    bufs_[a.dev_addr] = Buf{a.handle, a.size, *map};
    return HostMemory::Buffer{a.dev_addr - AORTA_HOST_WINDOW_BASE, map->subspan(0, bytes)};
  }

  Status ReserveDram(size_t, uint64_t bytes) override {
    if (dram_.handle != 0) {
      file_->Unmap(dram_.map);
      aorta_free f{dram_.handle, 0};
      (void)file_->Ioctl(AORTA_IOC_FREE, &f);
      dram_ = Buf{};
    }
    aorta_alloc a{};
    a.size = bytes;
    a.flags = AORTA_ALLOC_DRAM;
    int ret = file_->Ioctl(AORTA_IOC_ALLOC, &a);
    if (ret)
      return DeviceError("{}: AORTA_IOC_ALLOC of {} bytes of board DRAM ({} free): {}",
                         file_->name(), bytes, info_.dram_free, Errno(ret));
    AORTA_ASSIGN_OR_RETURN(std::span<uint8_t> map, file_->Map(a.mmap_offset, a.size));
    dram_ = Buf{a.handle, a.size, map};
    return Status::Ok();
  }

  // Bytes [addr, addr + n) of the reserved DRAM (session addresses start at 0).
  Result<std::span<uint8_t>> Dram(uint64_t addr, uint64_t n) {
    if (dram_.handle == 0 || aorta_check_range(addr, n, dram_.size))
      return InvalidArgument("board DRAM [{:#x}, +{}) lies outside the {} bytes reserved", addr, n,
                             dram_.size);
    return dram_.map.subspan(addr, n);
  }

  Status FreeHost(uint64_t iova) override {
    auto it = bufs_.find(AORTA_HOST_WINDOW_BASE + iova);
    if (it == bufs_.end()) return NotFound("no driver buffer at IOVA {:#x}", iova);
    file_->Unmap(it->second.map);
    aorta_free f{it->second.handle, 0};
    int ret = file_->Ioctl(AORTA_IOC_FREE, &f);
    bufs_.erase(it);
    if (ret) return DeviceError("{}: AORTA_IOC_FREE: {}", file_->name(), Errno(ret));
    return Status::Ok();
  }

  // The driver buffer holding device address `addr`: its handle and the offset of `addr`. The
  // extent of a slot or stream is the driver's to check (SUBMIT answers EFAULT).
  bool Resolve(uint64_t addr, uint32_t* handle, uint64_t* offset) const {
    if (addr < AORTA_HOST_WINDOW_BASE) {  // board DRAM: the reserved buffer
      if (dram_.handle == 0 || addr >= dram_.size) return false;
      *handle = dram_.handle;
      *offset = addr;
      return true;
    }
    auto it = bufs_.upper_bound(addr);
    if (it == bufs_.begin()) return false;
    --it;
    const uint64_t off = addr - it->first;
    if (off >= it->second.size) return false;
    *handle = it->second.handle;
    *offset = off;
    return true;
  }

  DriverFile& file() { return *file_; }
  const aorta_info& info() const { return info_; }
  Status last_error() const { return last_error_; }
  void set_last_error(Status s) { last_error_ = std::move(s); }

 private:
  struct Buf {
    uint32_t handle = 0;
    uint64_t size = 0;
    std::span<uint8_t> map;
  };
  std::unique_ptr<DriverFile> file_;
  PcieDevice dev_;
  aorta_info info_{};
  HostMemory unused_host_{HostMemory::kPageBytes};
  std::map<uint64_t, Buf> bufs_;  // by device address
  Buf dram_;                      // ReserveDram's buffer
  Status last_error_;
};

Status PcieDevice::DramWrite(uint64_t addr, std::span<const uint8_t> data) {
  AORTA_ASSIGN_OR_RETURN(std::span<uint8_t> m, backend_.Dram(addr, data.size()));
  std::memcpy(m.data(), data.data(), data.size());
  return Status::Ok();
}

Status PcieDevice::DramRead(uint64_t addr, std::span<uint8_t> out) {
  AORTA_ASSIGN_OR_RETURN(std::span<uint8_t> m, backend_.Dram(addr, out.size()));
  std::memcpy(out.data(), m.data(), out.size());
  return Status::Ok();
}

uint32_t PcieDevice::ReadReg(uint32_t off) {
  const aorta_info& info = backend_.info();
  if (off >= regs::kCounterBase && off < regs::kCounterBase + 8 * regs::kNumCounters) {
    const uint32_t i = (off - regs::kCounterBase) / 8;
    if ((off & 4) == 0) {  // the low half reads the counters; the high half follows it
      aorta_counters c{};
      if (backend_.file().Ioctl(AORTA_IOC_READ_COUNTERS, &c) == 0)
        std::memcpy(counters_.data(), c.values, sizeof(c.values));
    }
    return Get64(counters_[i], (off & 4) != 0);
  }
  for (uint32_t s = 0; s < regs::kSlotCount; ++s) {
    if (off == regs::kSlotBaseLo(s) || off == regs::kSlotBaseHi(s))
      return Get64(slot_base_[s], off == regs::kSlotBaseHi(s));
    if (off == regs::kSlotSizeLo(s) || off == regs::kSlotSizeHi(s))
      return Get64(slot_size_[s], off == regs::kSlotSizeHi(s));
  }
  switch (off) {
    case regs::kId:
      return info.id;
    case regs::kVersion:
      return info.version;
    case regs::kConfigFpLo:
      return Get64(info.config_fp, false);
    case regs::kConfigFpHi:
      return Get64(info.config_fp, true);
    case regs::kGeometry:
      return info.geometry;
    case regs::kChipIndex:
      return chip_index_;
    case regs::kStatus:
      return status_ | (in_flight_ ? regs::kStatusBusyMask : 0);
    case regs::kIqBaseLo:
      return Get64(iq_base_, false);
    case regs::kIqBaseHi:
      return Get64(iq_base_, true);
    case regs::kIqLen:
      return iq_len_;
    case regs::kIrqStatus:
      return irq_status_;
    case regs::kIrqMask:
      return irq_mask_;
    case regs::kErrCode:
      return err_code_;
    case regs::kErrPc:
      return err_pc_;
    case regs::kErrAddrLo:
      return Get64(err_addr_, false);
    case regs::kErrAddrHi:
      return Get64(err_addr_, true);
    default:
      return 0;  // write-only (CTRL, DOORBELL) and unassigned offsets read as zero
  }
}

void PcieDevice::WriteReg(uint32_t off, uint32_t value) {
  for (uint32_t s = 0; s < regs::kSlotCount; ++s) {
    if (off == regs::kSlotBaseLo(s) || off == regs::kSlotBaseHi(s))
      return Set64(slot_base_[s], off == regs::kSlotBaseHi(s), value);
    if (off == regs::kSlotSizeLo(s) || off == regs::kSlotSizeHi(s))
      return Set64(slot_size_[s], off == regs::kSlotSizeHi(s), value);
  }
  switch (off) {
    case regs::kCtrl:
      if (value & regs::kCtrlSoftResetMask) {
        aorta_reset r{};
        int ret = backend_.file().Ioctl(AORTA_IOC_RESET, &r);
        if (ret)
          backend_.set_last_error(
              DeviceError("{}: AORTA_IOC_RESET: {}", backend_.file().name(), Errno(ret)));
        in_flight_ = false;
        status_ = irq_status_ = err_code_ = err_pc_ = 0;
        err_addr_ = 0;
      }
      if (value & regs::kCtrlClearCountersMask) clear_counters_ = true;
      return;
    case regs::kChipIndex:
      chip_index_ = value;
      return;
    case regs::kIqBaseLo:
      return Set64(iq_base_, false, value);
    case regs::kIqBaseHi:
      return Set64(iq_base_, true, value);
    case regs::kIqLen:
      iq_len_ = value;
      return;
    case regs::kIrqStatus:
      irq_status_ &= ~value;
      return;
    case regs::kIrqMask:
      irq_mask_ = value;
      return;
    case regs::kDoorbell:
      if (!in_flight_) Submit();
      return;
    default:
      return;
  }
}

// A run that never reached the device: reported as the device would report the address the
// driver cannot map (DMA_FAULT / FETCH_FAULT), with the driver's answer kept in last_error().
void PcieDevice::Fail(regs::ErrCode code, uint64_t addr) {
  status_ = regs::kStatusErrorMask;
  err_code_ = static_cast<uint32_t>(code);
  err_pc_ = 0;
  err_addr_ = addr;
  irq_status_ |= regs::kIrqStatusErrorMask;
}

void PcieDevice::Submit() {
  aorta_submit req{};
  status_ = irq_status_ = 0;
  req.flags = clear_counters_ ? AORTA_SUBMIT_CLEAR_COUNTERS : 0;
  req.chip_index = chip_index_;
  uint64_t offset = 0;
  if (!backend_.Resolve(iq_base_, &req.iq.handle, &offset) || iq_len_ == 0) {
    backend_.set_last_error(InvalidArgument(
        "instruction stream at {:#x} ({} words) is in no driver buffer", iq_base_, iq_len_));
    return Fail(regs::ErrCode::kFetchFault, iq_base_);
  }
  req.iq.offset = offset;
  req.iq.len = iq_len_;
  for (uint32_t s = 0; s < regs::kSlotCount && s < AORTA_MAX_SLOTS; ++s) {
    if (slot_size_[s] == 0) continue;
    aorta_slot& slot = req.slots[s];
    uint64_t slot_offset = 0;
    if (!backend_.Resolve(slot_base_[s], &slot.handle, &slot_offset)) {
      backend_.set_last_error(InvalidArgument("slot {} ({:#x}, {} bytes) is in no driver buffer", s,
                                              slot_base_[s], slot_size_[s]));
      return Fail(regs::ErrCode::kDmaFault, slot_base_[s]);
    }
    slot.offset = slot_offset;
    slot.size = slot_size_[s];
  }
  int ret = backend_.file().Ioctl(AORTA_IOC_SUBMIT, &req);
  if (ret) {
    backend_.set_last_error(
        DeviceError("{}: AORTA_IOC_SUBMIT: {}", backend_.file().name(), Errno(ret)));
    return Fail(regs::ErrCode::kDmaFault, iq_base_);
  }
  clear_counters_ = false;
  seq_ = req.seq;
  in_flight_ = true;
}

bool PcieDevice::WaitIrq(std::chrono::milliseconds timeout) {
  if (in_flight_) {
    aorta_wait w{};
    w.seq = seq_;
    w.timeout_ms = static_cast<uint32_t>(std::min<int64_t>(timeout.count(), UINT32_MAX));
    int ret = backend_.file().Ioctl(AORTA_IOC_WAIT, &w);
    if (ret == -EAGAIN) return false;
    in_flight_ = false;
    if (ret == -ETIMEDOUT || (ret == 0 && w.state == AORTA_RUN_TIMEOUT)) {
      // The driver has reset the device already.
      backend_.set_last_error(Timeout("{}: run {} timed out; the driver reset the device",
                                      backend_.file().name(), seq_));
      return false;
    }
    if (ret) {
      backend_.set_last_error(
          DeviceError("{}: AORTA_IOC_WAIT: {}", backend_.file().name(), Errno(ret)));
      Fail(regs::ErrCode::kAborted, 0);
    } else if (w.state == AORTA_RUN_DONE) {
      status_ = regs::kStatusDoneMask;
      irq_status_ |= regs::kIrqStatusDoneMask;
    } else if (w.state == AORTA_RUN_ERROR) {
      status_ = regs::kStatusErrorMask;
      err_code_ = w.err_code;
      err_pc_ = w.err_pc;
      err_addr_ = w.err_addr;
      irq_status_ |= regs::kIrqStatusErrorMask;
    } else {
      Fail(regs::ErrCode::kAborted, 0);
    }
  }
  return (irq_status_ & irq_mask_) != 0;
}

}  // namespace

Result<std::unique_ptr<Backend>> MakePcieBackend(std::unique_ptr<DriverFile> file) {
  if (file == nullptr) return InvalidArgument("MakePcieBackend: no driver file");
  auto b = std::make_unique<PcieBackend>(std::move(file));
  AORTA_RETURN_IF_ERROR(b->Init());
  return std::unique_ptr<Backend>(std::move(b));
}

Result<double> PcieTransferUs(uint32_t generation, uint32_t lanes, uint64_t bytes) {
  // Raw rate per lane (GT/s) and line-code efficiency per generation.
  static constexpr double kGts[] = {2.5, 5.0, 8.0, 16.0, 32.0};
  if (generation < 1 || generation > 5)
    return InvalidArgument("PCIe generation {} (1..5)", generation);
  if (lanes == 0 || lanes > 16 || (lanes & (lanes - 1)) != 0)
    return InvalidArgument("PCIe lanes {} (1, 2, 4, 8 or 16)", lanes);
  const double efficiency = generation <= 2 ? 8.0 / 10.0 : 128.0 / 130.0;
  const double bytes_per_us = kGts[generation - 1] * 1e3 * efficiency / 8.0 * lanes;
  return static_cast<double>(bytes) / bytes_per_us;
}

}  // namespace aorta::runtime
