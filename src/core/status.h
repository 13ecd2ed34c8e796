// Status and Result<T>: how every layer reports expected failures (no exceptions across layers).
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace humas {

//! Stable error codes. The API maps them to HTTP statuses and the web client translates them, so
//! never renumber or rename one; add new codes at the end.
enum class Code {
  kOk = 0,
  kInvalidArgument,     // the caller sent something malformed or out of range
  kNotFound,            // no such entity (or the caller may not know it exists)
  kAlreadyExists,       // a unique key is taken
  kPermissionDenied,    // authenticated, but the role/scope does not allow it
  kUnauthenticated,     // no or expired session
  kFailedPrecondition,  // the entity is not in a state that allows the operation
  kResourceExhausted,   // rate limit, size limit, queue full
  kConflict,            // concurrent modification (stale version)
  kUnavailable,         // a dependency is down or busy; retrying may help
  kInternal,            // a bug or a broken invariant; logged with detail
  kDataLoss,            // stored data failed an integrity check (e.g. audit chain)
};

//! Short machine name of a code, e.g. "invalid_argument"; used as the API error code.
std::string_view CodeName(Code code);

//! A success or an error with a code and a message a person can act on.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  //! Optional field name the error refers to (for form validation in the UI).
  const std::string& field() const { return field_; }
  Status& WithField(std::string field) {
    field_ = std::move(field);
    return *this;
  }
  std::string ToString() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
  std::string field_;
};

inline Status InvalidArgument(std::string msg) { return {Code::kInvalidArgument, std::move(msg)}; }
inline Status NotFound(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
inline Status AlreadyExists(std::string msg) { return {Code::kAlreadyExists, std::move(msg)}; }
inline Status PermissionDenied(std::string msg) {
  return {Code::kPermissionDenied, std::move(msg)};
}
inline Status Unauthenticated(std::string msg) { return {Code::kUnauthenticated, std::move(msg)}; }
inline Status FailedPrecondition(std::string msg) {
  return {Code::kFailedPrecondition, std::move(msg)};
}
inline Status ResourceExhausted(std::string msg) {
  return {Code::kResourceExhausted, std::move(msg)};
}
inline Status Conflict(std::string msg) { return {Code::kConflict, std::move(msg)}; }
inline Status Unavailable(std::string msg) { return {Code::kUnavailable, std::move(msg)}; }
inline Status Internal(std::string msg) { return {Code::kInternal, std::move(msg)}; }
inline Status DataLoss(std::string msg) { return {Code::kDataLoss, std::move(msg)}; }

//! A value or an error Status. Access value() only when ok().
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok() && "Result needs an error Status or a value");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace humas

//! Returns early from the enclosing function when `expr` (a Status) is an error.
#define HUMAS_RETURN_IF_ERROR(expr)                \
  do {                                             \
    ::humas::Status humas_status_ = (expr);        \
    if (!humas_status_.ok()) return humas_status_; \
  } while (0)

#define HUMAS_CONCAT_INNER(a, b) a##b
#define HUMAS_CONCAT(a, b) HUMAS_CONCAT_INNER(a, b)
//! `HUMAS_ASSIGN_OR_RETURN(auto x, Compute());` unwraps a Result or returns its Status.
#define HUMAS_ASSIGN_OR_RETURN(lhs, expr)                  \
  auto HUMAS_CONCAT(humas_result_, __LINE__) = (expr);     \
  if (!HUMAS_CONCAT(humas_result_, __LINE__).ok())         \
    return HUMAS_CONCAT(humas_result_, __LINE__).status(); \
  lhs = std::move(HUMAS_CONCAT(humas_result_, __LINE__)).value()
