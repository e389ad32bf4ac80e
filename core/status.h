// Errors as values at library boundaries.
//
// A Status names what went wrong (file, node, field, address ...) in one line that the CLI can
// print as is. Result<T> carries either a value or a non-ok Status. No exceptions cross a
// library boundary; code that must call throwing APIs catches and converts.
#pragma once

#include <fmt/format.h>

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace aorta {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // bad user input: malformed file, unsupported option, bad field
  kNotFound,            // missing file, tensor, node
  kUnsupported,         // valid input that aorta cannot handle (yet)
  kFailedPrecondition,  // wrong config / fingerprint, device not ready
  kDataLoss,            // truncated or corrupt file
  kDeviceError,         // the device reported an error status
  kTimeout,             // the device stopped answering
  kInternal,            // a bug in aorta
};

const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "<code>: <message>", for printing.
  std::string ToString() const;
  // Prefixes the message with context ("loading foo.aprog: ..."); a no-op on Ok.
  Status WithContext(const std::string& context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

template <typename... Args>
Status InvalidArgument(fmt::format_string<Args...> f, Args&&... args) {
  return Status(StatusCode::kInvalidArgument, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Status NotFound(fmt::format_string<Args...> f, Args&&... args) {
  return Status(StatusCode::kNotFound, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Status Unsupported(fmt::format_string<Args...> f, Args&&... args) {
  return Status(StatusCode::kUnsupported, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Status FailedPrecondition(fmt::format_string<Args...> f, Args&&... args) {
  return Status(StatusCode::kFailedPrecondition, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Status DataLoss(fmt::format_string<Args...> f, Args&&... args) {
  return Status(StatusCode::kDataLoss, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Status DeviceError(fmt::format_string<Args...> f, Args&&... args) {
  return Status(StatusCode::kDeviceError, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Status Timeout(fmt::format_string<Args...> f, Args&&... args) {
  return Status(StatusCode::kTimeout, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Status Internal(fmt::format_string<Args...> f, Args&&... args) {
  return Status(StatusCode::kInternal, fmt::format(f, std::forward<Args>(args)...));
}

// Either a T or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok() && "Result built from an ok Status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace aorta

#define AORTA_CONCAT_INNER_(a, b) a##b
#define AORTA_CONCAT_(a, b) AORTA_CONCAT_INNER_(a, b)

// Returns from the enclosing function if `expr` (a Status) is not ok.
#define AORTA_RETURN_IF_ERROR(expr)                \
  do {                                             \
    ::aorta::Status aorta_status_ = (expr);        \
    if (!aorta_status_.ok()) return aorta_status_; \
  } while (0)

// `AORTA_ASSIGN_OR_RETURN(auto x, MakeX());` — unwraps a Result or returns its Status.
#define AORTA_ASSIGN_OR_RETURN(lhs, expr) \
  AORTA_ASSIGN_OR_RETURN_IMPL_(AORTA_CONCAT_(aorta_result_, __LINE__), lhs, expr)
#define AORTA_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()
