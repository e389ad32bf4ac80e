#include "core/io/file_util.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace aorta {

Result<std::string> ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("{}: cannot open: {}", path, std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return DataLoss("{}: read error", path);
  return ss.str();
}

Status WriteFileBytes(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return NotFound("{}: cannot create: {}", path, std::strerror(errno));
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return DataLoss("{}: write error: {}", path, std::strerror(errno));
  return Status::Ok();
}

}  // namespace aorta
