#include "core/io/npy.h"

#include <zlib.h>

#include <array>
#include <charconv>
#include <cstring>
#include <optional>

#include "core/io/file_util.h"

namespace aorta {
namespace {

constexpr std::string_view kNpyMagic = "\x93NUMPY";

struct DescrEntry {
  std::string_view descr;  // without the byte-order character
  DType dtype;
};
constexpr std::array<DescrEntry, 7> kDescrs = {{
    {"f4", DType::kF32},
    {"f8", DType::kF64},
    {"i1", DType::kI8},
    {"u1", DType::kU8},
    {"i4", DType::kI32},
    {"i8", DType::kI64},
    {"b1", DType::kBool},
}};

// Little-endian integer at bytes[offset], the caller has checked the bounds.
template <typename T>
T LoadLe(std::string_view bytes, size_t offset) {
  T v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) {
    v |= static_cast<T>(static_cast<uint8_t>(bytes[offset + i])) << (8 * i);
  }
  return v;
}

template <typename T>
void StoreLe(std::string& out, T v) {
  for (size_t i = 0; i < sizeof(T); ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// The text after `'key':` in a .npy header dict, leading spaces skipped.
std::optional<std::string_view> HeaderValue(std::string_view header, std::string_view key) {
  for (const char quote : {'\'', '"'}) {
    const std::string quoted = fmt::format("{0}{1}{0}", quote, key);
    size_t pos = header.find(quoted);
    if (pos == std::string_view::npos) continue;
    pos = header.find(':', pos + quoted.size());
    if (pos == std::string_view::npos) return std::nullopt;
    std::string_view rest = header.substr(pos + 1);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    return rest;
  }
  return std::nullopt;
}

Result<Shape> ParseShapeTuple(std::string_view text, const std::string& name) {
  if (text.empty() || text.front() != '(') {
    return DataLoss("{}: .npy header: 'shape' is not a tuple", name);
  }
  const size_t close = text.find(')');
  if (close == std::string_view::npos) {
    return DataLoss("{}: .npy header: unterminated 'shape' tuple", name);
  }
  Shape shape;
  std::string_view inner = text.substr(1, close - 1);
  while (!inner.empty()) {
    while (!inner.empty() && (inner.front() == ' ' || inner.front() == ',')) inner.remove_prefix(1);
    if (inner.empty()) break;
    int64_t dim = 0;
    auto [ptr, ec] = std::from_chars(inner.data(), inner.data() + inner.size(), dim);
    if (ec != std::errc() || dim < 0) {
      return DataLoss("{}: .npy header: bad dimension in shape '{}'", name,
                      text.substr(0, close + 1));
    }
    shape.push_back(dim);
    inner.remove_prefix(static_cast<size_t>(ptr - inner.data()));
    while (!inner.empty() && inner.front() == 'L') inner.remove_prefix(1);  // Python 2 longs
  }
  return shape;
}

}  // namespace

Result<Tensor> ParseNpy(std::string_view bytes, const std::string& name,
                        const NpyReadOptions& options) {
  if (bytes.size() < 10 || bytes.substr(0, kNpyMagic.size()) != kNpyMagic) {
    return DataLoss("{}: not a .npy file (missing \\x93NUMPY magic)", name);
  }
  const int major = static_cast<uint8_t>(bytes[6]);
  size_t header_len = 0;
  size_t header_start = 0;
  if (major == 1) {
    header_len = LoadLe<uint16_t>(bytes, 8);
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) return DataLoss("{}: truncated .npy header", name);
    header_len = LoadLe<uint32_t>(bytes, 8);
    header_start = 12;
  } else {
    return Unsupported("{}: .npy format version {}.{} (supported: 1.0, 2.0, 3.0)", name, major,
                       static_cast<uint8_t>(bytes[7]));
  }
  if (header_start + header_len > bytes.size()) {
    return DataLoss("{}: truncated .npy header ({} header bytes announced, {} present)", name,
                    header_len, bytes.size() - header_start);
  }
  const std::string_view header = bytes.substr(header_start, header_len);

  const auto descr_text = HeaderValue(header, "descr");
  if (!descr_text || descr_text->size() < 2 ||
      ((*descr_text)[0] != '\'' && (*descr_text)[0] != '"')) {
    return DataLoss("{}: .npy header has no 'descr' string", name);
  }
  const size_t descr_end = descr_text->find((*descr_text)[0], 1);
  if (descr_end == std::string_view::npos) return DataLoss("{}: .npy header: bad 'descr'", name);
  const std::string_view descr = descr_text->substr(1, descr_end - 1);
  if (descr.size() < 2 || descr[0] == '>') {
    return Unsupported("{}: .npy dtype '{}' (supported: little-endian f4 f8 i1 u1 i4 i8 b1)", name,
                       descr);
  }
  const std::string_view code =
      (descr[0] == '<' || descr[0] == '|' || descr[0] == '=') ? descr.substr(1) : descr;
  std::optional<DType> dtype;
  for (const DescrEntry& e : kDescrs) {
    if (e.descr == code) dtype = e.dtype;
  }
  if (!dtype) {
    return Unsupported("{}: .npy dtype '{}' (supported: little-endian f4 f8 i1 u1 i4 i8 b1)", name,
                       descr);
  }

  const auto fortran = HeaderValue(header, "fortran_order");
  if (!fortran) return DataLoss("{}: .npy header has no 'fortran_order'", name);
  if (fortran->starts_with("True")) {
    return Unsupported("{}: Fortran-ordered .npy arrays are not supported; save in C order", name);
  }
  const auto shape_text = HeaderValue(header, "shape");
  if (!shape_text) return DataLoss("{}: .npy header has no 'shape'", name);
  AORTA_ASSIGN_OR_RETURN(Shape shape, ParseShapeTuple(*shape_text, name));

  Tensor tensor(*dtype, shape);
  const size_t data_start = header_start + header_len;
  if (bytes.size() - data_start < tensor.byte_size()) {
    return DataLoss("{}: truncated .npy data: shape {} of {} needs {} bytes, file has {}", name,
                    ShapeToString(shape), DTypeName(*dtype), tensor.byte_size(),
                    bytes.size() - data_start);
  }
  std::memcpy(tensor.raw_data(), bytes.data() + data_start, tensor.byte_size());
  if (options.to_f32) return tensor.CastTo(DType::kF32);
  return tensor;
}

std::string SerializeNpy(const Tensor& tensor) {
  std::string descr;
  for (const DescrEntry& e : kDescrs) {
    if (e.dtype == tensor.dtype())
      descr = std::string(DTypeSize(e.dtype) == 1 ? "|" : "<") + std::string(e.descr);
  }
  std::string shape;
  for (int64_t d : tensor.shape()) shape += fmt::format("{}, ", d);
  if (tensor.rank() > 1) shape.resize(shape.size() - 2);  // "(2, 3)" but "(3,)"
  if (tensor.rank() == 1) shape.resize(shape.size() - 1);
  std::string header =
      fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': ({}), }}", descr, shape);
  // Pad with spaces so that magic + version + length + header + '\n' is a multiple of 64.
  const bool v2 = header.size() + 1 + 10 > 65535;
  const size_t prefix = v2 ? 12 : 10;
  header.append((64 - (prefix + header.size() + 1) % 64) % 64, ' ');
  header.push_back('\n');

  std::string out(kNpyMagic);
  out.push_back(static_cast<char>(v2 ? 2 : 1));
  out.push_back(0);
  if (v2) {
    StoreLe<uint32_t>(out, static_cast<uint32_t>(header.size()));
  } else {
    StoreLe<uint16_t>(out, static_cast<uint16_t>(header.size()));
  }
  out += header;
  out.append(reinterpret_cast<const char*>(tensor.raw_data()), tensor.byte_size());
  return out;
}

Result<Tensor> ReadNpy(const std::string& path, const NpyReadOptions& options) {
  AORTA_ASSIGN_OR_RETURN(std::string bytes, ReadFileBytes(path));
  return ParseNpy(bytes, path, options);
}

Status WriteNpy(const std::string& path, const Tensor& tensor) {
  return WriteFileBytes(path, SerializeNpy(tensor));
}

// ---- .npz (ZIP) ---------------------------------------------------------------------------

namespace {

constexpr uint32_t kLocalHeaderSig = 0x04034b50;
constexpr uint32_t kCentralHeaderSig = 0x02014b50;
constexpr uint32_t kEndOfCentralDirSig = 0x06054b50;
constexpr uint32_t kZip64EndSig = 0x06064b50;
constexpr uint32_t kZip64LocatorSig = 0x07064b50;
constexpr size_t kLocalHeaderSize = 30;
constexpr size_t kCentralHeaderSize = 46;
constexpr size_t kEndOfCentralDirSize = 22;
constexpr uint16_t kMethodStored = 0;
constexpr uint16_t kMethodDeflated = 8;

struct ZipMember {
  std::string name;
  uint16_t method = 0;
  uint32_t crc = 0;
  uint64_t compressed_size = 0;
  uint64_t size = 0;
  uint64_t local_offset = 0;
};

uint32_t Crc32(std::string_view data) {
  uLong crc = crc32(0L, Z_NULL, 0);
  size_t done = 0;
  while (done < data.size()) {  // zlib takes uInt lengths
    const uInt n = static_cast<uInt>(std::min<size_t>(data.size() - done, 1u << 30));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(data.data() + done), n);
    done += n;
  }
  return static_cast<uint32_t>(crc);
}

Result<std::string> Inflate(std::string_view compressed, uint64_t size, const std::string& what) {
  std::string out(size, '\0');
  z_stream zs{};
  if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) return Internal("{}: inflateInit2 failed", what);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  zs.avail_in = static_cast<uInt>(compressed.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&zs, Z_FINISH);
  const uint64_t produced = zs.total_out;
  inflateEnd(&zs);
  if (rc != Z_STREAM_END || produced != size) {
    return DataLoss("{}: corrupt deflate data (zlib status {}, {} of {} bytes inflated)", what, rc,
                    produced, size);
  }
  return out;
}

// Applies a zip64 extended-information extra field to the fields that hold 0xFFFFFFFF.
Status ApplyZip64Extra(std::string_view extra, ZipMember& m, bool size32_max, bool csize32_max,
                       bool offset32_max, const std::string& what) {
  size_t pos = 0;
  while (pos + 4 <= extra.size()) {
    const uint16_t id = LoadLe<uint16_t>(extra, pos);
    const uint16_t len = LoadLe<uint16_t>(extra, pos + 2);
    if (pos + 4 + len > extra.size()) return DataLoss("{}: truncated extra field", what);
    if (id == 0x0001) {
      size_t p = pos + 4;
      auto take = [&](uint64_t& field) -> Status {
        if (p + 8 > pos + 4 + len) return DataLoss("{}: truncated zip64 extra field", what);
        field = LoadLe<uint64_t>(extra, p);
        p += 8;
        return Status::Ok();
      };
      if (size32_max) AORTA_RETURN_IF_ERROR(take(m.size));
      if (csize32_max) AORTA_RETURN_IF_ERROR(take(m.compressed_size));
      if (offset32_max) AORTA_RETURN_IF_ERROR(take(m.local_offset));
    }
    pos += 4 + len;
  }
  return Status::Ok();
}

Result<std::vector<ZipMember>> ReadCentralDirectory(std::string_view bytes,
                                                    const std::string& name) {
  if (bytes.size() < kEndOfCentralDirSize) {
    return DataLoss("{}: not a .npz (ZIP) file: only {} bytes", name, bytes.size());
  }
  // The end record sits in the last 22 + up to 65535 (comment) bytes.
  size_t eocd = std::string_view::npos;
  const size_t lowest =
      bytes.size() > kEndOfCentralDirSize + 65535 ? bytes.size() - kEndOfCentralDirSize - 65535 : 0;
  for (size_t p = bytes.size() - kEndOfCentralDirSize + 1; p-- > lowest;) {
    if (LoadLe<uint32_t>(bytes, p) == kEndOfCentralDirSig) {
      eocd = p;
      break;
    }
  }
  if (eocd == std::string_view::npos) {
    return DataLoss("{}: not a .npz (ZIP) file or truncated: no end-of-central-directory record",
                    name);
  }
  uint64_t count = LoadLe<uint16_t>(bytes, eocd + 10);
  uint64_t cd_size = LoadLe<uint32_t>(bytes, eocd + 12);
  uint64_t cd_offset = LoadLe<uint32_t>(bytes, eocd + 16);
  if ((count == 0xffff || cd_size == 0xffffffff || cd_offset == 0xffffffff) && eocd >= 20 &&
      LoadLe<uint32_t>(bytes, eocd - 20) == kZip64LocatorSig) {
    const uint64_t z64 = LoadLe<uint64_t>(bytes, eocd - 20 + 8);
    if (z64 + 56 > bytes.size() || LoadLe<uint32_t>(bytes, z64) != kZip64EndSig) {
      return DataLoss("{}: corrupt zip64 end-of-central-directory record", name);
    }
    count = LoadLe<uint64_t>(bytes, z64 + 32);
    cd_size = LoadLe<uint64_t>(bytes, z64 + 40);
    cd_offset = LoadLe<uint64_t>(bytes, z64 + 48);
  }
  if (cd_offset + cd_size > bytes.size()) {
    return DataLoss(
        "{}: truncated: central directory at offset {} ({} bytes) is past the end of "
        "the file ({} bytes)",
        name, cd_offset, cd_size, bytes.size());
  }
  std::vector<ZipMember> members;
  size_t p = cd_offset;
  for (uint64_t i = 0; i < count; ++i) {
    if (p + kCentralHeaderSize > bytes.size() || LoadLe<uint32_t>(bytes, p) != kCentralHeaderSig) {
      return DataLoss("{}: corrupt central directory entry {} at offset {}", name, i, p);
    }
    ZipMember m;
    const uint16_t flags = LoadLe<uint16_t>(bytes, p + 8);
    m.method = LoadLe<uint16_t>(bytes, p + 10);
    m.crc = LoadLe<uint32_t>(bytes, p + 16);
    m.compressed_size = LoadLe<uint32_t>(bytes, p + 20);
    m.size = LoadLe<uint32_t>(bytes, p + 24);
    const uint16_t name_len = LoadLe<uint16_t>(bytes, p + 28);
    const uint16_t extra_len = LoadLe<uint16_t>(bytes, p + 30);
    const uint16_t comment_len = LoadLe<uint16_t>(bytes, p + 32);
    m.local_offset = LoadLe<uint32_t>(bytes, p + 42);
    if (p + kCentralHeaderSize + name_len + extra_len + comment_len > bytes.size()) {
      return DataLoss("{}: truncated central directory entry {}", name, i);
    }
    m.name = std::string(bytes.substr(p + kCentralHeaderSize, name_len));
    if (flags & 0x1) return Unsupported("{}: member '{}' is encrypted", name, m.name);
    AORTA_RETURN_IF_ERROR(ApplyZip64Extra(
        bytes.substr(p + kCentralHeaderSize + name_len, extra_len), m, m.size == 0xffffffff,
        m.compressed_size == 0xffffffff, m.local_offset == 0xffffffff,
        fmt::format("{}: member '{}'", name, m.name)));
    members.push_back(std::move(m));
    p += kCentralHeaderSize + name_len + extra_len + comment_len;
  }
  return members;
}

Result<std::string> ExtractMember(std::string_view bytes, const ZipMember& m,
                                  const std::string& what) {
  const uint64_t p = m.local_offset;
  if (p + kLocalHeaderSize > bytes.size() || LoadLe<uint32_t>(bytes, p) != kLocalHeaderSig) {
    return DataLoss("{}: corrupt or missing local header at offset {}", what, p);
  }
  const uint64_t data_start =
      p + kLocalHeaderSize + LoadLe<uint16_t>(bytes, p + 26) + LoadLe<uint16_t>(bytes, p + 28);
  if (data_start + m.compressed_size > bytes.size()) {
    return DataLoss("{}: truncated: {} bytes of data at offset {} but the file has {} bytes", what,
                    m.compressed_size, data_start, bytes.size());
  }
  const std::string_view raw = bytes.substr(data_start, m.compressed_size);
  std::string data;
  if (m.method == kMethodStored) {
    if (m.compressed_size != m.size) {
      return DataLoss("{}: stored member sizes disagree ({} vs {})", what, m.compressed_size,
                      m.size);
    }
    data = std::string(raw);
  } else if (m.method == kMethodDeflated) {
    AORTA_ASSIGN_OR_RETURN(data, Inflate(raw, m.size, what));
  } else {
    return Unsupported("{}: compression method {} (supported: stored, deflate)", what, m.method);
  }
  const uint32_t crc = Crc32(data);
  if (crc != m.crc) {
    return DataLoss("{}: CRC32 mismatch (stored {:08x}, computed {:08x})", what, m.crc, crc);
  }
  return data;
}

// DOS date/time of 1980-01-01 00:00, fixed so that archives are reproducible.
constexpr uint16_t kDosTime = 0;
constexpr uint16_t kDosDate = (0 << 9) | (1 << 5) | 1;

}  // namespace

Result<TensorMap> ParseNpz(std::string_view bytes, const std::string& name,
                           const NpyReadOptions& options) {
  AORTA_ASSIGN_OR_RETURN(std::vector<ZipMember> members, ReadCentralDirectory(bytes, name));
  TensorMap out;
  for (const ZipMember& m : members) {
    const std::string what = fmt::format("{}: member '{}'", name, m.name);
    AORTA_ASSIGN_OR_RETURN(std::string data, ExtractMember(bytes, m, what));
    std::string key = m.name;
    if (key.ends_with(".npy")) key.resize(key.size() - 4);
    AORTA_ASSIGN_OR_RETURN(Tensor t, ParseNpy(data, fmt::format("{}[{}]", name, key), options));
    out.insert_or_assign(key, std::move(t));
  }
  return out;
}

Result<std::string> SerializeNpz(const TensorMap& tensors) {
  std::string out;
  std::string central;
  for (const auto& [key, tensor] : tensors) {
    const std::string member = key + ".npy";
    const std::string data = SerializeNpy(tensor);
    if (data.size() >= 0xffffffffu || out.size() >= 0xffffffffu) {
      return Unsupported("npz member '{}': archives over 4 GiB are not supported", key);
    }
    if (member.size() > 0xffff) return InvalidArgument("npz key too long: '{}'", key);
    const uint32_t crc = Crc32(data);
    const uint32_t offset = static_cast<uint32_t>(out.size());
    const auto common = [&](std::string& s) {
      StoreLe<uint16_t>(s, 20);  // version needed: 2.0
      StoreLe<uint16_t>(s, 0);   // flags
      StoreLe<uint16_t>(s, kMethodStored);
      StoreLe<uint16_t>(s, kDosTime);
      StoreLe<uint16_t>(s, kDosDate);
      StoreLe<uint32_t>(s, crc);
      StoreLe<uint32_t>(s, static_cast<uint32_t>(data.size()));
      StoreLe<uint32_t>(s, static_cast<uint32_t>(data.size()));
      StoreLe<uint16_t>(s, static_cast<uint16_t>(member.size()));
      StoreLe<uint16_t>(s, 0);  // extra length
    };
    StoreLe<uint32_t>(out, kLocalHeaderSig);
    common(out);
    out += member;
    out += data;

    StoreLe<uint32_t>(central, kCentralHeaderSig);
    StoreLe<uint16_t>(central, 20);  // version made by
    common(central);
    StoreLe<uint16_t>(central, 0);  // comment length
    StoreLe<uint16_t>(central, 0);  // disk number
    StoreLe<uint16_t>(central, 0);  // internal attributes
    StoreLe<uint32_t>(central, 0);  // external attributes
    StoreLe<uint32_t>(central, offset);
    central += member;
  }
  if (tensors.size() > 0xffff) return Unsupported("npz: more than 65535 members");
  const uint32_t cd_offset = static_cast<uint32_t>(out.size());
  out += central;
  StoreLe<uint32_t>(out, kEndOfCentralDirSig);
  StoreLe<uint16_t>(out, 0);
  StoreLe<uint16_t>(out, 0);
  StoreLe<uint16_t>(out, static_cast<uint16_t>(tensors.size()));
  StoreLe<uint16_t>(out, static_cast<uint16_t>(tensors.size()));
  StoreLe<uint32_t>(out, static_cast<uint32_t>(central.size()));
  StoreLe<uint32_t>(out, cd_offset);
  StoreLe<uint16_t>(out, 0);  // comment length
  return out;
}

Result<TensorMap> ReadNpz(const std::string& path, const NpyReadOptions& options) {
  AORTA_ASSIGN_OR_RETURN(std::string bytes, ReadFileBytes(path));
  return ParseNpz(bytes, path, options);
}

Status WriteNpz(const std::string& path, const TensorMap& tensors) {
  AORTA_ASSIGN_OR_RETURN(std::string bytes, SerializeNpz(tensors));
  return WriteFileBytes(path, bytes);
}

}  // namespace aorta
