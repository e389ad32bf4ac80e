// The CONSTANT buffer image of a program: what the init stream pins on chip.
//
//   offset 0                      WB rows, N int8 each (weight tiles, depthwise taps)
//   then                          PARAM rows, N int32 each, little-endian (per-channel POSTPROC
//                                 rows, VEC_ELTWISE / POOL op records, per-channel constants)
//   then                          LUT tables, 256 int8 each (entry q + 128 for input q)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/quantize.h"

namespace aorta::codegen {

class ConstantImage {
 public:
  explicit ConstantImage(uint32_t n) : n_(n) {}

  uint32_t n() const { return n_; }
  uint64_t wb_rows() const { return wb_.size() / n_; }
  uint64_t param_rows() const { return param_.size() / n_; }
  uint64_t lut_tables() const { return luts_.size(); }

  // Appends zero rows; returns the first one's index.
  uint64_t AddWbRows(uint64_t rows);
  uint64_t AddParamRows(uint64_t rows);
  // Appends a table (an identical table is shared); returns its index.
  uint32_t AddLut(const quant::Lut& lut);

  int8_t& Wb(uint64_t row, uint32_t lane) { return wb_[row * n_ + lane]; }
  int32_t& Param(uint64_t row, uint32_t lane) { return param_[row * n_ + lane]; }

  // Byte offsets of the three regions in Bytes().
  uint64_t param_offset() const { return wb_.size(); }
  uint64_t lut_offset() const { return wb_.size() + 4 * param_.size(); }
  std::string Bytes() const;
  // The regions alone: WB rows, PARAM rows (little-endian int32), the tables.
  std::string WbBytes() const;
  std::string ParamBytes() const;
  const std::vector<quant::Lut>& luts() const { return luts_; }

 private:
  uint32_t n_;
  std::vector<int8_t> wb_;
  std::vector<int32_t> param_;
  std::vector<quant::Lut> luts_;
};

}  // namespace aorta::codegen
