/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * aorta_uapi.h - the interface between the aorta Linux kernel module (driver/linux/) and user
 * space (the runtime's pcie backend). Plain C; compiles in the kernel, in C and in C++.
 *
 * One character device /dev/aortaN per chip. A process opens it, allocates or pins buffers
 * (each gets a handle, private to the open file), then submits instruction streams whose DMA
 * slots name those buffers, waits for them and reads the perf counters. docs/driver.md
 * describes every ioctl and its error codes.
 *
 * Rules of every struct here: fixed size, explicit padding, 64-bit quantities as __u64, no
 * pointers (addresses travel as __u64). Padding, reserved fields and undefined flag bits must
 * be zero on input: the driver refuses anything else with EINVAL, so that later versions can
 * give them a meaning. AORTA_IOC_INFO reports the driver's AORTA_UAPI_VERSION.
 */
#ifndef AORTA_UAPI_H
#define AORTA_UAPI_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define AORTA_UAPI_VERSION 1

/* PCI identity the board's PCIe endpoint presents (Xilinx vendor ID, aorta device ID). Other
 * IDs can be bound at run time through /sys/bus/pci/drivers/aorta/new_id. */
#define AORTA_PCI_VENDOR_ID 0x10ee
#define AORTA_PCI_DEVICE_ID 0xa07a

/* Device address of host IOVA 0: the device reaches host memory at AORTA_HOST_WINDOW_BASE +
 * IOVA (core/device.h kHostWindowBase; the uapi test checks that they agree). Device addresses
 * below the window are board DRAM. */
#define AORTA_HOST_WINDOW_BASE (1ULL << 47)

/* Capacity of the slot table in struct aorta_submit; the chip has AORTA_IOC_INFO.slot_count
 * slots (16 in register map v1), slots beyond them must be unused. */
#define AORTA_MAX_SLOTS 32
/* Capacity of struct aorta_counters; the chip has AORTA_IOC_INFO.num_counters. */
#define AORTA_MAX_COUNTERS 64

/* The mmap offset of buffer `handle` (AORTA_IOC_ALLOC returns it too). A mapping may start at
 * any page of the buffer: offset AORTA_MMAP_OFFSET(h) + k * page size. Hence the size limit. */
#define AORTA_MMAP_OFFSET(handle) ((__u64)(handle) << 32)
#define AORTA_MAX_BUFFER_BYTES (1ULL << 32)
/* Buffers an open file can hold at once (handles 1 .. AORTA_MAX_HANDLES). */
#define AORTA_MAX_HANDLES 4095

/* ---- AORTA_IOC_INFO ------------------------------------------------------------------- */

#define AORTA_IRQ_MSIX 1
#define AORTA_IRQ_MSI 2
#define AORTA_IRQ_INTX 3

/* info.flags */
#define AORTA_INFO_IOMMU (1u << 0) /* DMA goes through an IOMMU: AORTA_IOC_PIN can work for any
                                    * user memory (one contiguous IOVA range per buffer) */

struct aorta_info {
	__u32 uapi_version;         /* AORTA_UAPI_VERSION of the driver */
	__u32 minor;                /* N of /dev/aortaN */
	__u16 vendor_id;            /* PCI identity */
	__u16 device_id;
	__u16 subsystem_vendor_id;
	__u16 subsystem_device_id;
	__u8 revision;
	__u8 irq_type;              /* AORTA_IRQ_* */
	__u16 irq_vectors;          /* vectors allocated (the driver uses vector 0) */
	__u32 id;                   /* ID register (AORTA_ID_VALUE for an aorta chip) */
	__u32 version;              /* VERSION register: regmap << 16 | isa_major << 8 | isa_minor */
	__u32 geometry;             /* GEOMETRY register: cols << 16 | rows */
	__u64 config_fp;            /* CONFIG_FP_HI:LO, the hardware config fingerprint */
	__u64 bar0_bytes;           /* size of BAR0 (registers) */
	__u64 dram_bytes;           /* size of BAR2 = board DRAM the driver allocates from (0: none) */
	__u64 dram_free;            /* bytes of board DRAM not allocated by any open file */
	__u32 num_counters;         /* perf counters (AORTA_NUM_COUNTERS of the register map) */
	__u32 slot_count;           /* DMA slots (AORTA_SLOT_COUNT of the register map) */
	__u32 flags;                /* AORTA_INFO_* */
	__u32 dma_bits;             /* width of the IOVAs the driver hands the device (47) */
	__u64 reserved[6];
};

/* ---- AORTA_IOC_ALLOC / AORTA_IOC_FREE ------------------------------------------------- */

/* alloc.flags */
#define AORTA_ALLOC_DRAM (1u << 0) /* board DRAM (through BAR2) instead of host memory */

struct aorta_alloc {
	__u64 size;                 /* in: bytes (> 0); out: rounded up to whole pages */
	__u32 flags;                /* in: AORTA_ALLOC_* */
	__u32 handle;               /* out: names the buffer in this open file (never 0) */
	__u64 mmap_offset;          /* out: AORTA_MMAP_OFFSET(handle), for mmap() */
	__u64 dev_addr;             /* out: device address of byte 0 (informational) */
	__u64 reserved[2];
};

/* AORTA_IOC_FREE (ALLOC'd buffers) and AORTA_IOC_UNPIN (PIN'ned buffers). */
struct aorta_free {
	__u32 handle;
	__u32 pad;
};

/* ---- AORTA_IOC_PIN / AORTA_IOC_UNPIN -------------------------------------------------- */

struct aorta_pin {
	__u64 user_addr;            /* in: start of the user memory (any alignment) */
	__u64 size;                 /* in: bytes (> 0) */
	__u32 flags;                /* in: 0 */
	__u32 handle;               /* out */
	__u64 dev_addr;             /* out: device address of user_addr (informational) */
	__u64 reserved[2];
};

/* ---- AORTA_IOC_SUBMIT ----------------------------------------------------------------- */

/* One DMA slot: bytes [offset, offset + size) of buffer `handle`. handle 0 = unused slot (then
 * offset and size must be 0; the device faults every access to it). */
struct aorta_slot {
	__u32 handle;
	__u32 pad;
	__u64 offset;
	__u64 size;
};

/* An instruction stream: `len` 32-byte words at byte `offset` (32-byte aligned) of buffer
 * `handle`. len 0 = no stream. */
struct aorta_stream {
	__u32 handle;
	__u32 len;
	__u64 offset;
};

/* submit.flags */
#define AORTA_SUBMIT_CLEAR_COUNTERS (1u << 0)    /* zero the perf counters before the run */
#define AORTA_SUBMIT_SNAPSHOT_COUNTERS (1u << 1) /* read all counters when the run ends
                                                  * (AORTA_IOC_READ_COUNTERS LAST_RUN) */
/* submit.out_flags */
#define AORTA_SUBMIT_OUT_RESTORE (1u << 0)       /* the restore stream will run first */

struct aorta_submit {
	__u32 flags;                /* in: AORTA_SUBMIT_* */
	__u32 timeout_ms;           /* in: the driver resets the device if the run takes longer
	                             * (0: the module's default_timeout_ms) */
	__u64 seq;                  /* out: the run's number, for AORTA_IOC_WAIT */
	struct aorta_stream iq;     /* in: the stream to run (len > 0) */
	struct aorta_stream restore;/* in: run first iff the chip's on-chip state is not this
	                             * file's: another file's stream ran since this file's last
	                             * run ended DONE, that run failed, or the chip was reset by
	                             * power management (len 0: never) */
	__u32 chip_index;           /* in: written to CHIP_INDEX */
	__u32 out_flags;            /* out: AORTA_SUBMIT_OUT_* */
	__u64 reserved;
	struct aorta_slot slots[AORTA_MAX_SLOTS]; /* in: the slot table, slot i = slots[i] */
};

/* ---- AORTA_IOC_WAIT ------------------------------------------------------------------- */

/* wait.state (0 is never returned: an unfinished run makes WAIT fail with EAGAIN / ETIMEDOUT) */
#define AORTA_RUN_DONE 1    /* reached HALT */
#define AORTA_RUN_ERROR 2   /* the device stopped on an error: err_code / err_pc / err_addr */
#define AORTA_RUN_TIMEOUT 3 /* did not finish in time; the device was reset */
#define AORTA_RUN_ABORTED 4 /* AORTA_IOC_RESET, file closed, or device removed mid-run */

/* wait.flags */
#define AORTA_RUN_RESTORED (1u << 0)       /* the restore stream ran before the stream */
#define AORTA_RUN_FAILED_RESTORE (1u << 1) /* the error (or timeout) hit the restore stream */

struct aorta_wait {
	__u64 seq;                  /* in: AORTA_IOC_SUBMIT's seq (this file's latest run) */
	__u32 timeout_ms;           /* in: 0 = do not block (EAGAIN while the run is unfinished) */
	__u32 state;                /* out: AORTA_RUN_* */
	__u32 err_code;             /* out: ERR_CODE register (ErrCode) when state is ERROR */
	__u32 err_pc;               /* out: ERR_PC */
	__u64 err_addr;             /* out: ERR_ADDR_HI:LO */
	__u32 status;               /* out: STATUS register when the run ended */
	__u32 flags;                /* out: AORTA_RUN_* flags */
	__u64 elapsed_ns;           /* out: doorbell to completion interrupt */
	__u64 reserved[2];
};

/* ---- AORTA_IOC_READ_COUNTERS ---------------------------------------------------------- */

/* counters.flags */
#define AORTA_COUNTERS_LAST_RUN (1u << 0) /* the snapshot of this file's latest run that
                                           * asked for one (else: the registers now) */

struct aorta_counters {
	__u32 flags;                /* in: AORTA_COUNTERS_* */
	__u32 count;                /* out: valid entries of values[] (num_counters) */
	__u64 seq;                  /* out: the run of the snapshot (0: live registers) */
	__u64 values[AORTA_MAX_COUNTERS]; /* out: counter i, in register-map order */
};

/* ---- AORTA_IOC_RESET ------------------------------------------------------------------ */

/* reset.flags */
#define AORTA_RESET_CLEAR_COUNTERS (1u << 0)

struct aorta_reset {
	__u32 flags;
	__u32 pad;
};

/* ---- ioctl numbers -------------------------------------------------------------------- */

#define AORTA_IOC_MAGIC 0xD7

#define AORTA_IOC_INFO _IOR(AORTA_IOC_MAGIC, 0x00, struct aorta_info)
#define AORTA_IOC_ALLOC _IOWR(AORTA_IOC_MAGIC, 0x01, struct aorta_alloc)
#define AORTA_IOC_FREE _IOW(AORTA_IOC_MAGIC, 0x02, struct aorta_free)
#define AORTA_IOC_PIN _IOWR(AORTA_IOC_MAGIC, 0x03, struct aorta_pin)
#define AORTA_IOC_UNPIN _IOW(AORTA_IOC_MAGIC, 0x04, struct aorta_free)
#define AORTA_IOC_SUBMIT _IOWR(AORTA_IOC_MAGIC, 0x05, struct aorta_submit)
#define AORTA_IOC_WAIT _IOWR(AORTA_IOC_MAGIC, 0x06, struct aorta_wait)
#define AORTA_IOC_READ_COUNTERS _IOWR(AORTA_IOC_MAGIC, 0x07, struct aorta_counters)
#define AORTA_IOC_RESET _IOW(AORTA_IOC_MAGIC, 0x08, struct aorta_reset)

#endif /* AORTA_UAPI_H */
