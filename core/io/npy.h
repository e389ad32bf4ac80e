// NumPy .npy and .npz files.
//
// .npy: format versions 1.0, 2.0 and 3.0, little-endian, C order; dtypes f4, f8, i1, u1, i4,
// i8 and b1. .npz: a ZIP archive of .npy members keyed by name; written uncompressed
// (ZIP_STORED, as numpy.savez does), read stored or deflated (numpy.savez_compressed).
#pragma once

#include <string>
#include <string_view>

#include "core/io/tensor.h"
#include "core/status.h"

namespace aorta {

struct NpyReadOptions {
  // Convert every numeric dtype to f32 on read.
  bool to_f32 = false;
};

// Parses .npy bytes; `name` (a path or archive member) prefixes error messages.
Result<Tensor> ParseNpy(std::string_view bytes, const std::string& name,
                        const NpyReadOptions& options = {});
// Serializes a tensor as a version 1.0 .npy (2.0 if the header needs it).
std::string SerializeNpy(const Tensor& tensor);

Result<Tensor> ReadNpy(const std::string& path, const NpyReadOptions& options = {});
Status WriteNpy(const std::string& path, const Tensor& tensor);

// Keys are member names without the ".npy" suffix, as numpy.load(...)[key] uses them.

Result<TensorMap> ParseNpz(std::string_view bytes, const std::string& name,
                           const NpyReadOptions& options = {});
Result<std::string> SerializeNpz(const TensorMap& tensors);

Result<TensorMap> ReadNpz(const std::string& path, const NpyReadOptions& options = {});
Status WriteNpz(const std::string& path, const TensorMap& tensors);

}  // namespace aorta
