// Hardware configuration: loading, validation, derived geometry and the fingerprint.
// Schema: core/proto/config.proto; bundled configs: core/configs/*.textproto; docs/config.md.
#pragma once

#include <cstdint>
#include <string>

#include "core/proto/config.pb.h"
#include "core/status.h"

namespace aorta {

using config::BoardConfig;
using config::ChipConfig;

// Row counts and widths of the on-chip memories, derived from a validated ChipConfig.
struct ChipGeometry {
  uint32_t n = 0;           // array rows == cols == lanes per row
  uint64_t ub_rows = 0;     // unified buffer: rows of n int8
  uint64_t wb_rows = 0;     // weight buffer: rows of n int8
  uint64_t acc_rows = 0;    // accumulator: rows of n int32
  uint64_t param_rows = 0;  // parameter buffer: rows of n int32
  uint64_t lut_rows = 0;    // lookup tables: rows of 256 int8
  uint32_t queue_depth = 0;
  uint32_t token_capacity = 0;
  uint32_t link_ports = 0;
  uint64_t dram_bytes = 0;

  // Row width in bytes of memory `mem` (an isa::Mem value).
  uint32_t RowBytes(unsigned mem) const;
  // Number of rows of memory `mem`.
  uint64_t Rows(unsigned mem) const;
};

// Checks every field (positive sizes, rows == cols, sizes a whole number of rows, ...);
// the message names the field.
Status ValidateChipConfig(const ChipConfig& c);
ChipGeometry GeometryOf(const ChipConfig& c);  // c must be valid

// The fingerprint: FNV-1a 64 over the canonical text of every hardware field (docs/config.md).
// name and description do not count; fields at their default value do not count, so adding a
// field to the schema keeps existing fingerprints.
uint64_t Fingerprint(const ChipConfig& c);
std::string CanonicalText(const ChipConfig& c);
std::string FingerprintHex(uint64_t fp);  // 16 lower-case hex digits

// Loads a .textproto ChipConfig, or a bundled config by name ("tiny", "sim16"), and validates it.
// Parses the text-format `text` into `msg`. On failure the error names `origin` and the parser's
// first error with its line and column: "<origin>: line L:C: <message>".
Status ParseTextFormat(const std::string& text, const std::string& origin,
                       google::protobuf::Message* msg);

Result<ChipConfig> LoadChipConfig(const std::string& path_or_name);
Result<BoardConfig> LoadBoardConfig(const std::string& path);
// A board's fingerprint covers its chips' configs and its links.
uint64_t Fingerprint(const BoardConfig& b);

// The directory holding the bundled configs (core/configs in the source tree).
std::string BundledConfigDir();

}  // namespace aorta
