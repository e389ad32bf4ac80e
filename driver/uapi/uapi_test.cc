// The UAPI header compiles as C++ and its structs are laid out as docs/driver.md says: the test
// reads the struct tables of the doc (offset, size, field) and compares them with offsetof /
// sizeof here, field by field. It also checks what keeps the layout the same for 32-bit
// callers (no implicit padding, 64-bit fields 8-byte aligned), the ioctl numbers, and that the
// constants the header shares with the rest of aorta agree with their sources.
#include <gtest/gtest.h>

#include <cstddef>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "aorta/aorta_regs.h"
#include "aorta/regs_gen.h"
#include "core/device.h"
#include "driver/uapi/aorta_uapi.h"

namespace {

struct FieldInfo {
  std::string name;
  size_t offset;
  size_t size;
  bool operator==(const FieldInfo&) const = default;
};

void PrintTo(const FieldInfo& f, std::ostream* os) {
  *os << f.name << " at " << f.offset << ", " << f.size << " bytes";
}

struct StructInfo {
  std::string name;
  size_t size;
  size_t align;
  std::vector<FieldInfo> fields;
};

#define AORTA_FIELD(S, m) \
  FieldInfo { #m, offsetof(S, m), sizeof(S::m) }
#define AORTA_STRUCT(S, ...)                   \
  StructInfo {                                 \
#S, sizeof(S), alignof(S), { __VA_ARGS__ } \
  }

std::vector<StructInfo> CodeStructs() {
  return {
      AORTA_STRUCT(aorta_info, AORTA_FIELD(aorta_info, uapi_version),
                   AORTA_FIELD(aorta_info, minor), AORTA_FIELD(aorta_info, vendor_id),
                   AORTA_FIELD(aorta_info, device_id), AORTA_FIELD(aorta_info, subsystem_vendor_id),
                   AORTA_FIELD(aorta_info, subsystem_device_id), AORTA_FIELD(aorta_info, revision),
                   AORTA_FIELD(aorta_info, irq_type), AORTA_FIELD(aorta_info, irq_vectors),
                   AORTA_FIELD(aorta_info, id), AORTA_FIELD(aorta_info, version),
                   AORTA_FIELD(aorta_info, geometry), AORTA_FIELD(aorta_info, config_fp),
                   AORTA_FIELD(aorta_info, bar0_bytes), AORTA_FIELD(aorta_info, dram_bytes),
                   AORTA_FIELD(aorta_info, dram_free), AORTA_FIELD(aorta_info, num_counters),
                   AORTA_FIELD(aorta_info, slot_count), AORTA_FIELD(aorta_info, flags),
                   AORTA_FIELD(aorta_info, dma_bits), AORTA_FIELD(aorta_info, reserved)),
      AORTA_STRUCT(aorta_alloc, AORTA_FIELD(aorta_alloc, size), AORTA_FIELD(aorta_alloc, flags),
                   AORTA_FIELD(aorta_alloc, handle), AORTA_FIELD(aorta_alloc, mmap_offset),
                   AORTA_FIELD(aorta_alloc, dev_addr), AORTA_FIELD(aorta_alloc, reserved)),
      AORTA_STRUCT(aorta_free, AORTA_FIELD(aorta_free, handle), AORTA_FIELD(aorta_free, pad)),
      AORTA_STRUCT(aorta_pin, AORTA_FIELD(aorta_pin, user_addr), AORTA_FIELD(aorta_pin, size),
                   AORTA_FIELD(aorta_pin, flags), AORTA_FIELD(aorta_pin, handle),
                   AORTA_FIELD(aorta_pin, dev_addr), AORTA_FIELD(aorta_pin, reserved)),
      AORTA_STRUCT(aorta_slot, AORTA_FIELD(aorta_slot, handle), AORTA_FIELD(aorta_slot, pad),
                   AORTA_FIELD(aorta_slot, offset), AORTA_FIELD(aorta_slot, size)),
      AORTA_STRUCT(aorta_stream, AORTA_FIELD(aorta_stream, handle), AORTA_FIELD(aorta_stream, len),
                   AORTA_FIELD(aorta_stream, offset)),
      AORTA_STRUCT(aorta_submit, AORTA_FIELD(aorta_submit, flags),
                   AORTA_FIELD(aorta_submit, timeout_ms), AORTA_FIELD(aorta_submit, seq),
                   AORTA_FIELD(aorta_submit, iq), AORTA_FIELD(aorta_submit, restore),
                   AORTA_FIELD(aorta_submit, chip_index), AORTA_FIELD(aorta_submit, out_flags),
                   AORTA_FIELD(aorta_submit, reserved), AORTA_FIELD(aorta_submit, slots)),
      AORTA_STRUCT(aorta_wait, AORTA_FIELD(aorta_wait, seq), AORTA_FIELD(aorta_wait, timeout_ms),
                   AORTA_FIELD(aorta_wait, state), AORTA_FIELD(aorta_wait, err_code),
                   AORTA_FIELD(aorta_wait, err_pc), AORTA_FIELD(aorta_wait, err_addr),
                   AORTA_FIELD(aorta_wait, status), AORTA_FIELD(aorta_wait, flags),
                   AORTA_FIELD(aorta_wait, elapsed_ns), AORTA_FIELD(aorta_wait, reserved)),
      AORTA_STRUCT(aorta_counters, AORTA_FIELD(aorta_counters, flags),
                   AORTA_FIELD(aorta_counters, count), AORTA_FIELD(aorta_counters, seq),
                   AORTA_FIELD(aorta_counters, values)),
      AORTA_STRUCT(aorta_reset, AORTA_FIELD(aorta_reset, flags), AORTA_FIELD(aorta_reset, pad)),
  };
}

// The tables of docs/driver.md: a heading "#### `struct NAME` (N bytes)" followed by rows
// "| offset | size | `field` | meaning |".
std::map<std::string, StructInfo> DocStructs() {
  std::ifstream in(std::string(AORTA_TEST_SOURCE_DIR) + "/docs/driver.md");
  EXPECT_TRUE(in) << "cannot open docs/driver.md";
  std::map<std::string, StructInfo> out;
  const std::regex heading(R"(^#+ `struct (\w+)` \((\d+) bytes\))");
  const std::regex row(R"(^\| (\d+) \| (\d+) \| `(\w+)(\[\w+\])?` \|)");
  StructInfo* cur = nullptr;
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_search(line, m, heading)) {
      cur = &out[m[1]];
      cur->name = m[1];
      cur->size = std::stoul(m[2]);
    } else if (cur && std::regex_search(line, m, row)) {
      cur->fields.push_back({m[3], std::stoul(m[1]), std::stoul(m[2])});
    } else if (cur && line.rfind('|', 0) != 0 && !line.empty()) {
      cur = nullptr;  // the table ended
    }
  }
  return out;
}

TEST(Uapi, StructLayoutsAreWhatTheDocSays) {
  std::map<std::string, StructInfo> doc = DocStructs();
  for (const StructInfo& s : CodeStructs()) {
    SCOPED_TRACE(s.name);
    auto it = doc.find(s.name);
    ASSERT_NE(it, doc.end()) << "docs/driver.md has no table for struct " << s.name;
    EXPECT_EQ(it->second.size, s.size) << "size";
    EXPECT_EQ(it->second.fields.size(), s.fields.size()) << "number of fields";
    for (size_t i = 0; i < std::min(it->second.fields.size(), s.fields.size()); ++i) {
      EXPECT_EQ(it->second.fields[i], s.fields[i]) << "field " << i;
    }
    doc.erase(it);
  }
  for (const auto& [name, s] : doc)
    ADD_FAILURE() << "docs/driver.md documents unknown struct " << name;
}

// Explicit padding: the fields tile the struct, so the layout cannot depend on the ABI, and
// 64-bit quantities sit at multiples of 8 (i386 aligns __u64 to 4 only), so 32-bit callers
// see the same layout (the driver's compat_ioctl relies on it).
TEST(Uapi, NoImplicitPaddingAndSameLayoutFor32BitCallers) {
  for (const StructInfo& s : CodeStructs()) {
    SCOPED_TRACE(s.name);
    size_t at = 0;
    for (const FieldInfo& f : s.fields) {
      EXPECT_EQ(f.offset, at) << "a hole before " << f.name;
      if (f.size % 8 == 0 && f.size >= 8) {
        EXPECT_EQ(f.offset % 8, 0u) << f.name;
      }
      at = f.offset + f.size;
    }
    EXPECT_EQ(at, s.size) << "padding at the end";
    EXPECT_EQ(s.size % 8, 0u);
  }
  EXPECT_TRUE(std::is_trivially_copyable_v<aorta_submit>);
  EXPECT_TRUE(std::is_standard_layout_v<aorta_submit>);
}

TEST(Uapi, IoctlNumbersCarryMagicDirectionAndSize) {
  struct Ioc {
    const char* name;
    unsigned long cmd;
    unsigned dir;
    size_t size;
  };
  const Ioc iocs[] = {
      {"INFO", AORTA_IOC_INFO, _IOC_READ, sizeof(aorta_info)},
      {"ALLOC", AORTA_IOC_ALLOC, _IOC_READ | _IOC_WRITE, sizeof(aorta_alloc)},
      {"FREE", AORTA_IOC_FREE, _IOC_WRITE, sizeof(aorta_free)},
      {"PIN", AORTA_IOC_PIN, _IOC_READ | _IOC_WRITE, sizeof(aorta_pin)},
      {"UNPIN", AORTA_IOC_UNPIN, _IOC_WRITE, sizeof(aorta_free)},
      {"SUBMIT", AORTA_IOC_SUBMIT, _IOC_READ | _IOC_WRITE, sizeof(aorta_submit)},
      {"WAIT", AORTA_IOC_WAIT, _IOC_READ | _IOC_WRITE, sizeof(aorta_wait)},
      {"READ_COUNTERS", AORTA_IOC_READ_COUNTERS, _IOC_READ | _IOC_WRITE, sizeof(aorta_counters)},
      {"RESET", AORTA_IOC_RESET, _IOC_WRITE, sizeof(aorta_reset)},
  };
  std::set<unsigned long> cmds, nrs;
  for (const Ioc& i : iocs) {
    SCOPED_TRACE(i.name);
    EXPECT_EQ(_IOC_TYPE(i.cmd), unsigned{AORTA_IOC_MAGIC});
    EXPECT_EQ(_IOC_DIR(i.cmd), i.dir);
    EXPECT_EQ(_IOC_SIZE(i.cmd), i.size);
    EXPECT_TRUE(cmds.insert(i.cmd).second) << "duplicate ioctl";
    EXPECT_TRUE(nrs.insert(_IOC_NR(i.cmd)).second) << "duplicate ioctl number";
  }
}

// Constants the UAPI shares with other parts of aorta, checked against their sources.
TEST(Uapi, AgreesWithTheDeviceContract) {
  EXPECT_EQ(AORTA_HOST_WINDOW_BASE, aorta::kHostWindowBase);
  EXPECT_GE(uint32_t{AORTA_MAX_SLOTS}, aorta::regs::kSlotCount);
  EXPECT_GE(uint32_t{AORTA_MAX_COUNTERS}, aorta::regs::kNumCounters);
  // Every buffer's mmap offset leaves the low 32 bits for the page within the buffer.
  EXPECT_EQ(AORTA_MMAP_OFFSET(1), AORTA_MAX_BUFFER_BYTES);
  EXPECT_LT(AORTA_MMAP_OFFSET(AORTA_MAX_HANDLES), uint64_t{1} << 63);
}

// The plain C register header (what the kernel module includes) and the C++ one come from the
// same specgen run; they must name the same offsets, masks and codes.
TEST(Uapi, GeneratedCRegisterHeaderMatchesTheCppOne) {
  namespace r = aorta::regs;
  EXPECT_EQ(AORTA_REGMAP_VERSION, r::kRegmapVersion);
  EXPECT_EQ(AORTA_ID_VALUE, r::kIdValue);
  EXPECT_EQ(AORTA_BAR_BYTES, r::kBarBytes);
  EXPECT_EQ(AORTA_SLOT_COUNT, r::kSlotCount);
  EXPECT_EQ(AORTA_REG_ID, r::kId);
  EXPECT_EQ(AORTA_REG_VERSION, r::kVersion);
  EXPECT_EQ(AORTA_REG_VERSION_REGMAP_MASK, r::kVersionRegmapMask);
  EXPECT_EQ(AORTA_REG_VERSION_REGMAP_LSB, r::kVersionRegmapLsb);
  EXPECT_EQ(AORTA_REG_CONFIG_FP_LO, r::kConfigFpLo);
  EXPECT_EQ(AORTA_REG_CONFIG_FP_HI, r::kConfigFpHi);
  EXPECT_EQ(AORTA_REG_GEOMETRY, r::kGeometry);
  EXPECT_EQ(AORTA_REG_CHIP_INDEX, r::kChipIndex);
  EXPECT_EQ(AORTA_REG_CTRL, r::kCtrl);
  EXPECT_EQ(AORTA_REG_CTRL_SOFT_RESET_MASK, r::kCtrlSoftResetMask);
  EXPECT_EQ(AORTA_REG_CTRL_CLEAR_COUNTERS_MASK, r::kCtrlClearCountersMask);
  EXPECT_EQ(AORTA_REG_STATUS, r::kStatus);
  EXPECT_EQ(AORTA_REG_STATUS_BUSY_MASK, r::kStatusBusyMask);
  EXPECT_EQ(AORTA_REG_STATUS_DONE_MASK, r::kStatusDoneMask);
  EXPECT_EQ(AORTA_REG_STATUS_ERROR_MASK, r::kStatusErrorMask);
  EXPECT_EQ(AORTA_REG_DOORBELL, r::kDoorbell);
  EXPECT_EQ(AORTA_REG_IQ_BASE_LO, r::kIqBaseLo);
  EXPECT_EQ(AORTA_REG_IQ_BASE_HI, r::kIqBaseHi);
  EXPECT_EQ(AORTA_REG_IQ_LEN, r::kIqLen);
  EXPECT_EQ(AORTA_REG_IRQ_STATUS, r::kIrqStatus);
  EXPECT_EQ(AORTA_REG_IRQ_STATUS_DONE_MASK, r::kIrqStatusDoneMask);
  EXPECT_EQ(AORTA_REG_IRQ_STATUS_ERROR_MASK, r::kIrqStatusErrorMask);
  EXPECT_EQ(AORTA_REG_IRQ_MASK, r::kIrqMask);
  EXPECT_EQ(AORTA_REG_ERR_CODE, r::kErrCode);
  EXPECT_EQ(AORTA_REG_ERR_PC, r::kErrPc);
  EXPECT_EQ(AORTA_REG_ERR_ADDR_LO, r::kErrAddrLo);
  EXPECT_EQ(AORTA_REG_ERR_ADDR_HI, r::kErrAddrHi);
  for (uint32_t i = 0; i < r::kSlotCount; ++i) {
    EXPECT_EQ(AORTA_REG_SLOT_BASE_LO(i), r::kSlotBaseLo(i));
    EXPECT_EQ(AORTA_REG_SLOT_BASE_HI(i), r::kSlotBaseHi(i));
    EXPECT_EQ(AORTA_REG_SLOT_SIZE_LO(i), r::kSlotSizeLo(i));
    EXPECT_EQ(AORTA_REG_SLOT_SIZE_HI(i), r::kSlotSizeHi(i));
  }
  EXPECT_EQ(AORTA_NUM_COUNTERS, r::kNumCounters);
  for (uint32_t i = 0; i < r::kNumCounters; ++i) {
    auto c = static_cast<r::Counter>(i);
    EXPECT_EQ(AORTA_REG_COUNTER_LO(i), r::CounterLo(c));
    EXPECT_EQ(AORTA_REG_COUNTER_HI(i), r::CounterHi(c));
  }
  EXPECT_EQ(AORTA_COUNTER_MACS, static_cast<uint32_t>(r::Counter::kMacs));
  const char* names[] = AORTA_ERR_CODE_NAMES;
  ASSERT_EQ(std::size(names), size_t{AORTA_ERR_CODE_COUNT});
  for (uint32_t v = 0; v < AORTA_ERR_CODE_COUNT; ++v) {
    if (!r::IsValidErrCode(v)) continue;
    EXPECT_STREQ(names[v], r::ErrCodeName(static_cast<r::ErrCode>(v))) << v;
  }
  EXPECT_EQ(AORTA_ERR_CODE_DMA_BOUNDS, static_cast<uint32_t>(r::ErrCode::kDmaBounds));
  EXPECT_EQ(AORTA_ERR_CODE_ABORTED, static_cast<uint32_t>(r::ErrCode::kAborted));
}

}  // namespace
