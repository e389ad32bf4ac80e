#include "compiler/codegen/constants.h"

#include <algorithm>

namespace aorta::codegen {

uint64_t ConstantImage::AddWbRows(uint64_t rows) {
  const uint64_t first = wb_rows();
  wb_.resize(wb_.size() + rows * n_, 0);
  return first;
}

uint64_t ConstantImage::AddParamRows(uint64_t rows) {
  const uint64_t first = param_rows();
  param_.resize(param_.size() + rows * n_, 0);
  return first;
}

uint32_t ConstantImage::AddLut(const quant::Lut& lut) {
  auto it = std::find(luts_.begin(), luts_.end(), lut);
  if (it != luts_.end()) return static_cast<uint32_t>(it - luts_.begin());
  luts_.push_back(lut);
  return static_cast<uint32_t>(luts_.size() - 1);
}

std::string ConstantImage::WbBytes() const {
  return std::string(reinterpret_cast<const char*>(wb_.data()), wb_.size());
}

std::string ConstantImage::ParamBytes() const {
  std::string out;
  out.reserve(4 * param_.size());
  for (int32_t v : param_) {
    const auto u = static_cast<uint32_t>(v);
    for (int byte = 0; byte < 4; ++byte) out.push_back(static_cast<char>(u >> (8 * byte)));
  }
  return out;
}

std::string ConstantImage::Bytes() const {
  std::string out = WbBytes() + ParamBytes();
  for (const quant::Lut& t : luts_) out.append(reinterpret_cast<const char*>(t.data()), t.size());
  return out;
}

}  // namespace aorta::codegen
