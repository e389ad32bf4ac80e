// The user-space half of the PCIe path: a Backend whose Device talks to the aorta kernel driver
// (driver/linux/, docs/driver.md) through the UAPI ioctls (driver/uapi/aorta_uapi.h).
//
//   auto file = OpenDriverFile("/dev/aorta0");          // the real driver: open / ioctl / mmap
//   auto backend = MakePcieBackend(std::move(*file));
//   auto session = Session::Load(program, **backend);   // the same runtime as every backend
//
// The Session drives a device with register accesses; the driver owns the registers and takes
// whole runs (AORTA_IOC_SUBMIT). PcieDevice translates: register writes are collected (slot
// table, IQ_BASE / IQ_LEN, CHIP_INDEX, CTRL.clear_counters), DOORBELL becomes SUBMIT with the
// device addresses turned back into (buffer handle, offset); WaitIrq is WAIT; STATUS / ERR_*
// answer from the last WAIT; the counters from READ_COUNTERS; ID / VERSION / GEOMETRY /
// CONFIG_FP from INFO; CTRL.soft_reset is RESET. Host buffers are driver buffers (ALLOC + mmap,
// Backend::AllocHost), so the device reads and writes the very memory the session fills.
//
// DriverFile is the seam: the real one (ioctl on /dev/aortaN) and EmulatedDriver, an in-process
// model of the kernel driver that applies the module's own submit checks (aorta_check.h, the
// same code aorta.ko compiles) and runs the submits on a simulated backend's device (golden,
// tlm, rtl) through core/device.h. The user-space code is thereby tested with the real ioctl
// structs against simulated devices.
//
// Board DRAM: the session reserves what its program needs (Backend::ReserveDram); the backend
// allocates one DRAM buffer of that size (AORTA_ALLOC_DRAM), maps it (BAR2) for DramWrite /
// DramRead, and resolves slot addresses below the host window into it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>

#include "driver/runtime/backend.h"

namespace aorta::runtime {

// An open /dev/aortaN: the ioctls of aorta_uapi.h and mmap of buffers.
class EmulatedDriver;

class DriverFile {
 public:
  virtual ~DriverFile() = default;
  // One AORTA_IOC_* request on its struct: 0 or -errno, as the kernel answers.
  virtual int Ioctl(unsigned long request, void* arg) = 0;
  // Maps `bytes` of the buffer at `mmap_offset` (AORTA_MMAP_OFFSET(handle)) into this process.
  virtual Result<std::span<uint8_t>> Map(uint64_t mmap_offset, uint64_t bytes) = 0;
  virtual void Unmap(std::span<uint8_t> mapping) = 0;
  // What this file is (for messages): "/dev/aorta0", "emulated golden".
  virtual std::string name() const = 0;
};

// The real driver: open("/dev/aortaN", O_RDWR | O_CLOEXEC); errors name the path and errno.
Result<std::unique_ptr<DriverFile>> OpenDriverFile(const std::string& path);

// The kernel driver of one chip, emulated in process over a simulated backend's device 0.
// Several EmulatedDriver files may share one EmulatedChip (several opens of /dev/aortaN): runs
// are serialized per chip as the module does. Not shared across processes.
class EmulatedChip {
 public:
  struct Options {
    // Skip aorta_check_range on slots and streams (a test of what the device does with a
    // slot table the driver would have refused). The structural checks stay.
    bool bypass_range_checks = false;
    uint32_t default_timeout_ms = 5000;  // the module's default_timeout_ms
    // Processes: each has its own emulation, so a real chip's per-device serialization is
    // played by an exclusive flock(2) on this file, held from SUBMIT to the end of the run.
    std::string lock_path;
    // With lock_path: under the lock, "B <pid> <seq>" is appended at a run's start and
    // "E <pid> <seq>" at its end (the robustness test checks that runs never interleave).
    std::string trace_path;
    // Board DRAM the driver hands out (AORTA_ALLOC_DRAM); 0: none. pcie+emu:// URIs set the
    // config's dram.bytes.
    uint64_t dram_bytes = 0;
  };
  EmulatedChip(std::unique_ptr<Backend> sim, Options options);
  explicit EmulatedChip(std::unique_ptr<Backend> sim) : EmulatedChip(std::move(sim), Options{}) {}
  ~EmulatedChip();
  EmulatedChip(const EmulatedChip&) = delete;
  EmulatedChip& operator=(const EmulatedChip&) = delete;
  // Fault injection: the next `n` DOORBELLs are dropped, as by a device that stopped answering
  // (the run never ends: WAIT times out, the driver resets the device).
  void StopAnswering(uint32_t n);
  Backend& sim() { return *sim_; }
  uint64_t submits() const;  // SUBMITs that reached the device

 private:
  friend class EmulatedDriver;
  friend Result<std::unique_ptr<DriverFile>> OpenEmulatedDriver(std::shared_ptr<EmulatedChip>);
  std::unique_ptr<Backend> sim_;
  Options options_;
  mutable std::mutex hw_lock_;  // one run at a time (the module's hw_lock)
  uint32_t drop_doorbells_ = 0;
  uint64_t submits_ = 0;
  uint64_t next_seq_ = 1;
  uint64_t next_file_ = 1;
  uint64_t ctx_owner_ = 0;               // the file whose run last ended DONE (restore-stream rule)
  EmulatedDriver* cur_owner_ = nullptr;  // the file whose run is in flight
  int lock_fd_ = -1;                     // Options::lock_path, open
  std::map<uint64_t, uint64_t> dram_;    // DRAM allocations: address -> bytes
};

// One open of the emulated /dev/aortaN.
Result<std::unique_ptr<DriverFile>> OpenEmulatedDriver(std::shared_ptr<EmulatedChip> chip);

// A Backend of one chip behind a driver file. Checks INFO (UAPI version, ID) on creation.
Result<std::unique_ptr<Backend>> MakePcieBackend(std::unique_ptr<DriverFile> file);

// PCIe transfer time model (bench): bytes over a link of `generation` (1..5) x `lanes`, at the
// per-lane payload rate after line encoding (8b/10b for gen 1-2, 128b/130b for 3-5). Microseconds.
Result<double> PcieTransferUs(uint32_t generation, uint32_t lanes, uint64_t bytes);

}  // namespace aorta::runtime
