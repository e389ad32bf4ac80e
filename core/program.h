// The program format (.aprog): a 32-byte container header and a serialized
// aorta.program.Program (core/proto/program.proto). docs/program-format.md is the spec.
//
// Header (little-endian):
//   0  8 bytes  magic "AORTAPRG"
//   8  u32      container format version (kProgramFormatVersion)
//   12 u32      header bytes (32)
//   16 u64      body bytes
//   24 u64      FNV-1a 64 of the body
// The loader checks all of it, parses the body, then validates the program against the ISA and
// the config it was built for, so a truncated, corrupt, wrong-version or inconsistent program is
// refused before anything touches a device.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/io/tensor.h"
#include "core/proto/program.pb.h"
#include "core/status.h"

namespace aorta {

using program::Program;

inline constexpr char kProgramMagic[8] = {'A', 'O', 'R', 'T', 'A', 'P', 'R', 'G'};
inline constexpr uint32_t kProgramFormatVersion = 1;
inline constexpr uint32_t kProgramHeaderBytes = 32;

uint64_t Fnv1a64(std::span<const uint8_t> bytes);

// Serializes (deterministically) with the container header.
Result<std::vector<uint8_t>> SerializeProgram(const Program& p);
Status WriteProgram(const Program& p, const std::string& path);

// Checks the container and parses the body, then ValidateProgram. `source` names the input in
// error messages.
Result<Program> ParseProgram(std::span<const uint8_t> bytes, const std::string& source);
Result<Program> ReadProgram(const std::string& path);

// Everything that can be checked without a device: ISA version, chips and their configs and
// fingerprints, buffers and slots, every instruction decoded, every DMA / PERF extent inside its
// buffer, every on-chip extent inside its memory, streams ending in HALT, every stream's ordering
// (isa::CheckOrdering), bindings inside their buffers, host ops and layers referring to what
// exists. The streams it accepts are remembered byte for byte with what their check depended on
// (the chip's config, its slots' buffer sizes and kinds, the HALT rule; up to 64 MiB, oldest
// dropped first): a stream found there exactly, in the same context, is not decoded and
// ordering-checked again (ReadProgram validates, then Session::Load validates the same program:
// on ResNet-50 sim16 the second costs a comparison of its 7 MB of streams). Everything else is
// checked on every call, and a refused stream is checked, and named, every time.
Status ValidateProgram(const Program& p);

// Refuses a program built for another chip, naming both fingerprints.
Status CheckProgramTarget(const Program& p, uint32_t chip, uint64_t device_fingerprint);

// Bytes a tensor binding occupies in its buffer (its layout, dtype and shape on an n-lane chip).
Result<uint64_t> BindingBytes(const program::TensorBinding& b, uint32_t n);

// (C, H, W) of a logical shape for LAYOUT_CHANNEL_BLOCKED: [1,C,H,W], [C,H,W], [1,K]/[M,K]
// (C = K, H = 1, W = M), [K] (C = K).
struct BlockedDims {
  int64_t c = 0, h = 0, w = 0;
};
Result<BlockedDims> BlockedDimsOf(std::span<const int64_t> shape);

// Builders for code generators: a buffer on a chip, and an int8 channel-blocked tensor binding
// (chip 0, offset 0) with per-tensor quantization.
program::Buffer* AddBuffer(program::ChipProgram* chip, const std::string& name,
                           program::BufferKind kind, program::Location location, uint32_t slot,
                           uint64_t size);
program::TensorBinding Int8BlockedBinding(const std::string& name, std::span<const int64_t> shape,
                                          double scale, int32_t zero_point,
                                          const std::string& buffer);

// Converts a float tensor to a binding's buffer bytes (quantize, q = clamp(round_half_even(x /
// scale) + zero_point), and lay out), and back (dequantize, x = (q - zero_point) * scale).
Result<std::vector<uint8_t>> PackTensor(const Tensor& t, const program::TensorBinding& b,
                                        uint32_t n);
Result<Tensor> UnpackTensor(std::span<const uint8_t> bytes, const program::TensorBinding& b,
                            uint32_t n);

}  // namespace aorta
