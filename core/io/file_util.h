// Whole-file reads and writes with errors as values naming the file.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace aorta {

// The file's bytes; NotFound if it cannot be opened.
Result<std::string> ReadFileBytes(const std::string& path);
// Creates or truncates `path` and writes `bytes`.
Status WriteFileBytes(const std::string& path, std::string_view bytes);

}  // namespace aorta
